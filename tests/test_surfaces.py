"""Toy surfaces: analytic gradients against central differences, minima, the computed
smoothness constant L, and `descend`'s bookkeeping (divergence reported, never NaN)."""
import numpy as np
import pytest

from course_lib import SGD, Adam
from course_lib.gradcheck import gradient_check
from course_lib.surfaces import (FUNCTIONS_1D, SURFACES, bowl, descend, himmelblau, parabola,
                                 rosenbrock, saddle, wavy_bowl)

rng = np.random.default_rng(0)


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_gradient_matches_finite_differences(name):
    s = SURFACES[name]()
    for p in rng.uniform(-2.5, 2.5, size=(5, 2)):
        check = gradient_check(s.value, p.copy(), s.grad(p), h=1e-6, tol=1e-7)
        assert check.passed, check


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_vectorised_on_a_grid_equals_pointwise(name):
    s = SURFACES[name]()
    X, Y, Z = s.grid(7)
    GX, GY = s.gradient(X, Y)
    assert Z.shape == GX.shape == GY.shape == (7, 7)
    i, j = 3, 5
    p = np.array([X[i, j], Y[i, j]])
    assert Z[i, j] == pytest.approx(s.value(p))
    np.testing.assert_allclose([GX[i, j], GY[i, j]], s.grad(p))


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_minima_are_stationary_with_the_stated_value(name):
    s = SURFACES[name]()
    for m in s.minima:
        np.testing.assert_allclose(s.grad(np.array(m)), 0.0, atol=1e-9)
        assert s.value(np.array(m)) == pytest.approx(s.f_min, abs=1e-12)
    X, Y, Z = s.grid(301)
    assert Z.min() >= s.f_min - 1e-12


def test_saddle_point_is_not_a_minimum():
    s = saddle()
    np.testing.assert_allclose(s.grad(np.zeros(2)), 0.0)
    assert s.value(np.zeros(2)) > s.f_min
    assert s.value(np.array([0.0, 0.1])) < s.value(np.zeros(2)) < s.value(np.array([0.1, 0.0]))


def test_himmelblau_has_four_minima():
    assert len(himmelblau().minima) == 4


@pytest.mark.parametrize("condition, angle", [(1.0, 0.0), (25.0, 0.0), (100.0, 0.6)])
def test_bowl_has_the_requested_condition_number(condition, angle):
    s = bowl(condition=condition, L=2.0, angle=angle)
    eig = np.linalg.eigvalsh(s.H)
    assert eig.max() == pytest.approx(2.0)
    assert eig.max() / eig.min() == pytest.approx(condition)
    # the Hessian by finite differences of the gradient
    h = 1e-6
    H = np.column_stack([(s.grad(h * e) - s.grad(-h * e)) / (2 * h) for e in np.eye(2)])
    np.testing.assert_allclose(H, s.H, atol=1e-8)


@pytest.mark.parametrize("kw, word", [({"condition": 0.5}, "condition"),
                                      ({"condition": -1.0}, "condition"),
                                      ({"L": 0.0}, "L")])
def test_bowl_rejects_bad_arguments(kw, word):
    with pytest.raises(ValueError, match=word):
        bowl(**kw)


@pytest.mark.parametrize("name", sorted(FUNCTIONS_1D))
def test_1d_derivatives_match_finite_differences(name):
    fn = FUNCTIONS_1D[name]()
    h = 1e-5
    for x in np.linspace(*fn.xlim, 9):
        d1 = (fn.f(x + h) - fn.f(x - h)) / (2 * h)
        d2 = (fn.df(x + h) - fn.df(x - h)) / (2 * h)
        assert fn.df(x) == pytest.approx(d1, rel=1e-7, abs=1e-8)
        assert fn.d2f(x) == pytest.approx(d2, rel=1e-7, abs=1e-8)
    assert fn.df(fn.x_min) == pytest.approx(0.0, abs=1e-12)


def test_smoothness_constant_is_computed():
    assert parabola(a=1.6).L == pytest.approx(1.6)
    assert parabola(a=3.0).L == pytest.approx(3.0)
    assert wavy_bowl().L == pytest.approx(4.0, rel=1e-6)  # 2 − 2 sin x is largest at x = −π/2


def test_descend_reports_divergence_without_nan_or_warning():
    s = bowl(condition=10)
    with np.errstate(all="raise"):
        run = descend(s, SGD(lr=2.5), s.start, steps=500)
    assert run.diverged_at is not None and run.diverged_at < 500
    assert run.describe() == f"diverged at step {run.diverged_at}"
    assert len(run.path) == run.diverged_at  # steps 0 … k − 1, all finite
    assert np.all(np.isfinite(run.path)) and np.all(np.isfinite(run.losses))


def test_descend_overflowing_surface_stops_cleanly():
    s = rosenbrock()
    with np.errstate(all="raise"):
        run = descend(s, SGD(lr=0.1), s.start, steps=100)
    assert run.diverged_at is not None
    assert np.all(np.isfinite(run.path))


def test_descend_records_convergence():
    s = bowl(condition=1)
    run = descend(s, SGD(lr=1.0), s.start, steps=10)  # η = 1/L: one step to the minimum
    assert run.converged_at == 1
    np.testing.assert_allclose(run.path[1], 0.0, atol=1e-15)
    assert "converged" in run.describe()


def test_descend_on_a_1d_function():
    fn = parabola()
    run = descend(fn, SGD(lr=1.0 / fn.L), fn.start, steps=3)
    assert run.path.shape == (4, 1)
    assert run.path[1, 0] == pytest.approx(fn.x_min)


@pytest.mark.parametrize("kw, word", [({"steps": -1}, "steps"), ({"steps": 2.5}, "steps"),
                                      ({"x0": [np.nan, 0.0]}, "x0"), ({"tol": 0.0}, "tol")])
def test_descend_rejects_bad_arguments(kw, word):
    s = bowl()
    args = {"x0": s.start, "steps": 10} | kw
    with pytest.raises(ValueError, match=word):
        descend(s, Adam(lr=0.1), **args)
