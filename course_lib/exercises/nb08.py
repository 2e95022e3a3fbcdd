"""Exercises of 08_activations_and_losses: the softmax Jacobian-vector product, the output
error of softmax + cross-entropy for the batch-mean cost, and the slowdown factor of a
saturated sigmoid neuron under the quadratic cost."""
import numpy as np

from .. import activations, costs
from ..widgets.activations_widgets import train_sigmoid_neuron
from ._core import FunctionExercise, Mistake, NumberExercise


def softmax_backward(z, g):
    """∂C/∂z = Jᵀ g = a ⊙ (g − ⟨a, g⟩) for a = softmax(z), column by column (J is symmetric)."""
    return activations.softmax.backward(z, g)


def _jvp_cases(rng):
    return [(rng.normal(size=(4, 3)), rng.normal(size=(4, 3))),
            (2 * rng.normal(size=(10, 5)), rng.normal(size=(10, 5))),       # 10 classes, m = 5
            (rng.normal(size=(3, 1)), rng.normal(size=(3, 1))),             # one example
            (np.array([[0.5, -1.0], [-0.5, 2.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])),  # n = 2
            (np.array([[3.0], [1.0], [0.2], [-2.0]]),                       # g one-hot: column
             np.array([[0.0], [1.0], [0.0], [0.0]]))]                       # 1 of J itself


def softmax_ce_gradient(z, y):
    """∂C/∂z for the batch cost C = −(1/m) Σₓ Σⱼ yⱼ ln aⱼ, a = softmax(z): (a − y)/m."""
    a = activations.softmax(z)
    return costs.cross_entropy.output_error(z, a, y, activations.softmax) / z.shape[1]


def _one_hot(labels, n):
    y = np.zeros((n, len(labels)))
    y[labels, np.arange(len(labels))] = 1.0
    return y


def _ce_cases(rng):
    soft = rng.random(size=(4, 3))
    return [(2 * rng.normal(size=(10, 6)), _one_hot(rng.integers(0, 10, 6), 10)),
            (rng.normal(size=(3, 4)), _one_hot(np.array([0, 2, 1, 2]), 3)),
            (rng.normal(size=(4, 3)), soft / soft.sum(axis=0)),             # soft labels
            (rng.normal(size=(5, 1)), _one_hot(np.array([3]), 5))]          # m = 1


def _slowdown_factor(w, b):
    """∂C/∂w under the cross-entropy over ∂C/∂w under the quadratic cost, at the first step
    (course_lib's sigmoid neuron, x = 1, y = 0)."""
    quad = train_sigmoid_neuron("quadratic", w=w, b=b, steps=1)["grad_w"][0]
    ce = train_sigmoid_neuron("binary_cross_entropy", w=w, b=b, steps=1)["grad_w"][0]
    return ce / quad


def _sigmoid_prime(z):
    return float(activations.sigmoid.prime(np.array(z)))


EXERCISES = [
    FunctionExercise(
        "08.1", "the softmax Jacobian-vector product",
        hints=["Every output aⱼ depends on every zₖ: the Jacobian J = diag(a) − a aᵀ is a full "
               "matrix, and J is symmetric, so Jᵀg = Jg.",
               "(J g)ⱼ = Σₖ aⱼ(δⱼₖ − aₖ) gₖ = aⱼ gⱼ − aⱼ Σₖ aₖ gₖ.",
               "a = softmax(z); then a * (g − (a * g).sum(axis=0, keepdims=True)): the sum runs "
               "over the classes of each example (down a column)."],
        reference=softmax_backward, cases=_jvp_cases, rtol=1e-10,
        mistakes=[
            Mistake(lambda z, g: g * activations.softmax(z) * (1 - activations.softmax(z)),
                    "a diagonal-only softmax Jacobian: g ⊙ a(1 − a) keeps ∂aⱼ/∂zⱼ and drops the "
                    "off-diagonal entries −aⱼaₖ, which are not zero"),
            Mistake(lambda z, g: activations.softmax(z) * (
                g - (activations.softmax(z) * g).sum(axis=1, keepdims=True)),
                    "⟨a, g⟩ was summed over the examples (axis 1); it runs over the classes of "
                    "one example, down each column (axis 0)"),
            Mistake(lambda z, g: g - (activations.softmax(z) * g).sum(axis=0, keepdims=True),
                    "the factor aⱼ in front is missing: (Jg)ⱼ = aⱼ (gⱼ − ⟨a, g⟩)")]),
    FunctionExercise(
        "08.2", "the output error of softmax + cross-entropy, for the batch cost",
        hints=["Per example, ∂Cₓ/∂z = Jᵀ(−y/a), and the division by a cancels.",
               "Per example it collapses to a − y. The course's C is the mean over the m "
               "columns, so each column of ∂C/∂z is that divided by m."],
        reference=softmax_ce_gradient, cases=_ce_cases, rtol=1e-10,
        mistakes=[
            Mistake(lambda z, y: activations.softmax(z) - y,
                    "off by the batch size m: a − y is ∂Cₓ/∂z for one example; C is the mean "
                    "(1/m) Σₓ Cₓ, so divide by m"),
            Mistake(lambda z, y: -y * (1 - activations.softmax(z)) / z.shape[1],
                    "a diagonal-only softmax Jacobian: (−y/a) ⊙ a(1 − a) = −y(1 − a) drops the "
                    "off-diagonal entries −aⱼaₖ; with the full Jacobian the result is (a − y)/m"),
            Mistake(lambda z, y: (y - activations.softmax(z)) / z.shape[1],
                    "the sign: it is prediction minus target, (a − y)/m")]),
    NumberExercise(
        "08.3", "how much slower a deeply saturated neuron learns under the quadratic cost",
        hints=["The two costs' gradients ∂C/∂w differ by exactly one factor: σ'(z).",
               "Start at w = b = 3 with x = 1: z = wx + b = 6, and the ratio (cross-entropy over "
               "quadratic) is 1/σ'(6), with σ' = σ(1 − σ)."],
        reference=lambda: _slowdown_factor(3.0, 3.0), rtol=1e-6,
        mistakes=[Mistake(_sigmoid_prime(6.0),
                          "the ratio is upside down: the cross-entropy's gradient is the larger "
                          "one, so the factor is 1/σ'(6), not σ'(6)"),
                  Mistake(4.0, "1/4 is the largest σ' (at z = 0): it bounds the factor from "
                               "below; at z = 6 σ'(z) is much smaller"),
                  Mistake(1 / _sigmoid_prime(3.0),
                          "z = wx + b = 3 + 3 = 6 with x = 1, not 3")]),
]
