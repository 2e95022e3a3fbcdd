"""Widgets of notebook 01: gradient descent in 1-D (learning-rate slider, regimes) and the
gradient of a 2-D surface (steepest ascent, perpendicular to the contours, partial derivatives).

Every figure is built once; a control change recomputes with course_lib and moves the existing
artists (set_data, set_positions), then redraws.
"""
import html

import contourpy
import ipywidgets as W
import matplotlib.ticker
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from ..optimizers import SGD
from ..surfaces import descend, himmelblau, parabola
from ._base import (Blitter, FigureWidget, control_row, course_style, new_figure, preset_buttons,
                    quiet_numpy, slider_layout, check_arguments)

REGIMES = ("slow", "good", "oscillating", "divergent")


def classify(run, x_min, tol=1e-3):
    """Name the regime of a 1-D descent run from its iterates, not from η:

    divergent    — the run blew up (run.diverged_at) or ends farther from x* than it started;
    good         — |x_n − x*| ≤ tol·|x_0 − x*| within the run;
    oscillating  — not there yet, and the iterates jump from one side of x* to the other;
    slow         — not there yet, creeping towards x* from one side.
    Returns (regime, detail) with detail a short plain-text reason.
    """
    e = run.path[:, 0] - x_min
    e0 = abs(e[0])
    flips = int(np.count_nonzero(np.sign(e[1:]) * np.sign(e[:-1]) < 0))
    if run.diverged_at is not None:
        return "divergent", f"diverged at step {run.diverged_at}"
    if abs(e[-1]) > e0 * (1 + 1e-9):
        return "divergent", f"|x − x*| grew from {e0:.3g} to {abs(e[-1]):.3g} in {run.steps} steps"
    reached = np.flatnonzero(np.abs(e) <= tol * e0)
    if reached.size:
        side = f", crossing x* {flips} times" if flips else ", never crossing x*"
        return "good", f"|x − x*| ≤ {tol:g}·|x₀ − x*| at step {reached[0]}{side}"
    ratio = abs(e[-1]) / e0
    if flips > len(e) // 2:
        return "oscillating", (f"jumps across x* at every step; after {run.steps} steps "
                               f"|x − x*| is still {ratio:.2g} of the start")
    return "slow", f"after {run.steps} steps |x − x*| is still {ratio:.2g} of the start"


def _snap(value, step):
    """Round to the slider's grid so that a preset value is exactly reachable."""
    return round(round(value / step) * step, 10)


class Descent1D(FigureWidget):
    """x ← x − η f'(x) on a function of one variable, with the tangent line at every iterate.

    The learning-rate slider runs from tiny to past the bound 2/L, where L = max |f''| is
    computed from the function. The status names the regime found by running it (`classify`).
    """

    STEPS = 30
    BLOWUP = 100.0  # "diverged": f − f* exceeded 100× its starting value

    def __init__(self, function=None, lr=None):
        self.function = fn = function if function is not None else parabola()
        self.bound = 2.0 / fn.L
        step = _snap(self.bound / 250, 1e-3) or 1e-3
        self.lr = W.FloatSlider(value=lr if lr is not None else _snap(0.4 * self.bound, step),
                                min=step, max=_snap(1.2 * self.bound, step), step=step,
                                description="learning rate η", readout_format=".3f",
                                continuous_update=True, **slider_layout(105))
        self.lr.add_class("descent-lr")
        if lr is not None:
            check_arguments(lr=(lr, self.lr))
        self.presets = {
            "slow": dict(lr=_snap(0.04 * self.bound, step),
                         says="η far below 1/L: small steps, still far from x* at the end"),
            "good": dict(lr=_snap(0.4 * self.bound, step),
                         says="η near 1/L: x* reached within a few steps"),
            "oscillating": dict(lr=_snap(0.93 * self.bound, step),
                                says="η just below 2/L: overshoots x* at every step, slowly settles"),
            "divergent": dict(lr=_snap(1.08 * self.bound, step),
                              says="η above 2/L: every overshoot is larger, the run blows up"),
        }
        with course_style():
            fig = new_figure((6.2, 4.2))
            ax, ax_err = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.7, 1]})
            x = np.linspace(*fn.xlim, 400)
            fx = fn.f(x)
            ax.plot(x, fx, color="0.2", lw=2, label=fn.formula or "f(x)")
            (self.tangents,) = ax.plot([], [], color="tab:orange", lw=2.5, zorder=3,
                                       label="tangents, slope f'(xₖ)")
            (self.path,) = ax.plot([], [], "o-", color="tab:blue", ms=5, lw=1.5,
                                   label="iterates xₖ")
            ax.plot([fn.x_min], [fn.f_min], "*", color="tab:green", ms=14, label="minimum x*")
            span = fx.max() - fx.min()
            ax.set(xlim=fn.xlim, ylim=(fx.min() - 0.08 * span, fx.max() + 0.05 * span),
                   xlabel="x", ylabel="f(x)")
            fig.legend(loc="outside upper center", ncols=2)
            self.title = ax.set_title("η = 0.000 (0.00 × 2/L): oscillating")
            (self.err,) = ax_err.semilogy([], [], "o-", color="tab:blue", ms=4, lw=1.5)
            ax_err.set(xlim=(0, self.STEPS), ylim=(1e-12, 1e3), xlabel="step k",
                       ylabel="|xₖ − x*|", title="distance to x*")
            ax_err.set_yticks([1e-12, 1e-8, 1e-4, 1])
            ax_err.grid(True, which="major", alpha=0.3)
        self.ax, self.ax_err = ax, ax_err
        self.run = None
        self.blitter = Blitter(fig, [self.tangents, self.path, self.err],
                               {self.title: "gradient descent"})
        super().__init__(fig, [control_row(self.lr),
                               preset_buttons(self.presets, self.apply, "descent-preset")])
        self.box.add_class("descent-1d")
        self.status.add_class("descent-status")
        self.watch(self.lr)
        self.update()

    def apply(self, name):
        """Set the controls to a named preset."""
        with self.hold():
            self.lr.value = self.presets[name]["lr"]

    def redraw(self):
        self.blitter.redraw(super().redraw)

    def compute(self, lr):
        with quiet_numpy():
            return descend(self.function, SGD(lr=lr), self.function.start, self.STEPS,
                           blowup=self.BLOWUP)

    def _update(self):
        fn, lr = self.function, self.lr.value
        self.run = run = self.compute(lr)
        self.regime, self.detail = classify(run, fn.x_min)
        xs = run.path[:, 0]
        fs = run.losses
        # short tangent segments y = f(xₖ) + f'(xₖ)(x − xₖ), joined in one artist by NaN gaps
        half = 0.08 * (fn.xlim[1] - fn.xlim[0])
        slope = fn.df(xs)
        tx = np.column_stack([xs - half, xs + half, np.full_like(xs, np.nan)]).ravel()
        ty = np.column_stack([fs - half * slope, fs + half * slope, np.full_like(xs, np.nan)]).ravel()
        self.tangents.set_data(tx, ty)
        self.path.set_data(xs, fs)
        err = np.maximum(np.abs(xs - fn.x_min), 1e-16)
        self.err.set_data(np.arange(len(err)), err)
        self.title.set_text(f"η = {lr:.3f}  ({lr / self.bound:.2f} × 2/L):  {self.regime}")
        self.status.value = (f"<b>η = {lr:.3f}</b>, bound 2/L = {self.bound:.3f} "
                             f"(L = max |f''| = {fn.L:.3g}) → <b>{self.regime}</b>: "
                             f"{html.escape(self.detail)}")
        self.redraw()

    def summary(self):
        return (f"Descent1D on {self.function.formula}: L = {self.function.L:.4g}, "
                f"2/L = {self.bound:.4g}; η = {self.lr.value:.3f} → {self.regime} "
                f"({self.detail})")


def level_curve(surface, level, n=200):
    """The contour line f(x, y) = level over the surface's window, as a list of (k, 2) arrays
    of points (one per connected piece), traced on an n×n grid by contourpy."""
    X, Y, Z = surface.grid(n)
    return contourpy.contour_generator(X, Y, Z).lines(level)


def _joined(pieces):
    """Several polylines as one (x, y) pair with NaN breaks, for a single Line2D."""
    if not pieces:
        return np.array([]), np.array([])
    pts = np.concatenate([np.vstack([p, [np.nan, np.nan]]) for p in pieces])
    return pts[:, 0], pts[:, 1]


class GradientExplorer(FigureWidget):
    """A point on a surface: the gradient (steepest ascent) is perpendicular to the contour line
    through the point; its components are the slopes of the two slices through the point.

    Left: contours, ∇f (red), −∇f (blue), the contour's tangent (black). Right: f(x, y₀) against x
    with slope ∂f/∂x, and f(x₀, y) against y with slope ∂f/∂y, as tangent lines.
    """

    def __init__(self, surface=None, x=1.0, y=-1.0):
        self.surface = s = surface if surface is not None else himmelblau()
        opts = dict(step=0.05, continuous_update=True, readout_format=".2f",
                    **slider_layout(30))
        self.x = W.FloatSlider(value=x, min=s.xlim[0], max=s.xlim[1], description="x₀", **opts)
        self.y = W.FloatSlider(value=y, min=s.ylim[0], max=s.ylim[1], description="y₀", **opts)
        check_arguments(x=(x, self.x), y=(y, self.y))
        self.x.add_class("gradient-x")
        self.y.add_class("gradient-y")
        with course_style():
            fig = new_figure((6.2, 4.8))
            gs = fig.add_gridspec(2, 2, width_ratios=[1.45, 1])
            ax = fig.add_subplot(gs[:, 0])
            ax_x, ax_y = fig.add_subplot(gs[0, 1]), fig.add_subplot(gs[1, 1])
            X, Y, Z = s.grid(200)
            self.contours = contourpy.contour_generator(X, Y, Z)
            cs = ax.contour(X, Y, Z, levels=s.levels, cmap="viridis", linewidths=1.5, alpha=0.6)
            ax.clabel(cs, cs.levels[1::3], fontsize=12, fmt="%.3g", colors="0.3")
            self.span = 0.12 * (s.xlim[1] - s.xlim[0])
            self.up = FancyArrowPatch((0, 0), (1, 0), arrowstyle="-|>", mutation_scale=18,
                                      color="tab:red", lw=2.5, label="∇f: steepest ascent")
            self.down = FancyArrowPatch((0, 0), (1, 0), arrowstyle="-|>", mutation_scale=18,
                                        color="tab:blue", lw=2.5, ls="--",
                                        label="−∇f: steepest descent")
            ax.add_patch(self.up)
            ax.add_patch(self.down)
            (self.level,) = ax.plot([], [], color="tab:orange", lw=2.5,
                                    label="contour through the point")
            (self.tangent,) = ax.plot([], [], color="k", lw=2, label="its tangent")
            (self.point,) = ax.plot([], [], "o", color="k", ms=7)
            ax.set(xlim=s.xlim, ylim=s.ylim, xlabel="x", ylabel="y", aspect="equal",
                   title=s.name)
            arrows = [Line2D([], [], color=a.get_edgecolor(), lw=2.5, ls=a.get_linestyle(),
                             marker=">", markevery=[1], label=a.get_label())
                      for a in (self.up, self.down)]
            fig.legend(handles=[*arrows, self.level, self.tangent], loc="outside lower center",
                       ncols=2)
            self.xs = np.linspace(*s.xlim, 300)
            self.ys = np.linspace(*s.ylim, 300)
            (self.slice_x,) = ax_x.plot([], [], color="0.2", lw=2)
            (self.tan_x,) = ax_x.plot([], [], color="tab:red", lw=2)
            (self.dot_x,) = ax_x.plot([], [], "o", color="k")
            (self.slice_y,) = ax_y.plot([], [], color="0.2", lw=2)
            (self.tan_y,) = ax_y.plot([], [], color="tab:red", lw=2)
            (self.dot_y,) = ax_y.plot([], [], "o", color="k")
            zlo, zhi = float(Z.min()), float(Z.max())
            self.zspan = zhi - zlo
            for a, lab in ((ax_x, "x"), (ax_y, "y")):
                a.set(xlim=s.xlim if lab == "x" else s.ylim, xlabel=lab,
                      ylim=(zlo - 0.05 * self.zspan, zhi + 0.05 * self.zspan))
                a.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5, integer=True))
                a.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3))
                a.grid(alpha=0.3)
            self.title_x = ax_x.set_title("∂f/∂x = −000.0")
            self.title_y = ax_y.set_title("∂f/∂y = −000.0")
        self.ax, self.ax_x, self.ax_y = ax, ax_x, ax_y
        self.blitter = Blitter(fig, [self.up, self.down, self.level, self.tangent, self.point,
                                     self.slice_x, self.tan_x, self.dot_x,
                                     self.slice_y, self.tan_y, self.dot_y],
                               {self.title_x: "f(x, y₀): slope ∂f/∂x",
                                self.title_y: "f(x₀, y): slope ∂f/∂y"})
        super().__init__(fig, [control_row(self.x, self.y)])
        self.box.add_class("gradient-explorer")
        self.status.add_class("gradient-status")
        for c in (self.x, self.y):
            self.watch(c)
        self.update()

    def redraw(self):
        self.blitter.redraw(super().redraw)

    def at(self, x, y):
        """(f, ∂f/∂x, ∂f/∂y) at (x, y) from the surface's analytic gradient."""
        gx, gy = self.surface.gradient(x, y)
        return float(self.surface(x, y)), float(gx), float(gy)

    def _update(self):
        s, x0, y0 = self.surface, self.x.value, self.y.value
        f0, gx, gy = self.at(x0, y0)
        norm = float(np.hypot(gx, gy))
        self.point.set_data([x0], [y0])
        self.level.set_data(*_joined(self.contours.lines(f0)))
        if norm > 0:
            u = np.array([gx, gy]) / norm * self.span       # drawn with a fixed length
            self.up.set_positions((x0, y0), (x0 + u[0], y0 + u[1]))
            self.down.set_positions((x0, y0), (x0 - u[0], y0 - u[1]))
            t = np.array([-u[1], u[0]])                      # ∇f turned by 90°
            self.tangent.set_data([x0 - t[0], x0 + t[0]], [y0 - t[1], y0 + t[1]])
        else:
            self.up.set_positions((x0, y0), (x0, y0))
            self.down.set_positions((x0, y0), (x0, y0))
            self.tangent.set_data([], [])
        self.up.set_visible(norm > 0)
        self.down.set_visible(norm > 0)
        fx = s(self.xs, np.full_like(self.xs, y0))
        fy = s(np.full_like(self.ys, x0), self.ys)
        self.slice_x.set_data(self.xs, fx)
        self.slice_y.set_data(self.ys, fy)
        for ts, tan, g, c in ((self.xs, self.tan_x, gx, x0), (self.ys, self.tan_y, gy, y0)):
            # a tangent segment short enough to stay inside the slice's panel
            w = min(0.15 * (ts[-1] - ts[0]), 0.25 * self.zspan / max(abs(g), 1e-12))
            tan.set_data([c - w, c + w], [f0 - g * w, f0 + g * w])
        self.dot_x.set_data([x0], [f0])
        self.dot_y.set_data([y0], [f0])
        self.title_x.set_text(f"y = {y0:.2f}: ∂f/∂x = {gx:.3g}")
        self.title_y.set_text(f"x = {x0:.2f}: ∂f/∂y = {gy:.3g}")
        self.status.value = (f"at (x, y) = ({x0:.2f}, {y0:.2f}): f = {f0:.4g}, "
                             f"∂f/∂x = {gx:.4g}, ∂f/∂y = {gy:.4g}, |∇f| = {norm:.4g}")
        self.redraw()

    def summary(self):
        f0, gx, gy = self.at(self.x.value, self.y.value)
        return (f"GradientExplorer on {self.surface.name} at ({self.x.value:.2f}, {self.y.value:.2f}): "
                f"f = {f0:.4g}, ∇f = ({gx:.4g}, {gy:.4g})")


class Picture(FigureWidget):
    """A static figure shown the course's way: the canvas, a stored PNG and a plain-text caption
    (what nbval compares and what GitHub shows beside the picture)."""

    def __init__(self, fig, caption):
        self.caption = caption
        super().__init__(fig, [])
        self.redraw()

    def summary(self):
        return self.caption


def descent_1d(function=None, lr=None):
    """Notebook 01: gradient descent on a 1-D function with a learning-rate slider."""
    return Descent1D(function, lr)


def gradient_explorer(surface=None, x=1.0, y=-1.0):
    """Notebook 01: the gradient at a point, the contour through it and the two partial slopes."""
    return GradientExplorer(surface, x, y)
