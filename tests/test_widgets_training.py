"""The training widget of notebook 12, driven from Python: every slider at its extremes, every
preset, with warnings as errors and no NaN in what the learner reads."""
import os
import warnings
from tests.strict import warnings_as_errors

os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402

from course_lib.data import digits_split  # noqa: E402
from course_lib.widgets.training import OPTIMIZERS, PRESETS, training_widget  # noqa: E402


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
    assert all(f"batch size 16, 3 epochs: training: epoch {k} of 3" in frames[k - 1][2]
               for k in (1, 2))
    assert "after 3 epochs" in frames[2][1] and " of 3 …" not in frames[2][2]
    w.close()
