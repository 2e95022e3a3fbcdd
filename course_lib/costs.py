"""Costs C(a, y) as means over the batch, and the output error δᴸ each one owns (BP1).

a and y have shape (n_L, m), one example per column. `value` is the mean cost over the m
examples. `gradient` is ∇ₐCₓ for each example x (no 1/m: the batch mean is taken in BP3/BP4).
`output_error` is δᴸ = ∂Cₓ/∂zᴸ, which the cost owns because for the matching output activation
it simplifies: softmax + cross-entropy and sigmoid + binary cross-entropy both give a − y.
"""
import numpy as np

from . import activations
from ._checks import choice


def _first_bad(bad):
    """(row, column) of the first True entry of a boolean (n, m) array, in column order."""
    col = int(np.argmax(bad.any(axis=0)))
    return int(np.argmax(bad[:, col])), col


class Quadratic:
    """C = (1/2m) Σₓ ‖a − y‖²."""

    name = "quadratic"
    outputs = ("identity", "sigmoid", "softmax")

    def value(self, a, y, z=None):
        return 0.5 * float(np.sum((a - y) ** 2)) / a.shape[1]

    def check_targets(self, y, name="Y"):
        """Any finite targets fit the quadratic cost (the caller checked finiteness)."""
        return y

    def gradient(self, a, y):
        return a - y

    def output_error(self, z, a, y, activation):
        """BP1 in general form: δᴸ = ∇ₐC ⊙ σ'(zᴸ) (a Jacobian product for softmax)."""
        return activation.backward(z, self.gradient(a, y))


class CrossEntropy:
    """C = −(1/m) Σₓ Σⱼ yⱼ ln aⱼ, for a softmax output."""

    name = "cross_entropy"
    outputs = ("softmax",)

    def value(self, a, y, z=None):
        # From z by log-sum-exp when we have it; otherwise clip so that ln 0 never happens.
        log_a = activations.softmax.log(z) if z is not None else np.log(np.clip(a, 1e-300, None))
        return -float(np.sum(y * log_a)) / a.shape[1]

    def check_targets(self, y, name="Y"):
        """Targets are probability distributions, one per column: entries ≥ 0 and columns summing
        to 1 (one-hot, or soft labels). An all-zero column would be no class at all."""
        if y.size and y.min() < 0:
            i, j = _first_bad(y < 0)
            raise ValueError(f"{name} has a negative entry {y[i, j]:g} (row {i}, column {j}); "
                             "cross_entropy targets are probabilities: expected entries ≥ 0 "
                             "with every column summing to 1 (one-hot, or soft labels)")
        sums = y.sum(axis=0)
        tol = max(1e-6, 4 * y.shape[0] * float(np.finfo(y.dtype).eps))
        off = np.abs(sums - 1.0) > tol
        if off.any():
            j = int(np.argmax(off))
            raise ValueError(f"{name}'s column {j} sums to {sums[j]:g}; cross_entropy targets are "
                             "probabilities: expected every column to sum to 1 (one-hot, or soft "
                             f"labels; {int(off.sum())} column(s) do not)")
        return y

    def gradient(self, a, y):
        return -y / np.clip(a, 1e-300, None)

    def output_error(self, z, a, y, activation):
        """δᴸ = a − y: the softmax Jacobian times −y/a collapses to this."""
        if activation.name == "softmax":
            return a - y
        return activation.backward(z, self.gradient(a, y))


class BinaryCrossEntropy:
    """C = −(1/m) Σₓ Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)], for a sigmoid output."""

    name = "binary_cross_entropy"
    outputs = ("sigmoid",)

    def value(self, a, y, z=None):
        if z is not None:  # ln σ(z) = −ln(1 + e^−z), ln(1 − σ(z)) = −ln(1 + e^z)
            log_a, log_1ma = -np.logaddexp(0.0, -z), -np.logaddexp(0.0, z)
        else:
            log_a = np.log(np.clip(a, 1e-300, None))
            log_1ma = np.log(np.clip(1.0 - a, 1e-300, None))
        return -float(np.sum(y * log_a + (1.0 - y) * log_1ma)) / a.shape[1]

    def check_targets(self, y, name="Y"):
        """Targets are probabilities of each output being 1: entries in [0, 1]."""
        bad = (y < 0) | (y > 1)
        if bad.any():
            i, j = _first_bad(bad)
            raise ValueError(f"{name} has the entry {y[i, j]:g} (row {i}, column {j}); "
                             "binary_cross_entropy targets are probabilities: expected entries "
                             "in [0, 1]")
        return y

    def gradient(self, a, y):
        return (a - y) / np.clip(a * (1.0 - a), 1e-300, None)

    def output_error(self, z, a, y, activation):
        """δᴸ = a − y: σ'(z) = a(1 − a) cancels the denominator of ∇ₐC."""
        if activation.name == "sigmoid":
            return a - y
        return activation.backward(z, self.gradient(a, y))


quadratic, cross_entropy, binary_cross_entropy = Quadratic(), CrossEntropy(), BinaryCrossEntropy()
COSTS = {c.name: c for c in (quadratic, cross_entropy, binary_cross_entropy)}


def get(name_or_cost):
    """A cost object from its name (or the object itself)."""
    if isinstance(name_or_cost, (Quadratic, CrossEntropy, BinaryCrossEntropy)):
        return name_or_cost
    return COSTS[choice(name_or_cost, COSTS, "cost")]
