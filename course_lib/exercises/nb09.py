"""Exercises of 09_gradient_checking: a central-difference gradient, the relative error of a
gradient check, and the best step h of central differences in float64."""
import numpy as np

from .. import gradcheck
from ..widgets.gradcheck_widgets import predicted_best_h
from ._core import FunctionExercise, Mistake, NumberExercise


def numerical_gradient(f, x, h):
    """Central differences, entry by entry: (f(x + h eᵢ) − f(x − h eᵢ)) / 2h, shaped like x."""
    return gradcheck.numerical_gradient(f, x, h)


def _nudged(f, x, h, plus, minus, divide):
    """A difference quotient for every entry of x: (f(x + plus·h eᵢ) − f(x + minus·h eᵢ)) / divide·h."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += plus * h
        xm[i] += minus * h
        grad[i] = (f(xp) - f(xm)) / (divide * h)
    return grad


def _quadratic_form(x):
    A = np.array([[2.0, 0.5, -1.0], [0.5, 1.0, 0.3], [-1.0, 0.3, 3.0]])
    return float(x @ A @ x)


def _log_sum_exp(x):
    return float(np.log(np.sum(np.exp(x))))


def _numerical_cases(rng):
    return [(lambda x: float(np.sum(np.sin(x) * x ** 2)), rng.normal(size=4), 1e-5),
            (_log_sum_exp, rng.normal(size=(3, 2)), 1e-4),                 # a matrix x
            (_quadratic_form, rng.normal(size=3), 1e-2),                    # larger h
            (lambda x: float(np.exp(x[0]) * np.cos(x[1])), np.array([0.3, -1.2]), 1e-3),
            (lambda x: float(x[0] ** 3), np.array([2.0]), 1e-3)]           # one entry


def _relative_cases(rng):
    g = rng.normal(size=(4, 3))
    return [(g, g + 1e-3 * rng.normal(size=(4, 3))),                         # nearly right
            (rng.normal(size=6), rng.normal(size=6)),                         # unrelated
            (np.array([1.0, -2.0, 0.5]), np.array([-1.0, 2.0, -0.5])),        # opposite
            (np.array([3.0]), np.array([2.0])),
            (1e6 * g, 1e6 * (g + 1e-2 * rng.normal(size=(4, 3))))]           # a large scale


def _best_central_h(name="sin at x = 1"):
    return predicted_best_h(name)["central"]


_U = np.finfo(np.float64).eps / 2


EXERCISES = [
    FunctionExercise(
        "09.1", "a finite-difference gradient",
        hints=["One entry at a time: nudge entry i of x up by h and down by h, and evaluate f "
               "at both points.",
               "grad[i] = (f(x + h eᵢ) − f(x − h eᵢ)) / (2h), where eᵢ is 1 at entry i and 0 "
               "elsewhere. np.ndindex(x.shape) walks the entries of an array of any shape; nudge "
               "a copy of x (or put the entry back afterwards)."],
        reference=numerical_gradient, cases=_numerical_cases, rtol=1e-10,
        mistakes=[Mistake(lambda f, x, h: _nudged(f, x, h, 1, 0, 1),
                          "a one-sided (forward) difference (f(x + h) − f(x))/h: its error falls "
                          "only like h; take the central difference (f(x + h) − f(x − h))/2h"),
                  Mistake(lambda f, x, h: _nudged(f, x, h, 1, -1, 1),
                          "divided by h instead of 2h: the points x − h and x + h are 2h apart"),
                  Mistake(lambda f, x, h: _nudged(f, x, h, 1, -1, 2) * h * h,
                          "`/ 2 * h` divides by 2 and then multiplies by h (Python reads it "
                          "left to right): write / (2 * h)")]),
    FunctionExercise(
        "09.2", "the relative error of a gradient check",
        hints=["It compares the whole arrays g and ĝ through their norms (np.linalg.norm: the "
               "square root of the sum of squares of all entries).",
               "‖g − ĝ‖ / (‖g‖ + ‖ĝ‖): the sum of both norms below, so that it is 0 when equal, "
               "1 when opposite, and unchanged when both are scaled."],
        reference=gradcheck.relative_error, cases=_relative_cases, rtol=1e-12,
        mistakes=[Mistake(lambda g, gh: np.linalg.norm(g - gh) / np.linalg.norm(g),
                          "divided by ‖g‖ alone: the denominator is ‖g‖ + ‖ĝ‖ (symmetric in the "
                          "two, and never above 1)"),
                  Mistake(lambda g, gh: np.linalg.norm(g - gh),
                          "that is the absolute error ‖g − ĝ‖: it grows with the scale of the "
                          "loss; divide by ‖g‖ + ‖ĝ‖")]),
    NumberExercise(
        "09.3", "the best h for a central difference of sin at x = 1 in float64",
        hints=["Error ≈ h²|f'''|/6 (truncation) + u|f|/h (round-off), with the unit round-off "
               "u = ε/2 = np.finfo(float).eps / 2.",
               "Set the derivative in h to zero: h* = (3u|f|/|f'''|)^(1/3). For f = sin at x = 1: "
               "|f| = sin 1 and |f'''| = |−cos 1|."],
        reference=_best_central_h, rtol=1e-6,
        mistakes=[Mistake(float((3 * 2 * _U * np.tan(1.0)) ** (1 / 3)),
                          "the unit round-off is u = ε/2 (about 1.1e-16), not ε"),
                  Mistake(float(2 * np.sqrt(_U * np.sin(1.0) / np.sin(1.0))),
                          "2√(u|f|/|f''|) is the best h of the one-sided difference; the central "
                          "one balances h²|f'''|/6 against u|f|/h"),
                  Mistake(float((3 * _U) ** (1 / 3)),
                          "the ratio |f|/|f'''| = sin 1 / cos 1 is missing: (3u)^(1/3) holds "
                          "only where |f'''| = |f|, as for eˣ")]),
]
