"""Exercises of 02_momentum: a heavy-ball step, the largest stable η for a given β, and
Polyak's rate for a given condition number."""
import numpy as np

from ..momentum_theory import largest_stable_lr, polyak
from ._core import FunctionExercise, Mistake, NumberExercise


def heavy_ball_step(theta, b, g, lr, beta):
    """One heavy-ball step in the course's (PyTorch's) form: b ← β b + g, θ ← θ − η b.
    Returns (θ, b)."""
    b = beta * b + g
    return theta - lr * b, b


def _cases(rng):
    return [(rng.normal(size=3), rng.normal(size=3), rng.normal(size=3), 0.1, 0.9),
            (rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), 0.5, 0.5),
            (np.array([1.0, 2.0]), np.zeros(2), np.array([0.5, -1.0]), 0.2, 0.0),   # β = 0
            (np.array([1.0]), np.array([3.0]), np.array([0.0]), 0.1, 0.99)]       # coasting


EXERCISES = [
    FunctionExercise(
        "02.1", "one heavy-ball step",
        hints=["Two updates, in order: first the velocity b, then the parameters θ.",
               "b_new = β b + g (the gradient is added at full size, not scaled by 1 − β); "
               "then θ_new = θ − η b_new. Return both: (θ_new, b_new)."],
        reference=heavy_ball_step, cases=_cases, rtol=1e-12, names=("θ", "b"),
        mistakes=[
            Mistake(lambda theta, b, g, lr, beta: (theta - (beta * b + lr * g), beta * b + lr * g),
                    "that is the source article's convention (v ← βv + ηg, θ ← θ − v); the course "
                    "asks for b ← βb + g, θ ← θ − ηb (the same method with v = ηb, but another b)"),
            Mistake(lambda theta, b, g, lr, beta: (theta - lr * (beta * b + (1 - beta) * g),
                                                   beta * b + (1 - beta) * g),
                    "b is a running sum here, not an average: b ← βb + g, without the (1 − β)"),
            Mistake(lambda theta, b, g, lr, beta: (theta - lr * b, beta * b + g),
                    "θ moved with the old b: update b first, then step with the new one")]),
    NumberExercise(
        "02.2", "the largest stable η for β = 0.9 on f(θ) = ½θ²",
        hints=["Here L = 1. Without momentum the limit is 2/L; momentum moves it.",
               "The error obeys z² − (1 + β − ηL) z + β = 0; at the limit one root is z = −1.",
               "z = −1: 1 + (1 + β − ηL) + β = 0, so η = 2(1 + β)/L."],
        reference=lambda: largest_stable_lr(0.9, 1.0), rtol=1e-6,
        mistakes=[Mistake(2.0, "2/L is plain gradient descent's limit; with momentum β it "
                               "grows to 2(1 + β)/L"),
                  Mistake(2 / 1.9, "the limit grows with β: 2(1 + β)/L, not 2/((1 + β)L)")]),
    NumberExercise(
        "02.3", "Polyak's rate per step for κ = 100",
        hints=["Polyak's tuning puts both ends of the spectrum at critical damping.",
               "Its rate is √β* = (√κ − 1)/(√κ + 1)."],
        reference=lambda: polyak(L=1.0, mu=0.01).rate, rtol=1e-6,
        mistakes=[Mistake(99 / 101, "(κ − 1)/(κ + 1) is plain gradient descent's best rate; "
                                    "momentum replaces κ by √κ"),
                  Mistake((9 / 11) ** 2, "that is β*; the rate is its square root")]),
]
