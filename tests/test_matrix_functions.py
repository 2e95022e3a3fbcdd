"""Gradients of the three matrix functions of seed 004, checked against central differences on
random inputs (several seeds and shapes), and against their written-out closed forms."""
import numpy as np
import pytest

from course_lib import gradient_check
from course_lib import matrix_functions as mf

SHAPES = [(1, 1, 1), (3, 2, 4), (5, 4, 3), (6, 8, 2)]   # (n, k, m)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n,k,m", SHAPES)
def test_sparse_coding_gradients(seed, n, k, m):
    rng = np.random.default_rng(seed)
    s, x, A = rng.normal(size=(k, m)), rng.normal(size=(n, m)), rng.normal(size=(n, k))
    F = mf.SparseCoding(s, x, gamma=rng.uniform(0, 1))
    assert gradient_check(F.value, A, F.gradient).rel_error <= 1e-7
    assert gradient_check(lambda ss: F.value(A, ss), s.copy(), F.gradient_s(A)).rel_error <= 1e-7
    np.testing.assert_allclose(F.gradient(A), F.closed_form(A), rtol=1e-12, atol=1e-12)


def test_sparse_coding_input_gradient_is_not_the_weight_gradient():
    rng = np.random.default_rng(0)
    s, x, A = rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    F = mf.SparseCoding(s, x, gamma=0.0)
    # n = k = m: ∇_s and ∇_A have the same shape, yet the seed's result Aᵀ·2(As − x) is ∇_s, not ∇_A
    assert not gradient_check(F.value, A, F.gradient_s(A)).passed


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("G,k,m", [(1, 1, 1), (2, 4, 3), (5, 6, 4)])
@pytest.mark.parametrize("eps", [1e-2, 1.0])
def test_topographic_penalty_gradient(seed, G, k, m, eps):
    rng = np.random.default_rng(seed)
    V = (rng.random((G, k)) < 0.6).astype(float) + 0.1 * rng.random((G, k))
    s = rng.normal(size=(k, m))
    P = mf.TopographicPenalty(V, eps)
    assert gradient_check(P.value, s, P.gradient).rel_error <= 1e-7
    np.testing.assert_allclose(P.gradient(s), P.closed_form(s), rtol=1e-12, atol=1e-14)


def test_topographic_literal_reading_is_not_defined():
    # V s sᵀ (matrix product with sᵀ) has negative entries for generic s: no real square root.
    rng = np.random.default_rng(0)
    V, s = rng.random((3, 5)), rng.normal(size=(5, 7))
    assert np.any(V @ s @ s.T < 0)
    assert np.all(V @ (s * s) >= 0)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n,k,m", SHAPES)
def test_ica_gradient_and_its_two_parts(seed, n, k, m):
    rng = np.random.default_rng(seed)
    x, W = rng.normal(size=(n, m)), rng.normal(size=(k, n)) / np.sqrt(n)
    R = mf.ICAReconstruction(x)
    assert gradient_check(R.value, W, R.gradient).rel_error <= 1e-7
    use1, use2 = R.gradient_parts(W)
    W_fixed = W.copy()
    assert gradient_check(lambda W1: R.value_untied(W1, W_fixed), W.copy(), use1).rel_error <= 1e-7
    assert gradient_check(lambda W2: R.value_untied(W_fixed, W2), W.copy(), use2).rel_error <= 1e-7
    np.testing.assert_allclose(use1 + use2, R.closed_form(W), rtol=1e-10, atol=1e-12)
    # either use alone is not the gradient
    if np.linalg.norm(use2) > 1e-8:
        assert not gradient_check(R.value, W.copy(), use1).passed


def test_network_description_and_deltas_shapes():
    rng = np.random.default_rng(0)
    R = mf.ICAReconstruction(rng.normal(size=(4, 3)))
    W = rng.normal(size=(2, 4))
    net = R.network(W)
    assert [d.shape for d in net.deltas(R.x)] == [(4, 3), (2, 3), (4, 3), (4, 3)]
    assert "layer 4: f(z) = z²" in net.describe()
    assert net.value(R.x) == pytest.approx(R.value(W))


def test_bad_inputs():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="negative"):
        mf.TopographicPenalty(-np.ones((2, 3)))
    with pytest.raises(ValueError, match="eps"):
        mf.TopographicPenalty(np.ones((2, 3)), eps=0)
    with pytest.raises(ValueError, match="gamma"):
        mf.SparseCoding(np.ones((2, 3)), np.ones((4, 3)), gamma=-1)
    F = mf.SparseCoding(np.ones((2, 3)), np.ones((4, 3)))
    with pytest.raises(ValueError, match="A"):
        F.value(rng.normal(size=(2, 4)))
    with pytest.raises(ValueError, match="x"):
        mf.SparseCoding(np.ones((2, 3)), np.ones((4, 2)))
    with pytest.raises(ValueError, match="W"):
        mf.ICAReconstruction(np.ones((4, 3))).gradient(np.ones((2, 3)))
    with pytest.raises(ValueError, match="activations"):
        mf.MatrixNetwork([None], [mf.IDENTITY])
