"""The bug zoo: every buggy variant is caught, and its correct counterpart passes, by the same
check functions notebook 09 uses."""
import numpy as np
import pytest

from course_lib import SGD, Adam, activations, bugzoo as bz, check_params
from course_lib.data import load_digits
from course_lib.network import one_hot


# -- Adam without t ------------------------------------------------------------------------------

@pytest.mark.parametrize("lr,g", [(0.001, 1.0), (0.01, -3.0), (0.1, 0.5)])
def test_adam_constant_gradient_check_passes_correct_adam(lr, g):
    assert bz.check_adam_constant_gradient(Adam(lr), g=g, steps=50).passed


@pytest.mark.parametrize("lr,g", [(0.001, 1.0), (0.01, -3.0)])
def test_adam_without_t_is_caught(lr, g):
    check = bz.check_adam_constant_gradient(bz.AdamWithoutStepCount(lr), g=g, steps=10)
    assert not check.passed
    assert check.rel_error > 0.1


def test_adam_without_t_is_exact_at_step_one_only():
    steps_bad = bz.constant_gradient_steps(bz.AdamWithoutStepCount(0.001), steps=2)
    steps_good = bz.constant_gradient_steps(Adam(0.001), steps=2)
    assert steps_bad[0] == pytest.approx(steps_good[0], rel=1e-12)
    assert abs(steps_bad[1] / steps_good[1] - 1) > 0.3
    # a one-step test cannot catch it
    assert bz.check_adam_constant_gradient(bz.AdamWithoutStepCount(0.001), steps=1).passed


def test_adam_step_ratio_figures():
    ratios = bz.constant_gradient_steps(bz.AdamWithoutStepCount(1e-3), steps=20000) / \
        bz.constant_gradient_steps(Adam(1e-3), steps=20000)
    assert ratios[9] == pytest.approx(2.06, abs=0.005)                # t = 10
    assert ratios[-1] == pytest.approx(np.sqrt(0.001) / 0.1, rel=1e-3)  # late: 0.316
    np.testing.assert_allclose(ratios, bz.adam_step_ratio(np.arange(1, 20001)), rtol=1e-6)
    assert bz.adam_step_ratio(10) == pytest.approx(2.0643, abs=1e-4)


# -- softmax diagonal only -----------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_diagonal_softmax_is_caught_and_full_softmax_passes(seed):
    rng = np.random.default_rng(seed)
    z, g = rng.normal(size=(10, 5)), rng.normal(size=(10, 5))
    assert bz.check_backward(activations.softmax, z, g).passed
    bad = bz.check_backward(bz.softmax_diagonal_only, z, g)
    assert not bad.passed and bad.rel_error > 0.05


def test_diagonal_softmax_error_distribution():
    errors = bz.diagonal_softmax_errors(draws=500, seed=0)
    assert errors.min() > 1e-3                        # never anywhere near a correct gradient
    assert 0.1 < np.median(errors) < 0.5


@pytest.mark.parametrize("seed", [0, 1])
def test_seed_pairing_gives_a_minus_y_exactly(seed):
    rng = np.random.default_rng(seed)
    z = 2 * rng.normal(size=(10, 6))
    Y = one_hot(rng.integers(0, 10, 6), 10)
    delta = bz.seed_output_error(z, Y)
    np.testing.assert_allclose(delta, activations.softmax(z) - Y, atol=1e-12)
    # right for the categorical cross-entropy (the two errors cancel) ...
    assert bz.check_output_error(lambda zz: bz.categorical_ce_sum(zz, Y), delta, z).passed
    # ... but not the gradient of the loss the seed reports
    assert not bz.check_output_error(lambda zz: bz.seed_reported_loss(zz, Y), delta, z).passed
    # and with another upstream loss the diagonal softmax is simply wrong
    full = activations.softmax.backward(z, -Y / activations.softmax(z))
    diag = bz.softmax_diagonal_only.backward(z, -Y / activations.softmax(z))
    assert np.linalg.norm(full - diag) / (np.linalg.norm(full) + np.linalg.norm(diag)) > 0.05


# -- clipped Nesterov ----------------------------------------------------------------------------

def _params_and_big_grads(seed=0):
    rng = np.random.default_rng(seed)
    params = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=(3, 1))}
    grads = {"W": 5 * rng.normal(size=(3, 4)), "b": 5 * rng.normal(size=(3, 1))}
    return params, grads


def test_first_step_catches_clipped_nesterov():
    params, grads = _params_and_big_grads()
    expected = {k: bz.nesterov_first_step(params[k], grads[k], 0.01, 0.9) for k in params}
    assert bz.check_first_step(SGD(0.01, momentum=0.9, nesterov=True), params, grads, expected).passed
    assert not bz.check_first_step(bz.ClippedNesterov(0.01, momentum=0.9), params, grads, expected).passed


def test_clipped_nesterov_is_silent_on_small_gradients():
    params, grads = _params_and_big_grads()
    small = {k: np.clip(g, -0.9, 0.9) for k, g in grads.items()}
    expected = {k: bz.nesterov_first_step(params[k], small[k], 0.01, 0.9) for k in params}
    assert bz.check_first_step(bz.ClippedNesterov(0.01, momentum=0.9), params, small, expected).passed
    assert bz.clipped_fraction(small) == 0.0


def test_clipped_fraction():
    assert bz.clipped_fraction({"a": np.array([0.5, -2.0, 1.0, 3.0])}) == 0.5


def test_seed_network_clip_fraction_with_batchnorm():
    fraction = bz.clipped_fraction(bz.seed_network_gradients(seed=0))
    assert 0.75 < fraction < 0.95
    assert bz.clipped_fraction(bz.seed_network_gradients(seed=0, batchnorm=False)) < fraction


@pytest.mark.parametrize("batchnorm", [True, False])
def test_seed_network_backprop_gradcheck(batchnorm):
    X, y = load_digits()
    X, Y = X[:, :20], one_hot(y[:20], 10)
    params = bz.seed_network(seed=0, batchnorm=batchnorm)
    # stay away from ReLU's kink: finite differences across it are not derivatives
    _, caches = bz._seed_forward(params, X)
    assert np.abs(caches[1][1]).min() > 1e-3
    grads = bz.seed_network_backprop(params, X, Y)
    checks = check_params(lambda: bz.seed_network_loss(params, X, Y), params, grads)
    for name, check in checks.items():
        if batchnorm and name in ("b1", "b2", "b3"):   # a bias before BatchNorm: exactly zero gradient
            assert np.abs(grads[name]).max() < 1e-10 and np.abs(check.numeric).max() < 1e-6
        else:
            assert check.passed, (name, check)


# -- ReLU'(0) --------------------------------------------------------------------------------------

def test_relu_subgradients_at_zero():
    xs = np.linspace(-3, 3, 601)
    relu = activations.relu
    for c in (0.0, 0.3, 1.0):
        assert bz.is_subgradient(relu, 0.0, c, xs)
    for c in (-0.1, 1.1):
        assert not bz.is_subgradient(relu, 0.0, c, xs)
    assert float(relu.prime(np.array(0.0))) == 1.0


def test_bad_inputs():
    with pytest.raises(ValueError, match="clip"):
        bz.ClippedNesterov(0.1, clip=0)
    with pytest.raises(ValueError, match="tol"):
        bz.check_adam_constant_gradient(Adam(0.1), tol=-1)
