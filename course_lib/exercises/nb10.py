"""Exercises of 10_backprop_for_matrix_functions: the sparse-coding gradient in the basis A, and
the ICA reconstruction gradient in W, a weight used twice."""
import numpy as np

from ..matrix_functions import ICAReconstruction, SparseCoding
from ._core import FunctionExercise, Mistake


def sparse_coding_gradient(A, s, x, gamma):
    """∇_A F for F(A) = ‖As − x‖² + γ‖A‖²: δ⁽²⁾ sᵀ + 2γA = 2(As − x)sᵀ + 2γA, shape (n, k)."""
    return SparseCoding(s, x, gamma).gradient(A)


def _sparse_cases(rng):
    # A square (n = k), so that a transposed gradient has A's shape and can be named (with
    # n ≠ k, s (As − x)ᵀ + 2γA would raise); m varies
    def case(n, m, gamma):
        return (rng.normal(size=(n, n)), rng.normal(size=(n, m)), rng.normal(size=(n, m)), gamma)
    return [case(4, 6, 0.3),
            case(3, 3, 0.1),             # n = k = m: even 2Aᵀ(As − x) has A's shape
            case(5, 2, 0.5),
            case(2, 1, 0.0),             # one example, no γ term
            case(1, 1, 2.0)]


def ica_gradient(W, x):
    """∇_W R for R(W) = ‖WᵀWx − x‖²: the two uses of W add,
    2W(WᵀWx − x)xᵀ + (2(WᵀWx − x)(Wx)ᵀ)ᵀ, shape (k, n) like W."""
    return ICAReconstruction(x).gradient(W)


def _ica_cases(rng):
    # W square (k = n, complete ICA), so that a second use left untransposed fits W's shape and
    # can be named rather than raise
    def case(n, m):
        return (rng.normal(size=(n, n)) / np.sqrt(n), rng.normal(size=(n, m)))
    return [case(3, 8), case(4, 5), case(2, 1), case(5, 5), case(1, 3)]


def _residual(W, x):
    return W.T @ W @ x - x


_TRANSPOSED = ("a transposed weight gradient: BP4 is δ⁽²⁾ (a⁽¹⁾)ᵀ = 2(As − x) sᵀ, of A's shape "
               "(n, k); 2s(As − x)ᵀ is its transpose, (k, n)")

EXERCISES = [
    FunctionExercise(
        "10.1", "the sparse-coding gradient in the basis A",
        hints=["Draw the first term as the network of this notebook: input s, weight A, then "
               "f(z) = z − x, then f(z) = z². A is a weight, so BP4 gives its gradient; the "
               "second term γ‖A‖² adds its own gradient.",
               "δ⁽³⁾ = δ⁽²⁾ = 2(As − x); BP4: ∇_A = δ⁽²⁾ (a⁽¹⁾)ᵀ with a⁽¹⁾ = s; and ∇_A γ‖A‖² = 2γA.",
               "2 * (A @ s - x) @ s.T + 2 * gamma * A, of shape (n, k) like A."],
        reference=sparse_coding_gradient, cases=_sparse_cases, rtol=1e-10,
        mistakes=[
            Mistake(lambda A, s, x, gamma: 2 * s @ (A @ s - x).T + 2 * gamma * A,
                    _TRANSPOSED),
            Mistake(lambda A, s, x, gamma: 2 * s @ (A @ s - x).T + 2 * gamma * A.T,
                    _TRANSPOSED),
            Mistake(lambda A, s, x, gamma: 2 * A.T @ (A @ s - x),
                    "2Aᵀ(As − x) is δ⁽¹⁾, the gradient in the input s (seed 004's slip); the "
                    "gradient in the weight A is δ⁽²⁾ sᵀ (+ 2γA)"),
            Mistake(lambda A, s, x, gamma: (A @ s - x) @ s.T + gamma * A,
                    "the factor 2 is missing: the derivative of z² is 2z, so δ⁽³⁾ = 2(As − x), "
                    "and γ‖A‖² gives 2γA"),
            Mistake(lambda A, s, x, gamma: 2 * (A @ s - x) @ s.T + gamma * A,
                    "the derivative of γ‖A‖² = γ Σ Aᵢⱼ² is 2γA, not γA"),
            Mistake(lambda A, s, x, gamma: 2 * (A @ s - x) @ s.T / s.shape[1] + 2 * gamma * A,
                    "off by the number of examples m: F is a sum of squares over all entries, "
                    "not a mean over the examples, so no 1/m"),
            Mistake(lambda A, s, x, gamma: 2 * (A @ s - x) @ s.T,
                    "the second term γ‖A‖² is missing: add its gradient 2γA")]),
    FunctionExercise(
        "10.2", "the ICA reconstruction gradient, W used twice",
        hints=["W appears twice: as the weight from layer 1 to 2 and, transposed, from 2 to 3. "
               "Each use gets its own BP4 gradient, and the two add (multivariable chain rule).",
               "With r = WᵀWx − x: δ⁽³⁾ = 2r and δ⁽²⁾ = W δ⁽³⁾. Use 1: δ⁽²⁾ (a⁽¹⁾)ᵀ = 2W r xᵀ. "
               "Use 2: δ⁽³⁾ (a⁽²⁾)ᵀ = 2r (Wx)ᵀ is a gradient in Wᵀ: transpose it.",
               "2 * W @ r @ x.T + 2 * (W @ x) @ r.T, of shape (k, n) like W."],
        reference=ica_gradient, cases=_ica_cases, rtol=1e-10,
        mistakes=[
            Mistake(lambda W, x: 2 * W @ _residual(W, x) @ x.T,
                    "only the first use of W (the encoder, layer 1 → 2): W is used twice, and "
                    "the second use's gradient 2(Wx)(WᵀWx − x)ᵀ adds to it"),
            Mistake(lambda W, x: 2 * (W @ x) @ _residual(W, x).T,
                    "only the second use of W (the decoder Wᵀ): the first use's gradient "
                    "2W(WᵀWx − x)xᵀ adds to it"),
            Mistake(lambda W, x: 2 * W @ _residual(W, x) @ x.T + 2 * _residual(W, x) @ (W @ x).T,
                    "a transposed weight gradient: the second use's δ⁽³⁾(a⁽²⁾)ᵀ = 2r(Wx)ᵀ is the "
                    "gradient in Wᵀ; transpose it to 2(Wx)rᵀ before adding it to W's"),
            Mistake(lambda W, x: W @ _residual(W, x) @ x.T + (W @ x) @ _residual(W, x).T,
                    "the factor 2 is missing: the derivative of z² is 2z, so δ⁽⁴⁾ = 2(WᵀWx − x)")]),
]
