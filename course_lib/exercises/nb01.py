"""Exercises of 01_gradient_descent: a gradient-descent step, the largest stable η, and the
contraction factor on a parabola."""
import numpy as np

from ..momentum_theory import largest_stable_lr
from ._core import FunctionExercise, Mistake, NumberExercise


def gd_step(theta, g, lr):
    """One gradient-descent step: θ ← θ − η g."""
    return theta - lr * g


def _step_cases(rng):
    return [(rng.normal(size=3), rng.normal(size=3), 0.1),
            (rng.normal(size=(4, 2)), rng.normal(size=(4, 2)), 0.37),
            (np.array([2.0]), np.array([0.0]), 1.5),          # a zero gradient: no move
            (np.array([1.0, -1.0]), np.array([-3.0, 5.0]), 1e-3)]


EXERCISES = [
    FunctionExercise(
        "01.1", "one gradient-descent step",
        hints=["Move against the gradient, by η times it.",
               "θ_new = θ − η g, entry by entry (numpy does it for whole arrays)."],
        reference=gd_step, cases=_step_cases, rtol=1e-12,
        mistakes=[Mistake(lambda theta, g, lr: theta + lr * g,
                          "the step goes up the slope: subtract η g, do not add it"),
                  Mistake(lambda theta, g, lr: theta - g,
                          "the learning rate η is missing: the step is η g, not g")]),
    NumberExercise(
        "01.2", "the largest stable learning rate for f(x) = 2x²",
        hints=["Write f''(x): it is the same everywhere on a parabola; call it L.",
               "Each step multiplies the error by 1 − ηL; it shrinks while |1 − ηL| < 1.",
               "|1 − ηL| < 1 means 0 < η < 2/L, and L = f'' = 4 here."],
        reference=lambda: largest_stable_lr(0.0, 4.0), rtol=1e-6,
        mistakes=[Mistake(0.25, "1/L is the η that reaches the minimum in one step; the "
                                "iterates still converge (oscillating) up to 2/L"),
                  Mistake(1.0, "L is f'' = 4, not the 2 in front of x²: f'(x) = 4x")]),
    NumberExercise(
        "01.3", "the factor by which one step multiplies the error",
        hints=["On f(x) = 2x², x − η f'(x) = x − 4ηx.",
               "The factor is 1 − ηL with L = 4; with η = 0.4 it is negative: the iterates "
               "swap sides."],
        reference=lambda: 1 - 0.4 * 4.0, rtol=1e-9,
        mistakes=[Mistake(0.6, "the factor is signed: 1 − ηL = 1 − 1.6 = −0.6, so the "
                               "iterate jumps to the other side of the minimum each step")]),
]
