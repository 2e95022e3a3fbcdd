"""Notebook 12: train the digits network with sliders, and watch the loss and accuracy curves.

Every control has continuous_update=False: releasing a slider retrains from scratch (same
seed, so the same settings always give the same curves) and the artists are updated in place.
The run before stays on the figure as a faded trace ("previous run"), and a small panel shows
the learning-rate schedule, η per epoch as a fraction of the slider's η₀.
"""
import html
import time

import ipywidgets as W
import matplotlib.ticker
from matplotlib.lines import Line2D
import numpy as np

from ..data import digits_split
from ..network import MLP
from ..optimizers import SGD, AdaGrad, Adam, RMSprop
from ..training import DEFAULTS, SCHEDULES, epoch_schedule, train
from ._base import (Blitter, FigureWidget, control_row, course_style, fix_layout,
                    matplotlib_lock, new_figure, readable, slider_layout)

OPTIMIZERS = ("SGD", "Adam", "RMSprop", "AdaGrad")
BATCH_SIZES = (16, 32, 64, 128, 256, 1500)

# The widget's starting point: the course's network and optimizer with 5 epochs of batches of
# 128 (twice the course's batch, so twice its learning rate): a retrain is then quick enough
# for a slider to feel live (benchmarks/bench_time_to_accuracy.py measures it).
WIDGET_DEFAULTS = {"optimizer": "SGD", "lr": 2 * DEFAULTS["lr"], "momentum": DEFAULTS["momentum"],
                   "batch_size": 128, "epochs": 5, "schedule": DEFAULTS["lr_schedule"]}

PRESETS = {
    "course default": WIDGET_DEFAULTS,
    "learning rate too large": {**WIDGET_DEFAULTS, "lr": 50.0},
    "small steps, no momentum": {**WIDGET_DEFAULTS, "lr": 0.01, "momentum": 0.0},
    "momentum rescues small steps": {**WIDGET_DEFAULTS, "lr": 0.01, "momentum": 0.95},
    "Adam": {**WIDGET_DEFAULTS, "optimizer": "Adam", "lr": 0.003, "momentum": 0.9},
    "constant learning rate": {**WIDGET_DEFAULTS, "schedule": "constant"},
    "full batch": {**WIDGET_DEFAULTS, "batch_size": 1500, "epochs": 40},
}

# Okabe & Ito's colour-blind-safe palette; the previous run is drawn in the same colours, faded
COLOURS = {"cost": "#D55E00", "train": "#0072B2", "val": "#E69F00", "lr": "#009E73"}
FADED = 0.3
"""alpha of the previous run's curves"""


def make_optimizer(name, lr, momentum):
    """An optimizer from the widget's controls. `momentum` is SGD's momentum β and Adam's β₁;
    RMSprop and AdaGrad do not use it."""
    if name == "SGD":
        return SGD(lr, momentum=momentum)
    if name == "Adam":
        return Adam(lr, betas=(momentum, 0.999))
    if name == "RMSprop":
        return RMSprop(lr)
    return AdaGrad(lr)


# A run that has taken PROGRESS_FIRST seconds and has at least as long still to go draws its
# curves so far, then every PROGRESS_EVERY seconds (a draw costs 5–40 ms: more often would slow
# the run down).
PROGRESS_FIRST = 0.03
PROGRESS_EVERY = 0.3


class TrainingWidget(FigureWidget):
    """Sliders for the learning rate η and momentum β (plus optimizer, batch size B, epochs, the
    learning-rate schedule and a preset); the cost and the train/validation accuracy per epoch,
    the schedule η/η₀ per epoch, and the final accuracy. The previous run stays on the figure,
    faded, to compare with ("previous run" in the legend).

    A retrain takes from about 30 ms (the defaults) to seconds (small batches, many epochs): it
    runs outside the matplotlib lock (only drawing takes it, so other widgets stay live), stops
    early when the controls change meanwhile, and shows its progress: the line above the
    figure says "training …" at once, and a run with PROGRESS_FIRST seconds behind it and more
    to go draws its curves so far (then every PROGRESS_EVERY seconds), labelled "epoch k of
    N". The texts describe the run on screen (`trained`), not controls that moved since; the
    axes' limits are the run on screen's (the faded previous run may reach beyond them). A run
    stopped early by newer settings never becomes the previous run: only finished runs do.

    The split defaults to the stratified three-way one of notebook 12 (1200 training, 297
    validation images); the widget never looks at its test set."""

    draws = False

    def __init__(self, split=None, seed=0, **settings):
        self.split = split if split is not None else \
            digits_split("stratified", n_val=297, n_test=300, seed=0)
        self.seed = seed
        s = {**WIDGET_DEFAULTS, **settings}
        def menu(width, description_width):
            return dict(style={"description_width": f"{description_width}px"},
                        layout=W.Layout(width="auto", flex=f"0 1 {width}px"))

        self.preset = W.Dropdown(options=["(custom)", *PRESETS], value="(custom)",
                                 description="preset", **menu(330, 50))
        self.optimizer = W.Dropdown(options=OPTIMIZERS, value=s["optimizer"],
                                    description="optimizer", **menu(200, 70))
        self.lr = W.FloatLogSlider(value=s["lr"], base=10, min=-3, max=2, step=0.05,
                                   description="learning rate η", readout_format=".3g",
                                   continuous_update=False, **slider_layout(105))
        self.momentum = W.FloatSlider(value=s["momentum"], min=0.0, max=0.99, step=0.01,
                                      description="momentum β (Adam: β₁)",
                                      continuous_update=False, **slider_layout(170))
        # batch size, schedule and epochs share a row: 150 + 160 + 301 px (and margins) fit
        # the 639 px of the narrowest screen (1024×768 at 125 %), where the controls go below
        # the figure and the widget may be 576 px tall
        self.batch_size = W.Dropdown(options=BATCH_SIZES, value=s["batch_size"],
                                     description="batch size B", **menu(150, 85))
        self.schedule = W.Dropdown(options=SCHEDULES, value=s["schedule"],
                                   description="schedule", **menu(160, 65))
        self.epochs = W.IntSlider(value=s["epochs"], min=1, max=60, description="epochs",
                                  continuous_update=False, **slider_layout(55, track=150))
        self.accuracy = W.HTML()
        for widget, name in ((self.preset, "preset"), (self.optimizer, "optimizer"),
                             (self.lr, "lr"), (self.momentum, "momentum"),
                             (self.batch_size, "batch-size"), (self.schedule, "schedule"),
                             (self.epochs, "epochs"), (self.accuracy, "accuracy")):
            widget.add_class(f"training-{name}")

        with course_style():
            fig = new_figure((6.2, 3.5))
            grid = fig.add_gridspec(1, 3, width_ratios=[1, 1, 0.62])
            self.ax_cost, self.ax_acc, self.ax_lr = (fig.add_subplot(grid[0, i]) for i in range(3))

            def curve(ax, colour, label, ms=3):
                (now,) = ax.plot([], [], "o-", color=colour, ms=ms, lw=2, label=label)
                (before,) = ax.plot([], [], "-", color=colour, lw=2, alpha=FADED,
                                    label=f"{label}, previous run", zorder=1.5)
                before.set_gid("previous run")
                return now, before

            self.cost_line, self.prev_cost_line = curve(self.ax_cost, COLOURS["cost"],
                                                        "training cost")
            self.ax_cost.set(xlabel="epoch", ylabel="cross-entropy C (epoch mean)", yscale="log",
                             ylim=(1e-3, 10), title="cost")
            # powers of ten only: the labels keep the width the layout was made for
            self.ax_cost.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            self.train_line, self.prev_train_line = curve(self.ax_acc, COLOURS["train"],
                                                          "training set")
            self.val_line, self.prev_val_line = curve(self.ax_acc, COLOURS["val"],
                                                      "validation set")
            self.ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", ylim=(50, 101),
                            title="accuracy")
            self.lr_line, self.prev_lr_line = curve(self.ax_lr, COLOURS["lr"], "η / η₀", ms=2)
            self.ax_lr.set(xlabel="epoch", ylabel="η / η₀", ylim=(0, 1.08), yticks=[0, 0.5, 1],
                           title="schedule")
            for ax in (self.ax_cost, self.ax_acc, self.ax_lr):
                ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(
                    nbins=3 if ax is self.ax_lr else 5, integer=True))
            faded = Line2D([], [], color="0.35", lw=2, alpha=FADED + 0.2, label="previous run")
            fig.legend(handles=[self.train_line, self.val_line, faded],
                       loc="outside lower center", ncols=3)
            self.banner = self.ax_cost.text(0.5, 0.5, "", transform=self.ax_cost.transAxes,
                                            ha="center", va="center", fontsize=14,
                                            color="darkred", wrap=True)
        controls = [control_row(self.preset, self.optimizer),
                    control_row(self.batch_size, self.schedule, self.epochs),
                    control_row(self.lr), control_row(self.momentum), self.accuracy]
        super().__init__(fig, controls)
        self.previous = None        # (History, settings) of the finished run before this one
        self.history, self.trained = None, None
        # a new run redraws only its curves and the banner (a full draw of the axes, their
        # ticks and texts costs as much as the default run itself); the axes' limits are
        # rounded (`limits`) so that they, and the background, seldom change
        self.blitter = Blitter(fig, [*self.previous_lines(), self.cost_line, self.train_line,
                                     self.val_line, self.lr_line, self.banner])
        self.box.add_class("training-widget")
        self.status.add_class("training-status")
        self.view.add_class("training-figure")
        for c in (self.optimizer, self.lr, self.momentum, self.batch_size, self.schedule,
                  self.epochs):
            self.watch(c)
        self.preset_menu(self.preset, lambda name: self.apply(PRESETS[name]))
        self.update()

    def previous_lines(self):
        """The faded curves of the previous run: cost, training, validation accuracy, η/η₀."""
        return [self.prev_cost_line, self.prev_train_line, self.prev_val_line, self.prev_lr_line]

    # -- controls ---------------------------------------------------------------------------
    def apply(self, settings):
        """Set several controls at once, then retrain once."""
        with self.hold():
            self.optimizer.value = settings["optimizer"]
            self.lr.value = settings["lr"]
            self.momentum.value = settings["momentum"]
            self.batch_size.value = settings["batch_size"]
            self.epochs.value = settings["epochs"]
            self.schedule.value = settings.get("schedule", WIDGET_DEFAULTS["schedule"])

    def settings(self):
        """The controls' values: {optimizer, lr, momentum, batch_size, epochs, schedule}."""
        return {"optimizer": self.optimizer.value, "lr": self.lr.value,
                "momentum": self.momentum.value, "batch_size": self.batch_size.value,
                "epochs": self.epochs.value, "schedule": self.schedule.value}

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
        self.accuracy.value = f"<i>{html.escape(self.progress_text(s, 0))}</i>"
        self._run_began = self._last_draw = time.perf_counter()
        self._wait = PROGRESS_FIRST
        return train(self.network(), opt, sp.X_train, sp.y_train, sp.X_val, sp.y_val,
                     epochs=s["epochs"], batch_size=s["batch_size"], seed=self.seed,
                     progress=False, lr_schedule=s.get("schedule", WIDGET_DEFAULTS["schedule"]),
                     callback=lambda h: self._on_epoch(h, s))

    @staticmethod
    def schedule_fractions(settings):
        """(epochs 1..E, η/η₀ of each): the schedule `train` follows (epoch_schedule)."""
        E, lr = settings["epochs"], settings["lr"]
        sched = epoch_schedule(settings.get("schedule", WIDGET_DEFAULTS["schedule"]), lr, E)
        e = np.arange(1, E + 1)
        return e, np.array([sched(k - 1) for k in e]) / lr

    def _on_epoch(self, history, settings):
        if self.superseded():
            return True                                    # newer settings wait: stop here
        done, epochs = (history.epoch[-1] if history.epoch else 0), settings["epochs"]
        now = time.perf_counter()
        if done == 0 or done >= epochs or history.diverged:
            return None
        to_go = (now - self._run_began) / done * (epochs - done)
        if now - self._last_draw > self._wait and to_go > PROGRESS_FIRST:
            with self.drawing():                           # a long run: its curves so far
                self._set_curves(history, settings)
                self.banner.set_text("")
                text = self.progress_text(settings, done)
                self.accuracy.value = f"<i>{html.escape(text)}</i>"
                self.status.value = html.escape(f"{self.settings_text(settings)}: {text}")
                self.redraw()
            self._last_draw, self._wait = time.perf_counter(), PROGRESS_EVERY
        return None

    @staticmethod
    def progress_text(settings, done):
        """What the line above the figure says while a run is under way."""
        if done == 0:
            return f"training ({settings['epochs']} epochs) …"
        return f"training: epoch {done} of {settings['epochs']} …"

    @staticmethod
    def limits(h, epochs):
        """(x limits, cost limits, accuracy limits) for a run's curves: every epoch; the costs
        within whole decades; the accuracies from 50 % (or lower, by tens) to 101 %."""
        x = (0.5, epochs + 0.5)
        if not h.cost:
            return x, None, None
        lo, hi = np.log10(min(h.cost)), np.log10(max(h.cost))
        cost = (10.0 ** np.floor(lo - 0.1), 10.0 ** np.ceil(hi + 0.1))
        worst = 100 * min(h.train_accuracy + h.val_accuracy)
        return x, cost, (min(50.0, 10 * np.floor(worst / 10)), 101.0)

    def _curves(self, lines, h, settings):
        cost, train_acc, val_acc, lr = lines
        epochs_run = np.asarray(h.epoch)
        cost.set_data(epochs_run, h.cost)
        train_acc.set_data(epochs_run, 100 * np.asarray(h.train_accuracy))
        val_acc.set_data(epochs_run, 100 * np.asarray(h.val_accuracy))
        lr.set_data(*self.schedule_fractions(settings))

    def _set_curves(self, h, settings):
        self._curves((self.cost_line, self.train_line, self.val_line, self.lr_line), h, settings)
        for line in self.previous_lines():
            line.set_visible(self.previous is not None)
        if self.previous is not None:
            self._curves(self.previous_lines(), *self.previous)
        x, cost, acc = self.limits(h, settings["epochs"])
        wanted = {(self.ax_cost, "x"): x, (self.ax_acc, "x"): x, (self.ax_lr, "x"): x,
                  (self.ax_cost, "y"): cost, (self.ax_acc, "y"): acc}
        for (ax, which), lim in wanted.items():
            now = ax.get_xlim() if which == "x" else ax.get_ylim()
            if lim is not None and not np.allclose(now, lim, rtol=1e-9, atol=0):
                (ax.set_xlim if which == "x" else ax.set_ylim)(*lim)
                self.blitter.invalidate()     # new ticks: draw the background again

    def redraw(self):
        self.blitter.redraw(super().redraw)

    def _update(self):
        settings = self.settings()
        h = self.retrain(settings)
        if self.superseded():       # the loop trains again with the newer settings
            return
        with self.drawing():
            if self.history is not None:
                self.previous = (self.history, self.trained)
            self.history, self.trained = h, settings
            self._set_curves(h, settings)
            self.banner.set_text(f"diverged at\nepoch {h.diverged_at}" if h.diverged else "")
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
                f"{s['batch_size']}, {s['epochs']} epochs, "
                f"{s.get('schedule', WIDGET_DEFAULTS['schedule'])} schedule")

    def summary(self):
        return f"{self.settings_text()}: {self.accuracy_text()}"


def training_widget(split=None, seed=0, **settings):
    """The training widget of notebook 12."""
    return TrainingWidget(split, seed, **settings)


class StaticFigure(FigureWidget):
    """A finished matplotlib figure shown like the widgets (PNG stored in the notebook) with a
    short deterministic text beside it, for the plots of notebooks 11 and 12."""

    def __init__(self, fig, text):
        self.text = text
        super().__init__(fig, [])
        self.status.value = html.escape(text)
        self.redraw()

    def summary(self):
        return self.text


def static_figure(fig, text):
    """Show `fig` (made with new_figure) with the one-line description `text`. Its texts and
    lines are brought to the course's minimum sizes (`readable`) and it is laid out once."""
    with matplotlib_lock():
        readable(fig)
        fix_layout(fig)
    return StaticFigure(fig, text)


__all__ = ["TrainingWidget", "training_widget", "make_optimizer", "static_figure", "new_figure",
           "PRESETS", "WIDGET_DEFAULTS", "SCHEDULES"]
