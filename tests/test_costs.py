"""Each cost's value and output error δᴸ = ∂Cₓ/∂zᴸ against central finite differences."""
import warnings

import numpy as np
import pytest

from course_lib import activations as A
from course_lib import costs as C
from course_lib.gradcheck import gradient_check
from tests.strict import warnings_as_errors

PAIRS = [("quadratic", "identity"), ("quadratic", "sigmoid"), ("quadratic", "softmax"),
         ("cross_entropy", "softmax"), ("binary_cross_entropy", "sigmoid")]


def targets(cost, n, m, rng):
    if cost == "cross_entropy":
        return np.eye(n)[:, rng.integers(0, n, size=m)]
    if cost == "binary_cross_entropy":
        return rng.integers(0, 2, size=(n, m)).astype(float)
    return rng.normal(size=(n, m))


@pytest.mark.parametrize("cost_name, act_name", PAIRS)
def test_output_error_is_dC_dz(cost_name, act_name):
    cost, act = C.get(cost_name), A.get(act_name)
    rng = np.random.default_rng(4)
    n, m = 4, 3
    z, y = rng.normal(size=(n, m)), targets(cost_name, n, m, rng)
    delta = cost.output_error(z, act(z), y, act)
    # δ is per example (no 1/m), so it is the gradient of m·C.
    check = gradient_check(lambda z: m * cost.value(act(z), y, z), z, delta)
    assert check.rel_error < 1e-8, check


@pytest.mark.parametrize("cost_name, act_name", PAIRS)
def test_gradient_wrt_a(cost_name, act_name):
    cost, act = C.get(cost_name), A.get(act_name)
    rng = np.random.default_rng(5)
    a = act(rng.normal(size=(3, 4)))
    y = targets(cost_name, 3, 4, rng)
    check = gradient_check(lambda a: 4 * cost.value(a, y), a, cost.gradient(a, y))
    assert check.rel_error < 1e-7, check


def test_matching_pairs_give_a_minus_y():
    rng = np.random.default_rng(6)
    z = rng.normal(size=(5, 3))
    y = np.eye(5)[:, [0, 3, 4]]
    assert np.array_equal(C.cross_entropy.output_error(z, A.softmax(z), y, A.softmax), A.softmax(z) - y)
    assert np.array_equal(C.binary_cross_entropy.output_error(z, A.sigmoid(z), y, A.sigmoid),
                          A.sigmoid(z) - y)


def test_values_are_batch_means():
    a = np.array([[0.5, 1.0], [0.5, 0.0]])
    y = np.array([[1.0, 1.0], [0.0, 0.0]])
    assert C.quadratic.value(a, y) == pytest.approx((0.25 + 0.25) / 2 / 2)
    assert C.cross_entropy.value(a, y) == pytest.approx(-np.log(0.5) / 2)
    assert C.binary_cross_entropy.value(a, y) == pytest.approx(-2 * np.log(0.5) / 2)


def test_stable_for_saturated_outputs():
    z = np.array([[800.0, -800.0], [-800.0, 800.0]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])  # confidently wrong
    with warnings.catch_warnings():
        warnings_as_errors()
        ce = C.cross_entropy.value(A.softmax(z), y, z)
        bce = C.binary_cross_entropy.value(A.sigmoid(z), y, z)
        ce_from_a = C.cross_entropy.value(A.softmax(z), y)
    assert ce == pytest.approx(1600.0)        # log-sum-exp keeps the true value
    assert bce == pytest.approx(1600.0)
    assert np.isfinite(ce_from_a)             # clipped, finite, never log(0)


def test_unknown_cost_name():
    with pytest.raises(ValueError, match="'hinge'.*expected one of"):
        C.get("hinge")
