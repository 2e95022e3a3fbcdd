"""Notebook 03's claims computed by the library, and the race widget's presets and extremes:
the units of η (scaling f), hovering at a constant η and its cure, axis-aligned against
rotated bowls, who wins the race where, and paths a back row can tell apart."""
import os

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from course_lib import SGD, Adam, RMSprop
from course_lib.surfaces import DecayingLR, bowl, descend, rosenbrock, saddle, scaled
from course_lib.widgets.race import (CONTOUR_COLOUR, LINES, MINIMUM_COLOUR, RACERS, SURFACES,
                                     optimizer_race, remembered_run, tuned_lrs)

pytestmark = pytest.mark.usefixtures("strict_warnings")


def test_scaled_surface_is_c_times_f():
    s, s3 = rosenbrock(), scaled(rosenbrock(), 3.0)
    p = np.array([0.3, -0.7])
    assert s3.value(p) == pytest.approx(3 * s.value(p))
    np.testing.assert_allclose(s3.grad(p), 3 * s.grad(p))
    assert s3.minima == s.minima and s3.f_min == 0.0
    b = scaled(bowl(10), 2.0)
    assert b.L == 2.0 and b.condition == 10
    with pytest.raises(ValueError):
        scaled(s, -1.0)


@pytest.mark.parametrize("c", [0.01, 100.0])
def test_units_adam_ignores_the_scale_of_f_sgd_does_not(c):
    s, sc = rosenbrock(), scaled(rosenbrock(), c)
    for lr in (0.01, 0.2):
        a = descend(sc, Adam(lr=lr), s.start, 300).path
        assert np.max(np.abs(a - descend(s, Adam(lr=lr), s.start, 300).path)) < 1e-5
    plain = descend(s, SGD(lr=1e-3), s.start, 200)
    same = descend(sc, SGD(lr=1e-3 / c), s.start, 200)
    assert np.max(np.abs(same.path - plain.path)) < 1e-8
    other = descend(sc, SGD(lr=1e-3), s.start, 200)
    assert other.diverged_at is not None or np.max(np.abs(other.path - plain.path)) > 0.05


@pytest.mark.parametrize("lr", [0.3, 0.1, 0.03])
def test_rmsprop_hovers_at_about_eta_and_decay_cures_it(lr):
    b = bowl(condition=10)
    d = np.linalg.norm(descend(b, RMSprop(lr=lr), b.start, 3000).path[-500:], axis=1)
    assert 0.6 < np.median(d) / lr < 0.8
    dec = DecayingLR(RMSprop(lr=lr), tau=10)
    dd = np.linalg.norm(descend(b, dec, b.start, 3000).path[-500:], axis=1)
    assert np.median(dd) < 0.1 * lr
    assert dec.opt.lr == pytest.approx(dec.lr_at(2999))


def test_decaying_lr_resets_and_follows_its_formula():
    dec = DecayingLR(Adam(lr=0.4), tau=100)
    assert dec.lr_at(0) == 0.4 and dec.lr_at(300) == pytest.approx(0.2)
    s = rosenbrock()
    a = descend(s, dec, s.start, 50).path
    assert np.array_equal(a, descend(s, dec, s.start, 50).path)   # reset() restores η₀
    with pytest.raises(ValueError):
        DecayingLR(Adam(lr=0.1), tau=0)


@pytest.mark.parametrize("lr", [0.2, 0.5])
def test_adam_bounces_on_rosenbrock_at_constant_eta_not_when_it_decays(lr):
    s = rosenbrock()
    m = np.array(s.minima[0])
    run = descend(s, Adam(lr=lr), s.start, 3000)
    d = np.linalg.norm(run.path[-1000:] - m, axis=1)
    assert 0.5 * lr < d.max() < 2 * lr and np.count_nonzero(np.diff(run.gap[-1000:]) > 0) >= 100
    dd = np.linalg.norm(descend(s, DecayingLR(Adam(lr=lr), tau=100), s.start, 3000).path[-1000:] - m,
                        axis=1)
    assert dd.max() < 0.01 * lr


def test_per_coordinate_scaling_fixes_axis_aligned_not_rotated_bowls():
    p0 = np.array([-2.0, 1.0])
    for make in (lambda: Adam(lr=0.1), lambda: RMSprop(lr=0.05)):
        round_path = descend(bowl(1), make(), p0, 300).path
        for k in (10, 1000):
            assert np.max(np.abs(descend(bowl(k), make(), p0, 300).path - round_path)) < 1e-4
    c = np.cos(np.pi / 4)
    q0 = np.array([[c, -c], [c, c]]) @ p0

    def steps(s, x0):
        d = np.linalg.norm(descend(s, Adam(lr=0.1), x0, 3000).path, axis=1)
        far = np.nonzero(d > 1e-3 * d[0])[0]
        return far[-1] + 1
    assert steps(bowl(1000), p0) == steps(bowl(10), p0)
    assert steps(bowl(1000, angle=np.pi / 4), q0) > 3 * steps(bowl(10, angle=np.pi / 4), q0)


def test_race_winners_per_surface():
    def key(run):
        return (run.converged_at if run.converged_at is not None else 10**9, max(run.gap[-1], 1e-12))
    win = {}
    for surface in SURFACES:
        runs = {n: remembered_run(surface, n, lr) for n, lr in tuned_lrs(surface).items()}
        win[surface] = min(runs, key=lambda n: key(runs[n]))
        if surface != "Rosenbrock":
            for n in ("momentum", "Adam"):       # β = 0.9: the √β rate floor
                assert runs[n].converged_at >= 200
    assert win["Rosenbrock"] == "momentum"
    assert win["bowl κ = 25, axis-aligned"] in ("AdaGrad", "RMSprop")
    assert win["bowl κ = 25, rotated 45°"] in ("SGD", "Nesterov")


def test_race_paths_are_told_apart():
    colours = [to_rgb(c) for _, c in RACERS.values()]
    assert len(set(colours)) == len(RACERS)
    assert len({(str(s), m) for s, m in LINES.values()}) == len(LINES)
    grey = to_rgb(CONTOUR_COLOUR)
    assert grey[0] == grey[1] == grey[2] and to_rgb(MINIMUM_COLOUR) not in colours
    for rgb in colours:                  # no racer is grey like the contours
        assert max(rgb) - min(rgb) > 0.3 or max(rgb) < 0.2
    w = optimizer_race()
    for name in RACERS:
        for line in (w.paths[name], w.curves[name]):
            assert line.get_linewidth() * w.fig.dpi / 72 >= 2.0 and line.get_marker() == LINES[name][1]
    assert all(len(w.paths[n].get_xdata()) > 1 for n in RACERS)   # every path drawn
    cs = w.contours
    assert all(to_rgb(c) == grey for c in np.atleast_2d(cs.get_edgecolor())[:, :3].tolist())


def test_race_every_surface_and_preset_is_clean():
    w = optimizer_race()
    for surface in SURFACES:
        w.surface_choice.value = surface
        w.apply("tuned for this surface")
        text = w.summary() + w.status.value
        assert "nan" not in text.lower() and " inf" not in text.lower()
        for name in RACERS:
            assert np.isfinite(w.runs[name].path).all()
        for end in ("min", "max"):
            for sl in w.sliders.values():
                sl.value = 10.0 ** getattr(sl, end)
            assert "nan" not in w.summary().lower()
    w.apply("escaping a saddle")
    assert w.surface_choice.value == "saddle" and saddle().start[1] == pytest.approx(1e-3)
