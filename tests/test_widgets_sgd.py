"""The SGD widget of notebook 04 driven directly: every control at its extremes, every schedule and
every preset, with warnings as errors and no NaN on screen; each preset's description checked
against the values it sets and, over ten seeds, against the behaviour it produces; the runs are
course_lib's own (run_sgd), and the figure is updated in place, never re-created."""
import itertools
import os
import re

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib.optimizers import SGD  # noqa: E402
from course_lib.stochastic import digits_model, run_sgd, schedule  # noqa: E402
from course_lib.widgets import sgd_explorer  # noqa: E402
from course_lib.widgets.sgd import (BATCH_SIZES, PRESETS, SCHEDULES, STEPS,  # noqa: E402
                                    rms_distance, sgd_run)

pytestmark = pytest.mark.usefixtures("strict_warnings")

SEEDS = range(10)     # every seed the widget's slider offers


def assert_clean(*texts):
    for text in texts:
        assert not re.search(r"\bnan\b|\binf\b", text.lower()), text


def screen_texts(w):
    return [w.summary(), w.status.value,
            *[t.get_text() for ax in w.fig.axes for t in (ax.title, *ax.texts)]]


def artists_of(w):
    return [id(a) for ax in w.fig.axes for a in ax.lines]


def assert_finite_on_screen(w):
    for line in (w.path, w.end, w.cost, w.rate):
        xy = line.get_xydata()
        assert xy.size and np.all(np.isfinite(xy)), line.get_label()


@pytest.fixture(scope="module")
def w_star():
    return digits_model().minimum()


def test_every_control_at_its_extremes_and_every_schedule():
    w = sgd_explorer()
    fig, artists = w.fig, artists_of(w)
    draw = w.redraw
    w.redraw = lambda: None          # the figure is drawn once per corner below, not per change
    corners = itertools.product((w.lr.min, w.lr.max), (w.momentum.min, w.momentum.max),
                                (BATCH_SIZES[0], BATCH_SIZES[-1]), SCHEDULES)
    for e, beta, B, label in corners:
        with w.hold():
            w.lr.value, w.momentum.value = 10.0 ** e, beta
            w.batch.value, w.schedule.value = B, label
        assert_clean(*screen_texts(w))
        assert_finite_on_screen(w)
    w.redraw = draw
    for v in (w.seed.min, w.seed.max):
        w.seed.value = v
        assert_clean(*screen_texts(w))
        assert_finite_on_screen(w)
    assert w.fig is fig and artists_of(w) == artists


def test_the_widget_draws_course_libs_own_run():
    w = sgd_explorer(lr=1.0, momentum=0.5, B=16, schedule="1/t: η₀ / (1 + t/20)", seed=3)
    want = run_sgd(digits_model(), SGD(lr=1.0, momentum=0.5), STEPS, B=16, seed=3,
                   schedule=schedule("inverse_time", 1.0, tau=20.0))
    assert np.array_equal(w.run.path, want.path)
    assert np.array_equal(w.path.get_xydata(), want.path)
    assert np.array_equal(w.rate.get_ydata(), want.lrs / 1.0)
    assert f"{STEPS / 23:.3g} epochs" in w.status.value          # ⌈357/16⌉ = 23 steps an epoch


def test_every_preset_sets_its_values_and_runs_cleanly():
    w = sgd_explorer()
    for name, p in PRESETS.items():
        w.apply(name)
        assert_clean(*screen_texts(w))
        assert_finite_on_screen(w)
        assert (w.lr.value, w.momentum.value, w.batch.value, w.schedule.value, w.seed.value) == (
            p["lr"], p["momentum"], p["B"], p["schedule"], p["seed"])
        assert w.run.path.shape == (STEPS + 1, 2) and w.run.diverged_at is None


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_description_names_the_values_it_sets(name):
    p, says = PRESETS[name], PRESETS[name]["says"]
    for eta in re.findall(r"η₀? = ([\d.]+)", says):
        assert float(eta) == pytest.approx(p["lr"], rel=0.01), (eta, p["lr"])
    for B in re.findall(r"B = (?:m = )?(\d+)", says):
        assert int(B) == p["B"]
    if "the same η" in says:      # the same η as the preset before it
        names = list(PRESETS)
        before = PRESETS[names[names.index(name) - 1]]
        assert p["lr"] == before["lr"]
    if "cosine" in says:
        assert SCHEDULES[p["schedule"]][0] == "cosine"
    elif "constant" in says:
        assert p["schedule"] == "constant"


def runs_of(name, **override):
    p = dict(PRESETS[name], **override)
    return [sgd_run(p["lr"], p["momentum"], p["B"], p["schedule"], seed) for seed in SEEDS]


def test_preset_full_batch_is_smooth_and_converges():
    for run in runs_of("full batch"):
        assert np.all(np.diff(run.costs) <= 1e-15)       # C falls at every step (to round-off)
        assert run.gap[-1] < 1e-10


def test_preset_batch_of_one_stalls_above_1e_2():
    # "its median stays above 1e-2" over the last 50 steps, on every seed
    for run in runs_of("batch of 1"):
        assert np.median(run.gap[-50:]) > 1e-2


def test_preset_lr_too_large_has_a_wide_ball(w_star):
    for run in runs_of("η too large: noisy"):
        assert rms_distance(run, w_star) > 1.0


def test_preset_a_schedule_fixes_it(w_star):
    noisy, fixed = runs_of("η too large: noisy"), runs_of("a schedule fixes it")
    for a, b in zip(noisy, fixed):
        assert np.linalg.norm(b.path[-1] - w_star) < 0.3
        assert rms_distance(b, w_star) * 4 <= rms_distance(a, w_star)
    assert PRESETS["a schedule fixes it"]["lr"] == PRESETS["η too large: noisy"]["lr"]
    assert PRESETS["a schedule fixes it"]["B"] == PRESETS["η too large: noisy"]["B"]


def test_the_noise_ball_of_the_widget_grows_with_the_learning_rate(w_star):
    # at constant η and B = 8, the median (over the seeds) RMS distance over the last 50 steps
    radii = []
    for e in (-0.5, 0.0, 0.5, 1.0):
        runs = [sgd_run(10.0 ** e, 0.0, 8, "constant", s) for s in SEEDS]
        radii.append(np.median([rms_distance(r, w_star) for r in runs]))
    assert all(b > 1.3 * a for a, b in zip(radii, radii[1:])), radii


def test_round_off_is_printed_as_a_bound():
    w = sgd_explorer()
    w.apply("full batch")
    assert "C − C* < 1e-12" in w.summary() and "< 1e-06" in w.summary()
    assert "(full batch)" in w.status.value


def test_cosine_schedule_ends_at_the_runs_last_step():
    # T follows the run's length: a longer run does not hit η = 0 at step 200
    run = sgd_run(1.0, 0.0, 8, "cosine down to 0 at step 200", 0, steps=300)
    assert len(run.lrs) == 300 and run.lrs[-1] > 0 and run.lrs[199] > run.lrs[-1]
