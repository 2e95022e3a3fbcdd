"""A scalar computational graph, differentiated node by node with the chain rule.

Every operation stores, beside its value, the LOCAL derivative of its output with respect to each
input (∂node/∂parent). `backward(out)` then walks the graph from the output back to the inputs:

    ∂out/∂out = 1,     ∂out/∂parent += ∂out/∂node · ∂node/∂parent     (the chain rule)

The `+=` is the multivariable chain rule: a variable used twice (two paths to the output)
receives the sum of the gradients along both paths.

>>> w, x, b = Node(2.0, "w"), Node(3.0, "x"), Node(1.0, "b")
>>> z = (w * x + b).named("z")
>>> _ = backward(z)
>>> w.grad, x.grad, b.grad
(3.0, 2.0, 1.0)

For notebook 06 it also holds `backward_in` (the backward pass in any order, with `+=` or `=`:
what goes wrong without the two rules), and the gradient of an MLP counted and timed by
backprop and by central differences (`gradient_timings`, `multiply_adds`).
"""
import math
import numbers

import numpy as np


class Node:
    """A scalar: `value`, the nodes it was computed from (`parents`), the local derivatives
    ∂self/∂parent (`local`), and after `backward`, `grad` = ∂out/∂self (the upstream gradient)."""

    def __init__(self, value, name="", parents=(), local=(), op="input"):
        if not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ValueError(f"Invalid value {value!r} for node {name!r}; expected a finite number")
        self.value = float(value)
        self.name = name
        self.parents = tuple(parents)
        self.local = tuple(float(d) for d in local)
        self.op = op
        self.grad = 0.0

    def named(self, name):
        """Give this node a name (for tables and figures) and return it."""
        self.name = name
        return self

    def __repr__(self):
        return f"Node({self.name or self.op}: value={self.value:.6g}, grad={self.grad:.6g})"

    # -- operations: forward value and local derivatives side by side ---------------------
    def __add__(self, other):
        other = _node(other)
        return Node(self.value + other.value, parents=(self, other), local=(1.0, 1.0), op="+")

    def __mul__(self, other):
        other = _node(other)
        return Node(self.value * other.value, parents=(self, other),
                    local=(other.value, self.value), op="×")      # ∂(uv)/∂u = v, ∂(uv)/∂v = u

    def __sub__(self, other):
        other = _node(other)
        return Node(self.value - other.value, parents=(self, other), local=(1.0, -1.0), op="−")

    def __pow__(self, k):
        if not isinstance(k, numbers.Real):
            raise ValueError(f"Invalid exponent {k!r}; expected a constant number")
        return Node(self.value ** k, parents=(self,), local=(k * self.value ** (k - 1),),
                    op=f"^{k:g}")

    def __neg__(self):
        return self * -1.0

    def __radd__(self, other):
        return _node(other) + self

    def __rmul__(self, other):
        return _node(other) * self

    def __rsub__(self, other):
        return _node(other) - self


def _node(x):
    """Wrap a plain number as a constant node."""
    return x if isinstance(x, Node) else Node(x, name=f"{x:g}", op="const")


def sigmoid(u):
    """σ(u) = 1 / (1 + e⁻ᵘ), local derivative σ'(u) = σ(u)(1 − σ(u))."""
    u = _node(u)
    if u.value >= 0:                       # exp of a non-positive number only: no overflow
        s = 1.0 / (1.0 + math.exp(-u.value))
    else:
        s = math.exp(u.value) / (1.0 + math.exp(u.value))
    return Node(s, parents=(u,), local=(s * (1.0 - s),), op="σ")


def exp(u):
    """eᵘ, local derivative eᵘ."""
    u = _node(u)
    e = math.exp(u.value)
    return Node(e, parents=(u,), local=(e,), op="exp")


def log(u):
    """ln u for u > 0, local derivative 1/u."""
    u = _node(u)
    if u.value <= 0:
        raise ValueError(f"log of {u.value:g}; expected a positive number")
    return Node(math.log(u.value), parents=(u,), local=(1.0 / u.value,), op="ln")


def topological_order(out):
    """Every node that `out` depends on, each after all of its parents (inputs first)."""
    order, seen = [], set()

    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for p in node.parents:
            visit(p)
        order.append(node)

    visit(out)
    return order


def backward(out):
    """Fill `grad` = ∂out/∂node for every node of the graph of `out`; return the nodes in
    topological order. Each node passes upstream · local to each parent; a node reached along
    several paths adds them up."""
    order = topological_order(out)
    for node in order:
        node.grad = 0.0
    out.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local):
            parent.grad += node.grad * local
    return order


def table(out):
    """Rows (name, op, value, local derivatives, grad) of the graph of `out`, inputs first, after
    `backward(out)`. Local derivatives are listed as 'parent: ∂node/∂parent'. Constants omitted."""
    rows = []
    for node in topological_order(out):
        if node.op == "const":
            continue
        local = ", ".join(f"∂/∂{p.name or p.op}: {d:.6g}" for p, d in zip(node.parents, node.local)
                          if p.op != "const")
        rows.append((node.name or node.op, node.op, node.value, local, node.grad))
    return rows


def format_table(out):
    """`table(out)` as aligned plain text."""
    head = ("node", "op", "value", "local derivatives", "∂out/∂node")
    body = [(n, op, f"{v:.6g}", loc, f"{g:.6g}") for n, op, v, loc, g in table(out)]
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [head, *body]]
    return "\n".join(lines)


def numeric_gradients(build, inputs, h=1e-6):
    """Central differences of the graph built by `build(**values)` with respect to each input.

    build: a function of keyword arguments (Nodes) returning the output Node;
    inputs: {name: float}. Returns {name: (out(x + h) − out(x − h)) / 2h}.
    """
    grads = {}
    for name in inputs:
        plus, minus = dict(inputs), dict(inputs)
        plus[name] += h
        minus[name] -= h
        f_plus = build(**{k: Node(v, k) for k, v in plus.items()}).value
        f_minus = build(**{k: Node(v, k) for k, v in minus.items()}).value
        grads[name] = (f_plus - f_minus) / (2 * h)
    return grads


def gradients(build, inputs):
    """Build the graph at `inputs` ({name: float}), run `backward`, and return
    (out, {name: ∂out/∂input}, {name: input node})."""
    nodes = {k: Node(v, k) for k, v in inputs.items()}
    out = build(**nodes)
    backward(out)
    return out, {k: n.grad for k, n in nodes.items()}, nodes


def relative_errors(analytic, numeric):
    """{name: |g − ĝ| / max(|g| + |ĝ|, 1e-300)} for two dicts of numbers."""
    return {k: abs(analytic[k] - numeric[k]) / max(abs(analytic[k]) + abs(numeric[k]), 1e-300)
            for k in analytic}


# -- two example graphs used by notebook 06 and its widget -------------------------------------
def neuron_cost(w, x, b, y):
    """One sigmoid neuron with the quadratic cost: z = w·x + b, a = σ(z), C = ½(a − y)²."""
    z = ((w * x).named("w·x") + b).named("z")
    a = sigmoid(z).named("a")
    e = (a - y).named("a−y")
    return (0.5 * (e ** 2).named("(a−y)²")).named("C")


def shared_hidden(w, x, b, v1, v2, y1, y2):
    """A hidden neuron h = σ(w·x + b) feeding two outputs aᵢ = σ(vᵢ h), with
    C = ½(a₁ − y₁)² + ½(a₂ − y₂)². h is used twice: ∂C/∂h is the SUM over both paths."""
    h = sigmoid(((w * x).named("w·x") + b).named("z")).named("h")
    a1 = sigmoid((v1 * h).named("u₁")).named("a₁")
    a2 = sigmoid((v2 * h).named("u₂")).named("a₂")
    c1 = (0.5 * ((a1 - y1).named("a₁−y₁") ** 2).named("(a₁−y₁)²")).named("C₁")
    c2 = (0.5 * ((a2 - y2).named("a₂−y₂") ** 2).named("(a₂−y₂)²")).named("C₂")
    return (c1 + c2).named("C")


# -- the two rules of the backward pass, and what breaking them does (notebook 06) -----------
def backward_in(out, order, add=True):
    """`backward`, but visiting the nodes in the given `order`, and with add=False storing
    `parent.grad = upstream · local` (`=`) instead of adding it (`+=`): the two mistakes that
    notebook 06 shows. Returns the order used.

    order: every node of the graph of `out`, each once. backward(out) is
    backward_in(out, reversed(topological_order(out))): a node passes its gradient on only
    after every node that uses it has added its share.
    """
    nodes, order = topological_order(out), list(order)
    if len(order) != len(nodes) or {id(n) for n in order} != {id(n) for n in nodes}:
        raise ValueError(f"order has {len(order)} nodes; expected each of the {len(nodes)} "
                         "nodes of the graph of out exactly once (see topological_order)")
    for node in nodes:
        node.grad = 0.0
    out.grad = 1.0
    for node in order:
        for parent, local in zip(node.parents, node.local):
            if add:
                parent.grad += node.grad * local
            else:
                parent.grad = node.grad * local
    return order


# -- why backprop is fast: an MLP's gradient counted and timed both ways (notebook 06) -------
class _Counted:
    """A cost object (costs.py) that counts how often its value is computed."""

    def __init__(self, cost):
        self.cost, self.evaluations = cost, 0

    def value(self, *args):
        self.evaluations += 1
        return self.cost.value(*args)

    def __getattr__(self, name):
        return getattr(self.cost, name)


def _plain(net):
    if net.bn_layers:
        raise ValueError(f"{net!r} uses BatchNorm; expected a network without it")
    return net


def backprop_evaluations(net, X, Y):
    """(grads, evaluations): ∂C/∂θ of an MLP without BatchNorm by backprop (backprop.py), and
    how many times the cost was evaluated to get them (1: one forward pass, one backward).
    X: (n⁰, m), Y: (nᴸ, m), already checked (MLP.check_X, check_Y)."""
    from .backprop import backprop
    cost = _Counted(_plain(net).cost)
    _, grads = backprop(net.params, X, Y, net.activations, cost)
    return grads, cost.evaluations


def finite_difference_evaluations(net, X, Y, h=1e-5):
    """(grads, evaluations): ∂C/∂θ of an MLP without BatchNorm by central differences, one
    parameter entry θᵢ at a time, (C(θᵢ + h) − C(θᵢ − h)) / 2h, and the number of cost
    evaluations (each a full forward pass): 2n for n parameters. Shapes as backprop_evaluations."""
    from .backprop import feedforward
    from .gradcheck import _numerical_gradient
    cost = _Counted(_plain(net).cost)

    def C():
        zs, acts = feedforward(net.params, X, net.activations)
        return cost.value(acts[-1], Y, zs[-1])

    # gradcheck's loop: each entry nudged in place and put back (also if C raises)
    grads = {name: _numerical_gradient(lambda _: C(), theta, h, "the cost", f"params[{name!r}]")
             for name, theta in net.params.items()}
    return grads, cost.evaluations


def multiply_adds(sizes, m):
    """(forward, backward): multiply-adds of the matrix products of one forward pass and of one
    backward pass as backprop.py computes them, for layer widths `sizes` = [n⁰, ..., nᴸ] and a
    batch of m examples. Forward: zˡ = Wˡ aˡ⁻¹, nˡ nˡ⁻¹ m for every layer. Backward: BP4's
    δˡ (aˡ⁻¹)ᵀ, nˡ nˡ⁻¹ m for every layer, and BP2's (Wˡ)ᵀ δˡ, the same for every layer but the
    first (δ⁰ = ∂C/∂x is not needed): twice the forward work in every layer but the first."""
    per_layer = [int(a) * int(b) * int(m) for a, b in zip(sizes[:-1], sizes[1:])]
    return sum(per_layer), 2 * sum(per_layer) - per_layer[0]


def gradient_timings(net, X, Y, repeats=15, fd_budget=0.5, fd_runs=3):
    """Seconds for one forward pass (feedforward, without the cost), one backprop, and the
    central-difference gradient of an MLP without BatchNorm on (X, Y), with the exact numbers of cost evaluations:
    {"n", "forward_s", "backprop_s", "fd_s", "backprop_evaluations", "fd_evaluations"}.
    forward_s and backprop_s are medians of `repeats` runs (robust to a busy machine). fd_s is
    the median of up to `fd_runs` runs of all 2n evaluations: another run is started only while
    the runs so far took less than `fd_budget` seconds, so a short run (a small network, where
    one burst of other work would count most) is repeated and a long one, which averages over
    such bursts by itself, is not. Everything runs on one BLAS thread, so that the thread count
    and other programs' threads change the times less."""
    import time

    from ._blas import one_blas_thread
    from ._checks import count, positive

    from .backprop import feedforward

    repeats, fd_runs = count(repeats, "repeats"), count(fd_runs, "fd_runs")
    fd_budget = positive(fd_budget, "fd_budget (seconds)")

    def seconds(f):
        start = time.perf_counter()
        result = f()
        return time.perf_counter() - start, result

    with one_blas_thread():
        forward = [seconds(lambda: feedforward(net.params, X, net.activations))[0]
                   for _ in range(repeats)]
        bp = [seconds(lambda: backprop_evaluations(net, X, Y)) for _ in range(repeats)]
        fd = []
        while not fd or (len(fd) < fd_runs and sum(t for t, _ in fd) < fd_budget):
            fd.append(seconds(lambda: finite_difference_evaluations(net, X, Y)))
    return {"n": sum(int(v.size) for v in net.params.values()),
            "forward_s": float(np.median(forward)), "backprop_s": float(np.median([t for t, _ in bp])),
            "fd_s": float(np.median([t for t, _ in fd])), "backprop_evaluations": bp[0][1][1],
            "fd_evaluations": fd[0][1][1]}


__all__ = ["Node", "backprop_evaluations", "backward", "backward_in", "exp",
           "finite_difference_evaluations", "format_table", "gradient_timings", "gradients", "log",
           "multiply_adds", "neuron_cost", "numeric_gradients", "relative_errors", "shared_hidden",
           "sigmoid", "table", "topological_order"]
