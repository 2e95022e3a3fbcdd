"""Looking inside backprop: the error δˡ of every layer, each gradient checked against finite
differences, the "demon" nudge Δz, and the saturation experiment (vanishing gradients).

    δˡ = ∂Cₓ/∂zˡ (one column per example x).  C is the batch mean (1/m) Σₓ Cₓ, so
    ∂C/∂zˡⱼₓ = δˡⱼₓ / m, and a nudge Δz of zˡⱼ for example x changes C by ≈ δˡⱼₓ Δz / m.

All shapes follow the column convention: zˡ, aˡ, δˡ are (nˡ, m).
"""
from dataclasses import dataclass

import numpy as np

from .backprop import bias_gradient, hidden_error, output_error, weight_gradient
from .gradcheck import numerical_gradient, relative_error
from .network import MLP
from ._checks import choice, positive


@dataclass
class Trace:
    """Everything one forward and backward pass computes. Lists are indexed by layer 0..L
    (entry 0 is None for zs and deltas; acts[0] = X)."""

    cost: float
    zs: list
    acts: list
    deltas: list
    grads: dict


def backprop_trace(net, X, Y):
    """Forward pass, then BP1 and BP2 for every δˡ and BP3, BP4 for the gradients, keeping all
    intermediate values. X: (n⁰, m); Y: (nᴸ, m) or labels (m,). Changes nothing."""
    X = net.check_X(X)
    Y = net.check_Y(Y, X.shape[1])
    zs, acts = net.feedforward(X)
    L = net.L
    deltas = [None] * (L + 1)
    deltas[L] = output_error(net.cost, zs[L], acts[L], Y, net.activations[L])          # BP1
    for l in range(L - 1, 0, -1):
        deltas[l] = hidden_error(net.params[f"W{l + 1}"], deltas[l + 1], zs[l],
                                 net.activations[l])                                     # BP2
    grads = {}
    for l in range(1, L + 1):
        grads[f"W{l}"] = weight_gradient(deltas[l], acts[l - 1])                         # BP4
        grads[f"b{l}"] = bias_gradient(deltas[l])                                        # BP3
    return Trace(net.cost.value(acts[L], Y, zs[L]), zs, acts, deltas, grads)


def cost_from_layer(net, l, z, Y):
    """The mean cost C when the forward pass is restarted at layer l with zˡ = z (n_l, m)."""
    a = net.activations[l](z)
    for k in range(l + 1, net.L + 1):
        z = net.params[f"W{k}"] @ a + net.params[f"b{k}"]
        a = net.activations[k](z)
    return net.cost.value(a, Y, z)


def numerical_delta(net, X, Y, l, h=1e-5):
    """δˡ by finite differences: m · ∂C/∂zˡ, each entry of zˡ nudged by ±h. Shape (nˡ, m)."""
    X = net.check_X(X)
    Y = net.check_Y(Y, X.shape[1])
    z = net.feedforward(X)[0][l].copy()
    return X.shape[1] * numerical_gradient(lambda zz: cost_from_layer(net, l, zz, Y), z, h)


@dataclass
class LayerReport:
    """One layer of the inspector: analytic δˡ, ∂C/∂bˡ, ∂C/∂Wˡ, their finite-difference twins and
    the relative error of each pair."""

    layer: int
    delta: np.ndarray
    delta_numeric: np.ndarray
    grad_b: np.ndarray
    grad_b_numeric: np.ndarray
    grad_W: np.ndarray
    grad_W_numeric: np.ndarray

    @property
    def errors(self):
        """{'delta', 'b', 'W'}: relative error of analytic against numeric."""
        return {"delta": relative_error(self.delta, self.delta_numeric),
                "b": relative_error(self.grad_b, self.grad_b_numeric),
                "W": relative_error(self.grad_W, self.grad_W_numeric)}


def inspect_layers(net, X, Y, h=1e-5):
    """A LayerReport for each layer 1..L (list index l − 1). The numeric gradients perturb a copy
    of each parameter in place and restore it; `net` is unchanged afterwards."""
    X = net.check_X(X)
    Y = net.check_Y(Y, X.shape[1])
    trace = backprop_trace(net, X, Y)
    reports = []
    for l in range(1, net.L + 1):
        num = {}
        for name in (f"W{l}", f"b{l}"):
            num[name] = numerical_gradient(lambda _p: net.cost_value(X, Y), net.params[name], h)
        reports.append(LayerReport(l, trace.deltas[l], numerical_delta(net, X, Y, l, h),
                                   trace.grads[f"b{l}"], num[f"b{l}"],
                                   trace.grads[f"W{l}"], num[f"W{l}"]))
    return reports


@dataclass
class Nudge:
    """The demon's experiment: zˡⱼ of example x moved by dz, the cost before and after, and the
    change predicted by δ: ΔC ≈ δˡⱼₓ · dz / m."""

    layer: int
    j: int
    x: int
    dz: float
    delta: float
    cost_before: float
    cost_after: float
    m: int

    @property
    def change(self):
        return self.cost_after - self.cost_before

    @property
    def predicted(self):
        return self.delta * self.dz / self.m


def demon_nudge(net, X, Y, l, j, x=0, dz=1e-3):
    """Add dz to zˡⱼ of example x (column x), rerun the rest of the network, and compare the
    change of the mean cost with δˡⱼₓ · dz / m."""
    X = net.check_X(X)
    Y = net.check_Y(Y, X.shape[1])
    if not 1 <= l <= net.L:
        raise ValueError(f"layer l={l}; expected 1..{net.L}")
    if not 0 <= j < net.sizes[l]:
        raise ValueError(f"neuron j={j}; expected 0..{net.sizes[l] - 1} in layer {l}")
    if not 0 <= x < X.shape[1]:
        raise ValueError(f"example x={x}; expected 0..{X.shape[1] - 1}")
    trace = backprop_trace(net, X, Y)
    z = trace.zs[l].copy()
    z[j, x] += dz
    return Nudge(l, j, x, float(dz), float(trace.deltas[l][j, x]), trace.cost,
                 cost_from_layer(net, l, z, Y), X.shape[1])


# -- saturation -------------------------------------------------------------------------------
SATURATION_SIZES = (64, 32, 32, 32, 32, 10)
SATURATED = 1e-3   # a unit with σ'(z) below this passes on less than 0.1 % of its error


def scaled_network(scale, activation="sigmoid", sizes=SATURATION_SIZES, seed=0):
    """An MLP (softmax + cross-entropy output) whose initial weights are multiplied by `scale`:
    Wˡ ~ scale · N(0, 1/nˡ⁻¹) (2/nˡ⁻¹ for ReLU), biases 0. scale = 1 is the usual initialisation."""
    scale = positive(scale, "scale")
    net = MLP(sizes, activation=activation, seed=seed)
    for l in range(1, net.L + 1):
        net.params[f"W{l}"] *= scale
    return net


@dataclass
class Saturation:
    """What the weight scale does to a network at initialisation.

    sigma_prime: [σ'(z¹), ..., σ'(zᴸ⁻¹)] flattened, one array per hidden layer;
    grad_norms: ‖∂C/∂Wˡ‖ for l = 1..L (Frobenius norm); median_delta: median |δˡⱼₓ| per layer;
    saturated: fraction of hidden values with σ'(z) < SATURATED, per hidden layer."""

    scale: float
    activation: str
    sigma_prime: list
    grad_norms: np.ndarray
    median_delta: np.ndarray
    saturated: np.ndarray

    def summary(self):
        norms = " ".join(f"{g:.2e}" for g in self.grad_norms)
        sp = " ".join(f"{np.median(s):.2e}" for s in self.sigma_prime)
        sat = " ".join(f"{f:.0%}" for f in self.saturated)
        L = len(self.grad_norms)
        return (f"{self.activation}, weight scale {self.scale:.3g}: ‖∂C/∂Wˡ‖ for l = 1..{L}: "
                f"{norms}; median σ'(z) per hidden layer: {sp}; "
                f"saturated (σ' < {SATURATED:g}): {sat}")


def saturation_data(m=200):
    """The first m digits (X (64, m), one-hot Y (10, m)): the batch of the saturation experiment."""
    from .data import load_digits
    from .network import one_hot
    X, y = load_digits()
    return X[:, :m], one_hot(y[:m], 10)


def saturation(scale, activation="sigmoid", data=None, sizes=SATURATION_SIZES, seed=0):
    """Build `scaled_network(scale, activation)` and measure σ'(z) of every hidden layer and the
    gradient of every layer on `data` = (X, Y) (default: saturation_data())."""
    choice(activation, ("sigmoid", "tanh", "relu"), "activation")
    X, Y = data if data is not None else saturation_data()
    net = scaled_network(scale, activation, sizes, seed)
    trace = backprop_trace(net, X, Y)
    hidden = range(1, net.L)
    sp = [net.activations[l].prime(trace.zs[l]).ravel() for l in hidden]
    return Saturation(
        scale=float(scale), activation=activation, sigma_prime=sp,
        grad_norms=np.array([np.linalg.norm(trace.grads[f"W{l}"]) for l in range(1, net.L + 1)]),
        median_delta=np.array([np.median(np.abs(trace.deltas[l])) for l in range(1, net.L + 1)]),
        saturated=np.array([float(np.mean(s < SATURATED)) for s in sp]))


def toy_problem(seed=0, activation="sigmoid", sizes=(4, 5, 4, 3), m=6):
    """A small network and batch for the inspector: MLP(sizes, activation, seed) with softmax +
    cross-entropy, X ~ N(0, 1) of shape (sizes[0], m) and random labels, all from `seed`."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(sizes[0], m))
    y = rng.integers(0, sizes[-1], size=m)
    return MLP(sizes, activation=activation, seed=seed), X, y
