"""The widgets of notebooks 01–03 driven directly: every slider at its minimum and maximum and
every preset, with warnings as errors and no NaN on screen; each preset's description checked
against the behaviour it produces; the figure updated in place, never re-created."""
import os
import re

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np
import pytest

from course_lib.surfaces import bowl, descend, parabola, wavy_bowl
from course_lib.optimizers import SGD
from course_lib.widgets.descent import (REGIMES, classify, descent_1d, gradient_explorer,
                                        level_curve)
from course_lib.momentum_theory import measured_rate, polyak, rate_of
from course_lib.widgets.momentum import (PRESETS, MomentumExplorer, convergence_map,
                                         heavy_ball_limit, momentum_explorer,
                                         show_convergence_map)
from course_lib.widgets import race as race_module
from course_lib.widgets.race import (LR_GRID, RACERS, SURFACES, _score, on_grid, optimizer_race,
                                     race_run, remembered_run, tuned_lrs)


pytestmark = pytest.mark.usefixtures("strict_warnings")


def assert_clean(*texts):
    for text in texts:
        low = text.lower()
        assert not re.search(r"\bnan\b|\binf\b", low), text


def screen_texts(w):
    texts = [w.summary(), w.status.value]
    texts += [t.get_text() for ax in w.fig.axes for t in (ax.title, *ax.texts)]
    return texts


def artists_of(w):
    return [id(a) for ax in w.fig.axes for a in ax.lines]


# -- notebook 01 --------------------------------------------------------------------------------
def test_descent_1d_extremes_and_presets():
    w = descent_1d()
    fig, artists = w.fig, artists_of(w)
    for v in (w.lr.min, w.lr.max):
        w.lr.value = v
        assert_clean(*screen_texts(w))
    for name in w.presets:
        w.apply(name)
        assert_clean(*screen_texts(w))
        assert np.all(np.isfinite(w.path.get_xydata()))
    assert w.fig is fig and artists_of(w) == artists


def test_descent_1d_has_one_preset_per_regime():
    assert tuple(descent_1d().presets) == REGIMES


@pytest.mark.parametrize("name", REGIMES)
def test_descent_1d_preset_is_what_it_says(name):
    w = descent_1d()
    w.apply(name)
    assert w.regime == name
    assert name in w.summary()
    eta, L = w.lr.value, w.function.L
    # and the theory of the parabola agrees: the error is multiplied by (1 − ηL) each step
    factor = 1 - eta * L
    expected = {"slow": 0 < factor and factor ** w.STEPS > 1e-3,
                "good": abs(factor) ** w.STEPS <= 1e-3,
                "oscillating": -1 < factor < 0 and abs(factor) ** w.STEPS > 1e-3,
                "divergent": factor < -1}
    assert expected[name], (name, eta, factor)


def test_descent_1d_diverging_lr_says_diverged_at_step_k():
    w = descent_1d()
    w.lr.value = w.lr.max
    assert re.search(r"diverged at step \d+", w.status.value)
    assert re.search(r"diverged at step \d+", w.summary())


def test_bound_is_computed_from_the_function():
    assert descent_1d(parabola(a=2.5)).bound == pytest.approx(2 / 2.5)
    assert descent_1d(wavy_bowl()).bound == pytest.approx(0.5, rel=1e-6)


@pytest.mark.parametrize("eta_over_bound", [0.02, 0.3, 0.5, 0.8, 0.97, 1.03, 1.2])
def test_classify_matches_the_parabola_theory(eta_over_bound):
    fn = parabola()
    eta = eta_over_bound * 2 / fn.L
    run = descend(fn, SGD(lr=eta), fn.start, 30, blowup=100.0)
    regime, _ = classify(run, fn.x_min)
    factor = 1 - eta * fn.L
    if factor < -1:
        assert regime == "divergent"
    elif abs(factor) ** 30 <= 1e-3:
        assert regime == "good"
    else:
        assert regime == ("slow" if factor > 0 else "oscillating")


def test_gradient_explorer_extremes():
    w = gradient_explorer()
    fig, artists = w.fig, artists_of(w)
    for s in (w.x, w.y):
        for v in (s.min, s.max):
            s.value = v
            assert_clean(*screen_texts(w))
    assert w.fig is fig and artists_of(w) == artists


@pytest.mark.parametrize("point", [(1.0, -1.0), (-2.0, 0.5), (0.5, 3.5)])
def test_gradient_is_perpendicular_to_the_traced_contour(point):
    w = gradient_explorer(x=point[0], y=point[1])
    f0, gx, gy = w.at(*point)
    pieces = level_curve(w.surface, f0, n=400)
    pts = np.concatenate(pieces)
    i = int(np.argmin(np.hypot(pts[:, 0] - point[0], pts[:, 1] - point[1])))
    piece = next(p for p in pieces if np.any(np.all(p == pts[i], axis=1)))
    j = int(np.argmin(np.hypot(piece[:, 0] - point[0], piece[:, 1] - point[1])))
    a, b = piece[max(j - 2, 0)], piece[min(j + 2, len(piece) - 1)]
    tangent = (b - a) / np.linalg.norm(b - a)
    cosine = abs(tangent @ np.array([gx, gy])) / np.hypot(gx, gy)
    assert cosine < 0.02  # within about 1° of perpendicular


# -- notebook 02 --------------------------------------------------------------------------------
def test_momentum_explorer_extremes():
    w = momentum_explorer()
    fig, artists = w.fig, artists_of(w)
    for s, middle in ((w.lr, 1.0), (w.momentum, 0.5), (w.condition, 25)):
        for v in (s.min, s.max):
            s.value = v
            for nesterov in (False, True):
                w.nesterov.value = nesterov
                assert_clean(*screen_texts(w))
                for line in (w.path, w.ellipses, w.jump, w.kick, w.probe, w.loss):
                    xy = line.get_xydata()
                    assert np.all(np.isfinite(xy) | np.isnan(xy).all(axis=1, keepdims=True))
                assert np.all(np.isfinite(w.path.get_xydata()))
        s.value = middle
    assert w.fig is fig and artists_of(w) == artists


def test_momentum_explorer_draws_the_valley_to_scale():
    w = momentum_explorer()
    box = w.ax.get_position()
    width, height = w.fig.get_size_inches()
    shapes = {}
    for kappa in (1, 25, 100):
        w.condition.value = kappa
        x0, x1 = w.ax.get_xlim()
        y0, y1 = w.ax.get_ylim()
        # equal scales: data units per inch the same on both axes
        assert (x1 - x0) / (box.width * width) == pytest.approx((y1 - y0) / (box.height * height),
                                                                 rel=1e-9)
        xy = w.ellipses.get_xydata()
        xy = xy[np.isfinite(xy).all(axis=1)]
        shapes[kappa] = np.ptp(xy[:, 0]) / np.ptp(xy[:, 1])
        assert shapes[kappa] == pytest.approx(np.sqrt(kappa), rel=1e-3)   # the contours follow κ
        assert x0 <= w.surface.start[0] and y1 >= abs(w.surface.start[1])  # the start is shown


def test_momentum_explorer_shows_where_the_gradient_is_taken():
    w = momentum_explorer()
    w.apply("too much momentum")
    base, jump, probe, end = w.parts
    assert np.allclose(probe, base)                        # heavy ball: ∇f at the start
    assert np.allclose(end, w.run.path[w.SHOWN + 1])       # and the two parts make the step
    w.nesterov.value = True
    base, jump, probe, end = w.parts
    assert np.allclose(probe, jump)                        # Nesterov: ∇f at the look-ahead
    assert np.allclose(jump, w.run.path[w.SHOWN])          # PyTorch's θₖ is the look-ahead point
    assert np.linalg.norm(jump - base) > 0.1
    assert np.allclose(w.probe.get_xydata()[0], probe) and len(w.kick.get_xydata()) == 2


def test_nesterov_without_momentum_is_plain_descent_not_an_error():
    w = momentum_explorer(lr=1.0, momentum=0.0, nesterov=True)
    assert w.method() == "plain GD"
    assert "Nesterov needs β &gt; 0" in w.status.value


def run_of(name, **override):
    p = dict(PRESETS[name], **override)
    s = bowl(condition=p["condition"])
    opt = SGD(lr=p["lr"], momentum=p["momentum"], nesterov=p["nesterov"] and p["momentum"] > 0)
    return descend(s, opt, s.start, MomentumExplorer.STEPS, tol=1e-8)


def test_every_momentum_preset_runs_cleanly():
    w = momentum_explorer()
    for name in w.presets:
        w.apply(name)
        assert_clean(*screen_texts(w))
        assert w.lr.value == PRESETS[name]["lr"] and w.momentum.value == PRESETS[name]["momentum"]
        assert w.summary().endswith(run_of(name).describe())


def test_every_preset_description_is_checked():
    assert set(PRESETS) == set(PRESET_CHECKS)


def check_zigzag(run):
    y = run.path[:, 1]
    assert np.mean(np.sign(y[1:]) != np.sign(y[:-1])) > 0.95    # y flips sign every step
    assert 100 <= run.converged_at <= 150
    assert "0.924" in PRESETS["zigzag"]["says"] and rate_of(1.9, 0, [0.04, 1]) == pytest.approx(0.924)


def check_fixes_it(run):
    p, best = PRESETS["momentum fixes it"], polyak(1.0, 1 / 25)
    assert (p["lr"], p["momentum"]) == (best.lr, best.momentum)  # exact, not rounded
    assert f"{best.lr:.3f}" in p["says"] and f"{best.momentum:.3f}" in p["says"]
    assert f"{best.rate:.3f}" in p["says"] and "best" in p["says"]
    assert run.converged_at * 3 < run_of("zigzag").converged_at  # under a third
    s = bowl(condition=25)
    long = descend(s, SGD(lr=best.lr, momentum=best.momentum), s.start, 400)
    assert measured_rate(long.gap) == pytest.approx(best.rate, rel=0.01)   # (a double root:
    assert measured_rate(run.gap) == pytest.approx(best.rate, rel=0.02)    # k·ρᵏ, slow to show)


def check_too_much(run):
    assert run.diverged_at is None and run.converged_at is None  # not converged after the run
    assert np.count_nonzero(np.diff(run.gap) > 0) >= 20          # f goes up again and again
    assert run.gap[-1] > 1e3 * run_of("zigzag").gap[-1]


def check_nesterov_damps(run):
    p, hb = PRESETS["Nesterov damps it"], run_of("too much momentum")
    assert (p["lr"], p["momentum"]) == (1.0, 0.95) and p["nesterov"]
    assert run.converged_at is not None and hb.converged_at is None   # converges within the run
    assert np.count_nonzero(np.diff(run.gap) > 0) > 0                 # still swings
    nag_rate, hb_rate = rate_of(1.0, 0.95, [0.04, 1], True), rate_of(1.0, 0.95, [0.04, 1])
    assert f"{nag_rate:.3f}" in p["says"] and f"{hb_rate:.3f}" in p["says"]
    assert nag_rate == pytest.approx(np.sqrt(0.95 * 0.96))
    assert rate_of(1.0, 0.95, [1.0], True) < 1e-7                     # the steep one is gone
    assert measured_rate(run.gap) == pytest.approx(nag_rate, rel=0.01)


def check_nesterov_narrower(run):
    p = PRESETS["Nesterov's range is narrower"]
    assert run.diverged_at is not None
    assert run_of("Nesterov's range is narrower", nesterov=False).diverged_at is None
    assert heavy_ball_limit(0.95, nesterov=True) < p["lr"] < heavy_ball_limit(0.95)
    assert f"{heavy_ball_limit(0.95, nesterov=True):.2f}" in p["says"]


def check_too_large(run):
    assert run.diverged_at is not None and PRESETS["η too large"]["lr"] > 2.0
    w = momentum_explorer()
    w.apply("η too large")
    assert re.search(r"diverged at step \d+", w.status.value)


def check_rescues(run):
    p = PRESETS["momentum rescues η = 2.5"]
    assert 2.0 < p["lr"] < heavy_ball_limit(p["momentum"]) == pytest.approx(3.0)
    assert run_of("momentum rescues η = 2.5", momentum=0.0).diverged_at is not None
    assert run.converged_at is not None


PRESET_CHECKS = {"zigzag": check_zigzag, "momentum fixes it": check_fixes_it,
                 "too much momentum": check_too_much, "Nesterov damps it": check_nesterov_damps,
                 "Nesterov's range is narrower": check_nesterov_narrower,
                 "η too large": check_too_large, "momentum rescues η = 2.5": check_rescues}


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_does_what_it_says(name):
    PRESET_CHECKS[name](run_of(name))


def test_convergence_map_boundary_matches_theory():
    lrs = np.linspace(0.1, 4.0, 40)
    momenta = np.array([0.0, 0.25, 0.5, 0.75, 0.9])
    m = convergence_map(condition=10, lrs=lrs, momenta=momenta, max_steps=400)
    step = lrs[1] - lrs[0]
    for (ok, bad), beta in zip(m.boundary(), momenta):
        limit = heavy_ball_limit(beta)
        assert ok <= limit * (1 + 1e-9) and bad >= limit * (1 - 1e-9)
        assert bad - ok <= step + 1e-9


def test_convergence_map_agrees_with_polyak():
    lrs, momenta = np.linspace(2.0, 3.4, 15), np.linspace(0.2, 0.7, 11)
    m = convergence_map(condition=25, lrs=lrs, momenta=momenta)
    best = polyak(1.0, 1 / 25)
    lr, beta, rate = m.best()
    assert abs(lr - best.lr) <= lrs[1] - lrs[0] and abs(beta - best.momentum) <= momenta[1] - momenta[0]
    assert best.rate - 0.005 <= rate <= best.rate + 0.03
    stable = np.isfinite(m.rate)
    theory = rate_of(*np.meshgrid(lrs, momenta), [0.04, 1.0])
    assert np.allclose(m.rate[stable], theory[stable], rtol=0.02)
    # the fewest steps to 1e-8 are close to the preset's (a double root costs Polyak a few)
    assert m.fastest()[2] <= run_of("momentum fixes it").converged_at <= 1.5 * m.fastest()[2]


def test_convergence_map_figure_summary_is_clean():
    f = show_convergence_map(lrs=np.linspace(0.5, 3.5, 7), momenta=np.linspace(0, 0.9, 4))
    assert_clean(f.summary())
    assert "ConvergenceMap" in f.summary()


# -- notebook 03 --------------------------------------------------------------------------------
def test_race_every_slider_extreme_on_every_surface():
    w = optimizer_race()
    fig, artists = w.fig, artists_of(w)
    draw = w.redraw
    for surface in SURFACES:
        w.surface_choice.value = surface
        for end in ("min", "max"):
            # every slider's callback runs at its extreme; the figure is rendered once per
            # (surface, extreme) with all six there, to keep the test short
            w.redraw = lambda: None
            for sl in w.sliders.values():
                sl.value = 10.0 ** getattr(sl, end)
                assert_clean(*screen_texts(w))
            w.redraw = draw
            w.redraw()
    assert w.fig is fig and artists_of(w) == artists


def test_race_remembers_runs_and_recomputes_none_on_visited_positions(monkeypatch):
    run = remembered_run("saddle", "Adam", 0.01)
    fresh = race_run(SURFACES["saddle"](), "Adam", 0.01)
    assert np.array_equal(run.path, fresh.path) and run.diverged_at == fresh.diverged_at
    assert remembered_run("saddle", "Adam", 0.01) is run
    with pytest.raises(ValueError):
        run.path[0, 0] = 1.0        # shared between callers: read-only
    w = optimizer_race("Rosenbrock")   # its grid search has run every position
    calls = []
    monkeypatch.setattr(race_module, "race_run", lambda *a, **k: calls.append(a))
    for lr in LR_GRID[::-1]:
        w.sliders["Adam"].value = lr
    assert calls == [] and w.runs["Adam"].path.shape[0] > 1


def test_race_runs_a_browser_position_with_pythons_value():
    # a browser computes 10^e itself; one ulp off, the run must still be the grid's own
    lr = float(LR_GRID[3])
    off = np.nextafter(lr, 1.0)
    assert off != lr and on_grid(off) == lr and on_grid(lr) == lr
    assert on_grid(0.0123) == 0.0123
    w = optimizer_race("Rosenbrock")
    w.sliders["SGD"].value = off
    assert w.runs["SGD"] is remembered_run("Rosenbrock", "SGD", lr)


def test_race_presets_run_cleanly():
    w = optimizer_race()
    for name in w.presets:
        w.apply(name)
        assert_clean(*screen_texts(w))


def test_race_tuned_preset_is_the_best_of_the_grid():
    w = optimizer_race(surface="Himmelblau", lrs={n: 1e-3 for n in RACERS})
    w.apply("tuned for this surface")
    s = SURFACES["Himmelblau"]()
    for name in ("SGD", "Adam"):
        scores = [_score(race_run(s, name, lr)) for lr in LR_GRID]
        assert w.sliders[name].value == pytest.approx(LR_GRID[int(np.argmin(scores))])
        assert w.runs[name].diverged_at is None
    assert tuned_lrs("Himmelblau") == {n: w.sliders[n].value for n in RACERS}


def test_race_preset_one_lr_for_all():
    w = optimizer_race()
    w.apply("one η = 0.01 for all")
    assert all(sl.value == pytest.approx(0.01) for sl in w.sliders.values())
    for name in ("SGD", "momentum", "Nesterov"):
        assert w.runs[name].diverged_at is not None
        assert re.search(rf"{name}\s+η = 0.01: diverged at step \d+", w.summary())
    for name in ("AdaGrad", "RMSprop", "Adam"):
        assert w.runs[name].diverged_at is None


def test_race_preset_escaping_a_saddle():
    w = optimizer_race()
    w.apply("escaping a saddle")
    y = {name: abs(w.runs[name].final[1]) for name in RACERS}
    assert y["SGD"] < 0.1
    assert 0.1 < y["AdaGrad"] < 0.9
    for name in ("momentum", "Nesterov", "RMSprop", "Adam"):
        assert y[name] > 0.99, (name, y[name])
