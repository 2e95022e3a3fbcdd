"""Batch normalization: normalize each unit over the batch, then scale by γ and shift by β.

Column convention: z has shape (n, m), one example per column; γ, β and the statistics have
shape (n, 1), one number per unit. For unit j over the m examples i of a batch:

    (1) z̄    = (1/m) Σᵢ zᵢ                   batch mean
    (2) σ²   = (1/m) Σᵢ (zᵢ − z̄)²            batch variance (biased: divided by m)
    (3) ẑᵢ   = (zᵢ − z̄) / √(σ² + ε)          normalize
    (4) yᵢ   = γ ẑᵢ + β                      scale and shift: the output BN(zᵢ)

(The batch mean is written z̄, not μ: in the course μ is the smallest curvature of a quadratic.
β is BatchNorm's shift, the paper's name; it is not the optimizers' momentum β.)

Backward, for a scalar f and the upstream gradient gᵢ = ∂f/∂yᵢ (one column per example):

    [A] ∂f/∂γ  = Σᵢ gᵢ ẑᵢ
    [B] ∂f/∂β  = Σᵢ gᵢ
    (5) ∂f/∂ẑᵢ = gᵢ γ
    [C] ∂f/∂zᵢ = (1/√(σ² + ε)) · (∂f/∂ẑᵢ − mean(∂f/∂ẑ) − ẑᵢ · mean(∂f/∂ẑ ⊙ ẑ))

[C] is (γ / (m √(σ² + ε))) (m gᵢ − Σⱼ gⱼ − ẑᵢ Σⱼ gⱼ ẑⱼ) written with means; `backward`
computes it in that form, whose two sums are [B] and [A]. Because every zᵢ also moves z̄ and
σ², ∂f/∂zᵢ is not just gᵢ γ / √(σ² + ε): the two subtracted terms are the paths through z̄ (1)
and σ² (2). They make Σᵢ ∂f/∂zᵢ = 0 exactly, which is why a bias added
to z just before batch normalization gets no gradient: the mean (1) removes it.

In a network f is the batch cost C = (1/m) Σₓ Cₓ. With batch statistics every Cₓ depends on
every column of z (through z̄ and σ²), so there is no per-example ∂Cₓ/∂zᵢ to speak of: [C]
applied to the per-example errors ∂Cₓ/∂yₓ (each m times ∂C/∂yₓ) gives m ∂C/∂z, which is the δ
that BP3 and BP4 then average (backprop.batchnorm_error).

In training, (1) and (2) use the batch; running averages of z̄ and σ² are kept for inference,
where a single example has no batch: y = γ (z − z̄_run) / √(σ²_run + ε) + β.
Convention: the running variance averages the biased σ² of (2), the variance training
normalizes with (as the source article's code does). torch.nn.BatchNorm1d normalizes with the
same biased σ² but averages the unbiased m/(m − 1) σ² into its running_var; the two running
variances differ by that factor (1.6 % for m = 64, 2× for m = 2). To compare with torch,
multiply σ² by m/(m − 1) before averaging.
A training batch needs m ≥ 2: with one example z − μ = 0, y = β and every gradient is 0.

The four public functions check their inputs (shapes, finite numbers, ε > 0, m ≥ 2 in training
mode) and raise ValueError naming the argument, then run the equations as written below
(inspect.getsource shows those). The network, whose inputs are checked once, calls the
unchecked _forward, _inference and _update_running.
"""
import functools
from dataclasses import dataclass

import numpy as np

from ._checks import (InputTypeError, NonFiniteError, describe, finite_array, inplace_float_array,
                      matrix, numeric_array, positive, unit_interval)

EPS = 1e-5        # ε, as in torch.nn.BatchNorm1d (the source article uses 0.01)
MOMENTUM = 0.1    # weight of the new batch in the running averages, as in torch.nn.BatchNorm1d


@dataclass
class BNCache:
    """What the backward pass needs from the forward pass. All arrays (n, 1) except z_hat (n, m)."""

    z_hat: np.ndarray
    inv_std: np.ndarray
    gamma: np.ndarray
    mean: np.ndarray
    var: np.ndarray


def forward(z, gamma, beta, eps=EPS):
    """Training mode, equations (1)–(4): (y, cache) with batch statistics.

    z: (n, m); gamma, beta: (n, 1). Returns y: (n, m) and a BNCache for `backward`.
    """
    m = z.shape[1]                  # (sums divided by m: the same as .mean, with less overhead)
    mean = z.sum(axis=1, keepdims=True) / m                          # (1)
    centered = z - mean
    var = (centered * centered).sum(axis=1, keepdims=True) / m       # (2)
    inv_std = 1.0 / np.sqrt(var + eps)
    z_hat = centered * inv_std                           # (3)
    y = gamma * z_hat + beta                             # (4)
    return y, BNCache(z_hat, inv_std, gamma, mean, var)


def inference(z, gamma, beta, running_mean, running_var, eps=EPS):
    """Inference mode: (3)–(4) with the running statistics z̄_run, σ²_run instead of the batch's.

    z: (n, m); gamma, beta, running_mean, running_var: (n, 1). Returns y: (n, m).
    Each column is transformed on its own, so the answer for one example does not depend on
    which other examples share its batch.
    """
    scale = gamma / np.sqrt(running_var + eps)      # γ (z − z̄_run)/√(σ²_run + ε) + β, as one
    return scale * z + (beta - scale * running_mean)   # scale and one shift per unit


def backward(grad_y, cache):
    """[A], [B], [C]: (∂f/∂z, ∂f/∂γ, ∂f/∂β) from grad_y = ∂f/∂y, shape (n, m).

    Returns arrays of shapes (n, m), (n, 1), (n, 1): the exact partial derivatives of f.
    """
    grad_gamma = np.sum(grad_y * cache.z_hat, axis=1, keepdims=True)      # [A]
    grad_beta = np.sum(grad_y, axis=1, keepdims=True)                    # [B]
    m = grad_y.shape[1]
    # [C] with ∂f/∂ẑ = g γ (5): its two means are γ [B] / m and γ [A] / m, so
    # ∂f/∂z = γ/√(σ² + ε) · (g − [B]/m − ẑ · [A]/m)
    grad_z = (cache.gamma * cache.inv_std) * (grad_y - grad_beta / m      # [C]
                                              - cache.z_hat * (grad_gamma / m))
    return grad_z, grad_gamma, grad_beta


def update_running(running_mean, running_var, cache, momentum=MOMENTUM):
    """Move the running statistics towards this batch's, in place:

        z̄_run ← (1 − momentum) z̄_run + momentum z̄,    σ²_run ← (1 − momentum) σ²_run + momentum σ²

    with the batch's z̄ and its biased σ² (divided by m, equation (2)). `momentum` is torch's name
    for the weight of the new batch (the source article writes the same with 0.99 = 1 − ours); it
    is not the optimizers' momentum β. torch.nn.BatchNorm1d averages the unbiased m/(m − 1) σ²
    instead: see the module docstring.
    """
    running_mean *= 1.0 - momentum
    running_mean += momentum * cache.mean
    running_var *= 1.0 - momentum
    running_var += momentum * cache.var


# -- the checked public functions ------------------------------------------------------------

_forward, _inference, _backward, _update_running = forward, inference, backward, update_running


# -- the network's fast path (backprop._backprop_fast) ----------------------------------------
# forward and backward's operations in the same order, so the same numbers to the last bit
# (tests/test_fast_path.py compares them), written into arrays the network no longer needs
# instead of new ones. For arrays of one dtype; no checks.

def _forward_fast(z, gamma, beta, eps):
    """forward(z, gamma, beta, eps); z, a fresh array, is overwritten (it becomes ẑ)."""
    m = z.shape[1]
    mean = z.sum(axis=1, keepdims=True) / m                          # (1)
    centered = np.subtract(z, mean, out=z)
    var = (centered * centered).sum(axis=1, keepdims=True) / m       # (2)
    inv_std = 1.0 / np.sqrt(var + eps)
    z_hat = np.multiply(centered, inv_std, out=centered)             # (3)
    y = gamma * z_hat
    y += beta                                                        # (4)
    return y, BNCache(z_hat, inv_std, gamma, mean, var)


def _backward_fast(grad_y, cache):
    """backward(grad_y, cache); grad_y, a fresh array, is overwritten."""
    z_hat = cache.z_hat
    m = grad_y.shape[1]
    product = grad_y * z_hat
    grad_gamma = product.sum(axis=1, keepdims=True)                  # [A]
    grad_beta = grad_y.sum(axis=1, keepdims=True)                    # [B]
    correction = np.multiply(z_hat, grad_gamma / m, out=product)     # [C]
    grad_z = np.subtract(grad_y, grad_beta / m, out=grad_y)
    grad_z -= correction
    grad_z *= cache.gamma * cache.inv_std
    return grad_z, grad_gamma, grad_beta


def _per_unit(a, name, n):
    """A finite (n, 1) array: one number per unit (row of z)."""
    arr = finite_array(a, name)
    if arr.shape != (n, 1):
        raise ValueError(f"{name} has shape {arr.shape}; expected ({n}, 1), one number per unit "
                         "(row of z)")
    return arr


def _training_batch(m, name):
    if m < 2:
        raise ValueError(f"{name} has {m} column(s); BatchNorm in training mode needs a batch of "
                         "at least 2 examples (with one, z − μ = 0: the output is β and every "
                         "gradient is 0; torch refuses it too). For one example use inference()")


def _check_cache(cache):
    """(n, m) of a BNCache whose arrays have consistent shapes."""
    if not isinstance(cache, BNCache):
        raise InputTypeError(f"cache must be the BNCache returned by forward(z, gamma, beta); "
                             f"got {describe(cache)}")
    z_hat = cache.z_hat
    if not isinstance(z_hat, np.ndarray) or z_hat.ndim != 2:
        raise ValueError(f"cache.z_hat must be a 2-D array (n, m); got {describe(z_hat)}")
    n, m = z_hat.shape
    try:     # the usual case, fast: every (n, 1) field an array of that shape
        ok = (cache.inv_std.shape == cache.gamma.shape == cache.mean.shape == cache.var.shape
              == (n, 1))
    except AttributeError:
        ok = False
    for field in () if ok else ("inv_std", "gamma", "mean", "var"):
        if np.shape(getattr(cache, field)) != (n, 1):
            raise ValueError(f"cache.{field} has shape {np.shape(getattr(cache, field))}; expected "
                             f"({n}, 1) like cache.z_hat's {n} units (was the cache made by forward?)")
    _training_batch(m, "cache.z_hat")
    return n, m


def _checked_forward(z, gamma, beta, eps=EPS):
    z = matrix(z, "z")
    n, m = z.shape
    _training_batch(m, "z")
    return _forward(z, _per_unit(gamma, "gamma", n), _per_unit(beta, "beta", n),
                    positive(eps, "eps"))


def _checked_inference(z, gamma, beta, running_mean, running_var, eps=EPS):
    z = matrix(z, "z", min_cols=1)
    n = z.shape[0]
    var = _per_unit(running_var, "running_var", n)
    if np.any(var < 0):
        raise ValueError(f"running_var has a negative entry {float(var.min()):g}; expected "
                         "variances ≥ 0")
    return _inference(z, _per_unit(gamma, "gamma", n), _per_unit(beta, "beta", n),
                      _per_unit(running_mean, "running_mean", n), var, positive(eps, "eps"))


def _checked_backward(grad_y, cache):
    # Training calls this too (backprop.batchnorm_error), once per BN layer and step: the checks
    # are O(1) but for one np.isfinite pass, a few per cent of the backward pass.
    n, m = _check_cache(cache)
    if type(grad_y) is not np.ndarray or grad_y.dtype.kind != "f":
        grad_y = numeric_array(grad_y, "grad_y")
    if grad_y.shape != (n, m):
        raise ValueError(f"grad_y has shape {grad_y.shape}; expected ({n}, {m}) like z "
                         "(cache.z_hat), one column per example")
    if not np.isfinite(grad_y).all():
        raise NonFiniteError("grad_y contains NaN or inf; expected finite numbers "
                             "(has the run diverged?)")
    return _backward(grad_y, cache)


def _checked_update_running(running_mean, running_var, cache, momentum=MOMENTUM):
    n, _ = _check_cache(cache)
    why = "the running statistics are updated in place"
    for arr, name in ((running_mean, "running_mean"), (running_var, "running_var")):
        inplace_float_array(arr, name, why)
        if arr.shape != (n, 1):
            raise ValueError(f"{name} has shape {arr.shape}; expected ({n}, 1) like the cache's "
                             f"{n} units")
        finite_array(arr, name)
    return _update_running(running_mean, running_var, cache, unit_interval(momentum, "momentum"))


# The public names: the checks above, then the equations (functools.wraps keeps each one's
# name, docstring and signature, and inspect.getsource follows __wrapped__ to the equations).
forward = functools.wraps(_forward)(_checked_forward)
inference = functools.wraps(_inference)(_checked_inference)
backward = functools.wraps(_backward)(_checked_backward)
update_running = functools.wraps(_update_running)(_checked_update_running)
