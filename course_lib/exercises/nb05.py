"""Exercises of 05_neurons_and_forward_pass: a forward pass with sigmoid hidden layers and a
softmax output, one example per column, and the parameter count of a network."""
import numpy as np

from .. import activations
from ..backprop import feedforward
from ..network import MLP
from ._core import FunctionExercise, Mistake, NumberExercise


def forward(params, X):
    """aᴸ of a network with sigmoid hidden layers and a softmax output layer.
    params: {"W1", "b1", ..., "WL", "bL"}, Wˡ: (nˡ, nˡ⁻¹), bˡ: (nˡ, 1); X: (n⁰, m)."""
    L = len(params) // 2
    acts = [None] + [activations.sigmoid] * (L - 1) + [activations.softmax]
    return feedforward(params, X, acts)[1][-1]


def _params(rng, sizes, scale=1.0):
    """Random Wˡ of shape (nˡ, nˡ⁻¹) and nonzero bˡ of shape (nˡ, 1)."""
    params = {}
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{l}"] = scale * rng.normal(size=(n_out, n_in)) / np.sqrt(n_in)
        params[f"b{l}"] = scale * rng.normal(size=(n_out, 1))
    return params


def _forward_cases(rng):
    large = _params(rng, [4, 5, 3], scale=20.0)      # hidden z in the tens, saturating σ,
    large["b2"] = large["b2"] + 800.0                # and zᴸ near 800: e^800 overflows unshifted
    return [(_params(rng, [4, 5, 3]), rng.normal(size=(4, 6))),            # the notebook's L = 2
            (_params(rng, [3, 6, 4, 2]), rng.normal(size=(3, 5))),         # L = 3
            (_params(rng, [5, 4]), rng.normal(size=(5, 3))),               # L = 1: softmax only
            (_params(rng, [6, 3, 4]), rng.normal(size=(6, 1))),            # one example, m = 1
            (large, rng.normal(size=(4, 4)))]


def _layers(params, X, last):
    """A forward pass with sigmoid hidden layers and `last` applied to zᴸ (the mistakes)."""
    L = len(params) // 2
    a = X
    for l in range(1, L + 1):
        z = params[f"W{l}"] @ a + params[f"b{l}"]
        a = activations.sigmoid(z) if l < L else last(z)
    return a


def _softmax_over_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _n_params(sizes):
    """The number of trainable numbers of MLP(sizes), all parameters together."""
    return sum(MLP(sizes).n_params().values())


_SIZES = [784, 128, 64, 10]


EXERCISES = [
    FunctionExercise(
        "05.1", "a forward pass",
        hints=["Loop over the layers l = 1, ..., L (L = len(params) // 2): zˡ = Wˡ aˡ⁻¹ + bˡ, "
               "starting from a⁰ = X. Every zˡ and aˡ has shape (nˡ, m).",
               "σ(z) = 1/(1 + e⁻ᶻ) in the hidden layers l < L; the last layer applies softmax "
               "instead: each column of zᴸ becomes probabilities that sum to 1.",
               "softmax per column: e = np.exp(z − z.max(axis=0, keepdims=True)), then "
               "e / e.sum(axis=0, keepdims=True). The shift changes nothing in exact arithmetic "
               "and keeps exp from overflowing when |z| is large (NaN or inf otherwise)."],
        reference=forward, cases=_forward_cases, rtol=1e-10, names=("aᴸ",),
        mistakes=[
            Mistake(lambda params, X: _layers(params, X, activations.sigmoid),
                    "the output layer applies σ; it should apply softmax (each column of aᴸ "
                    "sums to 1)"),
            Mistake(lambda params, X: _layers(params, X, _softmax_over_rows),
                    "softmax normalised each row (over the examples, axis=1); one example is "
                    "one column, so normalise over axis=0"),
            Mistake(lambda params, X: _layers(params, X, lambda z: z),
                    "that is zᴸ: the output layer's softmax is missing")]),
    NumberExercise(
        "05.2", "the parameters of a 784-128-64-10 network",
        hints=["Layer l has a weight matrix Wˡ of shape (nˡ, nˡ⁻¹) and a bias vector bˡ of "
               "shape (nˡ, 1). The input layer has neither.",
               "Sum nˡ·nˡ⁻¹ + nˡ over the three layers l = 1, 2, 3."],
        reference=lambda: _n_params(_SIZES), rtol=0,
        mistakes=[Mistake(sum(a * b for a, b in zip(_SIZES[:-1], _SIZES[1:])),
                          "the biases are missing: every neuron of layers 1..L has one"),
                  Mistake(_SIZES[0] * _SIZES[1] + _SIZES[1],
                          "that counts the first layer only; add W², b², W³ and b³"),
                  Mistake(sum(a * b + b for a, b in zip(_SIZES[:-1], _SIZES[1:])) + _SIZES[0],
                          "the input layer has no biases: its 784 numbers are the input x, "
                          "not parameters")]),
]
