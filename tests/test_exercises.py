"""Every exercise's checker: the solution passes, a blank or a stub is "not attempted", each
known mistake is rejected with the hint that names it, and a reference off by a small relative
amount in every entry is rejected (COURSE.md, "Exercises")."""
import numpy as np
import pytest

from course_lib.exercises import EXERCISES, FunctionExercise, NumberExercise, check, hint, solution

IDS = list(EXERCISES)


def _stub(*args):
    raise NotImplementedError


def _mutated(f, delta):
    """f with every returned number multiplied by (1 + delta)."""
    def wrong(*args):
        out = f(*args)
        if isinstance(out, tuple):
            return tuple(np.asarray(o, dtype=float) * (1 + delta) for o in out)
        return np.asarray(out, dtype=float) * (1 + delta)
    return wrong


@pytest.mark.parametrize("id", IDS)
def test_the_solution_passes(id):
    result = check(id, solution(id))
    assert result.passed is True, result
    assert str(result).startswith(f"✓ {id}: ")


@pytest.mark.parametrize("id", IDS)
def test_a_blank_or_a_stub_is_not_attempted(id):
    ex = EXERCISES[id]
    blanks = [None, _stub] if isinstance(ex, FunctionExercise) else [None]
    for blank in blanks:
        result = check(id, blank)
        assert result.passed is None and "not attempted yet" in result.message, result


@pytest.mark.parametrize("id", IDS)
def test_each_known_mistake_is_rejected_with_its_hint(id):
    ex = EXERCISES[id]
    for mistake in ex.mistakes:
        result = check(id, mistake.answer)
        assert result.passed is False, (mistake.hint, result)
        assert mistake.hint in result.message, result


@pytest.mark.parametrize("id", [i for i in IDS if EXERCISES[i].rtol is not None])
def test_a_slightly_mutated_reference_is_rejected(id):
    ex = EXERCISES[id]
    if isinstance(ex, FunctionExercise):
        for delta in (10 * ex.rtol, -10 * ex.rtol, 1e-3):
            result = check(id, _mutated(ex.reference, delta))
            assert result.passed is False, (delta, result)
    else:
        want = solution(id)
        wrong = [want * (1 + 10 * ex.rtol), want * (1 - 10 * ex.rtol)] if ex.rtol else \
            [want + 1, want - 1]
        for value in wrong:
            assert check(id, value).passed is False, value


@pytest.mark.parametrize("id", IDS)
def test_hints_go_from_a_nudge_to_the_key_step(id):
    ex = EXERCISES[id]
    assert len(ex.hints) >= 2
    for level in range(1, len(ex.hints) + 1):
        assert hint(id, level).startswith(f"hint {level} of {len(ex.hints)} for {id}: ")
    with pytest.raises(ValueError, match="hints 1.."):
        hint(id, len(ex.hints) + 1)


def test_ids_are_numbered_per_notebook_from_1():
    by_notebook = {}
    for id in IDS:
        nn, k = id.split(".")
        by_notebook.setdefault(nn, []).append(int(k))
    for nn, ks in by_notebook.items():
        assert ks == list(range(1, len(ks) + 1)), (nn, ks)
        # 00 has its one worked example; every other notebook 2-4 exercises
        assert (len(ks) == 1) if nn == "00" else (2 <= len(ks) <= 4), (nn, ks)


def test_wrong_types_and_unknown_ids_are_refused_clearly():
    with pytest.raises(ValueError, match="Unknown exercise '99.9'"):
        check("99.9", 1.0)
    with pytest.raises(TypeError, match="expected a string"):
        check(1.1, 1.0)
    function_id = next(i for i in IDS if isinstance(EXERCISES[i], FunctionExercise))
    number_id = next(i for i in IDS if isinstance(EXERCISES[i], NumberExercise))
    with pytest.raises(TypeError, match="must be a function"):
        check(function_id, 3.0)
    with pytest.raises(TypeError, match="must be a number"):
        check(number_id, "3.8")


def test_an_answer_that_raises_or_changes_its_inputs_is_handled():
    id = next(i for i in IDS if isinstance(EXERCISES[i], FunctionExercise))
    result = check(id, lambda *args: 1 / 0)
    assert result.passed is False and "ZeroDivisionError" in result.message
    ref = solution(id)

    def in_place(*args):               # right, but scribbles on its inputs afterwards
        out = ref(*args)
        for a in args:
            if isinstance(a, np.ndarray):
                a[...] = np.nan
        return out
    assert check(id, in_place).passed is True


def test_an_open_ended_answer_that_raises_is_a_clear_cross():
    id = next(i for i in IDS if EXERCISES[i].rtol is None)
    result = check(id, lambda *args: 1 / 0)
    assert result.passed is False and "ZeroDivisionError" in result.message
