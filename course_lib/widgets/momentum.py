"""Widgets of notebook 02: heavy-ball and Nesterov momentum on an ill-conditioned bowl, and the
map of which (η, β) converge, computed by running the optimizer.

The bowl is f = ½(L/κ · x² + L · y²) with L = 1: stable plain descent needs η < 2/L = 2, heavy
ball η < 2(1 + β)/L, whatever κ; κ only decides how slow the flat x direction is.
"""
import html
from dataclasses import dataclass

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

from ..optimizers import SGD
from ..surfaces import bowl, descend
from ._base import (Blitter, FigureWidget, control_row, course_style, new_figure, preset_buttons,
                    quiet_numpy, slider_layout)

TOL = 1e-8  # "converged": f − f* ≤ 1e-8


def make_optimizer(lr, momentum, nesterov):
    """SGD with the widget's settings; Nesterov needs β > 0, so β = 0 means plain descent."""
    return SGD(lr=lr, momentum=momentum, nesterov=bool(nesterov and momentum > 0))


def heavy_ball_limit(momentum, L=1.0, nesterov=False):
    """The largest stable learning rate on a quadratic with top curvature L:
    2(1 + β)/L for heavy ball, 2(1 + β)/((1 + 2β) L) for Nesterov (with our update rule)."""
    return 2 * (1 + momentum) / (L * (1 + 2 * momentum if nesterov else 1.0))


PRESETS = {
    "zigzag": dict(lr=1.9, momentum=0.0, nesterov=False, condition=25,
                   says="no momentum, η just below 2/L: y flips sign every step, x creeps"),
    "momentum fixes it": dict(lr=2.78, momentum=0.44, nesterov=False, condition=25,
                              says="tuned heavy ball, η = 4/(√L + √μ)², β = ((√κ − 1)/(√κ + 1))²: "
                                   "converges several times faster than the zigzag"),
    "too much momentum": dict(lr=1.0, momentum=0.95, nesterov=False, condition=25,
                              says="β = 0.95: the ball overshoots and swings around the minimum; "
                                   "f goes up and down and is not converged after the run"),
    "Nesterov damps it": dict(lr=1.0, momentum=0.95, nesterov=True, condition=25,
                              says="the same η and β with Nesterov's look-ahead: it still swings, "
                                   "but ends far closer to the minimum (f − f* ≥ 100× smaller)"),
    "η too large": dict(lr=2.1, momentum=0.0, nesterov=False, condition=25,
                        says="η = 2.1 > 2/L without momentum: diverges"),
    "momentum rescues η = 2.5": dict(lr=2.5, momentum=0.5, nesterov=False, condition=25,
                                     says="η = 2.5 diverges without momentum, but β = 0.5 "
                                          "allows η < 2(1 + β)/L = 3: converges"),
}


class MomentumExplorer(FigureWidget):
    """Sliders for η, β and κ and a Nesterov switch; the path on the bowl and f − f* per step."""

    STEPS = 150

    def __init__(self, lr=1.9, momentum=0.0, nesterov=False, condition=25, steps=STEPS):
        self.steps = int(steps)
        self.lr = W.FloatSlider(value=lr, min=0.05, max=4.0, step=0.01, readout_format=".2f",
                                description="learning rate η", continuous_update=True,
                                **slider_layout(105))
        self.momentum = W.FloatSlider(value=momentum, min=0.0, max=0.99, step=0.01,
                                      readout_format=".2f", description="momentum β",
                                      continuous_update=True, **slider_layout(105))
        self.nesterov = W.Checkbox(value=nesterov, description="Nesterov", indent=False,
                                   layout=W.Layout(width="auto", flex="0 0 auto"))
        self.condition = W.IntSlider(value=condition, min=1, max=100, step=1,
                                     description="condition κ", continuous_update=True,
                                     **slider_layout(105))
        for c, css in ((self.lr, "momentum-lr"), (self.momentum, "momentum-beta"),
                       (self.nesterov, "momentum-nesterov"), (self.condition, "momentum-kappa")):
            c.add_class(css)
        self.presets = PRESETS
        with course_style():
            fig = new_figure((6.2, 3.6))
            ax, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.5, 1]})
            (self.ellipses,) = ax.plot([], [], color="0.6", lw=1.5)
            (self.path,) = ax.plot([], [], "o-", color="tab:blue", ms=3, lw=1.5, label="path θₖ")
            (self.start,) = ax.plot([], [], "s", color="k", ms=7, label="start")
            ax.plot([0], [0], "*", color="tab:green", ms=15, label="minimum")
            ax.set(ylabel="y (steep)")
            self.xlabel = ax.set_xlabel("x / √κ (flat), κ = 100")
            self.title = ax.set_title("heavy ball: η = 0.00, β = 0.00")
            (self.loss,) = ax_loss.semilogy([], [], color="tab:blue", lw=2)
            ax_loss.set(xlim=(0, self.steps), ylim=(1e-12, 1e6), xlabel="step k",
                        ylabel="f(θₖ) − f*")
            ax_loss.axhline(TOL, color="tab:green", ls=":", lw=2, label=f"f − f* = {TOL:g}")
            ax_loss.set_yticks([1e-12, 1e-6, 1])
            ax_loss.grid(alpha=0.3)
            self.loss_title = ax_loss.set_title("diverged at step 000")
            fig.legend(loc="outside upper center", ncols=4)
        self.ax, self.ax_loss = ax, ax_loss
        self.blitter = Blitter(fig, [self.path, self.loss],
                               {self.title: "path θₖ on the bowl",
                                self.loss_title: "loss gap",
                                self.xlabel: "x / √κ (flat direction)"})
        self.surface, self._kappa_drawn = None, None
        controls = [control_row(self.lr), control_row(self.momentum),
                    control_row(self.condition, self.nesterov),
                    preset_buttons(self.presets, self.apply, "momentum-preset")]
        super().__init__(fig, controls)
        self.box.add_class("momentum-explorer")
        self.status.add_class("momentum-status")
        if hasattr(self.view, "add_class"):
            self.view.add_class("momentum-figure")
        for c in (self.lr, self.momentum, self.nesterov, self.condition):
            self.watch(c)
        self.update()

    def apply(self, name):
        """Set every control to a named preset, then redraw once."""
        p = self.presets[name]
        with self.hold():
            self.lr.value, self.momentum.value = p["lr"], p["momentum"]
            self.nesterov.value, self.condition.value = p["nesterov"], p["condition"]

    def redraw(self):
        self.blitter.redraw(super().redraw)

    def compute(self, lr, momentum, nesterov, condition):
        """The run for these settings (a surfaces.Run)."""
        s = bowl(condition=condition)
        with quiet_numpy():
            return s, descend(s, make_optimizer(lr, momentum, nesterov), s.start, self.steps,
                              tol=TOL)

    def _draw_bowl(self, s):
        """Level sets ½(μx² + Ly²) = c as ellipses. The x axis shows x/√κ, so the picture keeps
        its size for every κ (the ellipses do not move; only the path does) and a κ change needs
        no full redraw."""
        t = np.linspace(0, 2 * np.pi, 90)
        shrink = np.sqrt(s.condition)
        pieces = []
        for c in s.levels:
            pieces.append(np.column_stack([np.sqrt(2 * c / s.mu) * np.cos(t) / shrink,
                                           np.sqrt(2 * c / s.L) * np.sin(t)]))
            pieces.append([[np.nan, np.nan]])
        pts = np.vstack(pieces)
        self.ellipses.set_data(pts[:, 0], pts[:, 1])
        self.start.set_data([s.start[0] / shrink], [s.start[1]])
        self.ax.set_xlim(s.xlim[0] / shrink, s.xlim[1] / shrink)
        self.ax.set_ylim(-3.6, 3.6)  # room for the first swings of fast heavy-ball runs
        self._kappa_drawn = s.condition

    def _update(self):
        lr, beta = self.lr.value, self.momentum.value
        nesterov, kappa = self.nesterov.value, self.condition.value
        s, run = self.compute(lr, beta, nesterov, kappa)
        self.surface, self.run = s, run
        if self._kappa_drawn is None:
            self._draw_bowl(s)
        self.path.set_data(run.path[:, 0] / np.sqrt(s.condition), run.path[:, 1])
        self.loss.set_data(np.arange(len(run.gap)), np.maximum(run.gap, 1e-300))
        kind = self.method()
        self.title.set_text(f"{kind}: η = {lr:.2f}, β = {beta:.2f}")
        self.xlabel.set_text(f"x / √κ (flat), κ = {kappa}")
        self.loss_title.set_text(short_outcome(run))
        limit = heavy_ball_limit(beta, s.L, kind == "Nesterov")
        self.status.value = (
            f"<span class='momentum-readout'><b>{kind}</b>: η = {lr:.2f}, β = {beta:.2f}, "
            f"κ = {kappa}</span> → <b>{html.escape(run.describe())}</b>. "
            f"Stability on this bowl needs η &lt; {limit:.2f}"
            + (" (2(1 + β)/L)." if kind == "heavy ball" else " (2/L)." if kind == "plain GD"
               else " (2(1 + β)/((1 + 2β)L)).")
            + (" <i>Nesterov needs β &gt; 0: this is plain descent.</i>"
               if nesterov and beta == 0 else ""))
        self.redraw()

    def method(self):
        beta = self.momentum.value
        if beta == 0:
            return "plain GD"
        return "Nesterov" if self.nesterov.value else "heavy ball"

    def summary(self):
        return (f"MomentumExplorer: {self.method()}, η = {self.lr.value:.2f}, "
                f"β = {self.momentum.value:.2f}, κ = {self.condition.value} → "
                f"{self.run.describe()}")


def short_outcome(run):
    """run.describe() in at most about 20 characters, for a panel's title."""
    if run.diverged_at is not None:
        return f"diverged at step {run.diverged_at}"
    if run.converged_at is not None:
        return f"converged at step {run.converged_at}"
    return "not converged"


def momentum_explorer(lr=1.9, momentum=0.0, nesterov=False, condition=25):
    """Notebook 02: the zigzag, momentum and Nesterov on an ill-conditioned bowl."""
    return MomentumExplorer(lr, momentum, nesterov, condition)


# -- which (η, β) converge -----------------------------------------------------------------------
@dataclass
class ConvergenceMap:
    """steps[i, j]: the step at which the run with momentum momenta[i] and lr lrs[j] reached
    f − f* ≤ tol (np.inf if it did not within max_steps); diverged[i, j]: it blew up."""

    lrs: np.ndarray
    momenta: np.ndarray
    steps: np.ndarray
    diverged: np.ndarray
    condition: float
    max_steps: int
    nesterov: bool

    def boundary(self):
        """For each β: (largest η that did not diverge, smallest η that did), from the runs."""
        out = []
        for i in range(len(self.momenta)):
            ok = self.lrs[~self.diverged[i]]
            bad = self.lrs[self.diverged[i]]
            out.append((ok.max() if ok.size else np.nan, bad.min() if bad.size else np.nan))
        return np.array(out)


def convergence_map(condition=25, lrs=None, momenta=None, max_steps=300, nesterov=False, tol=TOL):
    """Run SGD(lr, momentum) from the bowl's start for every pair on the grid (rows: β)."""
    lrs = np.linspace(0.1, 4.0, 40) if lrs is None else np.asarray(lrs, dtype=float)
    momenta = np.linspace(0.0, 0.95, 20) if momenta is None else np.asarray(momenta, dtype=float)
    s = bowl(condition=condition)
    steps = np.full((len(momenta), len(lrs)), np.inf)
    diverged = np.zeros(steps.shape, dtype=bool)
    with quiet_numpy():
        for i, beta in enumerate(momenta):
            for j, lr in enumerate(lrs):
                run = descend(s, make_optimizer(lr, beta, nesterov), s.start, max_steps, tol=tol)
                diverged[i, j] = run.diverged_at is not None or run.gap[-1] > run.gap[0]
                if run.converged_at is not None:
                    steps[i, j] = run.converged_at
    return ConvergenceMap(lrs, momenta, steps, diverged, float(condition), max_steps, nesterov)


PRESET_LABELS = {"η too large": (7, 5, "left"), "zigzag": (-7, 5, "right"),
                 "momentum fixes it": (7, -16, "left"), "momentum rescues η = 2.5": (-7, 5, "right"),
                 "too much momentum": (7, -16, "left"), "Nesterov damps it": (7, -16, "left")}
"""Offsets in points and alignment of the presets' names on the map, keeping them apart."""


class ConvergenceMapFigure(FigureWidget):
    """The map as a picture: colour = steps to converge, grey = not within the run, red =
    diverged; the theoretical limit η = 2(1 + β)/L drawn over it and the presets marked."""

    def __init__(self, result, presets=PRESETS):
        self.result = r = result
        with course_style():
            fig = new_figure((6.2, 4.9))
            ax = fig.add_subplot()
            shown = np.where(np.isfinite(r.steps), r.steps, np.nan)
            dl, db = r.lrs[1] - r.lrs[0], r.momenta[1] - r.momenta[0]
            extent = (r.lrs[0] - dl / 2, r.lrs[-1] + dl / 2, r.momenta[0] - db / 2,
                      r.momenta[-1] + db / 2)
            ax.imshow(np.where(r.diverged, 1.0, np.nan), origin="lower", extent=extent,
                      aspect="auto", cmap="Reds", vmin=0, vmax=1.6)
            slow = (~r.diverged) & ~np.isfinite(r.steps)
            ax.imshow(np.where(slow, 1.0, np.nan), origin="lower", extent=extent, aspect="auto",
                      cmap="Greys", vmin=0, vmax=3)
            im = ax.imshow(shown, origin="lower", extent=extent, aspect="auto", cmap="viridis_r")
            fig.colorbar(im, ax=ax, label=f"steps to f − f* ≤ {TOL:g}")
            beta = np.linspace(0, r.momenta[-1] + db / 2, 100)
            ax.plot(heavy_ball_limit(beta, 1.0, r.nesterov), beta, color="k", lw=2.5,
                    label="theory: η = 2(1 + β)/L" if not r.nesterov
                    else "theory: η = 2(1 + β)/((1 + 2β)L)")
            for name, p in presets.items():
                if p["condition"] == r.condition and bool(p["nesterov"]) == r.nesterov:
                    ax.plot(p["lr"], p["momentum"], "o", mfc="white", mec="k", ms=8)
                    dx, dy, ha = PRESET_LABELS.get(name, (7, 5, "left"))
                    ax.annotate(name, (p["lr"], p["momentum"]), xytext=(dx, dy), ha=ha,
                                textcoords="offset points", fontsize=12,
                                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none",
                                          alpha=0.75))
            ax.set(xlim=extent[:2], ylim=extent[2:], xlabel="learning rate η",
                   ylabel="momentum β",
                   title=f"{'Nesterov' if r.nesterov else 'heavy ball'} on the bowl, "
                         f"κ = {r.condition:g}, L = 1")
            patches = [Patch(color=plt.get_cmap("Reds")(1 / 1.6), label="diverged"),
                       Patch(color=plt.get_cmap("Greys")(1 / 3),
                             label=f"not converged in {r.max_steps} steps")]
            fig.legend(handles=[*ax.get_lines()[:1], *patches], loc="outside lower center",
                       ncols=2)
        super().__init__(fig, [])
        self.redraw()

    def summary(self):
        r = self.result
        n = r.steps.size
        return (f"ConvergenceMap ({'Nesterov' if r.nesterov else 'heavy ball'}, κ = {r.condition:g}, "
                f"{len(r.momenta)} β × {len(r.lrs)} η): converged {int(np.isfinite(r.steps).sum())}, "
                f"diverged {int(r.diverged.sum())}, not converged in {r.max_steps} steps "
                f"{int(n - np.isfinite(r.steps).sum() - r.diverged.sum())}; fastest "
                f"{int(np.min(r.steps)) if np.isfinite(r.steps).any() else 'none'} steps")


def show_convergence_map(condition=25, nesterov=False, **kw):
    """Notebook 02: compute the map (about 800 runs) and return it as a figure."""
    return ConvergenceMapFigure(convergence_map(condition, nesterov=nesterov, **kw))
