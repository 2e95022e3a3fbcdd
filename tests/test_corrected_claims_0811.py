"""The corrected claims of notebooks 08–11, each against an independent computation:

- 09: the relative error of unrelated vectors is √2/2 ≈ 0.71, not 1;
- 09: float32 central differences do have a useful h, with a typical error of a few 1e-6;
- 08: the learning slowdown compared fairly, each cost at its own best learning rate;
- 11: with batch statistics δˡ = m ∂C/∂zˡ, against central differences of the batch cost;
- 11: the running variance averages the biased batch variance (torch: the unbiased one);
- 10: the drawings of the matrix functions are the networks that compute their gradients.
"""
import numpy as np
import pytest

from course_lib import MLP, activations, batchnorm, hidden_error, one_hot, output_error
from course_lib import matrix_functions as mf
from course_lib.backprop import batchnorm_error, feedforward_bn
from course_lib.gradcheck import (central_difference_errors, numerical_gradient, relative_error,
                                  unrelated_errors)
from course_lib.widgets.activations_widgets import steps_to_reach, train_sigmoid_neuron
from course_lib.widgets.gradcheck_widgets import best_h


# -- 09: unrelated vectors ---------------------------------------------------------------------

@pytest.mark.parametrize("n", [100, 1000])
def test_unrelated_vectors_read_about_0_71(n):
    errors = unrelated_errors(n, draws=2000, seed=1)
    se = errors.std() / np.sqrt(errors.size)
    assert abs(errors.mean() - np.sqrt(2) / 2) < 4 * se          # statistical margin: 4 standard errors
    assert errors.std() < 0.5 / np.sqrt(n)                         # the spread shrinks like 1/√n


def test_unrelated_errors_is_the_relative_error_of_independent_pairs():
    rng = np.random.default_rng(3)
    g, g_hat = rng.normal(size=(2, 5, 20))
    assert np.array_equal(unrelated_errors(20, draws=5, seed=3),
                          [relative_error(a, b) for a, b in zip(g, g_hat)])


def test_relative_error_is_one_for_opposite_and_for_zero():
    g = np.array([1.0, -2.0, 3.0])
    assert relative_error(g, -g) == 1.0 and relative_error(g, np.zeros(3)) == 1.0
    # orthogonal vectors of equal norm: exactly the √2/2 of the notebook's derivation
    assert abs(relative_error([1.0, 2.0], [2.0, -1.0]) - np.sqrt(2) / 2) < 1e-15


# -- 09: float32 -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_float32_central_differences_have_a_useful_h(name):
    act = activations.get(name)
    xs = np.random.default_rng(0).uniform(-3, 3, 1000)
    hs = np.logspace(-10, 0, 101)
    h32, e32 = best_h(hs, central_difference_errors(act, act.prime, xs, hs, np.float32))
    h64, e64 = best_h(hs, central_difference_errors(act, act.prime, xs, hs, np.float64))
    # measured: best h ≈ 3e-3–5e-3, typical (median) error ≈ 4e-6–1e-5; the error model
    # h* = (3u)^(1/3) ≈ 6e-3 with u = 2⁻²⁴. Far from "no useful h", far from float64 too.
    assert 1e-3 <= h32 <= 3e-2
    assert 1e-6 < e32 < 2e-5
    assert 1e-6 <= h64 <= 3e-5 and e64 < 1e-10


def test_float32_errors_are_measured_in_float32():
    xs = np.linspace(-2, 2, 11)
    e32 = central_difference_errors(np.exp, np.exp, xs, [1e-4], np.float32)
    e64 = central_difference_errors(np.exp, np.exp, xs, [1e-4], np.float64)
    assert e32[0] > 1e3 * e64[0]


# -- 08: the slowdown, compared fairly ---------------------------------------------------------

def settling_step(a, y, tol=0.05):
    outside = np.flatnonzero(np.abs(a - y) >= tol)
    if outside.size == 0:
        return 0
    return None if outside[-1] == len(a) - 1 else int(outside[-1] + 1)


LRS = np.logspace(-1, 2.5, 36)


def best_lr(cost, w0):
    steps = [settling_step(train_sigmoid_neuron(cost, w=w0, b=w0, y=0.2, lr=lr, steps=2000)["a"], 0.2)
             for lr in LRS]
    t, lr = min((t, lr) for t, lr in zip(steps, LRS) if t is not None)
    return t, lr, steps


def test_slowdown_at_the_same_learning_rate():
    quad = train_sigmoid_neuron("quadratic", w=2.0, b=2.0, lr=0.15, steps=2000)["a"]
    ce = train_sigmoid_neuron("binary_cross_entropy", w=2.0, b=2.0, lr=0.15, steps=2000)["a"]
    t_quad, t_ce = steps_to_reach(quad, 0.0, 0.1), steps_to_reach(ce, 0.0, 0.1)
    assert 460 <= t_quad <= 480 and 48 <= t_ce <= 52                  # 469 and 50: 9.4×
    # target 0: nothing limits η; at 4η the quadratic cost still needs > 2× the steps
    t_quad_4x = steps_to_reach(train_sigmoid_neuron("quadratic", w=2.0, b=2.0, lr=0.6, steps=2000)["a"],
                               0.0, 0.1)
    assert 110 <= t_quad_4x <= 125 and t_quad_4x > 2 * t_ce


def test_slowdown_each_cost_at_its_own_best_learning_rate():
    tq2, lq2, sq2 = best_lr("quadratic", 2.0)
    tc2, lc2, sc2 = best_lr("binary_cross_entropy", 2.0)
    tq3, _, sq3 = best_lr("quadratic", 3.0)
    tc3, _, _ = best_lr("binary_cross_entropy", 3.0)
    assert sq2[0] > 5 * sc2[0]                  # same small η: several-fold slower
    assert tq2 <= tc2 + 2 and tc2 <= 3          # z = 4, each at its best: a step or so apart
    assert lq2 > 5 * lc2                        # thanks to a > 5× larger η
    assert tq3 >= 5 * tc3 and tc3 <= 3          # z = 6: ≥ 5× slower even at its best η
    for steps in (sq2, sq3):                    # the quadratic cost's η is capped
        assert all(s is None for s, lr in zip(steps, LRS) if lr >= 100)


# -- 11: δ with batch statistics ---------------------------------------------------------------

@pytest.mark.parametrize("seed,m", [(4, 6), (7, 3), (8, 10)])
def test_batchnorm_delta_is_m_times_the_batch_gradient(seed, m):
    rng = np.random.default_rng(seed)
    net = MLP([5, 4, 3], activation="tanh", batch_norm=True, seed=seed)
    p = net.params
    p["gamma1"], p["beta1"] = rng.normal(1.0, 0.5, size=(4, 1)), rng.normal(0.0, 0.5, size=(4, 1))
    X, Y = rng.normal(size=(5, m)), one_hot(rng.integers(0, 3, size=m), 3)
    zs, z_bns, acts, caches = feedforward_bn(p, X, net.activations, net.bn_layers)
    delta2 = output_error(net.cost, z_bns[2], acts[2], Y, net.activations[2])
    delta1, _, _ = batchnorm_error(hidden_error(p["W2"], delta2, z_bns[1], net.activations[1]),
                                   caches[1])

    def cost(z1, columns=slice(None)):
        a1 = net.activations[1](batchnorm.forward(z1, p["gamma1"], p["beta1"])[0])
        z2 = p["W2"] @ a1 + p["b2"]
        return net.cost.value(net.activations[2](z2)[:, columns], Y[:, columns], z2[:, columns])

    z1 = zs[1].copy()
    dC = numerical_gradient(cost, z1)
    assert relative_error(delta1, m * dC) <= 1e-7
    assert relative_error(delta1, dC) > 0.3                          # (m − 1)/(m + 1) ≥ 0.5
    dC1 = numerical_gradient(lambda z: cost(z, slice(0, 1)), z1)     # one example's cost
    assert np.all(np.abs(dC1).max(axis=0) > 1e-6)                     # depends on every column
    # and the weight gradient BP4 builds from δ¹ is the batch cost's gradient
    grads = net.backprop(X, Y)[1]
    assert relative_error(grads["W1"], dC @ X.T) <= 1e-7


# -- 11: the running variance ------------------------------------------------------------------

def test_running_variance_averages_the_biased_batch_variance():
    rng = np.random.default_rng(2)
    run_mean, run_var = np.zeros((3, 1)), np.ones((3, 1))
    expect_mean, expect_biased, expect_unbiased = np.zeros((3, 1)), np.ones((3, 1)), np.ones((3, 1))
    momentum = 0.1
    for _ in range(5):
        z = rng.normal(1.0, 2.0, size=(3, 4))
        _, cache = batchnorm.forward(z, np.ones((3, 1)), np.zeros((3, 1)))
        batchnorm.update_running(run_mean, run_var, cache, momentum=momentum)
        expect_mean = (1 - momentum) * expect_mean + momentum * z.mean(axis=1, keepdims=True)
        expect_biased = (1 - momentum) * expect_biased + momentum * z.var(axis=1, keepdims=True)
        expect_unbiased = (1 - momentum) * expect_unbiased + momentum * z.var(axis=1, ddof=1,
                                                                              keepdims=True)
    np.testing.assert_allclose(run_mean, expect_mean, rtol=1e-13)
    np.testing.assert_allclose(run_var, expect_biased, rtol=1e-13)      # the stated convention
    assert np.all(expect_unbiased > run_var * 1.01)                    # torch's differs (m = 4)


def test_running_variance_convention_is_documented():
    for text in (batchnorm.__doc__, batchnorm.update_running.__doc__):
        assert "biased" in text and "m/(m − 1)" in text


# -- 10: the drawings ---------------------------------------------------------------------------

def test_drawings_match_the_networks():
    rng = np.random.default_rng(0)
    s, x, A = rng.normal(size=(4, 6)), rng.normal(size=(5, 6)), rng.normal(size=(5, 4))
    networks = {"sparse coding": mf.SparseCoding(s, x).network(A),
                "topographic": mf.TopographicPenalty(np.ones((3, 4))).network(),
                "ICA": mf.ICAReconstruction(x).network(rng.normal(size=(3, 5)))}
    assert set(networks) == set(mf.DIAGRAMS)
    for name, net in networks.items():
        layers = mf.DIAGRAMS[name]["layers"]
        assert [f for _, f, _ in layers] == [f"f = {act.formula}" for act in net.activations]
        assert [w == "I" for _, _, w in layers[:-1]] == [W is None for W in net.weights]
        assert layers[-1][2] is None


def test_draw_network_draws_every_layer():
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    fig = Figure()
    axes = fig.subplots(1, len(mf.DIAGRAMS))
    for ax, name in zip(axes, mf.DIAGRAMS):
        mf.draw_network(ax, name)
        texts = [t.get_text() for t in ax.texts]
        for z, f, _ in mf.DIAGRAMS[name]["layers"]:
            assert f"{z}\n{f}" in texts
        assert "J" in texts
