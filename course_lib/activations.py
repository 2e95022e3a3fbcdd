"""Activation functions a = σ(z) and their derivatives.

Each activation is applied to a batch z of shape (n, m), one example per column. Element-wise
activations have `prime(z)` = σ'(z). Every activation has `backward(z, grad_a)`, the vector-
Jacobian product that turns ∂C/∂a into ∂C/∂z: for element-wise ones that is grad_a ⊙ σ'(z), for
softmax (which mixes the entries of a column) it is the full Jacobian applied to grad_a.
"""
import numpy as np

from ._checks import choice


def _float(z):
    """z as a float array: float32 and float64 stay as they are, anything else becomes float64."""
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else z.astype(np.float64)


class Activation:
    """An element-wise activation: `act(z)` is σ(z), `act.prime(z)` is σ'(z)."""

    elementwise = True

    def __init__(self, name, f, prime, prime_from_output=None):
        self.name, self._f, self._prime = name, f, prime
        self._prime_a = prime_from_output   # σ'(z) from a = σ(z), where that is cheaper

    def __call__(self, z):
        return self._f(_float(z))

    def prime(self, z):
        """σ'(z), element by element, same shape as z."""
        return self._prime(_float(z))

    def backward(self, z, grad_a):
        """∂C/∂z = ∂C/∂a ⊙ σ'(z)."""
        return grad_a * self.prime(z)

    def _backward(self, z, a, grad_a):
        """backward(z, grad_a) for float arrays, given a = σ(z) as well (the network's fast path,
        backprop._backprop_fast): the same numbers, with σ'(z) computed from a where that is
        cheaper (sigmoid: a(1 − a), tanh: 1 − a²) and ReLU's 0/1 mask used as it is. grad_a, a
        fresh array, is overwritten."""
        if self._prime_a is not None:
            return np.multiply(grad_a, self._prime_a(a), out=grad_a)
        if self is relu:
            return np.multiply(grad_a, z >= 0, out=grad_a)   # × 1.0 or × 0.0, as with prime(z)
        return self.backward(z, grad_a)

    def __repr__(self):
        return f"<activation {self.name}>"


def _sigmoid(z):
    # 1/(1 + e) where z ≥ 0 and e/(1 + e) where z < 0, with e = exp(−|z|): exp of a non-positive
    # number only, so no overflow for large |z|. The numerator, 1 or e, is max(e, [z ≥ 0])
    # because 0 ≤ e ≤ 1: the same numbers as np.where(z >= 0, 1/(1 + e), e/(1 + e)), several
    # times faster (np.where is slow on a mask of mixed signs).
    e = np.exp(-np.abs(z))
    a = np.maximum(e, z >= 0)
    e += 1.0
    a /= e
    return a if isinstance(a, np.ndarray) else np.asarray(a)   # a 0-d array stays an array


def _sigmoid_prime(z):
    a = _sigmoid(z)
    return a * (1.0 - a)


def _sigmoid_prime_from_output(a):
    prime = 1.0 - a
    prime *= a           # a(1 − a), as _sigmoid_prime computes it
    return prime


sigmoid = Activation("sigmoid", _sigmoid, _sigmoid_prime, _sigmoid_prime_from_output)
tanh = Activation("tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2, lambda a: 1.0 - a ** 2)
identity = Activation("identity", lambda z: z.copy(), np.ones_like)
# ReLU'(0) = 1: any value in [0, 1] is a valid subgradient at the kink.
relu = Activation("relu", lambda z: np.maximum(z, 0.0), lambda z: (z >= 0).astype(z.dtype))


class LeakyReLU(Activation):
    """σ(z) = z for z ≥ 0, slope·z otherwise."""

    def __init__(self, slope=0.01):
        self.slope = float(slope)
        super().__init__("leaky_relu", lambda z: np.where(z >= 0, z, self.slope * z),
                         lambda z: np.where(z >= 0, 1.0, self.slope).astype(z.dtype))


class ELU(Activation):
    """σ(z) = z for z ≥ 0, alpha·(eᶻ − 1) otherwise; σ'(z) = alpha·eᶻ there."""

    def __init__(self, alpha=1.0):
        self.alpha = float(alpha)
        super().__init__("elu", lambda z: np.where(z >= 0, z, self.alpha * np.expm1(np.minimum(z, 0))),
                         lambda z: np.where(z >= 0, 1.0, self.alpha * np.exp(np.minimum(z, 0))))


leaky_relu = LeakyReLU()
elu = ELU()


class Softmax:
    """aⱼ = exp(zⱼ) / Σₖ exp(zₖ), column by column.

    Its Jacobian ∂aⱼ/∂zₖ = aⱼ(δⱼₖ − aₖ) is a full matrix, so there is no element-wise σ'.
    `backward` applies it: (J grad_a)ⱼ = aⱼ (grad_aⱼ − Σₖ aₖ grad_aₖ). J is symmetric, so this
    is both the Jacobian-vector and the vector-Jacobian product.
    """

    name = "softmax"
    elementwise = False

    def __call__(self, z):
        z = _float(z)
        e = np.exp(z - z.max(axis=0, keepdims=True))  # shift: no overflow, same result
        return e / e.sum(axis=0, keepdims=True)

    def log(self, z):
        """log softmax(z) by log-sum-exp, finite even where softmax underflows to 0."""
        z = _float(z)
        shifted = z - z.max(axis=0, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))

    def jacobian(self, z):
        """The (n, n) matrix ∂a/∂z for one example z of shape (n,) or (n, 1)."""
        a = self(_float(z).reshape(-1, 1)).ravel()
        return np.diag(a) - np.outer(a, a)

    def backward(self, z, grad_a):
        a = self(z)
        return a * (grad_a - (a * grad_a).sum(axis=0, keepdims=True))

    def __repr__(self):
        return "<activation softmax>"


softmax = Softmax()

ACTIVATIONS = {act.name: act for act in (sigmoid, tanh, relu, leaky_relu, elu, identity, softmax)}
HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "identity")


def get(name_or_activation):
    """An activation object from its name (or the object itself)."""
    if isinstance(name_or_activation, (Activation, Softmax)):
        return name_or_activation
    return ACTIVATIONS[choice(name_or_activation, ACTIVATIONS, "activation")]
