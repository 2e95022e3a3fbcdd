"""BatchNorm, alone and inside the MLP, against central finite differences in float64."""
import numpy as np
import pytest

from course_lib import MLP, batchnorm, check_params, gradient_check
from course_lib.backprop import backprop_bn

TOL = 1e-7


def _bn_inputs(seed=0, n=4, m=6):
    rng = np.random.default_rng(seed)
    z = rng.normal(1.5, 2.0, size=(n, m))
    gamma = rng.uniform(0.5, 2.0, size=(n, 1))          # γ ≠ 1
    beta = rng.normal(0.0, 1.0, size=(n, 1)) + 0.7      # β ≠ 0
    G = rng.normal(size=(n, m))                          # an arbitrary upstream gradient ∂f/∂y
    return z, gamma, beta, G


def test_forward_normalizes_each_unit_over_the_batch():
    z, gamma, beta, _ = _bn_inputs()
    y, cache = batchnorm.forward(z, gamma, beta)
    np.testing.assert_allclose(cache.z_hat.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(cache.z_hat.var(axis=1), z.var(axis=1) / (z.var(axis=1) + batchnorm.EPS))
    np.testing.assert_allclose(y.mean(axis=1, keepdims=True), beta, atol=1e-12)
    np.testing.assert_allclose(y, gamma * cache.z_hat + beta)


@pytest.mark.parametrize("wrt", ["z", "gamma", "beta"])
def test_backward_matches_finite_differences(wrt):
    z, gamma, beta, G = _bn_inputs()
    arrays = {"z": z, "gamma": gamma, "beta": beta}

    def f(_):
        return float(np.sum(G * batchnorm.forward(arrays["z"], arrays["gamma"], arrays["beta"])[0]))

    _, cache = batchnorm.forward(z, gamma, beta)
    grad_z, grad_gamma, grad_beta = batchnorm.backward(G, cache)
    analytic = {"z": grad_z, "gamma": grad_gamma, "beta": grad_beta}[wrt]
    check = gradient_check(f, arrays[wrt], analytic, tol=TOL)
    assert check.passed, check


def test_backward_C_is_not_the_naive_formula():
    # The paths through the batch mean z̄ and variance matter: dropping them gives a wrong gradient.
    z, gamma, beta, G = _bn_inputs(1)
    _, cache = batchnorm.forward(z, gamma, beta)
    grad_z = batchnorm.backward(G, cache)[0]
    naive = G * gamma * cache.inv_std
    assert np.linalg.norm(naive - grad_z) > 0.1 * np.linalg.norm(grad_z)
    np.testing.assert_allclose(grad_z.sum(axis=1), 0.0, atol=1e-12)   # Σᵢ ∂f/∂zᵢ = 0


def test_inference_uses_running_statistics_and_is_per_example():
    z, gamma, beta, _ = _bn_inputs()
    mean, var = np.full((4, 1), 0.5), np.full((4, 1), 3.0)
    y = batchnorm.inference(z, gamma, beta, mean, var)
    np.testing.assert_allclose(y, gamma * (z - mean) / np.sqrt(var + batchnorm.EPS) + beta)
    np.testing.assert_allclose(batchnorm.inference(z[:, :1], gamma, beta, mean, var), y[:, :1])


def test_running_averages_follow_momentum():
    z, gamma, beta, _ = _bn_inputs()
    _, cache = batchnorm.forward(z, gamma, beta)
    mean, var = np.zeros((4, 1)), np.ones((4, 1))
    batchnorm.update_running(mean, var, cache, momentum=0.25)
    np.testing.assert_allclose(mean, 0.25 * z.mean(axis=1, keepdims=True))
    np.testing.assert_allclose(var, 0.75 + 0.25 * z.var(axis=1, keepdims=True))


def _bn_net(batch_norm, seed=3):
    rng = np.random.default_rng(seed)
    net = MLP([5, 4, 3, 3], activation=["tanh", "sigmoid"], seed=seed, batch_norm=batch_norm)
    for name in net.params:
        if name.startswith(("gamma", "beta", "b")):       # γ ≠ 1, β ≠ 0, b ≠ 0
            net.params[name] = rng.normal(0.5, 1.0, size=net.params[name].shape)
    X, y = rng.normal(size=(5, 7)), rng.integers(0, 3, size=7)
    return net, X, y


@pytest.mark.parametrize("batch_norm", [True, "all"])
def test_bn_mlp_gradients_match_finite_differences(batch_norm):
    net, X, y = _bn_net(batch_norm)
    C, grads = net.backprop(X, y)
    assert C == pytest.approx(net.cost_value(X, y, train=True))
    assert {f"gamma{l}" for l in net.bn_layers} <= set(grads)
    checks = check_params(lambda: net.cost_value(X, y, train=True), net.params, grads, tol=TOL)
    for name, check in checks.items():
        if name[0] == "b" and name[1].isdigit() and int(name[1:]) in net.bn_layers:
            continue  # a bias feeding BatchNorm: both sides are ~0, see the next test
        assert check.passed, (name, check)


@pytest.mark.parametrize("batch_norm", [True, "all"])
def test_bias_feeding_batchnorm_has_zero_gradient(batch_norm):
    net, X, y = _bn_net(batch_norm)
    _, grads = net.backprop(X, y)
    scale = max(np.abs(g).max() for g in grads.values())
    for l in range(1, net.L + 1):
        if l in net.bn_layers:
            # exactly 0 in exact arithmetic; what is left is rounding (1e-17 to 1e-13)
            assert np.abs(grads[f"b{l}"]).max() <= 1e-12 * scale, l
            before = net.cost_value(X, y, train=True)
            net.params[f"b{l}"] += 3.0            # a large shift of b changes nothing
            assert net.cost_value(X, y, train=True) == pytest.approx(before, abs=1e-13)
        else:
            assert np.abs(grads[f"b{l}"]).max() > 1e-3, l


def test_running_stats_are_not_parameters_and_move_only_when_asked():
    net, X, y = _bn_net(True)
    assert not any(k.startswith(("mean", "var")) for k in net.params)
    before = {k: v.copy() for k, v in net.bn_state.items()}
    net.backprop(X, y)
    assert all(np.array_equal(before[k], net.bn_state[k]) for k in before)
    net.backprop(X, y, update_stats=True)
    z1 = net.params["W1"] @ X + net.params["b1"]
    np.testing.assert_allclose(net.bn_state["mean1"], 0.9 * before["mean1"]
                               + 0.1 * z1.mean(axis=1, keepdims=True))


def test_forward_is_inference_by_default():
    net, X, y = _bn_net(True)
    one = net.forward(X[:, :1])
    np.testing.assert_allclose(one, net.forward(X)[:, :1])               # per example
    assert not np.allclose(net.forward(X, train=True), net.forward(X))   # batch statistics


def test_backprop_bn_without_bn_layers_equals_plain_backprop():
    net, X, y = _bn_net(False)
    from course_lib.network import one_hot
    C1, g1 = net.backprop(X, y)
    C2, g2, _ = backprop_bn(net.params, X, one_hot(y, 3), net.activations, net.cost, set())
    assert C1 == C2
    assert all(np.array_equal(g1[k], g2[k]) for k in g1)


@pytest.mark.parametrize("kwargs", [{"batch_norm": "yes"}, {"batch_norm": True, "bn_momentum": 1.5},
                                    {"batch_norm": True, "bn_eps": 0.0},
                                    {"activation": ["relu"]}])
def test_bad_options_raise(kwargs):
    with pytest.raises(ValueError):
        MLP([4, 3, 3, 2], **kwargs)


def test_parameter_counts_match_the_source_article():
    # 64-32-16-10 with BatchNorm after every layer: linear 1 = 2080, BN 1 = 64, ...
    net = MLP([64, 32, 16, 10], activation=["sigmoid", "relu"], batch_norm="all")
    counts = net.n_params()
    assert counts["W1"] + counts["b1"] == 2080 and counts["gamma1"] + counts["beta1"] == 64
    assert counts["W2"] + counts["b2"] == 528 and counts["gamma2"] + counts["beta2"] == 32
