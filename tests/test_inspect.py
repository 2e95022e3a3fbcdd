"""The δ inspector and the saturation experiment, against finite differences and against
MLP.backprop (an independent path through the same equations)."""
import numpy as np
import pytest

from course_lib import MLP, check_params
from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.inspector import (backprop_trace, cost_from_layer, demon_nudge, inspect_layers,
                                  numerical_delta, saturation, saturation_data, scaled_network,
                                  toy_problem)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "elu"])
@pytest.mark.parametrize("seed", [0, 7])
def test_inspector_gradients_agree_with_finite_differences(activation, seed):
    net, X, y = toy_problem(seed, activation)
    for r in inspect_layers(net, X, y):
        assert max(r.errors.values()) < 1e-7, (r.layer, r.errors)
        assert r.delta.shape == (net.sizes[r.layer], X.shape[1])
        assert r.grad_W.shape == net.params[f"W{r.layer}"].shape


def test_inspector_numeric_side_is_independent_and_net_unchanged():
    net, X, y = toy_problem(3, "tanh")
    before = {k: v.copy() for k, v in net.params.items()}
    reports = inspect_layers(net, X, y)
    for k in before:
        np.testing.assert_array_equal(net.params[k], before[k])
    # numeric W gradient from gradcheck directly, not through the inspector
    Y = net.check_Y(y, X.shape[1])
    direct = numerical_gradient(lambda _w: net.cost_value(X, Y), net.params["W2"])
    assert relative_error(reports[1].grad_W_numeric, direct) < 1e-12


def test_inspector_detects_a_wrong_gradient():
    """A sabotaged BP2 (σ' left out) must show up as a large relative error."""
    net, X, y = toy_problem(1, "sigmoid")
    trace = backprop_trace(net, X, y)
    wrong = net.params["W2"].T @ trace.deltas[2]          # missing ⊙ σ'(z¹)
    assert relative_error(wrong, numerical_delta(net, X, y, 1)) > 0.1


def test_trace_matches_mlp_backprop_and_check_params():
    net, X, y = toy_problem(2, "sigmoid")
    C, grads = net.backprop(X, y)
    trace = backprop_trace(net, X, y)
    assert trace.cost == C
    for k in grads:
        np.testing.assert_allclose(trace.grads[k], grads[k], rtol=1e-12, atol=1e-15)
    Y = net.check_Y(y, X.shape[1])
    checks = check_params(lambda: net.cost_value(X, Y), net.params, trace.grads)
    assert all(c.passed for c in checks.values())


def test_cost_from_layer_restarts_the_forward_pass():
    net, X, y = toy_problem(4, "tanh")
    Y = net.check_Y(y, X.shape[1])
    zs, _ = net.feedforward(X)
    for l in range(1, net.L + 1):
        assert cost_from_layer(net, l, zs[l], Y) == pytest.approx(net.cost_value(X, Y), rel=1e-14)


@pytest.mark.parametrize("l, j, x", [(1, 2, 0), (2, 0, 3), (3, 1, 5)])
def test_demon_nudge_changes_cost_by_delta_dz(l, j, x):
    net, X, y = toy_problem(0, "sigmoid")
    for dz in (1e-3, -1e-3):
        n = demon_nudge(net, X, y, l, j, x, dz)
        assert n.change == pytest.approx(n.predicted, rel=1e-2)
    # the agreement improves like dz (first-order Taylor): 10× smaller nudge, ~10× smaller error
    big, small = demon_nudge(net, X, y, l, j, x, 1e-2), demon_nudge(net, X, y, l, j, x, 1e-3)
    assert abs(small.change - small.predicted) < abs(big.change - big.predicted) / 5


@pytest.mark.parametrize("kwargs, message", [
    (dict(l=0, j=0), "layer"), (dict(l=4, j=0), "layer"), (dict(l=1, j=5), "neuron"),
    (dict(l=1, j=0, x=6), "example"),
])
def test_demon_nudge_rejects_bad_indices(kwargs, message):
    net, X, y = toy_problem(0)
    with pytest.raises(ValueError, match=message):
        demon_nudge(net, X, y, **kwargs)


def test_scaled_network_scales_only_weights():
    base, big = MLP([64, 32, 32, 32, 32, 10], seed=0), scaled_network(4.0)
    np.testing.assert_allclose(big.params["W3"], 4.0 * base.params["W3"])
    np.testing.assert_array_equal(big.params["b3"], 0.0)
    with pytest.raises(ValueError, match="scale"):
        scaled_network(0.0)
    with pytest.raises(ValueError, match="activation"):
        saturation(1.0, "softmax")


def test_saturation_measurements_are_the_networks_own():
    data = saturation_data()
    r = saturation(2.0, "sigmoid", data)
    net = scaled_network(2.0)
    _, grads = net.backprop(*data)
    np.testing.assert_allclose(r.grad_norms, [np.linalg.norm(grads[f"W{l}"]) for l in range(1, net.L + 1)],
                               rtol=1e-12)
    zs, _ = net.feedforward(data[0])
    s = net.activations[1].prime(zs[1])
    np.testing.assert_allclose(r.sigma_prime[0], s.ravel())
    assert r.saturated[0] == np.mean(s < 1e-3)


def test_sigmoid_gradients_vanish_toward_the_input_and_with_small_weights():
    data = saturation_data()
    one, quarter = saturation(1.0, "sigmoid", data), saturation(0.25, "sigmoid", data)
    assert one.grad_norms[0] < one.grad_norms[-1] / 100      # layer 1 ≪ layer 5
    assert quarter.grad_norms[0] < one.grad_norms[0] / 100   # shrinking W: vanishes further
    assert np.all(np.diff(np.log(one.grad_norms)) > 0)       # grows layer by layer to the output


def test_large_weights_saturate_sigmoid_units():
    data = saturation_data()
    one, big = saturation(1.0, "sigmoid", data), saturation(16.0, "sigmoid", data)
    assert np.all([np.median(s) > 0.2 for s in one.sigma_prime])
    assert np.all(one.saturated == 0)
    assert np.median(big.sigma_prime[2]) < np.median(one.sigma_prime[2]) / 1000
    assert big.saturated[2] > 0.5
    # the typical unit's |δ| against its layer's rms: at scale 16 most units are saturated and
    # pass almost nothing back; at scale 1 the typical unit carries a fair share
    assert (np.median(big.median_delta[:-1] / big.delta_rms[:-1]) < 0.02 < 0.3
            < np.median(one.median_delta[:-1] / one.delta_rms[:-1]))
