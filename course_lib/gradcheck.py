"""Gradient checking: compare an analytic gradient with central finite differences.

    ∂f/∂xᵢ ≈ (f(x + h eᵢ) − f(x − h eᵢ)) / 2h       (error O(h²), against O(h) one-sided)

and report the relative error ‖g − ĝ‖ / max(‖g‖ + ‖ĝ‖, tiny), which means the same thing whether
the gradient is of size 1e-6 or 1e6. In float64, a correct gradient gives about 1e-8 or less.
"""
from dataclasses import dataclass

import numpy as np

from ._checks import finite_array, positive


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function f at x (any shape), in float64.

    x is perturbed in place one entry at a time and restored, so f may close over x itself.
    """
    x = np.asarray(x)
    if x.dtype != np.float64:
        raise ValueError(f"x has dtype {x.dtype}; gradient checks need float64")
    h = positive(h, "h")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(analytic, numeric):
    """‖g − ĝ‖ / max(‖g‖ + ‖ĝ‖, 1e-300): 0 when equal, 1 when unrelated or opposite."""
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"analytic gradient has shape {a.shape}; expected {n.shape} like x")
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-300))


ROUNDOFF_FLOOR = 1e-7   # below this a float64 relative error is round-off (and passes)


def format_error(value, floor=ROUNDOFF_FLOOR):
    """A relative error (or difference) as text with only the digits every machine reproduces.

    Below `floor` the value is round-off: its size is predictable, its digits are not (they
    change with numpy's SIMD level, the BLAS kernels and the thread count), so it prints as
    "< 1e-07". Above it, two significant digits.

    >>> format_error(3.2e-11), format_error(0.48)
    ('< 1e-07', '4.8e-01')
    """
    value = float(value)
    if abs(value) < floor:
        return f"< {floor:.0e}"
    return f"{value:.1e}"


class Verdict:
    """A check's outcome from its `rel_error` and `tol`: `passed`, and a one-line repr."""

    @property
    def passed(self):
        return self.rel_error <= self.tol

    def __repr__(self):
        verdict = "PASS" if self.passed else "FAIL"
        return (f"{type(self).__name__}({verdict}: relative error {format_error(self.rel_error)}, "
                f"tolerance {self.tol:.0e})")


@dataclass(repr=False)
class GradCheck(Verdict):
    """The outcome of `gradient_check`."""

    analytic: np.ndarray
    numeric: np.ndarray
    rel_error: float
    tol: float


def gradient_check(f, x, grad, h=1e-5, tol=1e-7):
    """Check `grad` (an array, or a function of x returning one) against central differences
    of the scalar function `f` at `x`. Returns a GradCheck with the relative error.

    >>> import numpy as np
    >>> x = np.array([1.0, -2.0])
    >>> gradient_check(lambda x: np.sum(x ** 3), x, lambda x: 3 * x ** 2).passed
    True
    """
    x = finite_array(x, "x")
    if x.dtype != np.float64:
        raise ValueError(f"x has dtype {x.dtype}; gradient checks need float64")
    analytic = np.asarray(grad(x) if callable(grad) else grad, dtype=np.float64).copy()
    numeric = numerical_gradient(f, x, h)
    return GradCheck(analytic, numeric, relative_error(analytic, numeric), positive(tol, "tol"))


def check_params(loss, params, grads, h=1e-5, tol=1e-7):
    """Gradient-check every array of a parameter dict.

    loss(): the scalar cost computed from `params` as they are now (each entry is perturbed in
    place and restored). grads: analytic gradients keyed like params.
    Returns {name: GradCheck}.
    """
    return {name: gradient_check(lambda _x: loss(), params[name], grads[name], h=h, tol=tol)
            for name in params}
