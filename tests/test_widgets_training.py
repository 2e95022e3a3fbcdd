"""The training widget of notebook 12, driven from Python: every slider at its extremes, every
preset and schedule, the previous run kept faded, with warnings as errors and no NaN in what
the learner reads."""
import math
import os
import warnings
from tests.strict import warnings_as_errors

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib.data import digits_split  # noqa: E402
from course_lib.widgets.training import (FADED, OPTIMIZERS, PRESETS, SCHEDULES,  # noqa: E402
                                         training_widget)


@pytest.fixture(scope="module")
def widget():
    with warnings.catch_warnings():
        warnings_as_errors()
        # a short run keeps the test quick; the settings under test are set explicitly
        return training_widget(digits_split("stratified"), epochs=2)


def _clean(w):
    for text in (w.summary(), w.accuracy.value, w.status.value):
        assert "nan" not in text.lower() and "inf " not in text.lower(), text
    assert w.history.diverged or len(w.cost_line.get_xdata()) == w.epochs.value
    # the schedule panel always shows the whole schedule of the run on screen
    assert len(w.lr_line.get_xdata()) == w.trained["epochs"]


def _set(w, control, value):
    with warnings.catch_warnings():
        warnings_as_errors()
        control.value = value
    _clean(w)


def test_default_run_learns(widget):
    _clean(widget)
    assert widget.history.val_accuracy[-1] > 0.9
    assert f"{100 * widget.history.val_accuracy[-1]:.2f} %" in widget.accuracy.value


@pytest.mark.parametrize("which", ["min", "max"])
def test_learning_rate_extremes(widget, which):
    _set(widget, widget.epochs, 2)
    _set(widget, widget.lr, getattr(widget.lr, which))
    if widget.history.diverged:   # says so, in the text and on the figure
        assert f"diverged at epoch {widget.history.diverged_at}" in widget.accuracy.value
        assert widget.banner.get_text().startswith("diverged at epoch")
    else:
        assert "validation accuracy" in widget.accuracy.value and widget.banner.get_text() == ""
    if which == "min":
        assert not widget.history.diverged
    _set(widget, widget.lr, 0.1)


@pytest.mark.parametrize("which", ["min", "max"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_momentum_extremes_for_every_optimizer(widget, optimizer, which):
    _set(widget, widget.epochs, 1)
    _set(widget, widget.optimizer, optimizer)
    _set(widget, widget.lr, 0.01)
    _set(widget, widget.momentum, getattr(widget.momentum, which))
    assert widget.momentum.disabled == (optimizer in ("RMSprop", "AdaGrad"))
    assert optimizer in widget.summary()


@pytest.mark.parametrize("batch_size", [16, 1500])
def test_batch_size_extremes(widget, batch_size):
    _set(widget, widget.optimizer, "SGD")
    _set(widget, widget.epochs, 1)
    _set(widget, widget.batch_size, batch_size)
    assert f"batch size {batch_size}" in widget.summary()


def test_epochs_extremes(widget):
    _set(widget, widget.batch_size, 1500)
    _set(widget, widget.epochs, widget.epochs.min)
    _set(widget, widget.epochs, widget.epochs.max)
    assert widget.history.epoch[-1] == widget.epochs.max


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset(widget, name):
    with warnings.catch_warnings():
        warnings_as_errors()
        widget.preset.value = name
    _clean(widget)
    s = PRESETS[name]
    assert (widget.lr.value, widget.batch_size.value, widget.epochs.value) == \
        pytest.approx((s["lr"], s["batch_size"], s["epochs"]))
    assert widget.schedule.value == s["schedule"]
    assert f"{s['schedule']} schedule" in widget.summary()
    if name == "learning rate too large":
        assert widget.history.diverged
    else:
        assert not widget.history.diverged
    widget.preset.value = "(custom)"


def test_same_settings_same_summary(widget):
    widget.preset.value = "course default"
    first = widget.summary()
    widget.lr.value = 0.02
    assert widget.summary() != first
    widget.lr.value = PRESETS["course default"]["lr"]
    assert widget.summary() == first


def test_a_long_run_shows_its_progress(monkeypatch):
    """Small batches and many epochs take seconds: the line above the figure says "training" at
    once, and the curves so far are drawn, labelled "epoch k of N", long before the run ends;
    the end replaces them with the whole run. A run quicker than PROGRESS_FIRST draws once."""
    import course_lib.widgets.training as training

    with warnings.catch_warnings():
        warnings_as_errors()
        w = training_widget(digits_split("stratified"))
    frames, texts = [], []
    monkeypatch.setattr(w, "redraw", lambda: frames.append(
        (len(w.cost_line.get_xdata()), w.accuracy.value, w.status.value)))
    w.accuracy.observe(lambda change: texts.append(change["new"]), "value")

    monkeypatch.setattr(training, "PROGRESS_FIRST", 10.0)  # (a slow machine: still quick)
    w.lr.value = 0.05                                  # the defaults but one: a quick run
    assert len(frames) == 1 and frames[0][0] == w.epochs.value
    assert texts[0] == "<i>training (5 epochs) …</i>"
    assert "validation accuracy" in texts[-1]

    frames.clear(), texts.clear()
    monkeypatch.setattr(training, "PROGRESS_FIRST", 0.0)   # any run: progress after epoch 1
    monkeypatch.setattr(training, "PROGRESS_EVERY", 0.0)
    w.apply({**training.WIDGET_DEFAULTS, "batch_size": 16, "epochs": 3})
    assert [f[0] for f in frames] == [1, 2, 3]
    assert [f[1] for f in frames[:2]] == [f"<i>training: epoch {k} of 3 …</i>" for k in (1, 2)]
    assert all(f"batch size 16, 3 epochs, linear schedule: training: epoch {k} of 3"
               in frames[k - 1][2] for k in (1, 2))
    assert "after 3 epochs" in frames[2][1] and " of 3 …" not in frames[2][2]
    w.close()


def expected_fractions(schedule, E):
    """η/η₀ in epochs 1..E: what train's lr_schedule does (training.epoch_schedule)."""
    t = np.arange(E) / E
    return {"linear": 1 - t, "cosine": 0.5 * (1 + np.cos(math.pi * t)),
            "constant": np.ones(E)}[schedule]


@pytest.mark.parametrize("schedule", SCHEDULES)
def test_the_schedule_menu_trains_with_that_schedule_and_draws_it(widget, schedule):
    _set(widget, widget.optimizer, "SGD")
    _set(widget, widget.lr, 0.1)
    _set(widget, widget.epochs, 4)
    _set(widget, widget.schedule, schedule)
    x, fraction = widget.lr_line.get_data()
    assert list(x) == [1, 2, 3, 4]
    np.testing.assert_allclose(fraction, expected_fractions(schedule, 4), rtol=1e-12, atol=1e-15)
    # what is drawn is what train used, epoch by epoch
    np.testing.assert_allclose(np.asarray(fraction) * widget.lr.value, widget.history.lr,
                               rtol=1e-12)
    assert f"4 epochs, {schedule} schedule" in widget.summary()
    assert f"{schedule} schedule" in widget.status.value


def curves(w, lines):
    return [np.array(line.get_xydata(), dtype=float) for line in lines]


def test_the_previous_run_stays_on_the_figure_faded():
    with warnings.catch_warnings():
        warnings_as_errors()
        w = training_widget(epochs=3)      # notebook 12's split: 1200 training images
    assert w.split.X_train.shape[1] == 1200 and w.split.X_val.shape[1] == 297
    now = [w.cost_line, w.train_line, w.val_line, w.lr_line]
    legend = [t.get_text() for legend in w.fig.legends for t in legend.get_texts()]
    assert "previous run" in legend
    # the first run has no previous run
    assert not any(line.get_visible() for line in w.previous_lines())
    first = curves(w, now)

    w.schedule.value = "constant"
    second = curves(w, now)
    assert all(line.get_visible() for line in w.previous_lines())
    for line, current, old in zip(w.previous_lines(), now, first):
        np.testing.assert_array_equal(line.get_xydata(), old)     # the run before, as drawn
        assert line.get_color() == current.get_color() and line.get_alpha() == FADED
        assert line.get_gid() == "previous run"
        assert line.get_linewidth() >= 2 and current.get_alpha() in (None, 1)
    assert not np.array_equal(second[3], first[3])                # linear → constant

    w.lr.value = 0.05                                             # one more: it moves on
    for line, old in zip(w.previous_lines(), second):
        np.testing.assert_array_equal(line.get_xydata(), old)
    w.close()


def test_a_run_stopped_by_newer_settings_does_not_become_the_previous_run(monkeypatch):
    with warnings.catch_warnings():
        warnings_as_errors()
        w = training_widget(digits_split("stratified"), epochs=2)
    shown = curves(w, [w.cost_line, w.train_line, w.val_line, w.lr_line])
    # this change's run is overtaken by newer settings at once: it stops and draws nothing
    monkeypatch.setattr(w, "superseded", lambda: True)
    w.lr.value = 0.05
    monkeypatch.undo()
    assert all(np.array_equal(a, b) for a, b in
               zip(curves(w, [w.cost_line, w.train_line, w.val_line, w.lr_line]), shown))
    w.epochs.value = 3                                           # a run that finishes
    for line, old in zip(w.previous_lines(), shown):             # the previous run: the one shown
        np.testing.assert_array_equal(line.get_xydata(), old)
    assert "learning rate 0.05" in w.summary() and "3 epochs" in w.summary()
    w.close()
