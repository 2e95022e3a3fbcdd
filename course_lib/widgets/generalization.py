"""Widget of notebook 13: a network that overfits, and what weight decay λ, the learning rate η
and the momentum β do to the gap between its training and validation curves.

The setup is notebook 13's "overfitting, provoked": a wide network (64-128-10, ReLU, no
BatchNorm) trained on only 100 images (`per_class_subset`: 10 of each digit, from the training
part of `digits_split("stratified", n_val=297, n_test=300, seed=0)`), full batch, for EPOCHS
epochs, with SGD(η, momentum=β, weight_decay=λ) and a constant learning rate. It is validated
on the split's 297 validation images. Every change of a control retrains from scratch (seed 0:
the same settings always give the same curves) and moves the lines; the run before stays on
the figure, faded, to compare with.
"""
import html

import ipywidgets as W
import matplotlib.ticker
import numpy as np
from matplotlib.lines import Line2D

from ..data import digits_split
from ..network import MLP
from ..optimizers import SGD
from ..training import train
from ._base import (Blitter, FigureWidget, check_arguments, control_row, course_style, new_figure,
                    preset_buttons, slider_layout)

SIZES = [64, 128, 10]
"""The network: 64 inputs, 128 ReLU units, 10 softmax outputs (9610 numbers for 100 images)."""
PER_CLASS = 10
"""Training images per digit: 100 in all."""
EPOCHS = 60
"""Full-batch epochs (one step each) of every run."""
EVAL_EVERY = 2
"""Epochs between measurements (train's eval_every): measuring both sets costs twice a step."""
DEFAULTS = {"weight_decay": 0.0, "lr": 0.5, "momentum": 0.9}
DECAYS = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
"""The positions of the weight-decay slider: 0, then a log scale from 1e-4 to 1e-1."""

# Okabe–Ito colours (colour-blind safe)
BLUE, ORANGE, GREY = "#0072B2", "#E69F00", "0.45"
FADED = 0.3

PRESETS = {
    "no decay: overfits": dict(
        DEFAULTS,
        says="λ = 0: 100 % training accuracy by epoch 20, while validation accuracy stalls below "
             "92 % and the validation cost ends at least 1.2× its lowest value: the network "
             "grows ever surer of the 100 images it has memorised"),
    "λ = 1e-2": dict(
        DEFAULTS, weight_decay=1e-2,
        says="λ = 1e-2: still 100 % training accuracy, but ‖W‖ ends about a third of its size "
             "without decay, and the validation cost ends lower"),
    "too much decay: underfits": dict(
        DEFAULTS, weight_decay=1e-1,
        says="λ = 0.1: the pull towards 0 wins: training accuracy ends below 95 % and the "
             "training cost above 1; the network underfits"),
}


def per_class_subset(X, y, per_class):
    """(X[:, idx], y[idx]): the first `per_class` columns of each class 0..9, in class order.
    X: (n⁰, m), y: labels (m,). The split's training part is in random order, so these are a
    random sample with every digit equally often."""
    idx = np.concatenate([np.flatnonzero(y == c)[:per_class] for c in range(10)])
    return X[:, idx], y[idx]


def weight_norm(net):
    """‖W‖: the Euclidean norm of all the weight matrices W¹..Wᴸ together (biases excluded)."""
    return float(np.sqrt(sum(np.sum(net.params[f"W{l}"] ** 2) for l in range(1, net.L + 1))))


def overfit_run(split, seed=0, weight_decay=0.0, lr=DEFAULTS["lr"],
                momentum=DEFAULTS["momentum"], epochs=EPOCHS, per_class=PER_CLASS,
                eval_every=EVAL_EVERY, early_stopping=None):
    """(net, history): notebook 13's overfitting setup trained from scratch. The network is
    MLP(SIZES, ReLU, seed=seed), trained full batch on per_class_subset(split's training part)
    with SGD(lr, momentum, weight_decay), a constant learning rate, and validated on the
    split's validation part. The history records every `eval_every`-th epoch."""
    X, y = per_class_subset(split.X_train, split.y_train, per_class)
    net = MLP(SIZES, activation="relu", seed=seed)
    opt = SGD(lr, momentum=momentum, weight_decay=weight_decay)
    h = train(net, opt, X, y, split.X_val, split.y_val, epochs=epochs, batch_size=X.shape[1],
              seed=seed, progress=False, lr_schedule="constant", eval_every=eval_every,
              early_stopping=early_stopping)
    return net, h


def _decay_text(lam):
    return "0" if lam == 0 else f"{lam:.0e}".replace("e-0", "e-")


class GeneralizationExplorer(FigureWidget):
    """Sliders for the weight decay λ, the learning rate η and the momentum β; the training and
    validation accuracy (left) and cost (right) per epoch of the overfitting setup; the
    previous run, faded; the best validation epoch, dotted. A retrain takes about 30-60 ms; it
    runs outside the matplotlib lock (only drawing takes it), and a run overtaken by newer
    settings is dropped (it never becomes the previous run)."""

    draws = False      # the retrain runs outside the matplotlib lock; only drawing takes it

    def __init__(self, weight_decay=DEFAULTS["weight_decay"], lr=DEFAULTS["lr"],
                 momentum=DEFAULTS["momentum"], split=None, seed=0):
        if weight_decay not in DECAYS:
            raise ValueError(f"Invalid weight_decay: {weight_decay!r}; expected one of the "
                             f"slider's positions {list(DECAYS)}")
        self.split = split if split is not None else digits_split(
            "stratified", n_val=297, n_test=300, seed=0)
        self.seed = seed
        self.decay = W.SelectionSlider(options=[(_decay_text(v), v) for v in DECAYS],
                                       value=weight_decay, description="weight decay λ",
                                       continuous_update=False, **slider_layout(115))
        self.lr = W.FloatLogSlider(value=lr, base=10, min=-2, max=0.5, step=0.05,
                                   readout_format=".3g", description="learning rate η",
                                   continuous_update=False, **slider_layout(115))
        self.momentum = W.FloatSlider(value=momentum, min=0.0, max=0.95, step=0.01,
                                      readout_format=".2f", description="momentum β",
                                      continuous_update=False, **slider_layout(115))
        check_arguments(lr=(lr, self.lr), momentum=(momentum, self.momentum))
        for c, css in ((self.decay, "gen-decay"), (self.lr, "gen-lr"),
                       (self.momentum, "gen-momentum")):
            c.add_class(css)
        self.presets = PRESETS
        with course_style():
            fig = new_figure((6.2, 3.7))
            self.ax_acc, self.ax_cost = fig.subplots(1, 2)
            ax, axc = self.ax_acc, self.ax_cost
            # the run before: the same colours, faded, drawn under the new run
            self.prev_train, self.prev_val, self.prev_train_cost, self.prev_val_cost = (
                a.plot([], [], color=c, alpha=FADED, lw=2, zorder=1.5, gid="previous run")[0]
                for a, c in ((ax, BLUE), (ax, ORANGE), (axc, BLUE), (axc, ORANGE)))
            (self.train_line,) = ax.plot([], [], color=BLUE, lw=2, label="training (100 images)")
            (self.val_line,) = ax.plot([], [], color=ORANGE, lw=2, label="validation (297)")
            (self.train_cost,) = axc.plot([], [], color=BLUE, lw=2)
            (self.val_cost,) = axc.plot([], [], color=ORANGE, lw=2)
            self.best_acc = ax.axvline(np.nan, color=GREY, ls=":", lw=2, label="best epoch")
            self.best_cost = axc.axvline(np.nan, color=GREY, ls=":", lw=2)
            ax.set(xlim=(0, EPOCHS + 1), ylim=(50, 101), xlabel="epoch", ylabel="accuracy (%)",
                   title="accuracy")
            axc.set(xlim=(0, EPOCHS + 1), ylim=(1e-5, 10), yscale="log", xlabel="epoch",
                    ylabel="cost C (cross-entropy)", title="cost")
            axc.set_yticks([1e-4, 1e-2, 1])
            axc.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            for a in (ax, axc):
                a.set_xticks([0, 20, 40, 60])
                a.grid(alpha=0.3)
            faded = Line2D([], [], color="0.35", lw=2, alpha=FADED + 0.2, label="previous run")
            fig.legend(handles=[self.train_line, self.val_line, self.best_acc, faded],
                       loc="outside lower center", ncols=2)
            self.banner = axc.text(0.5, 0.5, "", transform=axc.transAxes, ha="center",
                                   va="center", fontsize=14, color="darkred")
        controls = [control_row(self.decay), control_row(self.lr), control_row(self.momentum),
                    preset_buttons(self.presets, self.apply, "gen-preset")]
        super().__init__(fig, controls)
        self.blitter = Blitter(fig, [self.prev_train, self.prev_val, self.prev_train_cost,
                                     self.prev_val_cost, self.train_line, self.val_line,
                                     self.train_cost, self.val_cost, self.best_acc,
                                     self.best_cost, self.banner])
        self.box.add_class("generalization-explorer")
        self.status.add_class("gen-status")
        if hasattr(self.view, "add_class"):
            self.view.add_class("gen-figure")
        self.history = self.trained = self.previous = None
        self.net = None
        for c in (self.decay, self.lr, self.momentum):
            self.watch(c)
        self.update()

    # -- controls ---------------------------------------------------------------------------
    def apply(self, name):
        """Set the controls to a named preset, then retrain once."""
        p = self.presets[name]
        with self.hold():
            self.decay.value = p["weight_decay"]
            self.lr.value = p["lr"]
            self.momentum.value = p["momentum"]

    def settings(self):
        """The controls' values: {weight_decay, lr, momentum}."""
        return {"weight_decay": float(self.decay.value), "lr": float(self.lr.value),
                "momentum": float(self.momentum.value)}

    def retrain(self, settings=None):
        """(net, history) of a run from scratch with `settings` (default: the controls')."""
        s = self.settings() if settings is None else settings
        return overfit_run(self.split, self.seed, **s)

    # -- drawing ----------------------------------------------------------------------------
    def redraw(self):
        self.blitter.redraw(super().redraw)

    def _update(self):
        settings = self.settings()
        net, h = self.retrain(settings)
        if self.superseded():          # newer settings wait: the loop trains again
            return
        with self.drawing():
            if self.history is not None:
                self.previous = (self.history, self.trained, self.summary_of(self.history,
                                                                             self.trained))
                for line, src in ((self.prev_train, self.train_line),
                                  (self.prev_val, self.val_line),
                                  (self.prev_train_cost, self.train_cost),
                                  (self.prev_val_cost, self.val_cost)):
                    line.set_data(*src.get_data())
            self.net, self.history, self.trained = net, h, settings
            e = np.asarray(h.epoch)
            self.train_line.set_data(e, 100 * np.asarray(h.train_accuracy))
            self.val_line.set_data(e, 100 * np.asarray(h.val_accuracy))
            # the cost of an epoch (training mode, during it) and the validation cost after it;
            # floored at the axis' bottom so that a cost of 1e-7 is drawn at the edge
            self.train_cost.set_data(e, np.maximum(h.cost, 1e-5))
            self.val_cost.set_data(e, np.maximum(h.val_cost, 1e-5))
            best = h.best_epoch if h.best_epoch is not None else np.nan
            for line in (self.best_acc, self.best_cost):
                line.set_xdata([best, best])
            self.banner.set_text(f"diverged at\nepoch {h.diverged_at}" if h.diverged else "")
            self.status.value = self.status_html()
            self.redraw()

    # -- text -------------------------------------------------------------------------------
    @staticmethod
    def settings_text(s):
        return (f"λ = {_decay_text(s['weight_decay'])}, η = {s['lr']:.3g}, "
                f"β = {s['momentum']:.2f}")

    def outcome(self, h=None, net=None):
        """The run in words: final training and validation accuracy, their gap, the best
        validation epoch, ‖W‖ (one decimal each: the digits every machine reproduces)."""
        h = self.history if h is None else h
        net = self.net if net is None else net
        if h.diverged:
            return f"diverged at epoch {h.diverged_at}: no accuracy to report"
        tr, va = 100 * h.train_accuracy[-1], 100 * h.val_accuracy[-1]
        best, best_acc, _ = h.best()
        return (f"after {h.epoch[-1]} epochs: training {tr:.1f} %, validation {va:.1f} %, "
                f"gap {tr - va:.1f} points; best validation {100 * best_acc:.1f} % at epoch "
                f"{best}; ‖W‖ = {weight_norm(net):.1f}")

    def summary_of(self, h, s):
        if h.diverged:
            return f"{self.settings_text(s)}: diverged at epoch {h.diverged_at}"
        return (f"{self.settings_text(s)}: validation {100 * h.val_accuracy[-1]:.1f} %, gap "
                f"{100 * (h.train_accuracy[-1] - h.val_accuracy[-1]):.1f} points")

    def status_html(self):
        text = (f"<b>{html.escape(self.settings_text(self.trained))}</b> → "
                f"<span class='gen-outcome'>{html.escape(self.outcome())}</span>")
        if self.previous is not None:
            text += f"<br><span style='opacity: 0.7'>faded, the previous run: " \
                    f"{html.escape(self.previous[2])}</span>"
        return text

    def summary(self):
        return (f"GeneralizationExplorer: {self.settings_text(self.trained)} → "
                f"{self.outcome()}")


def generalization_explorer(weight_decay=DEFAULTS["weight_decay"], lr=DEFAULTS["lr"],
                            momentum=DEFAULTS["momentum"]):
    """Notebook 13: the overfitting setup with sliders for weight decay λ, learning rate η and
    momentum β; training and validation curves, the run before faded."""
    return GeneralizationExplorer(weight_decay, lr, momentum)


__all__ = ["GeneralizationExplorer", "generalization_explorer", "overfit_run",
           "per_class_subset", "weight_norm", "PRESETS", "DEFAULTS", "DECAYS", "EPOCHS",
           "SIZES", "PER_CLASS"]
