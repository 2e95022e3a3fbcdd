"""Looking inside backprop: the error δˡ of every layer, each gradient checked against finite
differences, the "demon" nudge Δz, BP1 and BP2 index by index (the Jacobian form, plain loops,
the sum over paths), how variance travels through a deep stack at initialisation, and the
saturation experiment (vanishing gradients).

    δˡ = ∂Cₓ/∂zˡ (one column per example x).  C is the batch mean (1/m) Σₓ Cₓ, so
    ∂C/∂zˡⱼₓ = δˡⱼₓ / m, and a nudge Δz of zˡⱼ for example x changes C by ≈ δˡⱼₓ Δz / m.

All shapes follow the column convention: zˡ, aˡ, δˡ are (nˡ, m).
"""
import itertools
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


# -- the four equations, index by index ---------------------------------------------------------
def jacobian(activation, z):
    """J_σ(z) = ∂a/∂z for one example z (n,): diagonal σ'(z) for an element-wise σ, the full
    matrix for softmax. Shape (n, n)."""
    if getattr(activation, "elementwise", True):
        return np.diag(activation.prime(z))
    return activation.jacobian(z)


def output_error_general(activation, zL, grad_a):
    """BP1 in its general form, δᴸ = J_σ(zᴸ)ᵀ ∇ₐCₓ, one column (example) at a time with the
    Jacobian built explicitly. zL, grad_a = ∂Cₓ/∂aᴸ and result: (nᴸ, m)."""
    return np.column_stack([jacobian(activation, zL[:, x]).T @ grad_a[:, x]
                            for x in range(zL.shape[1])])


def hidden_error_by_index(W_next, delta_next, z, activation):
    """BP2 index by index: zˡⱼ feeds every neuron k of layer l + 1 (through wˡ⁺¹ₖⱼ), so
    δˡⱼ = Σₖ (∂Cₓ/∂zˡ⁺¹ₖ)(∂zˡ⁺¹ₖ/∂aˡⱼ)(∂aˡⱼ/∂zˡⱼ) = Σₖ δˡ⁺¹ₖ wˡ⁺¹ₖⱼ σ'(zˡⱼ). Plain loops."""
    sp = activation.prime(z)
    delta = np.zeros(z.shape)
    for x in range(z.shape[1]):                       # each example
        for j in range(z.shape[0]):                   # each neuron of layer l
            for k in range(W_next.shape[0]):          # each neuron of layer l + 1 it feeds
                delta[j, x] += delta_next[k, x] * W_next[k, j]
            delta[j, x] *= sp[j, x]
    return delta


def path_sum(net, x, y, l, j, k):
    """∂Cₓ/∂wˡⱼₖ for one example (x: (n⁰,), y: (nᴸ,)) as a sum over paths: for every path
    j = q_l → q_l+1 → … → q_L from neuron j of layer l to an output neuron, the product of the
    local derivatives on it, aˡ⁻¹ₖ · σ'(zˡ_q_l) wˡ⁺¹_q_l+1,q_l · … · ∂Cₓ/∂zᴸ_q_L.
    Returns (value, number of paths)."""
    trace = backprop_trace(net, x.reshape(-1, 1), y.reshape(-1, 1))
    zs, acts, delta_L = trace.zs, trace.acts, trace.deltas[net.L]     # ∂Cₓ/∂zᴸ: BP1
    total, count = 0.0, 0
    for rest in itertools.product(*(range(net.sizes[i]) for i in range(l + 1, net.L + 1))):
        q = (j, *rest)                                 # q[0] in layer l, q[-1] in layer L
        product = acts[l - 1][k, 0]                    # ∂zˡⱼ/∂wˡⱼₖ
        for step in range(len(q) - 1):                 # layer i = l + step to layer i + 1
            i = l + step
            product *= net.activations[i].prime(zs[i][q[step], 0])        # ∂aⁱ/∂zⁱ
            product *= net.params[f"W{i + 1}"][q[step + 1], q[step]]       # ∂zⁱ⁺¹/∂aⁱ
        total += product * delta_L[q[-1], 0]
        count += 1
    return total, count


def variance_by_layer(activation, scale=1.0, seed=0, width=256, depth=10, m=1000, input_std=1.0):
    """How a deep stack of equal layers (width × width, no bias) carries variance at
    initialisation: Wˡ ~ scale · N(0, gain/n) with gain 2 for ReLU (He), 1 otherwise (LeCun),
    inputs x ~ N(0, input_std²) of shape (width, m). Forward: Var(zˡ) for l = 1..depth. Backward: an
    error ∂Cₓ/∂aᴸ ~ N(0, 1) at the top, then BP1 and BP2: the mean of (δˡ)² for l = 1..depth.
    Returns (var_z, var_delta), arrays of length depth."""
    f = _get_activation(activation)
    rng = np.random.default_rng(seed)
    gain = 2.0 if f.name == "relu" else 1.0
    Ws = [rng.normal(0.0, positive(scale, "scale") * np.sqrt(gain / width), (width, width))
          for _ in range(depth)]
    a, zs = rng.normal(0.0, input_std, size=(width, m)), []
    for W in Ws:
        zs.append(W @ a)
        a = f(zs[-1])
    deltas = [f.backward(zs[-1], rng.normal(size=(width, m)))]                   # BP1
    for l in range(depth - 1, 0, -1):
        deltas.insert(0, hidden_error(Ws[l], deltas[0], zs[l - 1], f))           # BP2
    return (np.array([z.var() for z in zs]), np.array([np.mean(d * d) for d in deltas]))


def _get_activation(name):
    from . import activations
    return activations.get(choice(name, ("sigmoid", "tanh", "relu"), "activation"))


# -- saturation -------------------------------------------------------------------------------
SATURATION_SIZES = (64,) + (32,) * 9 + (10,)
"""A deep network: 64 inputs, nine hidden layers of 32, 10 outputs (10 layers of weights)."""
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
    saturated: fraction of hidden values with σ'(z) < SATURATED, per hidden layer;
    z_std: the standard deviation of zˡ per layer, l = 1..L; delta_rms: the root mean square
    of δˡ per layer (the spread of the forward and of the backward signal)."""

    scale: float
    activation: str
    sigma_prime: list
    grad_norms: np.ndarray
    median_delta: np.ndarray
    saturated: np.ndarray
    z_std: np.ndarray = None
    delta_rms: np.ndarray = None

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
        saturated=np.array([float(np.mean(s < SATURATED)) for s in sp]),
        z_std=np.array([np.std(trace.zs[l]) for l in range(1, net.L + 1)]),
        delta_rms=np.array([np.sqrt(np.mean(trace.deltas[l] ** 2)) for l in range(1, net.L + 1)]))


def toy_problem(seed=0, activation="sigmoid", sizes=(4, 5, 4, 3), m=6):
    """A small network and batch for the inspector: MLP(sizes, activation, seed) with softmax +
    cross-entropy, X ~ N(0, 1) of shape (sizes[0], m) and random labels, all from `seed`."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(sizes[0], m))
    y = rng.integers(0, sizes[-1], size=m)
    return MLP(sizes, activation=activation, seed=seed), X, y
