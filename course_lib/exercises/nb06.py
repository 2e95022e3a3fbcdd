"""Exercises of 06_chain_rule_and_blame: dc/da of a value used along two paths, and the gradient
of the notebook's shared-hidden-neuron graph by the chain rule."""
import numpy as np

from ..graph import Node, backward, backward_in, gradients, shared_hidden, topological_order
from ._core import FunctionExercise, Mistake, NumberExercise


def _two_paths():
    """a = 3, b = a·a, c = b + a: a reaches c directly and through b (on both edges of a·a)."""
    a = Node(3.0, "a")
    b = (a * a).named("b")
    return a, (b + a).named("c")


def _dc_da(order=None, add=True):
    """dc/da of _two_paths by course_lib.graph: `backward` (order None), or `backward_in` with the
    given order (a function of c) and rule (+= or =)."""
    a, c = _two_paths()
    if order is None:
        backward(c)
    else:
        backward_in(c, order(c), add=add)
    return a.grad


def shared_hidden_grads(w, x, b, v1, v2, y1, y2):
    """(∂C/∂w, ∂C/∂b, ∂C/∂v₁, ∂C/∂v₂) of graph.shared_hidden, by course_lib.graph.backward."""
    _, grads, _ = gradients(shared_hidden, dict(w=w, x=x, b=b, v1=v1, v2=v2, y1=y1, y2=y2))
    return grads["w"], grads["b"], grads["v1"], grads["v2"]


def _sigmoid(u):
    return 1.0 / (1.0 + np.exp(-u))


def _by_hand(w, x, b, v1, v2, y1, y2, paths=lambda p1, p2: p1 + p2, output_prime=True):
    """The chain rule written out, with the two paths into h combined by `paths` and σ' of the
    output neurons optionally left out (the mistakes)."""
    h = _sigmoid(w * x + b)
    a1, a2 = _sigmoid(v1 * h), _sigmoid(v2 * h)
    d1 = (a1 - y1) * (a1 * (1 - a1) if output_prime else 1.0)     # ∂C/∂u₁
    d2 = (a2 - y2) * (a2 * (1 - a2) if output_prime else 1.0)     # ∂C/∂u₂
    dz = paths(d1 * v1, d2 * v2) * h * (1 - h)                     # ∂C/∂z
    return dz * x, dz, d1 * h, d2 * h


def _shared_cases(rng):
    def draw():
        return (float(rng.uniform(-2, 2)), float(rng.uniform(-2, 2)), float(rng.uniform(-1, 1)),
                float(rng.uniform(-3, 3)), float(rng.uniform(-3, 3)),
                float(rng.uniform(0, 1)), float(rng.uniform(0, 1)))
    return [draw(), draw(), draw(),
            (0.8, 1.0, 0.1, 1.5, -2.0, 1.0, 0.0),           # the notebook's numbers
            (0.5, -1.5, 0.3, 0.0, 2.5, 0.9, 0.2),           # v₁ = 0: the first path gives nothing
            (-1.2, 0.7, -0.4, 2.0, 1.0, 0.0, 1.0)]


EXERCISES = [
    NumberExercise(
        "06.1", "dc/da along two paths",
        hints=["a reaches c twice: directly (the edge c ← a) and through b. Add the two paths.",
               "The + node has local derivative 1 on each edge. The × node b = a·a has a on both "
               "of its edges, so ∂b/∂a = a + a.",
               "dc/da = 1 (direct) + ∂c/∂b · ∂b/∂a = 1 + 1 · 2a, at a = 3."],
        reference=_dc_da, rtol=1e-6,
        mistakes=[Mistake(_dc_da(lambda c: reversed(topological_order(c)), add=False),
                          "every edge's share was stored (=) instead of added (+=): a keeps only "
                          "the last of its three edges"),
                  Mistake(_dc_da(topological_order),
                          "that is the direct path alone, as a backward pass in the forward order "
                          "gives: b passed its gradient on before c had given it one"),
                  Mistake(4.0, "b = a·a has a on both of its edges: ∂b/∂a = 2a, not a"),
                  Mistake(6.0, "that is the path through b alone: add the direct edge c ← a")]),
    FunctionExercise(
        "06.2", "the gradient of a hidden neuron that feeds two outputs",
        hints=["Go backward from the cost: first ∂C/∂uᵢ = (aᵢ − yᵢ) σ'(uᵢ) for each output, with "
               "σ'(u) = σ(u)(1 − σ(u)); then ∂C/∂vᵢ = ∂C/∂uᵢ · h.",
               "h feeds both outputs: ∂C/∂h is the SUM of the two paths, "
               "∂C/∂u₁ · v₁ + ∂C/∂u₂ · v₂ (the notebook's multivariable chain rule).",
               "Then ∂C/∂z = ∂C/∂h · h(1 − h), ∂C/∂w = ∂C/∂z · x and ∂C/∂b = ∂C/∂z."],
        reference=shared_hidden_grads, cases=_shared_cases, rtol=1e-10,
        names=("∂C/∂w", "∂C/∂b", "∂C/∂v₁", "∂C/∂v₂"),
        mistakes=[Mistake(lambda *args: _by_hand(*args, paths=lambda p1, p2: (p1 + p2) / 2),
                          "the two paths into h were averaged; the chain rule adds them: "
                          "∂C/∂h = ∂C/∂u₁ v₁ + ∂C/∂u₂ v₂"),
                  Mistake(lambda *args: _by_hand(*args, paths=lambda p1, p2: p1),
                          "only the path through a₁ reached h; add the one through a₂"),
                  Mistake(lambda *args: _by_hand(*args, output_prime=False),
                          "σ'(uᵢ) of the output neurons is missing: ∂C/∂uᵢ = (aᵢ − yᵢ) σ'(uᵢ)")]),
]
