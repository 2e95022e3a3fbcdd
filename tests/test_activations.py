"""Every activation's derivative against central finite differences (float64, relative error)."""
import warnings

import numpy as np
import pytest

from course_lib import activations as A
from course_lib.gradcheck import gradient_check
from tests.strict import warnings_as_errors


def away_from_kink(rng, shape):
    """Inputs with |z| ≥ 0.1, so ReLU-family kinks at 0 are never crossed by ±h."""
    z = rng.normal(scale=2.0, size=shape)
    return np.where(np.abs(z) < 0.1, np.sign(z + 1e-12) * 0.1 + z, z)


@pytest.mark.parametrize("name", A.HIDDEN)
def test_elementwise_derivative_matches_finite_differences(name):
    act = A.get(name)
    rng = np.random.default_rng(1)
    z, v = away_from_kink(rng, (5, 4)), rng.normal(size=(5, 4))
    # d/dz Σ v ⊙ σ(z) = v ⊙ σ'(z): checks prime and backward at once.
    check = gradient_check(lambda z: np.sum(v * act(z)), z, act.backward(z, v))
    assert check.rel_error < 1e-9, check
    assert np.allclose(act.backward(z, v), v * act.prime(z))


@pytest.mark.parametrize("act", [A.LeakyReLU(slope=0.2), A.ELU(alpha=0.5)])
def test_parameterised_activations(act):
    rng = np.random.default_rng(2)
    z, v = away_from_kink(rng, (3, 6)), rng.normal(size=(3, 6))
    assert gradient_check(lambda z: np.sum(v * act(z)), z, act.backward(z, v)).rel_error < 1e-9


def test_known_values():
    z = np.array([[-2.0, 0.0, 3.0]])
    assert np.allclose(A.relu(z), [[0, 0, 3]])
    assert np.allclose(A.leaky_relu(z), [[-0.02, 0, 3]])
    assert np.allclose(A.elu(z), [[np.exp(-2) - 1, 0, 3]])
    assert np.allclose(A.sigmoid(z), 1 / (1 + np.exp(-z)))
    assert np.allclose(A.sigmoid.prime(np.zeros(1)), 0.25)
    assert A.relu.prime(np.zeros(1))[0] == 1.0  # a valid subgradient at the kink


def test_softmax_backward_is_the_full_jacobian_product():
    rng = np.random.default_rng(3)
    z, v = rng.normal(size=(6, 5)), rng.normal(size=(6, 5))
    check = gradient_check(lambda z: np.sum(v * A.softmax(z)), z, A.softmax.backward(z, v))
    assert check.rel_error < 1e-9, check
    # The diagonal p(1 − p) alone is a different (wrong) answer.
    p = A.softmax(z)
    assert np.linalg.norm(v * p * (1 - p) - A.softmax.backward(z, v)) > 0.1 * np.linalg.norm(v * p)


def test_softmax_jacobian_matrix():
    z = np.array([0.5, -1.0, 2.0])
    J = A.softmax.jacobian(z)
    num = np.array([[(A.softmax((z + 1e-6 * np.eye(3)[k])[:, None]) -
                      A.softmax((z - 1e-6 * np.eye(3)[k])[:, None]))[j, 0] / 2e-6
                     for k in range(3)] for j in range(3)])
    assert np.allclose(J, num, atol=1e-9)
    assert np.allclose(J, J.T)


def test_no_overflow_for_large_inputs():
    z = np.array([[-1000.0, 1000.0], [0.0, 999.0]])
    with warnings.catch_warnings():
        warnings_as_errors()
        s, p = A.sigmoid(z), A.softmax(z)
        log_p = A.softmax.log(z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(p)) and np.all(np.isfinite(log_p))
    assert np.allclose(p.sum(axis=0), 1.0)
    assert log_p[0, 0] == pytest.approx(-1000.0)


def test_unknown_activation_name():
    with pytest.raises(ValueError, match="'swish'.*expected one of"):
        A.get("swish")
