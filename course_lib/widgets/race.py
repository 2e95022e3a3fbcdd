"""Widget of notebook 03: a race of six optimizers from one start on one surface, each with its
own learning-rate slider, with the paths on the contours and f − f* against the step.

Moving one slider re-runs only that optimizer and moves its two lines; changing the surface
re-runs all six and redraws the contours. Runs are remembered (`remembered_run`): a slider has
19 positions, and when the widget starts with the tuned learning rates (the default) the grid
search behind them has already run all of them on its surface, so a move there, like going
back to any position seen before, costs only the redraw.
"""
import html
from functools import lru_cache

import ipywidgets as W
import numpy as np
from matplotlib.colors import to_hex

from ..optimizers import SGD, AdaGrad, Adam, RMSprop
from ..surfaces import bowl, descend, himmelblau, rosenbrock, saddle
from ._base import (Blitter, FigureWidget, control_row, course_style, new_figure, preset_buttons,
                    quiet_numpy, slider_layout, check_arguments)

RACERS = {  # name: (make(lr), colour): Okabe & Ito's colour-blind-safe palette
    "SGD": (lambda lr: SGD(lr=lr), "#000000"),                                   # black
    "momentum": (lambda lr: SGD(lr=lr, momentum=0.9), "#0072B2"),                # blue
    "Nesterov": (lambda lr: SGD(lr=lr, momentum=0.9, nesterov=True), "#56B4E9"),  # sky blue
    "AdaGrad": (lambda lr: AdaGrad(lr=lr), "#E69F00"),                           # orange
    "RMSprop": (lambda lr: RMSprop(lr=lr), "#CC79A7"),                           # reddish purple
    "Adam": (lambda lr: Adam(lr=lr), "#D55E00"),                                 # vermillion
}
"""Momentum and Nesterov use β = 0.9; the others their default hyperparameters."""

LINES = {  # name: (line style, marker): told apart without colour, and where paths overlap
    "SGD": ("-", "o"),
    "momentum": ("-", "s"),
    "Nesterov": ((0, (4, 2)), "^"),
    "AdaGrad": ((0, (1, 1.5)), "D"),
    "RMSprop": ((0, (5, 1.5, 1, 1.5)), "v"),
    "Adam": ((0, (2.5, 1.5)), "P"),
}
"""Dashes in units of the line width; a marker every MARK_EVERY points of each line."""
MARK_EVERY = 30
CONTOUR_COLOUR = "0.62"
"""Contours in grey, so that no path shares their colour."""
MINIMUM_COLOUR = "#009E73"   # bluish green (Okabe & Ito), used by no racer

SURFACES = {
    "Rosenbrock": rosenbrock,
    "saddle": saddle,
    "bowl κ = 25, axis-aligned": lambda: bowl(condition=25),
    "bowl κ = 25, rotated 45°": lambda: bowl(condition=25, angle=np.pi / 4),
    "Himmelblau": himmelblau,
}

EXPONENTS = np.round(np.arange(-4.0, 0.51, 0.25), 2)
"""The learning-rate sliders move in steps of 10^0.25 from 1e-4 to 10^0.5 ≈ 3.16."""
LR_GRID = 10.0 ** EXPONENTS
STEPS = 300


def race_run(surface, name, lr, steps=STEPS):
    """One racer's run (a surfaces.Run) on `surface` from its start."""
    with quiet_numpy():
        return descend(surface, RACERS[name][0](float(lr)), surface.start, steps, tol=1e-12)


@lru_cache(maxsize=None)
def _surface(surface_name):
    return SURFACES[surface_name]()


def remembered_run(surface_name, name, lr, steps=STEPS):
    """race_run on SURFACES[surface_name], computed once per (surface, racer, lr, steps).

    The run's arrays are read-only, since every caller shares them. `forget_runs()` empties
    the memory.
    """
    return _remembered(surface_name, name, float(lr), int(steps))


@lru_cache(maxsize=4096)
def _remembered(surface_name, name, lr, steps):
    run = race_run(_surface(surface_name), name, lr, steps)
    for array in (run.path, run.losses, run.gap):
        array.setflags(write=False)
    return run


def forget_runs():
    _remembered.cache_clear()


def on_grid(lr):
    """The LR_GRID value equal to lr up to round-off, else lr itself.

    A browser computes a slider's 10^e itself and may differ from Python's in the last bit;
    near the edge of stability (SGD on Rosenbrock) such a difference changes where the run
    ends, so every position is run with Python's value.
    """
    lr = float(lr)
    i = int(np.argmin(np.abs(LR_GRID - lr)))
    return float(LR_GRID[i]) if abs(LR_GRID[i] - lr) <= 1e-9 * lr else lr


GAP_FLOOR = 1e-12
"""f − f* below this counts as reached: the floor of the plot, of the status line and of the
score (below it, the digits of f − f* depend on round-off, so on the machine)."""


def _score(run):
    """Lower is better: the mean over the run of log₁₀(max(f − f*, 1e-12)), which rewards getting
    close early and staying close; a diverged run is worst."""
    if run.diverged_at is not None:
        return np.inf
    return float(np.mean(np.log10(np.maximum(run.gap, GAP_FLOOR))))


def tuned_lrs(surface_name, steps=STEPS):
    """{racer: the lr on LR_GRID with the best `_score` (mean log₁₀(f − f*)) for one surface.

    A plain grid search (ties go to the smaller lr) over 6 × 19 runs of `steps` steps. The runs
    are remembered: the first call for a surface takes about a second, later ones a millisecond,
    and every slider position's run is ready afterwards.
    """
    best = {}
    for name in RACERS:
        scores = [_score(remembered_run(surface_name, name, lr, steps)) for lr in LR_GRID]
        best[name] = float(LR_GRID[int(np.argmin(scores))])
    return best


def _lr(e):
    return float(10.0 ** e)


PRESETS = {
    "tuned for this surface": dict(
        surface=None, lrs="tuned",
        says="every η set to the best of the slider's grid for the current surface "
             "(lowest mean log(f − f*) over the run)"),
    "one η = 0.01 for all": dict(
        surface="Rosenbrock", lrs={name: _lr(-2.0) for name in RACERS},
        says="Rosenbrock with η = 0.01 everywhere: SGD, momentum and Nesterov diverge on the "
             "steep walls; AdaGrad, RMSprop and Adam, which divide by the gradient's size, do not"),
    "escaping a saddle": dict(
        surface="saddle", lrs={name: _lr(-2.0) for name in RACERS},
        says="start beside the saddle point (y = 0.001), η = 0.01: plain SGD is still next to "
             "it (|y| < 0.1); AdaGrad's shrinking steps leave it halfway (|y| < 0.9); momentum, "
             "Nesterov, RMSprop and Adam reach a minimum (|y| > 0.99)"),
}


class OptimizerRace(FigureWidget):
    """Six optimizers, one start, one surface; a learning-rate slider for each."""

    def __init__(self, surface="Rosenbrock", lrs=None, steps=STEPS):
        self.steps = int(steps)
        self.surface_choice = W.Dropdown(options=list(SURFACES), value=surface,
                                         description="surface",
                                         style={"description_width": "55px"},
                                         layout=W.Layout(width="auto", flex="0 1 280px"))
        self.surface_choice.add_class("race-surface")
        start = tuned_lrs(surface, self.steps) if lrs is None else dict(lrs)
        self.sliders = {}
        for name, (_, colour) in RACERS.items():
            # two sliders a line at 1024×768 and 125 %: no room for ipywidgets' 72 px
            # readouts there, so each η is shown in the status beside its racer's name
            kw = slider_layout(80, readout=False)
            kw["style"]["handle_color"] = to_hex(colour)
            sl = W.FloatLogSlider(value=start[name], base=10, min=EXPONENTS[0],
                                  max=EXPONENTS[-1], step=0.25, description=name,
                                  readout_format=".2g", continuous_update=True, **kw)
            check_arguments(**{f"lrs[{name!r}]": (start[name], sl)})
            sl.add_class(f"race-lr-{name.lower()}")
            self.sliders[name] = sl
        self.presets = PRESETS
        with course_style():
            fig = new_figure((6.2, 3.4))
            ax, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
            self.paths, self.curves = {}, {}
            for i, (name, (_, colour)) in enumerate(RACERS.items()):
                # each racer its colour, dashes and marker (markers staggered along the
                # lines, so that paths which coincide still show every racer's marks)
                style, marker = LINES[name]
                kw = dict(color=colour, ls=style, lw=2.5, marker=marker, ms=6.5, mec="white",
                          mew=0.8, markevery=(5 * i, MARK_EVERY), label=name, zorder=3 + 0.1 * i)
                (self.paths[name],) = ax.plot([], [], **kw)
                (self.curves[name],) = ax_loss.semilogy([], [], **kw)
            (self.start,) = ax.plot([], [], "s", mfc="white", mec="k", mew=2, ms=9, zorder=5)
            (self.minima,) = ax.plot([], [], "*", color=MINIMUM_COLOUR, mec="k", mew=0.8,
                                     ms=16, zorder=5)
            ax.set(xlabel="x", ylabel="y")
            ax_loss.set(xlim=(0, self.steps), ylim=(1e-12, 1e4), xlabel="step k",
                        ylabel="f(θₖ) − f*")
            ax_loss.set_yticks([1e-12, 1e-8, 1e-4, 1])
            ax_loss.grid(alpha=0.3)
            fig.legend(handles=list(self.paths.values()), loc="outside lower center", ncols=6,
                       handlelength=1.25, columnspacing=0.45, handletextpad=0.25,
                       borderpad=0.3)
            self.title = fig.suptitle(max((f"{k}: {f().note}" for k, f in SURFACES.items()),
                                          key=len))
        self.ax, self.ax_loss = ax, ax_loss
        self.contours, self.surface, self.runs = None, None, {}
        self._surface_drawn, self._lrs_drawn = None, {}
        self.blitter = Blitter(fig, [*self.paths.values(), *self.curves.values()])
        names = list(RACERS)
        controls = [control_row(self.surface_choice),
                    control_row(*(self.sliders[n] for n in names)),
                    preset_buttons(self.presets, self.apply, "race-preset")]
        super().__init__(fig, controls)
        self.box.add_class("optimizer-race")
        self.status.add_class("race-status")
        for control in (self.surface_choice, *self.sliders.values()):
            self.watch(control)
        self.update()

    # -- controls ---------------------------------------------------------------------------------
    def apply(self, name):
        """Set the surface and the six learning rates of a named preset, then run once."""
        p = self.presets[name]
        with self.hold():
            if p["surface"] is not None:
                self.surface_choice.value = p["surface"]
            lrs = tuned_lrs(self.surface_choice.value, self.steps) if p["lrs"] == "tuned" else p["lrs"]
            for racer, lr in lrs.items():
                self.sliders[racer].value = lr

    def redraw(self):
        self.blitter.redraw(super().redraw)

    def change_surface(self):
        """Redraw for the surface chosen (as a change of the surface menu does)."""
        self.update()

    def update(self, name=None):
        """Bring the picture to the controls (one or several sliders, or the surface, moved)."""
        self.request()

    def _update(self):
        """A new surface: contours, and all six racers re-run. Otherwise only the racers whose
        slider moved are re-run, and only their two lines are redrawn."""
        surface = self.surface_choice.value
        if surface != self._surface_drawn:
            self._draw_surface(surface)
        moved = [name for name in RACERS
                 if on_grid(self.sliders[name].value) != self._lrs_drawn.get(name)]
        if not moved:
            return
        self.blitter.focus([line for name in moved
                            for line in (self.paths[name], self.curves[name])])
        for name in moved:
            self._run(name)
        self._finish()

    def _draw_surface(self, surface):
        s = _surface(surface)
        self.surface = s
        if self.contours is not None:
            self.contours.remove()
        X, Y, Z = s.grid(160)
        self.contours = self.ax.contour(X, Y, Z, levels=s.levels, colors=CONTOUR_COLOUR,
                                        linewidths=1.5, alpha=0.6, zorder=1,
                                        negative_linestyles="solid")
        self.start.set_data([s.start[0]], [s.start[1]])
        self.minima.set_data([m[0] for m in s.minima], [m[1] for m in s.minima])
        self.ax.set(xlim=s.xlim, ylim=s.ylim)
        self.title.set_text(f"{surface}: {s.note}")
        self.blitter.invalidate()
        self._surface_drawn, self._lrs_drawn = surface, {}

    def _run(self, name):
        lr = on_grid(self.sliders[name].value)
        run = self.runs[name] = remembered_run(self._surface_drawn, name, lr, self.steps)
        self._lrs_drawn[name] = lr
        self.paths[name].set_data(run.path[:, 0], run.path[:, 1])
        self.curves[name].set_data(np.arange(len(run.gap)), np.maximum(run.gap, 1e-300))

    def _finish(self):
        # two racers a line (a grid that becomes one column when narrow), each cell
        # "name η = …: outcome", to keep the widget short
        cells = "".join(
            f"<div class='race-row-{name.lower()}' style='flex: 1 1 290px; margin-right: 8px'>"
            f"<b style='color:{RACERS[name][1]}'>{name}</b> η = {self._lrs_drawn[name]:.2g}: "
            f"{html.escape(self.short_outcome(name))}</div>"
            for name in RACERS)
        self.status.value = (f"<div class='race-table' style='display: flex; flex-wrap: wrap; "
                             f"line-height: 1.35'>{cells}</div>")
        self.redraw()

    def short_outcome(self, name):
        """The outcome without the steps (the same for every racer) and the final point."""
        run = self.runs[name]
        if run.diverged_at is not None:
            return f"diverged at step {run.diverged_at}"
        gap = run.gap[-1]
        return "f − f* < 1e-12" if gap < 1e-12 else f"f − f* = {gap:.1e}"

    def outcome(self, name):
        run = self.runs[name]
        if run.diverged_at is not None:
            return f"diverged at step {run.diverged_at}"
        x, y = (round(float(c), 3) + 0.0 for c in run.final)  # + 0.0: no "-0.000"
        gap = run.gap[-1]
        shown = "< 1e-12" if gap < 1e-12 else f"= {gap:.2e}"
        return f"after {run.steps} steps: f − f* {shown} at ({x:.3f}, {y:.3f})"

    def summary(self):
        lines = [f"OptimizerRace on {self.surface_choice.value}, {self.steps} steps:"]
        lines += [f"  {name:9s} η = {self.sliders[name].value:.2g}: {self.outcome(name)}"
                  for name in RACERS]
        return "\n".join(lines)


def optimizer_race(surface="Rosenbrock", lrs=None, steps=STEPS):
    """Notebook 03: SGD, momentum, Nesterov, AdaGrad, RMSprop and Adam from one start."""
    return OptimizerRace(surface, lrs, steps)
