"""Exercises of 07_four_equations: BP1 for the quadratic cost with a sigmoid output, BP2 for
sigmoid hidden layers, and BP4's weight gradient averaged over the batch."""
import numpy as np

from .. import activations, costs
from ..backprop import hidden_error, output_error, weight_gradient
from ._core import FunctionExercise, Mistake

sigmoid = activations.sigmoid


def bp1(zL, aL, y):
    """BP1 for C = (1/2m) Σₓ ‖aᴸ − y‖² and a sigmoid output layer: δᴸ = (aᴸ − y) ⊙ σ'(zᴸ),
    one column per example (δᴸ = ∂Cₓ/∂zᴸ: no 1/m). zL, aL = σ(zL), y, result: (nᴸ, m)."""
    return output_error(costs.quadratic, zL, aL, y, sigmoid)


def bp2(W_next, delta_next, z):
    """BP2 for a sigmoid layer l: δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ'(zˡ).
    W_next: (nˡ⁺¹, nˡ), delta_next: (nˡ⁺¹, m), z and result: (nˡ, m)."""
    return hidden_error(W_next, delta_next, z, sigmoid)


def bp4(delta, a_prev):
    """BP4 averaged over the batch: ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ / m.
    delta: (nˡ, m), a_prev: (nˡ⁻¹, m) → (nˡ, nˡ⁻¹)."""
    return weight_gradient(delta, a_prev)


def _bp1_cases(rng):
    def case(n, m, spread=1.5, y=None):
        z = spread * rng.normal(size=(n, m))
        return z, sigmoid(z), rng.uniform(size=(n, m)) if y is None else y
    z, a, _ = case(3, 4)
    y_equal = rng.uniform(size=(3, 4))
    y_equal[:, 1] = a[:, 1]                                     # one column already right: δ = 0
    one_hot = np.eye(4)[:, rng.integers(0, 4, size=6)]
    return [case(3, 5), case(2, 4, spread=3.0), case(4, 6, y=one_hot), case(4, 1),   # m = 1
            (z, a, y_equal)]


def _bp2_cases(rng):
    # Equal widths nˡ⁺¹ = nˡ, as in the deep stacks of the notebook: W is square, so a product
    # without the transpose has the right shape and the checker can name that mistake.
    def case(n, m, spread=1.5):
        return (rng.normal(size=(n, n)) / np.sqrt(n), rng.normal(size=(n, m)),
                spread * rng.normal(size=(n, m)))
    return [case(4, 6), case(5, 3), case(3, 1), case(6, 8, spread=3.0)]


def _bp4_cases(rng):
    return [(rng.normal(size=(3, 6)), sigmoid(rng.normal(size=(5, 6)))),     # nˡ < nˡ⁻¹
            (rng.normal(size=(4, 5)), sigmoid(rng.normal(size=(4, 5)))),     # square: same shape
            (rng.normal(size=(2, 1)), sigmoid(rng.normal(size=(3, 1)))),     # m = 1
            (rng.normal(size=(6, 10)),                                        # a row of zeros:
             np.vstack([sigmoid(rng.normal(size=(3, 10))), np.zeros((1, 10))]))]   # dead input


EXERCISES = [
    FunctionExercise(
        "07.1", "BP1 for the quadratic cost",
        hints=["For Cₓ = ½‖a − y‖² the gradient ∇ₐCₓ is a − y. BP1 turns it into δᴸ = ∂Cₓ/∂zᴸ.",
               "A sigmoid output is element-wise: δᴸ = ∇ₐCₓ ⊙ σ'(zᴸ), with σ'(z) = σ(z)(1 − σ(z)) "
               "(here σ(zᴸ) is aᴸ).",
               "δᴸ = (aL − y) * aL * (1 − aL). δ is per example, one column each: the 1/m of "
               "the mean cost comes in BP3 and BP4, not here."],
        reference=bp1, cases=_bp1_cases, rtol=1e-10, names=("δᴸ",),
        mistakes=[Mistake(lambda zL, aL, y: aL - y,
                          "that is ∇ₐCₓ = aᴸ − y alone: BP1 multiplies it by σ'(zᴸ)"),
                  Mistake(lambda zL, aL, y: (aL - y) * sigmoid.prime(zL) / zL.shape[1],
                          "off by the batch size m: δᴸ = ∂Cₓ/∂zᴸ is per example (no 1/m); the "
                          "mean over the batch is taken in BP3 and BP4"),
                  Mistake(lambda zL, aL, y: (aL - y) * sigmoid.prime(aL),
                          "σ' was evaluated at aᴸ; it is σ'(zᴸ) = aᴸ(1 − aᴸ)"),
                  Mistake(lambda zL, aL, y: (y - aL) * sigmoid.prime(zL),
                          "the sign: ∇ₐ of ½‖a − y‖² is a − y, not y − a")]),
    FunctionExercise(
        "07.2", "BP2 for a sigmoid layer",
        hints=["z^l_j feeds every neuron k of layer l + 1 through the weight w^{l+1}_{kj}: sum "
               "w^{l+1}_{kj} δ^{l+1}_k over k, then multiply by σ'(z^l_j).",
               "The sum runs over the FIRST index of W: it is (Wˡ⁺¹)ᵀ δˡ⁺¹, a matrix product, of "
               "shape (nˡ, m).",
               "δˡ = (W_next.T @ delta_next) * σ'(z), with σ'(z) = σ(z)(1 − σ(z)), element-wise."],
        reference=bp2, cases=_bp2_cases, rtol=1e-10, names=("δˡ",),
        mistakes=[Mistake(lambda W, d, z: W.T @ d,
                          "BP2 without σ'(z): multiply (Wˡ⁺¹)ᵀ δˡ⁺¹ element-wise by σ'(zˡ)"),
                  Mistake(lambda W, d, z: (W @ d) * sigmoid.prime(z),
                          "W is not transposed: the sum runs over the first index of w^{l+1}_{kj} "
                          "(the neurons that z^l_j feeds), so it is (Wˡ⁺¹)ᵀ δˡ⁺¹"),
                  Mistake(lambda W, d, z: (W.T @ d) * sigmoid(z),
                          "that multiplies by σ(zˡ); BP2 needs its derivative σ'(zˡ) = "
                          "σ(zˡ)(1 − σ(zˡ))"),
                  Mistake(lambda W, d, z: (W.T @ d) * sigmoid.prime(z) / d.shape[1],
                          "off by the batch size m: δˡ is per example (no 1/m); the mean is "
                          "taken in BP3 and BP4")]),
    FunctionExercise(
        "07.3", "BP4 for a batch",
        hints=["For one example x, ∂Cₓ/∂w^l_{jk} = a^{l-1}_k δ^l_j: the outer product "
               "δₓ (aₓ)ᵀ, of shape (nˡ, nˡ⁻¹) like Wˡ.",
               "C is the mean of the Cₓ, so ∂C/∂Wˡ is the mean of the m outer products.",
               "Stacked as columns, the sum of the outer products is one matrix product: "
               "delta @ a_prev.T, then divide by m = delta.shape[1]."],
        reference=bp4, cases=_bp4_cases, rtol=1e-10, names=("∂C/∂Wˡ",),
        mistakes=[Mistake(lambda d, a: a @ d.T / d.shape[1],
                          "the weight gradient is transposed: it must have Wˡ's shape (nˡ, nˡ⁻¹), "
                          "entry (j, k) = mean of δ_j a_k, so δˡ (aˡ⁻¹)ᵀ / m"),
                  Mistake(lambda d, a: d @ a.T,
                          "off by the batch size m: C is the mean of the Cₓ, so divide the sum "
                          "of the outer products by m"),
                  Mistake(lambda d, a: np.outer(d.mean(axis=1), a.mean(axis=1)),
                          "that is the product of the means; the gradient is the mean of the "
                          "products δₓ (aₓ)ᵀ, one per example")]),
]
