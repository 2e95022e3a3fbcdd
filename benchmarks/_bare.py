"""Pieces of the benchmarks' "bare numpy" reference loops: numpy calls with no checks, written
to be cheap rather than to match course_lib's last bits."""
import numpy as np

from course_lib._flat import FlatDict


def parameters(net):
    """(P, G): copies of net's parameters without the b of its BatchNorm layers (BatchNorm
    subtracts the batch's mean, so b changes nothing), as views into one array (P.flat), and
    a gradient buffer of the same layout (G.flat), for updates with one call per operation."""
    P = FlatDict.packed({k: v for k, v in net.params.items()
                         if not (k[0] == "b" and k[1:].isdigit() and int(k[1:]) in net.bn_layers)},
                        net.dtype)
    return P, FlatDict(np.empty_like(P.flat), P.layout)


def bn_forward(z, eps):
    """z normalized with its batch's statistics, in place: (ẑ (z itself), 1/√(σ² + ε), mean, σ²)."""
    m = z.shape[1]
    mean = z.sum(axis=1, keepdims=True) / m
    z -= mean
    var = (z * z).sum(axis=1, keepdims=True) / m
    inv_std = 1.0 / np.sqrt(var + eps)
    z *= inv_std
    return z, inv_std, mean, var


def bn_backward(g, z_hat, inv_std, gamma, grad_gamma, grad_beta):
    """∂C/∂z from g = ∂C/∂y; ∂C/∂γ and ∂C/∂β ([A], [B]) are written into grad_gamma, grad_beta."""
    m = g.shape[1]
    (g * z_hat).sum(axis=1, keepdims=True, out=grad_gamma)
    g.sum(axis=1, keepdims=True, out=grad_beta)
    return (gamma * inv_std) * (g - grad_beta / m - z_hat * (grad_gamma / m))
