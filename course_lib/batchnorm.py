"""Batch normalization: normalize each unit over the batch, then scale by γ and shift by β.

Column convention: z has shape (n, m), one example per column; γ, β and the statistics have
shape (n, 1), one number per unit. For unit j over the m examples i of a batch:

    (1) μ    = (1/m) Σᵢ zᵢ                   batch mean
    (2) σ²   = (1/m) Σᵢ (zᵢ − μ)²            batch variance
    (3) ẑᵢ   = (zᵢ − μ) / √(σ² + ε)          normalize
    (4) yᵢ   = γ ẑᵢ + β                      scale and shift: the output BN(zᵢ)

Backward, for a scalar f and the upstream gradient gᵢ = ∂f/∂yᵢ (one column per example):

    [A] ∂f/∂γ  = Σᵢ gᵢ ẑᵢ
    [B] ∂f/∂β  = Σᵢ gᵢ
    (5) ∂f/∂ẑᵢ = gᵢ γ
    [C] ∂f/∂zᵢ = (1/√(σ² + ε)) · (∂f/∂ẑᵢ − mean(∂f/∂ẑ) − ẑᵢ · mean(∂f/∂ẑ ⊙ ẑ))

[C] is (γ / (m √(σ² + ε))) (m gᵢ − Σⱼ gⱼ − ẑᵢ Σⱼ gⱼ ẑⱼ) written with means. Because every zᵢ
also moves μ and σ², ∂f/∂zᵢ is not just gᵢ γ / √(σ² + ε): the two subtracted terms are the
paths through μ (1) and σ² (2). They make Σᵢ ∂f/∂zᵢ = 0 exactly, which is why a bias added
to z just before batch normalization gets no gradient: the mean (1) removes it.

In training, (1) and (2) use the batch; running averages of μ and σ² are kept for inference,
where a single example has no batch: y = γ (z − μ_run) / √(σ²_run + ε) + β.
"""
from dataclasses import dataclass

import numpy as np

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
    """Inference mode: (4) with the running statistics instead of the batch's.

    z: (n, m); gamma, beta, running_mean, running_var: (n, 1). Returns y: (n, m).
    Each column is transformed on its own, so the answer for one example does not depend on
    which other examples share its batch.
    """
    scale = gamma / np.sqrt(running_var + eps)      # γ (z − μ_run)/√(σ²_run + ε) + β, as one
    return scale * z + (beta - scale * running_mean)   # scale and one shift per unit


def backward(grad_y, cache):
    """[A], [B], [C]: (∂f/∂z, ∂f/∂γ, ∂f/∂β) from grad_y = ∂f/∂y, shape (n, m).

    Returns arrays of shapes (n, m), (n, 1), (n, 1): the exact partial derivatives of f.
    """
    grad_gamma = np.sum(grad_y * cache.z_hat, axis=1, keepdims=True)      # [A]
    grad_beta = np.sum(grad_y, axis=1, keepdims=True)                    # [B]
    grad_z_hat = grad_y * cache.gamma                                     # (5)
    m = grad_y.shape[1]
    grad_z = cache.inv_std * (grad_z_hat                                  # [C]
                              - grad_z_hat.sum(axis=1, keepdims=True) / m
                              - cache.z_hat * (grad_z_hat * cache.z_hat).sum(axis=1,
                                                                        keepdims=True) / m)
    return grad_z, grad_gamma, grad_beta


def update_running(running_mean, running_var, cache, momentum=MOMENTUM):
    """Move the running statistics towards this batch's, in place:

        μ_run ← (1 − momentum) μ_run + momentum μ,    σ²_run ← (1 − momentum) σ²_run + momentum σ²

    (torch's convention; the source article writes the same with its momentum = 1 − ours, 0.99.)
    """
    running_mean *= 1.0 - momentum
    running_mean += momentum * cache.mean
    running_var *= 1.0 - momentum
    running_var += momentum * cache.var
