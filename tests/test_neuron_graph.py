"""A single neuron, the bias trick, layer shapes, and the scalar computational graph, each
checked against an independent computation (plain numpy, finite differences)."""
import math

import numpy as np
import pytest

from course_lib import MLP, activations
from course_lib import graph as g
from course_lib.neuron import fold_bias, layer, neuron, shape_trace, with_ones


def test_neuron_matches_formula_and_batches():
    rng = np.random.default_rng(0)
    w, X, b = rng.normal(size=3), rng.normal(size=(3, 5)), 0.7
    expected = 1 / (1 + np.exp(-(w @ X + b)))
    np.testing.assert_allclose(neuron(w, X, b), expected, rtol=1e-14)
    assert neuron(w, X[:, 2], b) == pytest.approx(expected[2], rel=1e-14)
    assert neuron(w, X[:, 0], b, "relu") == max(w @ X[:, 0] + b, 0.0)


def test_bias_trick_gives_the_same_z():
    rng = np.random.default_rng(1)
    W, b, X = rng.normal(size=(4, 3)), rng.normal(size=(4, 1)), rng.normal(size=(3, 6))
    assert with_ones(X).shape == (4, 6) and fold_bias(W, b).shape == (4, 4)
    np.testing.assert_allclose(fold_bias(W, b) @ with_ones(X), W @ X + b, rtol=1e-13, atol=1e-14)


def test_layer_and_shape_trace_follow_mlp():
    net = MLP([3, 5, 2], activation="tanh", seed=3)
    X = np.random.default_rng(3).normal(size=(3, 7))
    z1, a1 = layer(net.params["W1"], net.params["b1"], X, "tanh")
    zs, acts = net.feedforward(X)
    np.testing.assert_allclose(z1, zs[1], rtol=1e-14)
    np.testing.assert_allclose(a1, acts[1], rtol=1e-14)
    trace = shape_trace(net.params, X)
    shapes = {name.split(" ")[0]: shape for name, _, shape in trace}
    assert shapes["z¹"] == (5, 7) and shapes["a²"] == (2, 7) and shapes["W²"] == (2, 5)


@pytest.mark.parametrize("call, message", [
    (lambda: neuron(np.ones(3), np.ones(2), 0.0), "expected \\(3,\\)"),
    (lambda: neuron(np.ones((2, 2)), np.ones(2), 0.0), "w has shape"),
    (lambda: fold_bias(np.ones((3, 2)), np.ones((2, 1))), "b has shape"),
    (lambda: layer(np.ones((3, 2)), np.ones((3, 1)), np.ones((4, 5))), "A has shape"),
    (lambda: shape_trace({"W1": np.ones((3, 2)), "b1": np.ones((3, 1))}, np.ones((4, 1))),
     "W1 has shape"),
    (lambda: neuron(np.ones(2), np.array([1.0, np.nan]), 0.0), "NaN"),
])
def test_bad_shapes_raise_valueerror(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- the computational graph -----------------------------------------------------------------
def one_neuron(w, x, b, y):
    z = (w * x + b).named("z")
    a = g.sigmoid(z).named("a")
    return (0.5 * (a - y) ** 2).named("C")


def two_layers(w1, b1, w2, b2, x, y):
    a1 = g.sigmoid(w1 * x + b1)
    a2 = g.sigmoid(w2 * a1 + b2)
    return (a2 - y) ** 2


def used_twice(w, x):
    # w appears in two places: the gradient with respect to w is the sum over both paths
    h = g.sigmoid(w * x)
    return h * w + g.log(1 + g.exp(-w * h))


@pytest.mark.parametrize("build, inputs", [
    (one_neuron, dict(w=0.5, x=1.5, b=-0.2, y=1.0)),
    (two_layers, dict(w1=-1.2, b1=0.3, w2=2.0, b2=-0.5, x=0.8, y=0.1)),
    (used_twice, dict(w=0.9, x=-1.7)),
])
def test_graph_gradients_match_finite_differences(build, inputs):
    out, grads, _ = g.gradients(build, inputs)
    numeric = g.numeric_gradients(build, inputs)
    errors = g.relative_errors(grads, numeric)
    assert max(errors.values()) < 1e-8, errors
    assert out.value == pytest.approx(build(**{k: g.Node(v) for k, v in inputs.items()}).value)


def test_one_neuron_gradients_by_formula():
    w, x, b, y = 0.5, 1.5, -0.2, 1.0
    _, grads, _ = g.gradients(one_neuron, dict(w=w, x=x, b=b, y=y))
    a = 1 / (1 + math.exp(-(w * x + b)))
    delta = (a - y) * a * (1 - a)
    assert grads["b"] == pytest.approx(delta, rel=1e-14)
    assert grads["w"] == pytest.approx(delta * x, rel=1e-14)


def test_a_variable_used_twice_gets_the_sum_of_both_paths():
    x = g.Node(3.0, "x")
    out = x * x + x          # d/dx = 2x + 1
    g.backward(out)
    assert x.grad == 7.0
    # one path alone is not the gradient
    y = g.Node(3.0, "y")
    out = (y * 2.0) * y      # 2y², derivative 4y: 2y along one path, 2y along the other
    g.backward(out)
    assert y.grad == 12.0


def test_backward_twice_does_not_accumulate():
    w = g.Node(2.0, "w")
    out = w * w
    g.backward(out)
    g.backward(out)
    assert w.grad == 4.0


def test_table_lists_values_local_derivatives_and_upstream_gradients():
    out, grads, nodes = g.gradients(one_neuron, dict(w=0.5, x=1.5, b=-0.2, y=1.0))
    rows = {r[0]: r for r in g.table(out)}
    a = rows["a"]
    assert a[2] == pytest.approx(activations.sigmoid(np.array(0.55)))
    assert "∂/∂z" in a[3]
    assert rows["C"][4] == 1.0 and rows["w"][4] == grads["w"]
    assert "∂out/∂node" in g.format_table(out)


def test_graph_rejects_bad_values():
    with pytest.raises(ValueError, match="finite number"):
        g.Node(float("nan"), "x")
    with pytest.raises(ValueError, match="positive"):
        g.log(g.Node(-1.0))
    with pytest.raises(ValueError, match="exponent"):
        g.Node(1.0) ** g.Node(2.0)


def test_sigmoid_node_is_stable_for_large_inputs():
    assert g.sigmoid(g.Node(-800.0)).value == 0.0
    assert g.sigmoid(g.Node(800.0)).value == 1.0
