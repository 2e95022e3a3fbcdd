"""The four fundamental equations of backpropagation, one function each, and `backprop`
built from exactly these four.

Notation (column convention, layers numbered 1..L as in the equations, a⁰ = x):
    zˡ = Wˡ aˡ⁻¹ + bˡ,   aˡ = σˡ(zˡ),   Wˡ: (nˡ, nˡ⁻¹),   bˡ: (nˡ, 1)
A batch of m examples is stacked as columns, so zˡ, aˡ and δˡ have shape (nˡ, m).
δˡ = ∂Cₓ/∂zˡ is the error of each example x (one column each); BP3 and BP4 average over the
batch, because the cost C is the mean of the per-example costs Cₓ.
"""
import numpy as np


def output_error(cost, zL, aL, y, activation):
    """BP1: δᴸ = ∇ₐC ⊙ σ'(zᴸ).   zL, aL, y, result: (n_L, m).

    The cost owns this step: for softmax + cross-entropy it is exactly aᴸ − y.
    """
    return cost.output_error(zL, aL, y, activation)


def hidden_error(W_next, delta_next, z, activation):
    """BP2: δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ'(zˡ).

    W_next: (nˡ⁺¹, nˡ), delta_next: (nˡ⁺¹, m), z and result: (nˡ, m).
    """
    return activation.backward(z, W_next.T @ delta_next)


def bias_gradient(delta):
    """BP3: ∂C/∂bˡ = δˡ, averaged over the batch.   delta: (nˡ, m) → (nˡ, 1)."""
    return delta.mean(axis=1, keepdims=True)


def weight_gradient(delta, a_prev):
    """BP4: ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ, averaged over the batch: δˡ (aˡ⁻¹)ᵀ / m.

    delta: (nˡ, m), a_prev: (nˡ⁻¹, m) → (nˡ, nˡ⁻¹).
    """
    return delta @ a_prev.T / delta.shape[1]


def feedforward(params, X, activations):
    """Return the lists (zs, activations) for layers 0..L; zs[0] is None and activations[0] = X.

    params: {"W1", "b1", ..., "WL", "bL"}; activations: list [None, σ¹, ..., σᴸ].
    """
    L = len(activations) - 1
    zs, acts = [None], [X]
    for l in range(1, L + 1):
        z = params[f"W{l}"] @ acts[l - 1] + params[f"b{l}"]
        zs.append(z)
        acts.append(activations[l](z))
    return zs, acts


def backprop(params, X, Y, activations, cost):
    """Return (C, grads): the mean cost over the batch and ∂C/∂θ for every parameter θ,
    keyed and shaped like `params`. Nothing is changed.

    X: (n⁰, m), Y: (nᴸ, m), activations: [None, σ¹, ..., σᴸ], cost: a costs object.
    """
    zs, acts = feedforward(params, X, activations)
    L = len(activations) - 1
    grads = {}
    delta = output_error(cost, zs[L], acts[L], Y, activations[L])              # BP1
    for l in range(L, 0, -1):
        grads[f"b{l}"] = bias_gradient(delta)                                    # BP3
        grads[f"W{l}"] = weight_gradient(delta, acts[l - 1])                     # BP4
        if l > 1:
            delta = hidden_error(params[f"W{l}"], delta, zs[l - 1], activations[l - 1])  # BP2
    return cost.value(acts[L], Y, zs[L]), {k: grads[k] for k in params}
