"""Exercises of 03_adaptive_optimizers: one RMSprop step, one Adam step (with the step count in
its bias correction), and the length of Adam's second step without bias correction."""
import numpy as np

from ..bugzoo import AdamWithoutStepCount, adam_step_ratio, constant_gradient_steps
from ..optimizers import Adam, RMSprop
from ._core import FunctionExercise, Mistake, NumberExercise


def _one_step(opt, theta, g, state, t=1):
    """theta after one step of the course_lib optimizer `opt` from the given state (its arrays
    copied) at step number t, and the state after it."""
    params = {"theta": np.array(theta, dtype=np.float64)}
    opt.state["theta"] = {k: np.array(v, dtype=np.float64) for k, v in state.items()}
    opt.t = t - 1                           # step() counts this step: opt.t becomes t
    opt.step(params, {"theta": np.asarray(g, dtype=np.float64)})
    return params["theta"], opt.state["theta"]


def rmsprop_step(theta, v, g, lr, alpha, eps):
    """One RMSprop step, by course_lib.optimizers.RMSprop: v ← αv + (1 − α)g²,
    θ ← θ − η g / (√v + ε). Returns (θ, v)."""
    theta, state = _one_step(RMSprop(lr, alpha=alpha, eps=eps), theta, g, {"square_avg": v})
    return theta, state["square_avg"]


def adam_step(theta, m, v, g, t, lr, beta1, beta2, eps):
    """One Adam step at step number t (1 for the first), by course_lib.optimizers.Adam:
    m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ),
    θ ← θ − η m̂/(√v̂ + ε). Returns (θ, m, v): the new parameters and the new averages."""
    opt = Adam(lr, betas=(beta1, beta2), eps=eps)
    theta, state = _one_step(opt, theta, g, {"m": m, "v": v}, t)
    return theta, state["m"], state["v"]


def _adam_like(cls, **options):
    """A mistaken Adam step made with a course_lib class (the bug zoo's, or Adam's options)."""
    def step(theta, m, v, g, t, lr, beta1, beta2, eps):
        opt = cls(lr, betas=(beta1, beta2), eps=eps, **options)
        theta, state = _one_step(opt, theta, g, {"m": m, "v": v}, t)
        return theta, state["m"], state["v"]
    return step


def _adam_storing_corrected(theta, m, v, g, t, lr, beta1, beta2, eps):
    m = (beta1 * m + (1 - beta1) * g) / (1 - beta1 ** t)       # m̂ kept as the new m
    v = (beta2 * v + (1 - beta2) * g ** 2) / (1 - beta2 ** t)
    return theta - lr * m / (np.sqrt(v) + eps), m, v


def _rmsprop_cases(rng):
    return [(rng.normal(size=3), rng.random(3), rng.normal(size=3), 0.01, 0.99, 1e-8),
            (rng.normal(size=(2, 3)), rng.random((2, 3)), rng.normal(size=(2, 3)), 0.1, 0.9, 1e-8),
            # the first step (v = 0): |Δθ| = η/√(1 − α) = 10η, whatever the size of g
            (np.array([1.0, -1.0, 0.5]), np.zeros(3), np.array([2.0, -0.01, 300.0]), 0.1, 0.99, 1e-8),
            # a large ε, and a zero gradient entry (no move there)
            (rng.normal(size=4), 0.01 * rng.random(4), np.array([0.3, 0.0, -0.2, 0.05]), 0.5, 0.9, 0.1)]


def _adam_cases(rng):
    return [(rng.normal(size=3), 0.1 * rng.normal(size=3), 0.01 * rng.random(3), rng.normal(size=3),
             5, 1e-3, 0.9, 0.999, 1e-8),
            (rng.normal(size=(2, 3)), 0.1 * rng.normal(size=(2, 3)), 0.1 * rng.random((2, 3)),
             rng.normal(size=(2, 3)), 2, 0.01, 0.8, 0.99, 1e-8),
            # the first step (t = 1, m = v = 0): |Δθ| = η for every entry, whatever the size of g
            (np.array([1.0, -2.0, 0.0]), np.zeros(3), np.zeros(3), np.array([0.5, -3.0, 20.0]),
             1, 0.1, 0.9, 0.999, 1e-8),
            # late in a run: β₁ᵗ is negligible, β₂ᵗ = 0.37 still is not
            (rng.normal(size=4), 0.1 * rng.normal(size=4), 0.01 * rng.random(4),
             np.array([0.1, 0.0, -0.3, 2.0]), 1000, 0.1, 0.9, 0.999, 1e-3)]


def _adam_second_step_without_correction(beta1=0.9, beta2=0.999):
    """|Δθ| / η at t = 2 on a constant gradient, course_lib Adam with bias_correction=False
    (ε tiny enough not to show in 9 digits)."""
    opt = Adam(lr=1.0, betas=(beta1, beta2), eps=1e-15, bias_correction=False)
    return constant_gradient_steps(opt, g=1.0, steps=2)[1]


EXERCISES = [
    FunctionExercise(
        "03.1", "one RMSprop step",
        hints=["Two updates, in order: first the running average v of g², then θ.",
               "v_new = α v + (1 − α) g², entry by entry (g**2, not a dot product).",
               "θ_new = θ − η g / (√v_new + ε): the new v, and ε added after the square root. "
               "Return (θ_new, v_new)."],
        reference=rmsprop_step, cases=_rmsprop_cases, rtol=1e-12, names=("θ", "v"),
        mistakes=[
            Mistake(lambda theta, v, g, lr, alpha, eps: (
                theta - lr * g / (np.sqrt(alpha * v + g ** 2) + eps), alpha * v + g ** 2),
                "v is a running mean of g², not a running sum: v ← αv + (1 − α)g²"),
            Mistake(lambda theta, v, g, lr, alpha, eps: (
                theta - lr * g / (np.sqrt(v) + eps), alpha * v + (1 - alpha) * g ** 2),
                "θ moved with the old v: update v first, then divide by the new √v"),
            Mistake(lambda theta, v, g, lr, alpha, eps: (
                theta - lr * g / np.sqrt(alpha * v + (1 - alpha) * g ** 2 + eps),
                alpha * v + (1 - alpha) * g ** 2),
                "ε is inside the square root (TensorFlow 1's form); torch and the course add it "
                "after: g / (√v + ε)")]),
    FunctionExercise(
        "03.2", "one Adam step",
        hints=["Adam is RMSprop's v plus momentum's average m of g, both started at 0, "
               "then both divided by their bias corrections.",
               "m ← β₁m + (1 − β₁)g and v ← β₂v + (1 − β₂)g²; those two are what you return "
               "besides θ.",
               "The corrections use the step number t: m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) "
               "(beta1 ** t), then θ ← θ − η m̂/(√v̂ + ε). Return (θ, m, v), not m̂ and v̂."],
        reference=adam_step, cases=_adam_cases, rtol=1e-12, names=("θ", "m", "v"),
        mistakes=[
            Mistake(_adam_like(AdamWithoutStepCount),
                    "the bias correction lacks the step count: divide by 1 − β₁ᵗ and 1 − β₂ᵗ "
                    "(beta1 ** t), not by the constants 1 − β₁ and 1 − β₂ (the source "
                    "article's Adam: right at t = 1 only)"),
            Mistake(_adam_like(Adam, bias_correction=False),
                    "there is no bias correction: m and v start at 0, so divide them by 1 − β₁ᵗ "
                    "and 1 − β₂ᵗ before the step"),
            Mistake(_adam_storing_corrected,
                    "the step is right, but the m and v you return are the corrected m̂ and v̂: "
                    "keep m and v uncorrected (the next step averages them again) and correct "
                    "only for the step")]),
    NumberExercise(
        "03.3", "the second step of Adam without bias correction",
        hints=["With a constant gradient g and m₀ = v₀ = 0: m_t = (1 − β₁ᵗ) g and "
               "v_t = (1 − β₂ᵗ) g².",
               "Without correction the step is η m_t/√v_t (ε negligible): g cancels.",
               "At t = 2: (1 − β₁²)/√(1 − β₂²) = 0.19/√0.001999."],
        reference=_adam_second_step_without_correction, rtol=1e-6, unit=" η",
        mistakes=[Mistake(1.0, "that is Adam with its bias correction (a step of η at every t); "
                               "here m and v are used as they are"),
                  Mistake(0.1 / np.sqrt(0.001), "that is the first step; at t = 2 the averages "
                                                "have grown: m₂ = (1 − β₁²) g, v₂ = (1 − β₂²) g²"),
                  Mistake(0.19 / 0.001999, "the step divides by √v, the square root of the "
                                           "average of g², not by v"),
                  Mistake(float(adam_step_ratio(2)),
                          "that is the source article's Adam (÷ 1 − β) relative to Adam; here "
                          "there is no correction at all: the step is η m₂/√v₂")]),
]
