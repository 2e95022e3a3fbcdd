"""The worked example of 00_start_here: how an exercise is checked, hinted and solved."""
import numpy as np

from ..costs import Quadratic
from ._core import FunctionExercise, Mistake


def quadratic_cost(a, y):
    """C = (1/2m) Σₓ ‖a − y‖²: one example per column, the mean over the m columns."""
    return Quadratic().value(a, y)


def _cases(rng):
    return [(rng.normal(size=(3, 5)), rng.normal(size=(3, 5))),
            (rng.normal(size=(10, 2)), rng.normal(size=(10, 2))),
            (np.zeros((2, 4)), np.zeros((2, 4))),                    # a perfect output: 0
            (np.array([[1.0]]), np.array([[0.0]]))]                  # one example: ½


EXERCISES = [
    FunctionExercise(
        "00.1", "the quadratic cost of a batch",
        hints=["Square the differences a − y, add them up, and keep the ½.",
               "The cost is a mean over the m examples (columns): divide the sum by m = "
               "a.shape[1], not by the number of entries."],
        reference=quadratic_cost, cases=_cases, rtol=1e-12,
        mistakes=[Mistake(lambda a, y: 0.5 * np.sum((a - y) ** 2),
                          "the cost is a mean over the batch: divide by m, the number of columns"),
                  Mistake(lambda a, y: 0.5 * np.mean((a - y) ** 2),
                          "np.mean divides by every entry (n·m); the course divides by m only"),
                  Mistake(lambda a, y: np.sum((a - y) ** 2) / a.shape[1],
                          "the ½ is missing: C = (1/2m) Σ ‖a − y‖²")]),
]
