"""The four fundamental equations of backpropagation, one function each, and `backprop`
built from exactly these four.

Notation (column convention, layers numbered 1..L as in the equations, a⁰ = x):
    zˡ = Wˡ aˡ⁻¹ + bˡ,   aˡ = σˡ(zˡ),   Wˡ: (nˡ, nˡ⁻¹),   bˡ: (nˡ, 1)
A batch of m examples is stacked as columns, so zˡ, aˡ and δˡ have shape (nˡ, m).
δˡ = ∂Cₓ/∂zˡ is the error of each example x (one column each); BP3 and BP4 average over the
batch, because the cost C is the mean of the per-example costs Cₓ. With BatchNorm in training
mode (batch statistics) every example's cost depends on every column of zˡ, and the column δˡ
is m·∂C/∂zˡ instead (see `batchnorm_error`): the same numbers BP3 and BP4 then average.
"""

import numpy as np

from . import activations as _activations
from . import batchnorm
from . import costs as _costs
from ._blas import one_blas_thread
from ._flat import FlatDict, layout_of

_sum = np.add.reduce     # ndarray.sum and np.sum without their Python wrappers: the same sums


def output_error(cost, zL, aL, y, activation):
    """BP1: δᴸ = J_σ(zᴸ)ᵀ ∇ₐC, which is ∇ₐC ⊙ σ'(zᴸ) for an elementwise σ.
    zL, aL, y, result: (n_L, m).

    The cost owns this step: for softmax (not elementwise: its Jacobian) with cross-entropy it
    is exactly aᴸ − y.
    """
    return cost.output_error(zL, aL, y, activation)


def hidden_error(W_next, delta_next, z, activation):
    """BP2: δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ'(zˡ).

    W_next: (nˡ⁺¹, nˡ), delta_next: (nˡ⁺¹, m), z and result: (nˡ, m).
    """
    return activation.backward(z, W_next.T @ delta_next)


def bias_gradient(delta):
    """BP3: ∂C/∂bˡ = δˡ, averaged over the batch.   delta: (nˡ, m) → (nˡ, 1)."""
    return delta.sum(axis=1, keepdims=True) / delta.shape[1]


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


# -- with batch normalization -------------------------------------------------------------
# A layer l in `bn_layers` normalizes zˡ before its activation:
#     zˡ = Wˡ aˡ⁻¹ + bˡ,   ẑˡ = BN(zˡ) = γˡ (zˡ − z̄) / √(s² + ε) + βˡ,   aˡ = σ(ẑˡ)
# (z̄, s²: the batch's mean and variance of each unit; βˡ is BatchNorm's shift, not momentum)
# (ẑˡ here is the output of BatchNorm (4), the input of σ.) Layers not in bn_layers have ẑˡ = zˡ.


def feedforward_bn(params, X, activations, bn_layers, bn_state=None, train=True,
                   eps=batchnorm.EPS):
    """Forward pass with BatchNorm in the layers `bn_layers` (a set of layer numbers).

    train=True: batch statistics (1)–(2), which backprop needs; train=False: the running
    statistics bn_state["mean{l}"], bn_state["var{l}"] (shape (nˡ, 1)).
    Returns (zs, z_bns, acts, caches), lists for layers 0..L (index 0 unused except acts[0] = X):
    zs[l] = zˡ, z_bns[l] = ẑˡ, acts[l] = aˡ, caches[l] = a batchnorm.BNCache (train) or None.
    """
    L = len(activations) - 1
    zs, z_bns, acts, caches = [None], [None], [X], [None]
    for l in range(1, L + 1):
        z = params[f"W{l}"] @ acts[l - 1] + params[f"b{l}"]
        cache = None
        if l not in bn_layers:
            z_bn = z
        elif train:
            z_bn, cache = batchnorm._forward(z, params[f"gamma{l}"], params[f"beta{l}"], eps)
        else:
            z_bn = batchnorm._inference(z, params[f"gamma{l}"], params[f"beta{l}"],
                                       bn_state[f"mean{l}"], bn_state[f"var{l}"], eps)
        zs.append(z)
        z_bns.append(z_bn)
        acts.append(activations[l](z_bn))
        caches.append(cache)
    return zs, z_bns, acts, caches


def batchnorm_error(delta_bn, cache):
    """δˡ from the error at BatchNorm's output δ̂ˡ, shape (nˡ, m), by [C] (δ̂ˡ = ∂Cₓ/∂ẑˡ when no
    higher layer has BatchNorm, m·∂C/∂ẑˡ when one has: the same rule either way);
    and ∂C/∂γˡ, ∂C/∂βˡ by [A], [B], averaged over the batch like BP3 (shapes (nˡ, 1)).

    [C] is linear in its input, so passing the per-example errors gives the per-example δˡ
    (m ∂C/∂zˡ) that BP3 and BP4 average; [A] and [B] are sums, hence the division by m.
    """
    delta, grad_gamma, grad_beta = batchnorm.backward(delta_bn, cache)
    m = delta_bn.shape[1]
    return delta, grad_gamma / m, grad_beta / m


def backprop_bn(params, X, Y, activations, cost, bn_layers, eps=batchnorm.EPS):
    """Backprop through a network with BatchNorm (training mode: batch statistics) in the
    layers `bn_layers`. Returns (C, grads, caches); grads is keyed and shaped like params
    (γˡ, βˡ included), caches[l] holds layer l's batch statistics. Nothing is changed.

    The four equations stay; BatchNorm adds one step in each BN layer:
        BP1 at the output, or BP2 with σ'(ẑˡ):   δ̂ˡ = ∂Cₓ/∂ẑˡ
        BatchNorm backward [A] [B] [C]:          δˡ, ∂C/∂γˡ, ∂C/∂βˡ from δ̂ˡ
        BP3, BP4 with δˡ as before (BP3 gives exactly 0: Σᵢ δˡᵢ = 0 by [C]).
    """
    zs, z_bns, acts, caches = feedforward_bn(params, X, activations, bn_layers, train=True,
                                             eps=eps)
    L = len(activations) - 1
    grads = {}
    delta = output_error(cost, z_bns[L], acts[L], Y, activations[L])                    # BP1
    for l in range(L, 0, -1):
        if l in bn_layers:
            delta, grads[f"gamma{l}"], grads[f"beta{l}"] = batchnorm_error(delta, caches[l])
        grads[f"b{l}"] = bias_gradient(delta)                                            # BP3
        grads[f"W{l}"] = weight_gradient(delta, acts[l - 1])                             # BP4
        if l > 1:
            delta = hidden_error(params[f"W{l}"], delta, z_bns[l - 1], activations[l - 1])  # BP2
    return cost.value(acts[L], Y, z_bns[L]), {k: grads[k] for k in params}, caches


# -- the network's fast path ---------------------------------------------------------------
# MLP.backprop and train() call _backprop_fast, MLP.forward and predict call _output: the same
# numpy operations as backprop/backprop_bn and feedforward_bn above, on the same numbers in the
# same order, so the same results to the last bit (tests/test_fast_path.py compares them), with
# less around them: no lists of every layer's z, no checks (the network checked its inputs once),
# arrays overwritten where they are fresh, σ'(ẑˡ) from aˡ where that is cheaper (sigmoid: a(1 − a),
# Activation._backward), and softmax sharing its exponentials with the cross-entropy. All
# parameters must have X's dtype (MLP keeps them so); other inputs take the paths above. For
# the network's parameters (one array, _flat.py) the gradients come in one array too.

def _same_dtype(X, *stores):
    """Do all arrays in the dicts `stores` have X's dtype?"""
    return all(a.dtype == X.dtype for store in stores for a in store.values())


def _backward_hidden(activation, z, a, grad_a):
    """activation.backward(z, grad_a) given a = σ(z) too (grad_a is overwritten)."""
    if type(activation) is _activations.Activation:
        return activation._backward(z, a, grad_a)
    return activation.backward(z, grad_a)


def _backprop_fast(params, X, Y, activations, cost, bn_layers=frozenset(), eps=batchnorm.EPS):
    """backprop (no layer in bn_layers) or backprop_bn, as (C, grads, caches)."""
    flat = params.flat if type(params) is FlatDict else None
    if not ((flat.dtype == X.dtype if flat is not None else _same_dtype(X, params))
            and Y.dtype == X.dtype):
        if not bn_layers:
            return (*backprop(params, X, Y, activations, cost), None)
        return backprop_bn(params, X, Y, activations, cost, bn_layers, eps=eps)
    L = len(activations) - 1
    m = X.shape[1]
    z_bns, acts, caches = [None] * (L + 1), [X] * (L + 1), [None] * (L + 1)
    C = None
    for l in range(1, L + 1):
        z = params[f"W{l}"] @ acts[l - 1]
        z += params[f"b{l}"]
        if l in bn_layers:
            z, caches[l] = batchnorm._forward_fast(z, params[f"gamma{l}"], params[f"beta{l}"], eps)
        z_bns[l] = z
        if l == L and type(activations[L]) is _activations.Softmax \
                and type(cost) is _costs.CrossEntropy:
            shifted = z - z.max(axis=0, keepdims=True)   # softmax and its cross-entropy from
            e = np.exp(shifted)                          # the same shifted z and exponentials
            total = e.sum(axis=0, keepdims=True)
            e /= total
            acts[L] = e                                                # Softmax.__call__
            log_a = np.subtract(shifted, np.log(total), out=shifted)   # Softmax.log
            C = -float(_sum(np.multiply(Y, log_a, out=log_a), axis=None)) / m  # CrossEntropy.value
        else:
            acts[l] = activations[l](z)
    if C is None:
        C = cost.value(acts[L], Y, z_bns[L])
    # the gradients are written into views of one new array, laid out as params (_flat.py)
    layout = params.layout if flat is not None else layout_of(params)
    grads = FlatDict(np.empty(layout[-1][2], X.dtype), layout)
    delta = output_error(cost, z_bns[L], acts[L], Y, activations[L])                    # BP1
    for l in range(L, 0, -1):
        if l in bn_layers:                                                # batchnorm_error
            delta, grads[f"gamma{l}"][...], grads[f"beta{l}"][...] = \
                batchnorm._backward_fast(delta, caches[l])
        _sum(delta, axis=1, keepdims=True, out=grads[f"b{l}"])                           # BP3
        np.matmul(delta, acts[l - 1].T, out=grads[f"W{l}"])                              # BP4
        if l > 1:                                                                      # BP2
            delta = _backward_hidden(activations[l - 1], z_bns[l - 1], acts[l - 1],
                                     params[f"W{l}"].T @ delta)
    grads.flat /= m      # every gradient's 1/m (BP3, BP4, [A] and [B] averaged), in one call
    return C, grads, caches


def _output(params, X, activations, bn_layers=frozenset(), bn_state=None, train=False,
            eps=batchnorm.EPS, with_z=False):
    """aᴸ, the last of feedforward_bn's activations (feedforward's without BN layers);
    with_z: (aᴸ, zᴸ) with its last z (after BatchNorm, as feedforward_bn's z_bns[-1])."""
    if not _same_dtype(X, params, bn_state or {}):
        _, z_bns, acts, _ = feedforward_bn(params, X, activations, bn_layers, bn_state,
                                           train=train, eps=eps)
        return (acts[-1], z_bns[-1]) if with_z else acts[-1]
    a = X
    for l in range(1, len(activations)):
        z = params[f"W{l}"] @ a
        z += params[f"b{l}"]
        if l in bn_layers:
            gamma, beta = params[f"gamma{l}"], params[f"beta{l}"]
            if train:
                z = batchnorm._forward_fast(z, gamma, beta, eps)[0]
            else:                                     # batchnorm.inference, z overwritten
                scale = gamma / np.sqrt(bn_state[f"var{l}"] + eps)
                z *= scale
                z += beta - scale * bn_state[f"mean{l}"]
        a = activations[l](z)
    return (a, z) if with_z else a


# One BLAS thread inside each public function that multiplies matrices (_blas.py): assigned here
# rather than decorated, so that inspect.getsource shows each function exactly as written above.
feedforward, backprop, hidden_error, weight_gradient, feedforward_bn, backprop_bn = map(
    one_blas_thread, (feedforward, backprop, hidden_error, weight_gradient, feedforward_bn,
                      backprop_bn))
