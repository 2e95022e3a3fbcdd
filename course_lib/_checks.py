"""Input validation shared by the library: every bad input becomes a ValueError that names the
argument, the value (or its type/shape) and what was expected.

A value of the wrong type raises InputTypeError, which is a TypeError and a ValueError at once:
`except ValueError` still catches every bad input. NaN or inf found on a run's way (a gradient,
an upstream error) raises NonFiniteError, which the training loop reads as divergence.
"""
import numbers

import numpy as np


class InputTypeError(TypeError, ValueError):
    """An argument of the wrong type (also a ValueError, like every other bad input)."""


class NonFiniteError(ValueError):
    """NaN or inf where finite numbers were expected, e.g. in the gradients of a diverging run."""


def describe(x):
    """A short description of a value for a message: its type, and shape and dtype for arrays."""
    if isinstance(x, np.ndarray):
        return f"{type(x).__name__} of shape {x.shape} and dtype {x.dtype}"
    text = repr(x)
    return f"{type(x).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def type_of(x):
    """"type (value)" for a message, e.g. "float (1.0)"."""
    text = repr(x)
    return f"{type(x).__name__} ({text if len(text) <= 40 else text[:37] + '...'})"


def not_masked(x, name):
    """Refuse a numpy masked array: np.asarray would silently drop its mask."""
    if isinstance(x, np.ma.MaskedArray):
        raise InputTypeError(f"{name} is a numpy masked array; expected a plain array (numpy "
                             f"would silently drop the mask): fill or remove the masked entries "
                             f"first, e.g. {name}.filled(0.0)")


def loose_array(x, name):
    """np.asarray(x) for a first look at its shape (masked arrays refused), or None if numpy
    cannot make an array of it (a ragged list): the caller's full check then says why."""
    not_masked(x, name)
    try:
        return np.asarray(x)
    except (TypeError, ValueError):
        return None


def numeric_array(x, name):
    """`x` as an array of real numbers: float arrays keep their dtype, integers and bools (0/1)
    become float64. Strings, complex numbers, None and masked arrays are refused."""
    not_masked(x, name)
    if x is None:
        raise InputTypeError(f"{name} is None; expected an array of numbers")
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError):   # e.g. a ragged list of lists
        raise InputTypeError(f"{name} must be an array of numbers; got {type(x).__name__} "
                             "that numpy cannot make into one (rows of different lengths?)") from None
    kind = arr.dtype.kind
    if kind == "f":
        return arr
    if kind in "biu":
        return arr.astype(np.float64)
    if kind == "O":   # e.g. Python numbers of mixed types: fine if every one is a real number
        odd = [v for v in arr.flat if not isinstance(v, numbers.Real)][:1]
        if not odd:
            return arr.astype(np.float64)
        raise InputTypeError(f"{name} must be an array of numbers; got {type(x).__name__} with "
                             f"dtype object holding {type(odd[0]).__name__}")
    if kind == "c":
        raise InputTypeError(f"{name} has dtype {arr.dtype}; expected real numbers, not complex "
                             f"(take {name}.real if the imaginary parts are 0)")
    raise InputTypeError(f"{name} must be an array of numbers; got {type(x).__name__} "
                         f"with dtype {arr.dtype}")


def finite_array(x, name):
    """`x` as a float array (numeric_array); raise ValueError if it holds NaN or inf."""
    arr = numeric_array(x, name)
    if not np.isfinite(arr).all():      # (the method: a few µs less than np.all(...))
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} NaN or inf value(s); expected finite numbers")
    return arr


def matrix(x, name, rows=None, cols=None, min_cols=0):
    """A finite 2-D float array, optionally with a fixed number of rows and/or columns, and at
    least `min_cols` columns."""
    arr = finite_array(x, name)
    if arr.ndim != 2:
        hint = ""
        if arr.ndim == 1 and rows is not None and arr.shape[0] == rows:
            hint = f" (one example? make it a column: {name}.reshape(-1, 1))"
        raise ValueError(f"{name} must be 2-D (features x examples, one example per column); "
                         f"got shape {arr.shape}{hint}")
    if rows is not None and arr.shape[0] != rows:
        raise ValueError(f"{name} has shape {arr.shape}; expected ({rows}, m): "
                         f"{rows} rows, one per input feature, one column per example")
    if cols is not None and arr.shape[1] != cols:
        raise ValueError(f"{name} has shape {arr.shape}; expected ({arr.shape[0]}, {cols}): "
                         f"one column per example, as many as X has")
    if arr.shape[1] < min_cols:
        raise ValueError(f"{name} has shape {arr.shape}: {arr.shape[1]} examples; expected at "
                         f"least {min_cols} column(s), one per example")
    return arr


def labels(y, k, name="labels"):
    """Integer class labels in 0..k-1 as a 1-D int array."""
    not_masked(y, name)
    if y is None:
        raise InputTypeError(f"{name} is None; expected integer class labels 0..{k - 1}")
    try:
        arr = np.asarray(y)
    except (TypeError, ValueError):
        raise InputTypeError(f"{name} must be integer class labels 0..{k - 1}; "
                             f"got {type(y).__name__}") from None
    if arr.ndim != 1:
        hint = (" (one-hot targets? their labels are np.argmax(Y, axis=0))" if arr.ndim == 2
                else "")
        raise ValueError(f"{name} must be 1-D, one label per example; got shape {arr.shape}{hint}")
    kind = arr.dtype.kind
    if kind == "b":
        raise InputTypeError(f"{name} has dtype bool; expected integer class labels 0..{k - 1} "
                             f"(if True/False are the classes 1/0, pass {name}.astype(int))")
    if kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError(f"{name} must be whole numbers 0..{k - 1}; got {arr[:5]}...")
    elif kind not in "iu":
        raise InputTypeError(f"{name} must be integers 0..{k - 1}; got dtype {arr.dtype}")
    bad = arr[(arr < 0) | (arr >= k)]     # compared before the cast: no wrap-around
    if bad.size:
        first = int(bad[0]) if kind == "f" and abs(bad[0]) < 2 ** 63 else bad[0]
        raise ValueError(f"{name} must lie in 0..{k - 1}; got {first} "
                         f"({bad.size} label(s) out of range)")
    return arr.astype(np.int64)


def count(value, name, minimum=1):
    """A whole number ≥ minimum (a bool is not one)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputTypeError(f"Invalid {name}: {value!r}; expected an integer ≥ {minimum}")
    if value < minimum:
        raise ValueError(f"Invalid {name}: {value!r}; expected an integer ≥ {minimum}")
    return int(value)


def seed(value, name="seed", maximum=None):
    """A seed for numpy.random.default_rng: an integer ≥ 0 (≤ maximum if given), or None."""
    if value is None:
        return None
    upper = f" and ≤ {maximum}" if maximum is not None else ""
    message = f"Invalid {name}: {value!r}; expected an integer ≥ 0{upper} (or None for a random one)"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputTypeError(message)
    if value < 0 or (maximum is not None and value > maximum):
        raise ValueError(message)
    return int(value)


def flag(value, name):
    """True or False (numpy's bool too); anything else is refused, not read as truthy."""
    if not isinstance(value, (bool, np.bool_)):
        raise InputTypeError(f"Invalid {name}: {value!r}; expected True or False")
    return bool(value)


def positive(value, name):
    """A finite number > 0."""
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        raise InputTypeError(f"Invalid {name}: {value!r}; expected a finite number > 0")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"Invalid {name}: {value!r}; expected a finite number > 0")
    return float(value)


def nonnegative(value, name):
    """A finite number ≥ 0."""
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        raise InputTypeError(f"Invalid {name}: {value!r}; expected a finite number ≥ 0")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"Invalid {name}: {value!r}; expected a finite number ≥ 0")
    return float(value)


def unit_interval(value, name):
    """A number in [0, 1)."""
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        raise InputTypeError(f"Invalid {name}: {value!r}; expected a number in [0, 1)")
    if not np.isfinite(value) or not 0.0 <= value < 1.0:
        raise ValueError(f"Invalid {name}: {value!r}; expected a number in [0, 1)")
    return float(value)


def choice(value, options, name):
    """One of a fixed set of names."""
    try:
        known = isinstance(value, str) and value in options
    except TypeError:
        known = False
    if not known:
        raise ValueError(f"Unknown {name} {value!r}; expected one of {sorted(options)}")
    return value


def inplace_float_array(x, name, why, dtype=None):
    """`x` itself if it is a writable numpy float array (of `dtype` if given), which a function
    can change in place; `why` says why it must be one."""
    not_masked(x, name)
    if not isinstance(x, np.ndarray):
        raise InputTypeError(f"{name} has type {type_of(x)}; expected a numpy float array: {why}")
    if x.dtype.kind != "f" or (dtype is not None and x.dtype != dtype):
        raise InputTypeError(f"{name} has dtype {x.dtype}; expected {np.dtype(dtype) if dtype else 'float'}"
                             f": {why}")
    if not x.flags.writeable:
        raise ValueError(f"{name} is read-only; expected a writable array: {why}")
    return x
