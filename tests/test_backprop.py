"""The full backprop against central finite differences, and the four equations against it."""
import numpy as np
import pytest

from course_lib import MLP, activations
from course_lib.backprop import (backprop, bias_gradient, feedforward, hidden_error, output_error,
                                 weight_gradient)
from course_lib.gradcheck import check_params

HEADS = [("softmax", "cross_entropy"), ("sigmoid", "quadratic"), ("sigmoid", "binary_cross_entropy")]


def batch(net, m, rng):
    X = rng.normal(size=(net.sizes[0], m))
    n = net.sizes[-1]
    if net.cost.name == "cross_entropy":
        Y = np.eye(n)[:, rng.integers(0, n, size=m)]
    else:
        Y = rng.integers(0, 2, size=(n, m)).astype(float)
    return X, Y


@pytest.mark.parametrize("output, cost", HEADS)
@pytest.mark.parametrize("activation", activations.HIDDEN)
def test_backprop_matches_finite_differences(activation, output, cost):
    net = MLP([4, 5, 3, 3], activation=activation, output=output, cost=cost, seed=3)
    rng = np.random.default_rng(7)
    X, Y = batch(net, 6, rng)
    if activation in ("relu", "leaky_relu", "elu"):
        # keep every hidden pre-activation away from the kink at 0
        zs, _ = net.feedforward(X)
        assert min(np.abs(z).min() for z in zs[1:-1]) > 1e-4
    C, grads = net.backprop(X, Y)
    assert C == pytest.approx(net.cost_value(X, Y))
    for name, check in check_params(lambda: net.cost_value(X, Y), net.params, grads).items():
        assert check.rel_error <= 1e-7, (name, check)


def test_four_functions_rebuild_backprop():
    net = MLP([3, 4, 4, 2], activation="tanh", seed=1)
    rng = np.random.default_rng(8)
    X, Y = batch(net, 5, rng)
    zs, acts = feedforward(net.params, X, net.activations)
    W, sig = net.params, net.activations
    d3 = output_error(net.cost, zs[3], acts[3], Y, sig[3])                  # BP1
    assert np.allclose(d3, acts[3] - Y)                                      # softmax + CE
    d2 = hidden_error(W["W3"], d3, zs[2], sig[2])                            # BP2
    assert np.allclose(d2, (W["W3"].T @ d3) * (1 - np.tanh(zs[2]) ** 2))
    d1 = hidden_error(W["W2"], d2, zs[1], sig[1])
    _, grads = backprop(net.params, X, Y, net.activations, net.cost)
    for l, d in ((1, d1), (2, d2), (3, d3)):
        assert np.allclose(grads[f"b{l}"], bias_gradient(d))               # BP3
        assert np.allclose(grads[f"W{l}"], weight_gradient(d, acts[l - 1]))  # BP4
        # BP4 entry by entry: ∂C/∂w_jk = mean over the batch of a_k^{l-1} δ_j^l
        j, k = 1, 0
        assert grads[f"W{l}"][j, k] == pytest.approx(np.mean(acts[l - 1][k] * d[j]))
        assert grads[f"b{l}"].shape == W[f"b{l}"].shape


def test_backprop_changes_nothing_and_shapes_match():
    net = MLP([4, 3, 2], seed=0)
    before = {k: v.copy() for k, v in net.params.items()}
    X, Y = batch(net, 3, np.random.default_rng(0))
    _, grads = net.backprop(X, Y)
    assert all(np.array_equal(before[k], net.params[k]) for k in before)
    assert list(grads) == list(net.params)
    assert all(grads[k].shape == net.params[k].shape for k in grads)


def test_labels_and_one_hot_give_the_same_gradient():
    net = MLP([4, 3, 3], seed=2)
    rng = np.random.default_rng(1)
    X, labels = rng.normal(size=(4, 5)), np.array([0, 2, 1, 1, 0])
    C1, g1 = net.backprop(X, labels)
    C2, g2 = net.backprop(X, np.eye(3)[:, labels])
    assert C1 == C2 and all(np.array_equal(g1[k], g2[k]) for k in g1)


def test_same_seed_same_numbers():
    X = np.random.default_rng(0).normal(size=(4, 7))
    a, b, c = (MLP([4, 6, 3], seed=s) for s in (5, 5, 6))
    assert np.array_equal(a.forward(X), b.forward(X))
    assert not np.array_equal(a.forward(X), c.forward(X))
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)


def test_predict_and_accuracy():
    net = MLP([2, 3], activation="identity", output="identity", cost="quadratic")
    net.params["W1"][:] = [[1, 0], [0, 1], [-1, -1]]
    X = np.array([[2.0, 0.0, -3.0], [0.0, 1.0, -1.0]])
    assert list(net.predict(X)) == [0, 1, 2]
    assert net.accuracy(X, [0, 1, 1]) == pytest.approx(2 / 3)
