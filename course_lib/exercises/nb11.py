"""Exercises of 11_batch_normalization: BatchNorm's backward pass, the running statistics,
and what a gradient check reads when δ (= m ∂C/∂z) is compared with ∂C/∂z."""
import numpy as np

from .. import batchnorm
from ..gradcheck import relative_error
from ._core import FunctionExercise, Mistake, NumberExercise


def bn_backward(g, z, gamma, eps):
    """(∂f/∂z, ∂f/∂γ, ∂f/∂β) from g = ∂f/∂y, for y = BN(z) with batch statistics: [C], [A], [B]."""
    _, cache = batchnorm.forward(z, gamma, np.zeros_like(gamma), eps)
    return batchnorm.backward(g, cache)


def _stats(z, eps):
    """(ẑ, s = 1/√(σ² + ε)) per unit, the course's way (biased σ²)."""
    mean = z.mean(axis=1, keepdims=True)
    var = ((z - mean) ** 2).mean(axis=1, keepdims=True)
    s = 1 / np.sqrt(var + eps)
    return (z - mean) * s, s


def _direct_path_only(g, z, gamma, eps):
    z_hat, s = _stats(z, eps)
    return g * gamma * s, (g * z_hat).sum(axis=1, keepdims=True), g.sum(axis=1, keepdims=True)


def _mean_path_only(g, z, gamma, eps):
    z_hat, s = _stats(z, eps)
    d = g * gamma
    return (s * (d - d.mean(axis=1, keepdims=True)), (g * z_hat).sum(axis=1, keepdims=True),
            g.sum(axis=1, keepdims=True))


def _means_not_sums(g, z, gamma, eps):
    dz, dgamma, dbeta = bn_backward(g, z, gamma, eps)
    return dz, dgamma / z.shape[1], dbeta / z.shape[1]


def _without_gamma(g, z, gamma, eps):
    _, dgamma, dbeta = bn_backward(g, z, gamma, eps)
    return bn_backward(g, z, np.ones_like(gamma), eps)[0], dgamma, dbeta


def _bn_cases(rng):
    def case(n, m, eps=1e-5):
        z = rng.normal(loc=rng.normal(0, 3, size=(n, 1)), scale=rng.uniform(0.3, 3, size=(n, 1)),
                       size=(n, m))
        return rng.normal(size=(n, m)), z, rng.normal(1.0, 0.7, size=(n, 1)), eps
    g, z, gamma, _ = case(3, 4)
    z[1] = 0.5                                        # a unit with all values equal: σ² = 0
    return [case(3, 8), case(1, 5), case(4, 3, eps=0.01),
            (g, z, gamma, 1e-5),
            (rng.normal(size=(2, 2)), np.array([[0.0, 0.01], [1.0, -1.0]]),   # m = 2; σ² ≈ ε
             np.array([[2.0], [-0.5]]), 1e-5)]


def running_update(running_mean, running_var, z, momentum):
    """The running statistics after one training batch z (n, m):
    (1 − momentum)·old + momentum·(the batch's z̄, and its biased σ²)."""
    _, cache = batchnorm.forward(z, np.ones((z.shape[0], 1)), np.zeros((z.shape[0], 1)))
    mean, var = running_mean.copy(), running_var.copy()
    batchnorm.update_running(mean, var, cache, momentum)
    return mean, var


def _running_cases(rng):
    def case(n, m, momentum):
        return (rng.normal(size=(n, 1)), rng.uniform(0.5, 2, size=(n, 1)),
                rng.normal(2.0, 3.0, size=(n, m)), momentum)
    return [case(3, 8, 0.1), case(2, 4, 0.5), case(1, 2, 0.1), case(4, 64, 0.01),
            (rng.normal(size=(2, 1)), np.ones((2, 1)), rng.normal(size=(2, 5)), 0.0)]   # no change


def _swapped_weights(running_mean, running_var, z, momentum):
    return (momentum * running_mean + (1 - momentum) * z.mean(axis=1, keepdims=True),
            momentum * running_var + (1 - momentum) * z.var(axis=1, keepdims=True))


def _unbiased(running_mean, running_var, z, momentum):
    return ((1 - momentum) * running_mean + momentum * z.mean(axis=1, keepdims=True),
            (1 - momentum) * running_var + momentum * z.var(axis=1, ddof=1, keepdims=True))


def _delta_vs_gradient(m):
    """relative_error(δ, ∂C/∂z) when δ = m ∂C/∂z, for a random ∂C/∂z (course_lib's measure)."""
    grad = np.random.default_rng(0).normal(size=(4, m))
    return relative_error(m * grad, grad)


EXERCISES = [
    FunctionExercise(
        "11.1", "BatchNorm's backward pass",
        hints=["Recompute the forward quantities per unit (row): the batch mean z̄, the biased "
               "variance σ² (divided by m), s = 1/√(σ² + ε), and ẑ = (z − z̄) s. Then go back "
               "through (4): [A], [B] are sums over the batch, and ∂f/∂ẑ = g γ (5).",
               "Each zᵢ also moves z̄ and σ², which move every ẑₖ: ∂f/∂zᵢ has three paths, and "
               "they collapse to [C].",
               "d = g * gamma; dz = s * (d − d.mean(axis=1, keepdims=True) − z_hat * (d * z_hat)"
               ".mean(axis=1, keepdims=True)); dγ = (g * z_hat).sum(axis=1, keepdims=True); "
               "dβ = g.sum(axis=1, keepdims=True)."],
        reference=bn_backward, cases=_bn_cases, rtol=1e-10, names=("∂f/∂z", "∂f/∂γ", "∂f/∂β"),
        mistakes=[
            Mistake(_direct_path_only,
                    "BatchNorm's backward without the mean terms: γ g/√(σ² + ε) is the direct "
                    "path only, as if z̄ and σ² were constants; every zᵢ moves them too, which "
                    "subtracts mean(∂f/∂ẑ) and ẑᵢ·mean(∂f/∂ẑ ⊙ ẑ) in [C]"),
            Mistake(_mean_path_only,
                    "the path through σ² is missing: [C] also subtracts ẑᵢ·mean(∂f/∂ẑ ⊙ ẑ)"),
            Mistake(_means_not_sums,
                    "∂f/∂γ and ∂f/∂β are off by the batch size m: γ and β are shared by all m "
                    "examples, so [A] and [B] are sums over the batch, not means"),
            Mistake(_without_gamma,
                    "γ is missing in ∂f/∂z: through (4), ∂f/∂ẑ = g γ (5), and [C] starts from "
                    "that")]),
    FunctionExercise(
        "11.2", "the running statistics after one batch",
        hints=["Per unit (row) of z: the batch mean z̄ and the batch variance σ² of (2), the one "
               "training normalizes with.",
               "new = (1 − momentum)·old + momentum·batch, for the mean and for the variance; "
               "σ² divides by m (np.var's default, ddof=0). Return (new mean, new variance), "
               "both (n, 1), as new arrays."],
        reference=running_update, cases=_running_cases, rtol=1e-12,
        names=("the running mean", "the running variance"),
        mistakes=[
            Mistake(_unbiased,
                    "that is torch's running variance, with the unbiased m/(m − 1)·σ²; the "
                    "course averages the biased σ² (divided by m) that training normalizes with"),
            Mistake(_swapped_weights,
                    "the weights are swapped: momentum is the weight of the NEW batch, "
                    "(1 − momentum)·old + momentum·batch")]),
    NumberExercise(
        "11.3", "what a gradient check reads for δ against ∂C/∂z, with m = 64",
        hints=["In a BatchNorm network δ = m ∂C/∂z: the two are parallel, one m times the "
               "other.",
               "With ĝ = g/m: ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖) = (1 − 1/m)/(1 + 1/m) = (m − 1)/(m + 1)."],
        reference=lambda: _delta_vs_gradient(64), rtol=1e-6,
        mistakes=[Mistake(63.0, "‖δ − ∂C/∂z‖/‖∂C/∂z‖ = m − 1 divides by one norm; the relative "
                                "error divides by the sum of both, ‖g‖ + ‖ĝ‖"),
                  Mistake(float(np.sqrt(2) / 2), "√2/2 ≈ 0.71 is what unrelated gradients read; these "
                                          "two are parallel, one m times the other"),
                  Mistake(_delta_vs_gradient(6),
                          "(m − 1)/(m + 1) = 0.71 is for the notebook's m = 6; here m = 64")]),
]
