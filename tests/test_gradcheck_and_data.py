"""The gradient checker itself (it must catch wrong gradients) and the digits loader."""
import numpy as np
import pytest

from course_lib import digits_split, gradient_check, load_digits
from course_lib.gradcheck import numerical_gradient, relative_error


def test_catches_a_wrong_gradient():
    x = np.array([0.3, -1.2, 2.0])
    f = lambda x: np.sum(np.sin(x) * x)  # noqa: E731
    right = np.cos(x) * x + np.sin(x)
    assert gradient_check(f, x, right).passed
    wrong = right.copy()
    wrong[1] *= 1.01                      # a 1 % error in one entry
    check = gradient_check(f, x, wrong)
    assert not check.passed and check.rel_error > 1e-3
    assert "FAIL" in repr(check)


def test_central_differences_are_second_order():
    f, x = np.exp, np.array([0.7])
    errors = [abs(numerical_gradient(lambda v: f(v)[0], x.copy(), h)[0] - np.exp(0.7))
              for h in (1e-2, 1e-3)]
    assert 50 < errors[0] / errors[1] < 200          # O(h²): 10× smaller h, ~100× smaller error


def test_x_is_restored_and_relative_error_is_scale_free():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    before = x.copy()
    numerical_gradient(lambda v: np.sum(v ** 2), x)
    assert np.array_equal(x, before)
    g = np.array([1.0, 2.0])
    assert relative_error(g, g * 1.001) == pytest.approx(relative_error(1e6 * g, 1e6 * g * 1.001))


def test_load_digits_is_column_convention():
    X, y = load_digits()
    assert X.shape == (64, 1797) and y.shape == (1797,)
    assert X.min() == 0.0 and X.max() == 1.0


def test_seed_split_is_first_1500_last_297():
    X, y = load_digits()
    s = digits_split("seed")
    assert s.X_train.shape == (64, 1500) and s.X_val.shape == (64, 297)
    assert np.array_equal(s.X_val, X[:, 1500:]) and np.array_equal(s.y_train, y[:1500])
    assert np.array_equal(np.argmax(s.Y_train, axis=0), s.y_train)


def test_stratified_split_keeps_class_proportions_and_is_seeded():
    a, b, c = digits_split(seed=0), digits_split(seed=0), digits_split(seed=1)
    assert a.X_train.shape == (64, 1500) and a.X_val.shape == (64, 297)
    assert np.array_equal(a.y_val, b.y_val) and not np.array_equal(a.y_val, c.y_val)
    _, y = load_digits()
    overall = np.bincount(y) / y.size
    assert np.abs(np.bincount(a.y_val, minlength=10) / 297 - overall).max() < 0.01
    assert np.array_equal(a.Y_val.sum(axis=0), np.ones(297))
