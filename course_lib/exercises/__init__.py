"""The exercises at the end of every notebook, with checkers, tiered hints and solutions.

    from course_lib.exercises import check, hint, solution

    def gd_step(theta, g, lr):
        raise NotImplementedError      # the stub a notebook starts from: "not attempted"

    check("01.1", gd_step)             # ✓ ..., ✗ ... and why, or · not attempted yet
    hint("01.1", 1)                    # a nudge; higher levels name the key step
    solution("01.1")                   # the reference answer (a function or a number)

`EXERCISES` maps an id "NN.k" (notebook NN, exercise k) to its exercise object (`ex.check`,
`ex.hint`, `ex.solution`, `ex.rtol`: the relative tolerance, None for an open-ended one).
Each notebook's exercises live in a module `nbNN` of this package (a list `EXERCISES`).
"""
import importlib
import pkgutil

from .._checks import InputTypeError, describe
from ._core import Exercise, FunctionExercise, Mistake, NumberExercise, Result

__all__ = ["EXERCISES", "Exercise", "FunctionExercise", "Mistake", "NumberExercise", "Result",
           "check", "hint", "solution"]


def _collect():
    found = {}
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("nb")):
        for ex in importlib.import_module(f"{__name__}.{module}").EXERCISES:
            if ex.id in found:
                raise RuntimeError(f"two exercises have the id {ex.id!r}")
            found[ex.id] = ex
    return dict(sorted(found.items()))


EXERCISES = _collect()


class _Text(str):
    """A string that a notebook shows as plain text (no quotes)."""

    def __repr__(self):
        return str(self)


def _exercise(id):
    if not isinstance(id, str):
        raise InputTypeError(f"Invalid exercise id: {describe(id)}; expected a string such as "
                             "'01.1'")
    if id not in EXERCISES:
        raise ValueError(f"Unknown exercise {id!r}; expected one of {list(EXERCISES)}")
    return EXERCISES[id]


def check(id, answer):
    """Check `answer` (a function or a number, as the exercise asks) for exercise `id`."""
    return _exercise(id).check(answer)


def hint(id, level=1):
    """Hint number `level` for exercise `id` (1 = a nudge)."""
    return _Text(_exercise(id).hint(level))


def solution(id):
    """The reference answer of exercise `id`: a function or a number."""
    return _exercise(id).solution()
