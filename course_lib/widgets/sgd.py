"""Widget of notebook 04: stochastic gradient descent on the two-parameter digits model.

Sliders for the learning rate η, the momentum β and the batch size B, a menu of learning-rate
schedules and the seed of the batches. Every change runs `course_lib.stochastic.run_sgd` (the
mini-batches of `batches`, the gradient estimate of `TwoFeatureLogistic.minibatch_gradient`,
the library's `SGD`) for STEPS steps from the model's start, and moves three lines: the path on
the contours of the full cost C(w), C − C* per step, and η_t / η₀ per step.
"""
import html
from functools import lru_cache

import ipywidgets as W
import numpy as np

from ..gradcheck import format_error
from ..optimizers import SGD
from ..stochastic import digits_model, run_sgd, schedule, steps_per_epoch
from ._base import (Blitter, FigureWidget, control_row, course_style, new_figure, preset_buttons,
                    quiet_numpy, slider_layout, check_arguments)

STEPS = 200
FLOOR = 1e-12
"""C − C* below this is round-off (its digits differ by machine): drawn and printed as the floor."""

BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 357)
"""The batch-size slider's positions; 357 = m, the full batch of the 3-vs-8 digits model."""

SCHEDULES = {  # menu label: (name in course_lib.stochastic.schedule, options)
    "constant": ("constant", {}),
    "step: ×½ every 50 steps": ("step", {"every": 50, "factor": 0.5}),
    "1/t: η₀ / (1 + t/20)": ("inverse_time", {"tau": 20.0}),
    "cosine down to 0 at step 200": ("cosine", {"T": STEPS, "lr_min": 0.0}),
}

PRESETS = {
    "full batch": dict(
        lr=10 ** 0.5, momentum=0.0, B=357, schedule="constant", seed=0,
        says="B = m = 357: every step uses the true gradient ∇C; the path is smooth and "
             "C − C* falls at every step, below 1e-10 within the 200 steps"),
    "batch of 1": dict(
        lr=10 ** 0.5, momentum=0.0, B=1, schedule="constant", seed=0,
        says="the same η with B = 1: each step follows one image's gradient; the path jitters "
             "and C − C* stops falling: over the last 50 steps its median stays above 1e-2"),
    "η too large: noisy": dict(
        lr=10.0, momentum=0.0, B=8, schedule="constant", seed=0,
        says="η = 10, B = 8, constant: a wide noise ball; over the last 50 steps SGD stays "
             "more than 1 away from w* on average (RMS)"),
    "a schedule fixes it": dict(
        lr=10.0, momentum=0.0, B=8, schedule="cosine down to 0 at step 200", seed=0,
        says="the same η₀ = 10 and B = 8, with η falling to 0 along a cosine: the ball shrinks; "
             "the run ends within 0.3 of w*, and over its last 50 steps it is at least 4× "
             "closer to w* (RMS) than at constant η"),
}


@lru_cache(maxsize=1)
def _model():
    return digits_model()


@lru_cache(maxsize=1)
def _contours():
    """(W1, W2, C) on a grid over the model's window, computed once per process."""
    return _model().grid(120)


def make_schedule(label, lr, steps=STEPS):
    """The course_lib Schedule of a menu label (SCHEDULES) for η₀ = lr; None for constant. A
    cosine ends at the run's last step (T = steps)."""
    name, options = SCHEDULES[label]
    if "T" in options:
        options = {**options, "T": steps}
    return None if name == "constant" else schedule(name, lr, **options)


def sgd_run(lr, momentum, B, schedule_label, seed, steps=STEPS):
    """The widget's run for these settings: run_sgd on digits_model() from its start."""
    model = _model()
    with quiet_numpy():
        return run_sgd(model, SGD(lr=float(lr), momentum=float(momentum)), steps, B=int(B),
                       seed=int(seed), schedule=make_schedule(schedule_label, float(lr), steps))


def rms_distance(run, w_star, last=50):
    """√(mean ‖w_k − w*‖²) over the last `last` points of a run: the size of its ball."""
    tail = run.path[-last:]
    return float(np.sqrt(np.mean(np.sum((tail - w_star) ** 2, axis=1))))


def _distance_text(d, floor=1e-6):
    """A distance with two significant digits; below `floor` (a run that converged to round-off)
    only its bound, whose digits every machine reproduces."""
    return f"< {floor:.0e}" if d < floor else f"{d:.2g}"


class SGDExplorer(FigureWidget):
    """SGD on the digits model: η, β, B, seed and schedule; the path on the contours of C, the
    cost gap C − C* per step and η_t / η₀ per step."""

    def __init__(self, lr=10 ** 0.5, momentum=0.0, B=8, schedule="constant", seed=0,
                 steps=STEPS):
        self.steps = int(steps)
        self.model = model = _model()
        self.w_star = model.minimum()
        self.lr = W.FloatLogSlider(value=lr, base=10, min=-1, max=1.5, step=0.05,
                                   readout_format=".3g", description="learning rate η",
                                   continuous_update=True, **slider_layout(105))
        self.momentum = W.FloatSlider(value=momentum, min=0.0, max=0.95, step=0.05,
                                      readout_format=".2f", description="momentum β",
                                      continuous_update=True, **slider_layout(105))
        self.batch = W.SelectionSlider(options=BATCH_SIZES, value=B, description="batch size B",
                                       continuous_update=True, **slider_layout(105))
        # a box, not a slider: it shares a row with the schedule menu (the widget must fit
        # 720 screen px at 125 % zoom, where the controls go below the figure)
        self.seed = W.BoundedIntText(value=seed, min=0, max=9, step=1, description="seed",
                                     style={"description_width": "40px"},
                                     layout=W.Layout(width="130px", flex="0 0 130px"))
        self.schedule = W.Dropdown(options=list(SCHEDULES), value=schedule,
                                   description="schedule", style={"description_width": "105px"},
                                   layout=W.Layout(width="auto", flex="1 1 300px",
                                                   max_width="100%"))
        check_arguments(lr=(lr, self.lr), momentum=(momentum, self.momentum),
                        seed=(seed, self.seed))
        for c, css in ((self.lr, "sgd-lr"), (self.momentum, "sgd-beta"), (self.batch, "sgd-B"),
                       (self.seed, "sgd-seed"), (self.schedule, "sgd-schedule")):
            c.add_class(css)
        self.presets = PRESETS
        with course_style():
            fig = new_figure((6.2, 3.6))
            gs = fig.add_gridspec(2, 2, width_ratios=[1.35, 1])
            ax = fig.add_subplot(gs[:, 0])
            ax_cost, ax_lr = fig.add_subplot(gs[0, 1]), fig.add_subplot(gs[1, 1])
            W1, W2, C = _contours()
            ax.contour(W1, W2, C, levels=model.levels, colors="0.6", linewidths=1.5)
            (self.path,) = ax.plot([], [], "-", color="tab:blue", lw=1.5, label="path wₖ")
            (self.end,) = ax.plot([], [], "o", color="tab:orange", ms=7, mec="k",
                                  label="last w")
            ax.plot(*model.start, "s", color="k", ms=7, label="start")
            ax.plot(*self.w_star, "*", color="tab:green", ms=15, mec="k", label="minimum w*")
            ax.set(xlim=model.xlim, ylim=model.ylim, xlabel="w₁ (left-half ink)",
                   ylabel="w₂ (right-half ink)", aspect="equal")
            self.title = ax.set_title("η = 0.000, β = 0.00, B = 000")
            (self.cost,) = ax_cost.semilogy([], [], color="tab:blue", lw=2)
            ax_cost.set(xlim=(0, self.steps), ylim=(FLOOR / 3, 10), ylabel="C(wₖ) − C*")
            ax_cost.set_yticks([1e-12, 1e-8, 1e-4, 1])
            ax_cost.tick_params(labelbottom=False)
            ax_cost.grid(alpha=0.3)
            self.cost_title = ax_cost.set_title("final gap 0.0e-00")
            (self.rate,) = ax_lr.plot([], [], color="tab:purple", lw=2)
            ax_lr.set(xlim=(0, self.steps), ylim=(0, 1.08), xlabel="step k", ylabel="ηₖ / η₀")
            ax_lr.grid(alpha=0.3)
            fig.legend(loc="outside upper center", ncols=4)
        self.ax, self.ax_cost, self.ax_lr = ax, ax_cost, ax_lr
        self.blitter = Blitter(fig, [self.path, self.end, self.cost, self.rate],
                               {self.title: "path on the contours of C(w)",
                                self.cost_title: "cost gap"})
        self.run = None
        controls = [control_row(self.lr), control_row(self.momentum), control_row(self.batch),
                    control_row(self.schedule, self.seed),
                    preset_buttons(self.presets, self.apply, "sgd-preset")]
        super().__init__(fig, controls)
        self.box.add_class("sgd-explorer")
        self.status.add_class("sgd-status")
        if hasattr(self.view, "add_class"):
            self.view.add_class("sgd-figure")
        for c in (self.lr, self.momentum, self.batch, self.seed, self.schedule):
            self.watch(c)
        self.update()

    def apply(self, name):
        """Set every control to a named preset, then redraw once."""
        p = self.presets[name]
        with self.hold():
            self.lr.value, self.momentum.value = p["lr"], p["momentum"]
            self.batch.value, self.schedule.value = p["B"], p["schedule"]
            self.seed.value = p["seed"]

    def settings(self):
        return dict(lr=float(self.lr.value), momentum=float(self.momentum.value),
                    B=int(self.batch.value), schedule_label=self.schedule.value,
                    seed=int(self.seed.value))

    def compute(self, lr, momentum, B, schedule_label, seed):
        """The run for these settings (a course_lib.stochastic.SGDRun)."""
        return sgd_run(lr, momentum, B, schedule_label, seed, self.steps)

    def redraw(self):
        self.blitter.redraw(super().redraw)

    def _update(self):
        s = self.settings()
        self.run = run = self.compute(**s)
        self.path.set_data(run.path[:, 0], run.path[:, 1])
        self.end.set_data([run.path[-1, 0]], [run.path[-1, 1]])
        k = np.arange(len(run.gap))
        self.cost.set_data(k, np.maximum(run.gap, FLOOR))
        lrs = run.lrs / s["lr"]
        self.rate.set_data(np.arange(len(lrs)), lrs)
        self.title.set_text(f"η = {s['lr']:.3g}, β = {s['momentum']:.2f}, B = {s['B']}")
        self.cost_title.set_text(f"final gap {self.gap_text().lstrip('= ')}")
        self.status.value = (
            f"<span class='sgd-readout'><b>η = {s['lr']:.3g}</b>, β = {s['momentum']:.2f}, "
            f"<b>B = {s['B']}</b>{' (full batch)' if s['B'] == self.model.m else ''} "
            f"({self.steps / steps_per_epoch(self.model.m, s['B']):.3g} epochs), "
            f"{html.escape(s['schedule_label'])}, seed {s['seed']}</span> → "
            f"<b>{html.escape(self.outcome())}</b>")
        self.redraw()

    def gap_text(self):
        """"= 1.8e-05" or "< 1e-12": C − C* at the end, with only the digits every machine
        reproduces."""
        text = format_error(max(self.run.gap[-1], 0.0), floor=FLOOR)
        return text if text.startswith("<") else f"= {text}"

    def outcome(self):
        run = self.run
        if run.diverged_at is not None:
            return f"diverged at step {run.diverged_at}"
        return (f"after {run.steps} steps C − C* {self.gap_text()}; over the last 50, RMS "
                f"distance to w* {_distance_text(rms_distance(run, self.w_star))}")

    def summary(self):
        s = self.settings()
        return (f"SGDExplorer: η = {s['lr']:.3g}, β = {s['momentum']:.2f}, B = {s['B']}, "
                f"{s['schedule_label']}, seed {s['seed']} → {self.outcome()}")


def sgd_explorer(lr=10 ** 0.5, momentum=0.0, B=8, schedule="constant", seed=0):
    """Notebook 04: SGD on the digits model with sliders for η, β, B, the seed and a schedule."""
    return SGDExplorer(lr, momentum, B, schedule, seed)
