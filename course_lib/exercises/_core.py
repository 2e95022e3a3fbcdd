"""What every exercise shares: checking an answer, tiered hints, the solution, known mistakes.

Two kinds:

* `FunctionExercise`: the learner writes a small function. The checker calls it on its own
  inputs (seeded random cases and edge cases, each passed as fresh copies) and compares every
  returned entry with the reference, within `rtol`.
* `NumberExercise`: the learner gives a number that the notebook's ideas predict; the checker
  compares it with the reference (computed by course_lib, not typed in), within `rtol`.

A wrong answer is then compared with each known mistake (a function or a number that makes
that mistake): if it matches one, the learner is told what is likely wrong. `None`, or a
function that raises NotImplementedError (the stub a notebook starts from), is "not
attempted". An exercise with rtol None is open-ended (more than one answer is right: a
training loop must reach a stated accuracy); its checker still rejects answers that fail.
"""
import copy
import math
from dataclasses import dataclass, field

import numpy as np

from .._checks import InputTypeError, describe


@dataclass(frozen=True)
class Result:
    """The outcome of a check: passed is True, False, or None (not attempted); message is
    what the learner reads. Shown in a notebook as one line: ✓, ✗ plus why, or "not
    attempted yet"."""

    exercise: str
    passed: bool | None
    message: str

    def __str__(self):
        mark = {True: "✓", False: "✗", None: "·"}[self.passed]
        return f"{mark} {self.exercise}: {self.message}"

    __repr__ = __str__

    def __bool__(self):
        return self.passed is True


@dataclass
class Mistake:
    """A classic mistake: `answer` makes it (a function for a FunctionExercise, a number for a
    NumberExercise) and `hint` names it for the learner."""

    answer: object
    hint: str


def _not_attempted(ex):
    return Result(ex.id, None, f"not attempted yet ({ex.title}). Write your answer in the cell "
                               f"above; hints: hint({ex.id!r}, 1)")


@dataclass
class Exercise:
    """id "NN.k" (notebook NN, exercise k), a short title, hints from a nudge (1) to the key
    step (last), the reference answer, known mistakes, and the relative tolerance."""

    id: str
    title: str
    hints: list
    rtol: float | None
    mistakes: list = field(default_factory=list)

    def hint(self, level=1):
        """Hint number `level` (1 = a nudge; the last one names the key step)."""
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= len(self.hints):
            raise ValueError(f"Invalid level: {level!r}; exercise {self.id} has hints 1.."
                             f"{len(self.hints)}")
        return f"hint {level} of {len(self.hints)} for {self.id}: {self.hints[level - 1]}"

    def solution(self):
        """The reference answer, in the form a learner gives it (a function or a number)."""
        raise NotImplementedError

    def check(self, answer):
        raise NotImplementedError

    def _wrong(self, message, answer_matches):
        """A ✗ Result: the message, plus the hint of the first known mistake that the answer
        matches (answer_matches(mistake) → bool)."""
        for mistake in self.mistakes:
            if answer_matches(mistake):
                return Result(self.id, False, f"{message}. Likely: {mistake.hint}")
        return Result(self.id, False, f"{message}. Hints: hint({self.id!r}, 1)")


def _relative_gap(got, want):
    """The largest |got − want| / (|want| + 1e-3 · max|want|) over the entries: how far off
    relative to each entry (entries near 0 are measured against the array's scale)."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    scale = np.abs(want) + 1e-3 * (np.max(np.abs(want)) if want.size else 0.0)
    scale = np.where(scale > 0, scale, 1e-300)
    with np.errstate(invalid="ignore", over="ignore"):
        gap = np.abs(got - want) / scale
    return float(np.max(np.where(np.isnan(gap), np.inf, gap))) if gap.size else 0.0


def _as_parts(value):
    """A returned value as a tuple of parts (a single array or number is one part)."""
    return tuple(value) if isinstance(value, (tuple, list)) and not _is_vector_list(value) \
        else (value,)


def _is_vector_list(value):
    """A list of numbers (one vector), not a tuple of results."""
    return isinstance(value, list) and all(isinstance(v, (int, float, np.number)) for v in value)


class FunctionExercise(Exercise):
    """The learner's function is called on `cases(rng)`: a list of argument tuples (seeded
    random draws and edge cases). It passes if every part of every result has the reference's
    shape and agrees entry by entry within rtol (`_relative_gap`).

    reference: the right function; cases: rng → list of argument tuples; names: the parts of a
    result, for messages (e.g. ("θ", "b")); seed: of the cases' rng.
    """

    def __init__(self, id, title, hints, reference, cases, rtol=1e-10, mistakes=(),
                 names=None, seed=0, accept=None):
        super().__init__(id, title, list(hints), rtol, list(mistakes))
        self.reference, self.cases, self.names, self.seed = reference, cases, names, seed
        self.accept = accept     # open-ended: accept(answer) → (passed, message)

    def solution(self):
        return self.reference

    def _inputs(self):
        return self.cases(np.random.default_rng(self.seed))

    @staticmethod
    def _call(f, args):
        """f on fresh copies of args, arrays inside dicts and lists included (so an answer that
        changes its inputs in place changes nothing the checker uses afterwards)."""
        copies = copy.deepcopy(list(args))
        with np.errstate(all="ignore"):
            return f(*copies)

    def _mismatch(self, f, inputs):
        """None if f agrees with the reference on every case, else a description of the first
        disagreement. Exceptions from f propagate."""
        for k, args in enumerate(inputs):
            want = _as_parts(self._call(self.reference, args))
            got = _as_parts(self._call(f, args))
            if len(got) != len(want):
                return (f"on case {k + 1} it returned {len(got)} value(s); expected {len(want)}"
                        + (f" ({', '.join(self.names)})" if self.names else ""))
            for i, (g, w) in enumerate(zip(got, want)):
                label = self.names[i] if self.names else "the result"
                try:
                    g_arr = np.asarray(g, dtype=float)
                except (TypeError, ValueError):
                    return f"on case {k + 1}, {label} is {describe(g)}; expected numbers"
                w_arr = np.asarray(w, dtype=float)
                if g_arr.shape != w_arr.shape:
                    return (f"on case {k + 1}, {label} has shape {g_arr.shape}; expected "
                            f"{w_arr.shape}")
                gap = _relative_gap(g_arr, w_arr)
                if not gap <= self.rtol:
                    where = "NaN or inf" if not np.all(np.isfinite(g_arr)) else \
                        f"off by {_format_gap(gap)} relative to the entry"
                    return f"on case {k + 1}, {label} is {where} (tolerance {self.rtol:g})"
        return None

    def check(self, answer):
        if answer is None:
            return _not_attempted(self)
        if not callable(answer):
            raise InputTypeError(f"the answer to {self.id} must be a function; got "
                                 f"{describe(answer)}")
        if self.accept is not None:
            try:
                passed, message = self.accept(answer)
            except NotImplementedError:
                return _not_attempted(self)
            except Exception as error:      # as below: say how the learner's code failed
                return Result(self.id, False, f"your function raised {type(error).__name__}: "
                                              f"{error}. Hints: hint({self.id!r}, 1)")
            return Result(self.id, True, message) if passed else \
                self._wrong(message, lambda m: False)
        inputs = self._inputs()
        try:
            problem = self._mismatch(answer, inputs)
        except NotImplementedError:
            return _not_attempted(self)
        except Exception as error:          # the learner's code failed: say how, do not crash
            return Result(self.id, False, f"your function raised {type(error).__name__}: "
                                          f"{error}. Hints: hint({self.id!r}, 1)")
        if problem is None:
            return Result(self.id, True, f"{self.title}: right on all {len(inputs)} cases")
        return self._wrong(problem, lambda m: self._matches(answer, m.answer, inputs))

    def _matches(self, answer, mistake, inputs):
        """Does the answer agree with the mistaken function on every case?"""
        try:
            for args in inputs:
                got, bad = _as_parts(self._call(answer, args)), _as_parts(self._call(mistake, args))
                if len(got) != len(bad):
                    return False
                for g, b in zip(got, bad):
                    g, b = np.asarray(g, dtype=float), np.asarray(b, dtype=float)
                    if g.shape != b.shape or not _relative_gap(g, b) <= max(self.rtol, 1e-9):
                        return False
        except Exception:
            return False
        return True


class NumberExercise(Exercise):
    """The learner gives a number; it passes if |answer − reference| ≤ rtol·|reference| (rtol 0:
    exactly, for counts). reference: a function computing the right number with course_lib
    (called once, when first needed); unit: how the number is written, for messages."""

    def __init__(self, id, title, hints, reference, rtol=1e-3, mistakes=(), unit=""):
        super().__init__(id, title, list(hints), rtol, list(mistakes))
        self._reference, self.unit = reference, unit
        self._value = None

    def solution(self):
        if self._value is None:
            self._value = float(self._reference())
        return self._value

    def _close(self, a, b):
        return abs(a - b) <= self.rtol * abs(b) if self.rtol else a == b

    def check(self, answer):
        if answer is None or answer is ...:
            return _not_attempted(self)
        if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, float, np.number)):
            raise InputTypeError(f"the answer to {self.id} must be a number; got {describe(answer)}")
        a = float(answer)
        if not math.isfinite(a):
            return Result(self.id, False, f"{a} is not a finite number")
        want = self.solution()
        if self._close(a, want):
            return Result(self.id, True, f"{self.title}: {_format_number(a)}{self.unit} is right")
        tolerance = f"within {self.rtol:g} relative" if self.rtol else "exactly"
        message = f"{_format_number(a)}{self.unit} is not it (expected {tolerance})"
        return self._wrong(message, lambda m: self._close(a, float(m.answer() if callable(m.answer)
                                                                      else m.answer)))


def _format_gap(gap):
    return "more than 1e3" if gap > 1e3 else f"{gap:.1e}"


def _format_number(x):
    return f"{x:.6g}"
