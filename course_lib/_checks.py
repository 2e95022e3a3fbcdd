"""Input validation shared by the library: every bad input becomes a ValueError that names
the value and what was expected."""
import numbers

import numpy as np


def finite_array(x, name):
    """Return `x` as a float64 array; raise ValueError if it holds NaN or inf."""
    try:
        arr = np.asarray(x)
        if arr.dtype.kind != "f":  # keep float32/float64 as given, convert ints and bools
            arr = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers; got {type(x).__name__}") from None
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} NaN or inf value(s); expected finite numbers")
    return arr


def matrix(x, name, rows=None, cols=None):
    """A finite 2-D float array, optionally with a fixed number of rows and/or columns."""
    arr = finite_array(x, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (features x examples, one example per column); "
                         f"got shape {arr.shape}")
    if rows is not None and arr.shape[0] != rows:
        raise ValueError(f"{name} has shape {arr.shape}; expected ({rows}, m): "
                         f"{rows} rows, one per input feature, one column per example")
    if cols is not None and arr.shape[1] != cols:
        raise ValueError(f"{name} has shape {arr.shape}; expected ({arr.shape[0]}, {cols}): "
                         f"one column per example, as many as X has")
    return arr


def labels(y, k, name="labels"):
    """Integer class labels in 0..k-1 as a 1-D int array."""
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D; got shape {arr.shape}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError(f"{name} must be whole numbers 0..{k - 1}; got {arr[:5]}...")
    elif arr.dtype.kind not in "iub":
        raise ValueError(f"{name} must be integers 0..{k - 1}; got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    bad = arr[(arr < 0) | (arr >= k)]
    if bad.size:
        raise ValueError(f"{name} must lie in 0..{k - 1}; got {bad[0]} "
                         f"({bad.size} label(s) out of range)")
    return arr


def positive(value, name):
    """A finite number > 0."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool) \
            or not np.isfinite(value) or value <= 0:
        raise ValueError(f"Invalid {name}: {value!r}; expected a finite number > 0")
    return float(value)


def unit_interval(value, name):
    """A number in [0, 1)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool) \
            or not np.isfinite(value) or not 0.0 <= value < 1.0:
        raise ValueError(f"Invalid {name}: {value!r}; expected a number in [0, 1)")
    return float(value)


def choice(value, options, name):
    """One of a fixed set of names."""
    if value not in options:
        raise ValueError(f"Unknown {name} {value!r}; expected one of {sorted(options)}")
    return value
