"""Notebooks 05–06: the claims their check cells assert, tested here where they can fail.

- fan-out: `=` instead of `+=` gives a wrong dc/da; `+=` gives the right one;
- order: a backward pass that visits a node before a node that uses it gives a wrong gradient;
- speed: central differences need exactly 2n cost evaluations against backprop's one, and the
  time ratio grows with the number of parameters n;
- initialisation: MLP draws N(0, 2/nˡ⁻¹) for ReLU-family hidden layers, N(0, 1/nˡ⁻¹) otherwise;
- 06's graphs are readable from the back row (12 pt text, at most 6.2 in wide).
"""
import os

os.environ.setdefault("MPLBACKEND", "Agg")     # before matplotlib is imported (the widget test)

import numpy as np
import pytest

from course_lib import MLP, digits_split
from course_lib import graph as g


# -- fan-out: the gradients of a value used twice add up --------------------------------------
def doubled_twice():
    a = g.Node(1.0, "a")
    b = (a + a).named("b")
    c = (b + b).named("c")
    return a, b, c


def test_plus_equals_gives_dc_da_4_and_equals_gives_1():
    a, b, c = doubled_twice()
    g.backward(c)
    assert (a.grad, b.grad) == (4.0, 2.0)          # c = 4a: exact in floating point
    a, b, c = doubled_twice()
    g.backward_in(c, reversed(g.topological_order(c)), add=True)
    assert a.grad == 4.0
    a, b, c = doubled_twice()
    g.backward_in(c, reversed(g.topological_order(c)), add=False)
    assert (a.grad, b.grad) == (1.0, 1.0)          # each edge overwrote the other: one path only


def test_equals_is_right_without_fan_out():
    """Without a shared value there is nothing to add: `=` and `+=` agree (the demo is fair)."""
    x = g.Node(0.3, "x")
    out = g.sigmoid(x * 2.0 + 1.0)
    g.backward_in(out, reversed(g.topological_order(out)), add=False)
    with_equals = x.grad
    g.backward(out)
    assert with_equals == x.grad


# -- the order of the backward pass -------------------------------------------------------------
def cube():
    a = g.Node(2.0, "a")
    b = (a * a).named("b")                          # b = a², used by c
    c = (b * a).named("c")                          # c = a³: a reaches c directly and through b
    return a, b, c


def test_topological_order_is_right_and_forward_order_is_wrong():
    a, b, c = cube()
    g.backward_in(c, reversed(g.topological_order(c)))
    assert a.grad == 12.0                           # 3a² at a = 2 (exact: small integers)
    a, b, c = cube()
    g.backward_in(c, g.topological_order(c))        # inputs first: b passes on before c reached it
    assert a.grad == 4.0 and b.grad == 2.0
    a, b, c = cube()
    g.backward_in(c, [c, a, b])                     # any order with every user first is right
    assert a.grad == 12.0


def test_backward_in_refuses_an_incomplete_order():
    a, b, c = cube()
    with pytest.raises(ValueError, match="exactly once"):
        g.backward_in(c, [c, b])
    with pytest.raises(ValueError, match="exactly once"):
        g.backward_in(c, [c, b, b])


# -- why backprop is fast -------------------------------------------------------------------
@pytest.fixture(scope="module")
def batch():
    split = digits_split("stratified")
    return split.X_train[:, :100], split.Y_train[:, :100]


def test_both_ways_give_the_same_gradient_and_exact_counts(batch):
    X, Y = batch
    net = MLP([64, 8, 4, 10], seed=0)
    n = sum(v.size for v in net.params.values())
    before = {k: v.copy() for k, v in net.params.items()}
    bp, bp_count = g.backprop_evaluations(net, X, Y)
    fd, fd_count = g.finite_difference_evaluations(net, X, Y)
    assert (bp_count, fd_count) == (1, 2 * n)
    assert all(np.array_equal(before[k], net.params[k]) for k in before)     # restored
    for k in bp:
        assert np.abs(bp[k] - fd[k]).max() <= 1e-6 * np.abs(bp[k]).max() + 1e-10, k


def test_multiply_adds_count_two_products_per_layer_but_the_first():
    fwd, bwd = g.multiply_adds([64, 32, 16, 10], 100)
    assert fwd == 100 * (64 * 32 + 32 * 16 + 16 * 10)
    assert bwd == 2 * fwd - 100 * 64 * 32
    fwd, bwd = g.multiply_adds([50] * 11, 1)        # ten equal layers: the ratio nears 2
    assert bwd / fwd == pytest.approx(1.9)


def test_finite_difference_cost_over_backprop_grows_with_n(batch):
    X, Y = batch
    # three measurements per size, the median ratio kept: fd_s is one run of all 2n
    # evaluations, and a single run beside other work once gave a slope of 0.56
    runs = [[g.gradient_timings(MLP([64, 2 * k, k, 10], seed=0), X, Y, repeats=7)
             for k in (2, 8, 32)] for _ in range(3)]
    rows = runs[0]
    n = np.array([r["n"] for r in rows], float)
    assert [r["fd_evaluations"] for r in rows] == [2 * r["n"] for r in rows]
    assert all(r["backprop_evaluations"] == 1 for r in rows)
    ratio = np.median([[r["fd_s"] / r["backprop_s"] for r in rs] for rs in runs], axis=0)
    slope = np.polyfit(np.log(n), np.log(ratio), 1)[0]
    # 2n forward passes against about 3: proportional to n (slope 1); the margin absorbs a
    # forward pass that gets dearer with n and a busy machine
    assert 0.6 < slope < 1.5, (n, ratio)
    assert np.all(ratio > n / 20), (n, ratio)      # prediction 2n / 3; 7x margin


def test_finite_differences_refuse_batch_norm(batch):
    X, Y = batch
    with pytest.raises(ValueError, match="BatchNorm"):
        g.finite_difference_evaluations(MLP([64, 4, 10], batch_norm=True), X, Y)


# -- initialisation: what MLP draws ---------------------------------------------------------
@pytest.mark.parametrize("activation, hidden_gain", [("relu", 2.0), ("leaky_relu", 2.0),
                                                     ("sigmoid", 1.0), ("tanh", 1.0)])
def test_init_variance_is_gain_over_fan_in(activation, hidden_gain):
    sizes = [64, 128, 96, 10]
    for seed in range(5):
        net = MLP(sizes, activation=activation, seed=seed)
        for l in (1, 2, 3):
            W = net.params[f"W{l}"]
            gain = hidden_gain if l < 3 else 1.0      # the output layer: always 1/n_in
            stated = gain / sizes[l - 1]
            margin = 5 * np.sqrt(2 / (W.size - 1))    # 5 standard errors of a sample variance
            assert abs(W.var() / stated - 1) < margin, (activation, seed, l)
            assert abs(W.mean()) < 5 * np.sqrt(stated / W.size)
            assert np.all(net.params[f"b{l}"] == 0)


def test_init_variance_check_can_fail():
    """The margin tells He from LeCun: 1/n_in is refused for a ReLU layer."""
    W = MLP([64, 128, 10], activation="relu", seed=0).params["W1"]
    margin = 5 * np.sqrt(2 / (W.size - 1))
    assert abs(W.var() / (1 / 64) - 1) > 10 * margin


# -- figures for the back row: 06's graphs ---------------------------------------------------
@pytest.mark.usefixtures("strict_warnings")
@pytest.mark.parametrize("example", ["neuron", "shared"])
def test_graph_explorer_text_is_at_least_12_pt_and_fits(example):
    from matplotlib.text import Text

    from course_lib.widgets import graph_explorer
    w = graph_explorer(example)
    texts = [t for t in w.fig.findobj(Text) if t.get_text()]
    assert len(texts) > 10
    assert min(t.get_fontsize() for t in texts) >= 12
    assert w.fig.get_figwidth() <= 6.2


def test_gradient_timings_repeats_only_short_finite_difference_runs():
    split = digits_split("stratified")
    X, Y = split.X_train[:, :20], split.Y_train[:, :20]
    net = MLP([64, 2, 10], seed=0)
    calls = []
    real = g.finite_difference_evaluations

    def counted(*args):
        calls.append(1)
        return real(*args)

    g.finite_difference_evaluations = counted
    try:
        r = g.gradient_timings(net, X, Y, repeats=3, fd_budget=60.0, fd_runs=3)
        assert len(calls) == 3 and r["fd_evaluations"] == 2 * r["n"]   # short: the median of 3
        calls.clear()
        g.gradient_timings(net, X, Y, repeats=3, fd_budget=1e-9, fd_runs=3)
        assert len(calls) == 1                          # over the budget after one run: one run
    finally:
        g.finite_difference_evaluations = real
    for bad in ({"repeats": 0}, {"fd_runs": 1.5}, {"fd_budget": -1.0}):
        with pytest.raises((ValueError, TypeError), match=next(iter(bad))):
            g.gradient_timings(net, X, Y, **bad)
