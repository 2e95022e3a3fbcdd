"""Notebook 11: train the digits network with sliders, and watch the loss and accuracy curves.

Every control has continuous_update=False: releasing a slider retrains from scratch (same
seed, so the same settings always give the same curves) and the artists are updated in place.
"""
import html
import time

import ipywidgets as W
import numpy as np

from ..data import digits_split
from ..network import MLP
from ..optimizers import SGD, AdaGrad, Adam, RMSprop
from ..training import DEFAULTS, train
from ._base import FigureWidget, matplotlib_lock, new_figure

OPTIMIZERS = ("SGD", "Adam", "RMSprop", "AdaGrad")
BATCH_SIZES = (16, 32, 64, 128, 256, 1500)

# The widget's starting point: the course's network and optimizer with 5 epochs of batches of
# 128 (twice the course's batch, so twice its learning rate): a retrain is then quick enough
# for a slider to feel live (benchmarks/bench_time_to_accuracy.py measures it).
WIDGET_DEFAULTS = {"optimizer": "SGD", "lr": 2 * DEFAULTS["lr"], "momentum": DEFAULTS["momentum"],
                   "batch_size": 128, "epochs": 5}

PRESETS = {
    "course default": WIDGET_DEFAULTS,
    "learning rate too large": {**WIDGET_DEFAULTS, "lr": 50.0},
    "small steps, no momentum": {**WIDGET_DEFAULTS, "lr": 0.01, "momentum": 0.0},
    "momentum rescues small steps": {**WIDGET_DEFAULTS, "lr": 0.01, "momentum": 0.95},
    "Adam": {**WIDGET_DEFAULTS, "optimizer": "Adam", "lr": 0.003, "momentum": 0.9},
    "full batch": {**WIDGET_DEFAULTS, "batch_size": 1500, "epochs": 40},
}


def make_optimizer(name, lr, momentum):
    """An optimizer from the widget's controls. `momentum` is SGD's momentum μ and Adam's β₁;
    RMSprop and AdaGrad do not use it."""
    if name == "SGD":
        return SGD(lr, momentum=momentum)
    if name == "Adam":
        return Adam(lr, betas=(momentum, 0.999))
    if name == "RMSprop":
        return RMSprop(lr)
    return AdaGrad(lr)


class TrainingWidget(FigureWidget):
    """Sliders for the learning rate and momentum (plus optimizer, batch size, epochs, a
    preset); the cost and the train/validation accuracy per epoch; the final accuracy.

    A retrain takes up to seconds: it runs outside the matplotlib lock (only drawing takes it,
    so other widgets stay live), stops early when the controls change meanwhile, and the texts
    describe the run on screen (`trained`), not controls that moved since."""

    draws = False

    def __init__(self, split=None, seed=0, **settings):
        self.split = split if split is not None else digits_split("stratified")
        self.seed = seed
        s = {**WIDGET_DEFAULTS, **settings}
        common = dict(continuous_update=False, style={"description_width": "initial"})
        self.preset = W.Dropdown(options=["(custom)", *PRESETS], value="(custom)",
                                 description="preset", **{k: v for k, v in common.items()
                                                         if k != "continuous_update"})
        self.optimizer = W.Dropdown(options=OPTIMIZERS, value=s["optimizer"],
                                    description="optimizer")
        self.lr = W.FloatLogSlider(value=s["lr"], base=10, min=-3, max=2, step=0.05,
                                   description="learning rate η", readout_format=".3g", **common)
        self.momentum = W.FloatSlider(value=s["momentum"], min=0.0, max=0.99, step=0.01,
                                      description="momentum μ (Adam: β₁)", **common)
        self.batch_size = W.Dropdown(options=BATCH_SIZES, value=s["batch_size"],
                                     description="batch size")
        self.epochs = W.IntSlider(value=s["epochs"], min=1, max=60, description="epochs", **common)
        self.accuracy = W.HTML()
        for widget, name in ((self.preset, "preset"), (self.optimizer, "optimizer"),
                             (self.lr, "lr"), (self.momentum, "momentum"),
                             (self.batch_size, "batch-size"), (self.epochs, "epochs"),
                             (self.accuracy, "accuracy")):
            widget.add_class(f"training-{name}")

        fig = new_figure((10, 4.2))
        self.ax_cost, self.ax_acc = fig.subplots(1, 2)
        (self.cost_line,) = self.ax_cost.plot([], [], "o-", color="tab:red", ms=3,
                                              label="training cost")
        self.ax_cost.set(xlabel="epoch", ylabel="cost C (cross-entropy, mean over epoch)",
                         yscale="log", title="cost")
        (self.train_line,) = self.ax_acc.plot([], [], "o-", color="tab:blue", ms=3,
                                              label="training set")
        (self.val_line,) = self.ax_acc.plot([], [], "o-", color="tab:orange", ms=3,
                                            label="validation set")
        self.ax_acc.axhline(98, color="grey", ls=":", lw=1, label="98 %")
        self.ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", ylim=(50, 101), title="accuracy")
        self.ax_acc.legend(loc="lower right")
        self.banner = self.ax_cost.text(0.5, 0.5, "", transform=self.ax_cost.transAxes,
                                        ha="center", va="center", fontsize=14, color="darkred")
        fig.tight_layout()
        controls = [self.preset, W.HBox([self.optimizer, self.batch_size]),
                    W.HBox([self.lr, self.momentum]), self.epochs, self.accuracy]
        super().__init__(fig, controls)
        self.box.add_class("training-widget")
        self.status.add_class("training-status")
        self.view.add_class("training-figure")
        for c in (self.optimizer, self.lr, self.momentum, self.batch_size, self.epochs):
            self.watch(c)
        self.preset_menu(self.preset, lambda name: self.apply(PRESETS[name]))
        self.update()

    # -- controls ---------------------------------------------------------------------------
    def apply(self, settings):
        """Set several controls at once, then retrain once."""
        with self.hold():
            self.optimizer.value = settings["optimizer"]
            self.lr.value = settings["lr"]
            self.momentum.value = settings["momentum"]
            self.batch_size.value = settings["batch_size"]
            self.epochs.value = settings["epochs"]

    def settings(self):
        """The controls' values: {optimizer, lr, momentum, batch_size, epochs}."""
        return {"optimizer": self.optimizer.value, "lr": self.lr.value,
                "momentum": self.momentum.value, "batch_size": self.batch_size.value,
                "epochs": self.epochs.value}

    # -- training ---------------------------------------------------------------------------
    def network(self):
        """A fresh network with the course's architecture, seeded: same settings, same run."""
        return MLP(DEFAULTS["sizes"], activation=DEFAULTS["activation"],
                   batch_norm=DEFAULTS["batch_norm"], seed=self.seed)

    def retrain(self, settings=None):
        """Train from scratch with `settings` (default: the controls'); return the History.
        Stops early if the controls change meanwhile (the widget then trains again)."""
        s = self.settings() if settings is None else settings
        sp = self.split
        self.momentum.disabled = s["optimizer"] in ("RMSprop", "AdaGrad")
        opt = make_optimizer(s["optimizer"], s["lr"], s["momentum"])
        self._last_draw = time.perf_counter()
        return train(self.network(), opt, sp.X_train, sp.y_train, sp.X_val, sp.y_val,
                     epochs=s["epochs"], batch_size=s["batch_size"], seed=self.seed,
                     progress=False, callback=lambda h: self._on_epoch(h, s["epochs"]))

    def _on_epoch(self, history, epochs):
        if self.superseded():
            return True                                    # newer settings wait: stop here
        if time.perf_counter() - self._last_draw > 0.3:   # long runs: show progress live
            with self.drawing():
                self._set_curves(history, epochs)
                self.redraw()
            self._last_draw = time.perf_counter()
        return None

    def _set_curves(self, h, epochs):
        epochs_run = np.asarray(h.epoch)
        self.cost_line.set_data(epochs_run, h.cost)
        self.train_line.set_data(epochs_run, 100 * np.asarray(h.train_accuracy))
        self.val_line.set_data(epochs_run, 100 * np.asarray(h.val_accuracy))
        for ax in (self.ax_cost, self.ax_acc):
            ax.set_xlim(0.5, epochs + 0.5)
        if h.cost:
            lo, hi = min(h.cost), max(h.cost)
            self.ax_cost.set_ylim(lo / 1.5, hi * 1.5)
            worst = 100 * min(h.train_accuracy + h.val_accuracy)
            self.ax_acc.set_ylim(min(50.0, 10 * np.floor(worst / 10)), 101)

    def _update(self):
        settings = self.settings()
        h = self.retrain(settings)
        if self.superseded():       # the loop trains again with the newer settings
            return
        with self.drawing():
            self.history, self.trained = h, settings
            self._set_curves(h, settings["epochs"])
            self.banner.set_text(f"diverged at epoch {h.diverged_at}" if h.diverged else "")
            self.accuracy.value = f"<b>{html.escape(self.accuracy_text())}</b>"
            self.status.value = html.escape(self.summary())
            self.redraw()

    # -- text: the run on screen ------------------------------------------------------------
    def accuracy_text(self):
        h = self.history
        if h.diverged:
            return f"diverged at epoch {h.diverged_at}: no accuracy to report"
        return (f"validation accuracy {100 * h.val_accuracy[-1]:.2f} % "
                f"(training {100 * h.train_accuracy[-1]:.2f} %) after {h.epoch[-1]} epochs")

    def settings_text(self, settings=None):
        s = self.trained if settings is None else settings
        opt = s["optimizer"]
        mom = "" if opt in ("RMSprop", "AdaGrad") else \
            f", {'β₁' if opt == 'Adam' else 'momentum'} {s['momentum']:.2f}"
        return (f"{opt}, learning rate {s['lr']:.3g}{mom}, batch size "
                f"{s['batch_size']}, {s['epochs']} epochs")

    def summary(self):
        return f"{self.settings_text()}: {self.accuracy_text()}"


def training_widget(split=None, seed=0, **settings):
    """The training widget of notebook 11."""
    return TrainingWidget(split, seed, **settings)


class StaticFigure(FigureWidget):
    """A finished matplotlib figure shown like the widgets (PNG stored in the notebook) with a
    short deterministic text beside it, for the plots of notebooks 10 and 11."""

    def __init__(self, fig, text):
        self.text = text
        super().__init__(fig, [])
        self.status.value = html.escape(text)
        self.redraw()

    def summary(self):
        return self.text


def static_figure(fig, text):
    """Show `fig` (made with new_figure) with the one-line description `text`."""
    with matplotlib_lock():
        fig.tight_layout()
    return StaticFigure(fig, text)


__all__ = ["TrainingWidget", "training_widget", "make_optimizer", "static_figure", "new_figure",
           "PRESETS", "WIDGET_DEFAULTS"]
