"""One neuron, the bias trick, and one layer as a matrix product (column convention).

    neuron:  y = f(wᵀx + b)                  w, x: (n,)
    bias trick: wᵀx + b = [w; b]ᵀ [x; 1]     fold b into w, append a 1 to x
    layer:   z = W A + b,  a = σ(z)          W: (n_out, n_in), b: (n_out, 1), A: (n_in, m)
"""
import numpy as np

from . import activations as _activations
from ._checks import finite_array, matrix


def neuron(w, x, b, activation="sigmoid"):
    """y = f(wᵀx + b) for one neuron.

    w: (n,) weights; x: (n,) one input, or (n, m) a batch of inputs in columns; b: a number.
    Returns a float for one input, an array (m,) for a batch.
    """
    w = finite_array(w, "w")
    x = finite_array(x, "x")
    if w.ndim != 1:
        raise ValueError(f"w has shape {w.shape}; expected (n,), one weight per input")
    if x.shape[0] != w.shape[0] or x.ndim > 2:
        raise ValueError(f"x has shape {x.shape}; expected ({w.shape[0]},) or ({w.shape[0]}, m) "
                         "to match w")
    f = _activations.get(activation)
    y = f(w @ x + float(b))
    return float(y) if x.ndim == 1 else y


def with_ones(X):
    """Append a row of ones under a batch: (n, m) → (n + 1, m). The 1 multiplies the bias."""
    X = matrix(X, "X")
    return np.vstack([X, np.ones((1, X.shape[1]))])


def fold_bias(W, b):
    """The bias trick: [W | b], shape (n_out, n_in + 1), so that W A + b = [W | b] [A; 1]."""
    W = matrix(W, "W")
    b = matrix(b, "b", rows=W.shape[0], cols=1)
    return np.hstack([W, b])


def layer(W, b, A, activation="sigmoid"):
    """One layer on a batch: (z, a) with z = W A + b and a = σ(z), both (n_out, m).

    W: (n_out, n_in), b: (n_out, 1), A: (n_in, m) — b is broadcast over the m columns.
    """
    W = matrix(W, "W")
    b = matrix(b, "b", rows=W.shape[0], cols=1)
    A = matrix(A, "A", rows=W.shape[1])
    z = W @ A + b
    return z, _activations.get(activation)(z)


_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _sup(l):
    return str(l).translate(_SUP)


def shape_trace(params, X):
    """The shape of every quantity of a forward pass, in order, as rows (name, formula, shape).

    params: {"W1", "b1", ..., "WL", "bL"} in the column convention; X: (n⁰, m).
    Only shapes are traced (no activation is needed): zˡ and aˡ have shape (nˡ, m).
    """
    X = matrix(X, "X")
    L = len(params) // 2
    rows = [("a⁰ = X", "input, one example per column", X.shape)]
    shape = X.shape
    for l in range(1, L + 1):
        W, b = np.shape(params[f"W{l}"]), np.shape(params[f"b{l}"])
        if W[1] != shape[0]:
            raise ValueError(f"W{l} has shape {W}; expected ({W[0]}, {shape[0]}) to multiply "
                             f"a{l - 1} of shape {shape}")
        if b != (W[0], 1):
            raise ValueError(f"b{l} has shape {b}; expected ({W[0]}, 1)")
        shape = (W[0], shape[1])
        s, p = _sup(l), _sup(l - 1)
        rows.append((f"W{s}", f"n{s} × n{p}: one row per neuron", W))
        rows.append((f"b{s}", f"n{s} × 1: broadcast over the m columns", b))
        rows.append((f"z{s} = W{s} a{p} + b{s}", f"({W[0]}, {W[1]}) @ ({W[1]}, m) + ({W[0]}, 1)",
                     shape))
        rows.append((f"a{s} = σ(z{s})", "same shape as z", shape))
    return rows
