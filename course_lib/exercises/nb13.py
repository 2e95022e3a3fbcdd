"""Exercises of 13_generalization: the starting loss, an SGD step with weight decay, and how much
weight decay shrinks the weights per step."""
import math

import numpy as np

from ..costs import CrossEntropy
from ..optimizers import SGD
from ._core import FunctionExercise, Mistake, NumberExercise


def _uniform_loss(k=10):
    """The cross-entropy of a network whose outputs are all 1/k (zero logits), by course_lib."""
    z = np.zeros((k, 4))
    a = np.full((k, 4), 1.0 / k)
    y = np.eye(k)[:, [0, 3, 5, 9]]
    return CrossEntropy().value(a, y, z)


def sgd_weight_decay_step(theta, g, lr, weight_decay):
    """One SGD step with weight decay λ, as course_lib.optimizers.SGD(lr, weight_decay=λ) takes
    it: θ ← θ − η (g + λθ)."""
    params = {"theta": np.array(theta, dtype=np.float64)}
    SGD(lr, weight_decay=weight_decay).step(params, {"theta": np.asarray(g, dtype=np.float64)})
    return params["theta"]


def _cases(rng):
    return [(rng.normal(size=3), rng.normal(size=3), 0.1, 1e-2),
            (rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), 0.5, 0.3),
            (np.array([2.0, -1.0]), np.zeros(2), 0.1, 0.5),       # no gradient: decay alone
            (rng.normal(size=2), rng.normal(size=2), 1.0, 0.0)]    # λ = 0: a plain step


def _factor_per_step(lr=0.1, weight_decay=1e-3):
    """θ_{k+1}/θ_k for g = 0, measured on a course_lib SGD step."""
    return float(sgd_weight_decay_step(np.array([1.0]), np.array([0.0]), lr, weight_decay)[0])


EXERCISES = [
    NumberExercise(
        "13.1", "the starting loss for 10 classes",
        hints=["A freshly initialised network has small logits z, so softmax gives every class "
               "about the same probability.",
               "With aⱼ = 1/10 for every class, the cross-entropy −Σ yⱼ ln aⱼ is −ln(1/10)."],
        reference=_uniform_loss, rtol=1e-6,
        mistakes=[Mistake(1.0, "the course's logarithm is the natural one: ln 10, not log₁₀ 10"),
                  Mistake(math.log2(10), "the course's logarithm is the natural one (nats): "
                                         "ln 10, not log₂ 10"),
                  Mistake(0.1, "0.1 is the probability of the right class; the loss is "
                               "−ln of it")]),
    FunctionExercise(
        "13.2", "an SGD step with weight decay",
        hints=["Weight decay λ adds the gradient of (λ/2)‖θ‖² to the cost's gradient.",
               "The gradient becomes g + λθ, and the step is θ − η (g + λθ)."],
        reference=sgd_weight_decay_step, cases=_cases, rtol=1e-12,
        mistakes=[Mistake(lambda theta, g, lr, wd: theta - lr * g - wd * theta,
                          "the decay is part of the gradient, so η multiplies it too: "
                          "θ − η(g + λθ), not θ − ηg − λθ"),
                  Mistake(lambda theta, g, lr, wd: theta - lr * (g - wd * theta),
                          "weight decay pulls θ towards 0: add λθ to the gradient, do not "
                          "subtract it"),
                  Mistake(lambda theta, g, lr, wd: theta - lr * (g + 0.5 * wd * theta),
                          "the gradient of (λ/2)‖θ‖² is λθ: the ½ cancels against the square")]),
    NumberExercise(
        "13.3", "the shrink factor of weight decay per step",
        hints=["With g = 0 the step is θ − ηλθ.",
               "Factor out θ: θ_new = (1 − ηλ) θ, with η = 0.1 and λ = 1e-3."],
        reference=_factor_per_step, rtol=1e-9,
        mistakes=[Mistake(0.999, "η multiplies the decay too: the factor is 1 − ηλ, not 1 − λ"),
                  Mistake(1.0001, "weight decay shrinks θ: 1 − ηλ, below 1")]),
]
