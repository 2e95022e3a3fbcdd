"""Gradient checking: compare an analytic gradient with central finite differences.

    ∂f/∂xᵢ ≈ (f(x + h eᵢ) − f(x − h eᵢ)) / 2h       (error O(h²), against O(h) one-sided)

and report the relative error ‖g − ĝ‖ / max(‖g‖ + ‖ĝ‖, tiny), which means the same thing whether
the gradient is of size 1e-6 or 1e6. The course's one threshold is 1e-7 (the default `tol`, and
ROUNDOFF_FLOOR): in float64 a correct gradient checks to about 1e-10–1e-8, below it with room to
spare for round-off, while a real mistake shows up at 1e-4 or more. Unrelated gradients give about
0.71, not 1 (`unrelated_errors`); in float32 central differences reach only a few 1e-6
(`central_difference_errors`), so a float32 check cannot meet the float64 threshold.
"""
import math
import numbers
from dataclasses import dataclass

import numpy as np

from ._checks import InputTypeError, describe, finite_array, inplace_float_array, positive

_NUDGED = ("{x} is nudged in place, entry by entry, so {f} sees the nudge only by reading this "
           "very array: pass the float64 numpy array {f} reads (not a list, a number or a copy)")


def _nudgeable(x, name="x", f_name="f"):
    """x itself if f can see it nudged: a writable, non-empty, finite float64 numpy array."""
    inplace_float_array(x, name, _NUDGED.format(x=name, f=f_name), dtype=np.float64)
    if x.size == 0:
        raise ValueError(f"{name} has shape {x.shape}: no entries; expected at least one to check")
    finite_array(x, name)
    return x


def _function(f, name):
    if not callable(f):
        raise InputTypeError(f"{name} must be a function returning a number; got {describe(f)}")
    return f


def _value(f, x, i, h, name="f", x_name="x"):
    """f(x) as a float; a clear error if it is not a finite number."""
    value = f(x)
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(())[()]
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        raise InputTypeError(f"{name} must return a number (the scalar whose gradient is checked); "
                             f"got {describe(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} returned {value} with entry {i} of {x_name} nudged by ±h = ±{h:g}; "
                         f"expected finite values near {x_name} (is h too large for {name}'s domain?)")
    return value


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function f at x (any shape), in float64.

    x must be a float64 numpy array: it is perturbed in place one entry at a time and restored,
    so f may close over x itself (a list or a number would be copied, and f would not see the
    nudge: those are refused with a TypeError).
    """
    f = _function(f, "f")
    x = _nudgeable(x)
    h = positive(h, "h")
    return _numerical_gradient(f, x, h)


def _numerical_gradient(f, x, h, name="f", x_name="x"):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        try:
            x[i] = old + h
            f_plus = _value(f, x, i, h, name, x_name)
            x[i] = old - h
            f_minus = _value(f, x, i, h, name, x_name)
        finally:
            x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(analytic, numeric):
    """‖g − ĝ‖ / max(‖g‖ + ‖ĝ‖, 1e-300): 0 when equal, 1 when opposite (ĝ = −c g) or when one
    of them is zero, √2/2 ≈ 0.71 for orthogonal vectors of equal norm (which independent random
    vectors nearly are), and never more than 1 (triangle inequality)."""
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

    x must be a float64 numpy array that f reads: it is nudged in place (numerical_gradient).
    """
    return _gradient_check(f, x, grad, h, tol)


def _gradient_check(f, x, grad, h, tol, x_name="x", grad_name="grad", f_name="f"):
    f = _function(f, f_name)
    x = _nudgeable(x, x_name, f_name)
    h, tol = positive(h, "h"), positive(tol, "tol")
    analytic = finite_array(grad(x) if callable(grad) else grad, grad_name)
    if analytic.shape != x.shape:
        raise ValueError(f"{grad_name} has shape {analytic.shape}; expected {x.shape} like {x_name}")
    analytic = analytic.astype(np.float64, copy=True)
    numeric = _numerical_gradient(f, x, h, f_name, x_name)
    return GradCheck(analytic, numeric, relative_error(analytic, numeric), tol)


def check_params(loss, params, grads, h=1e-5, tol=1e-7):
    """Gradient-check every array of a parameter dict.

    loss(): the scalar cost computed from `params` as they are now (each entry is perturbed in
    place and restored). grads: analytic gradients keyed like params.
    Returns {name: GradCheck}.
    """
    _function(loss, "loss")
    for arg, name in ((params, "params"), (grads, "grads")):
        if not isinstance(arg, dict):
            raise InputTypeError(f"{name} must be a dict {{name: array}}; got {describe(arg)}")
    if not params:
        raise ValueError("params is an empty dict; expected at least one parameter array")
    missing = [k for k in params if k not in grads]
    if missing:
        raise ValueError(f"grads has no entry for {missing}; expected one per parameter, "
                         f"keyed like params {list(params)}")
    return {name: _gradient_check(lambda _x: loss(), params[name], grads[name], h, tol,
                                  f"params[{name!r}]", f"grads[{name!r}]", "loss")
            for name in params}


def unrelated_errors(n, draws=2000, seed=0):
    """relative_error(g, ĝ) for `draws` pairs of independent standard-normal vectors of length n.

    For independent zero-mean vectors, g·ĝ ≈ 0 and ‖g‖ ≈ ‖ĝ‖ = r when n is large, so
    ‖g − ĝ‖ = √(‖g‖² + ‖ĝ‖² − 2 g·ĝ) ≈ √2 r and the relative error ≈ √2 r / 2r = √2/2 ≈ 0.707.
    Returns an array of shape (draws,).
    """
    rng = np.random.default_rng(seed)
    g, g_hat = rng.normal(size=(2, int(draws), int(n)))
    return np.array([relative_error(a, b) for a, b in zip(g, g_hat)])


def central_difference_errors(f, fprime, xs, hs, dtype=np.float32):
    """Median over the points xs of the relative error |ĝ − f'(x)| / (|ĝ| + |f'(x)|) of the
    central difference ĝ = (f(x + h) − f(x − h)) / 2h, one median per h in hs.

    x, h, x ± h and f's values are all in `dtype` (float32: what a float32 network computes);
    the subtraction and the exact f' (evaluated at the same x, in float64) are in float64, so
    only the float32 rounding of the inputs and of f's values is measured. The median over
    many x is the typical error at each h, not one lucky point.
    """
    xs = np.asarray(xs, dtype=dtype)
    exact = fprime(xs.astype(np.float64))
    medians = []
    for h in np.asarray(hs, dtype=np.float64):
        h_ = dtype(h)
        diff = (f(xs + h_).astype(np.float64) - f(xs - h_).astype(np.float64)) / (2 * np.float64(h_))
        # (as relative_error: 0/0, where both are 0 such as relu's at x < 0, counts as 0)
        scale = np.maximum(np.abs(diff) + np.abs(exact), 1e-300)
        medians.append(np.median(np.abs(diff - exact) / scale))
    return np.array(medians)
