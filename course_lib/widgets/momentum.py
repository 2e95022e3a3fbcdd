"""Widgets of notebook 02: heavy-ball and Nesterov momentum on an ill-conditioned bowl drawn to
scale, and the map of which (η, β) converge and how fast, computed by running the optimizer.

The bowl is f = ½(μx² + Ly²) with L = 1 and μ = L/κ: stable plain descent needs η < 2/L = 2,
heavy ball η < 2(1 + β)/L, whatever κ; κ decides how long and narrow the valley is, and how
slow its flat x direction. The rates quoted come from `course_lib.momentum_theory`.
"""
import html
from dataclasses import dataclass

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

from ..momentum_theory import measured_rate, nesterov_lookahead, polyak, rate_of
from ..optimizers import SGD
from ..surfaces import bowl, descend
from ._base import (Blitter, FigureWidget, control_row, course_style, new_figure, preset_buttons,
                    quiet_numpy, slider_layout, check_arguments)

TOL = 1e-8  # "converged": f − f* ≤ 1e-8
KAPPA = 25  # the presets' condition number
BEST = polyak(1.0, 1.0 / KAPPA)  # Polyak's (η, β) for the presets' bowl: 2.777…, 0.444…, rate 0.666…
# Okabe–Ito colours (colour-blind safe), none of them the contours' grey
BLUE, ORANGE, VERMILLION, GREEN, SKY = "#0072B2", "#E69F00", "#D55E00", "#009E73", "#56B4E9"
CONTOUR = "0.72"


def make_optimizer(lr, momentum, nesterov):
    """SGD with the widget's settings; Nesterov needs β > 0, so β = 0 means plain descent."""
    return SGD(lr=lr, momentum=momentum, nesterov=bool(nesterov and momentum > 0))


def heavy_ball_limit(momentum, L=1.0, nesterov=False):
    """The largest stable learning rate on a quadratic with top curvature L:
    2(1 + β)/L for heavy ball, 2(1 + β)/((1 + 2β) L) for Nesterov (with our update rule)."""
    return 2 * (1 + momentum) / (L * (1 + 2 * momentum if nesterov else 1.0))


def _rate(lr, momentum, nesterov=False):
    return rate_of(lr, momentum, [1.0 / KAPPA, 1.0], nesterov and momentum > 0)


PRESETS = {
    "zigzag": dict(lr=1.9, momentum=0.0, nesterov=False, condition=KAPPA,
                   says=f"no momentum, η = 1.9 just below 2/L: y flips sign every step while x "
                        f"creeps (rate 1 − ημ = {_rate(1.9, 0.0):.3f}); converges in 100–150 steps"),
    "momentum fixes it": dict(
        lr=BEST.lr, momentum=BEST.momentum, nesterov=False, condition=KAPPA,
        says=f"best heavy ball (Polyak): η = 4/(√L + √μ)² = {BEST.lr:.3f}, "
             f"β = ((√κ − 1)/(√κ + 1))² = {BEST.momentum:.3f}, rate √β = {BEST.rate:.3f} per step "
             f"instead of {_rate(1.9, 0.0):.3f}: converges in under a third of the zigzag's steps"),
    "too much momentum": dict(
        lr=1.0, momentum=0.95, nesterov=False, condition=KAPPA,
        says=f"β = 0.95: rate √β = {_rate(1.0, 0.95):.3f}; the ball swings around the minimum, "
             "f goes up and down and is not converged after the run"),
    "Nesterov damps it": dict(
        lr=1.0, momentum=0.95, nesterov=True, condition=KAPPA,
        says=f"the same η = 1/L and β with Nesterov: each direction's rate is √(β(1 − ηλ)), so "
             f"the steep one (ηL = 1) is gone at once and the flat one shrinks at "
             f"{_rate(1.0, 0.95, True):.3f} instead of {_rate(1.0, 0.95):.3f}: converges within "
             "the run. It helps most where ηλ is near 1"),
    "Nesterov's range is narrower": dict(
        lr=1.5, momentum=0.95, nesterov=True, condition=KAPPA,
        says=f"η = 1.5 is past Nesterov's limit 2(1 + β)/((1 + 2β)L) = "
             f"{heavy_ball_limit(0.95, nesterov=True):.2f}: it diverges, where heavy ball "
             f"(limit {heavy_ball_limit(0.95):.1f}) stays stable"),
    "η too large": dict(lr=2.1, momentum=0.0, nesterov=False, condition=KAPPA,
                        says="η = 2.1 > 2/L without momentum: diverges"),
    "momentum rescues η = 2.5": dict(lr=2.5, momentum=0.5, nesterov=False, condition=KAPPA,
                                     says="η = 2.5 diverges without momentum, but β = 0.5 "
                                          "allows η < 2(1 + β)/L = 3: converges"),
}


def step_parts(s, path, lr, momentum, nesterov, j):
    """One step drawn as its two parts: (base, jump end, point where ∇f is taken, step end).

    Heavy ball: from θⱼ the momentum jump β(θⱼ − θⱼ₋₁), then −η∇f(θⱼ), the gradient at the start.
    Nesterov (look-ahead form): from xⱼ the jump βvⱼ to the look-ahead yⱼ (PyTorch's θⱼ), then
    −η∇f(yⱼ), the gradient at the look-ahead. Plain descent: no jump. None if the run is shorter.
    """
    if len(path) < j + 2:
        return None
    if nesterov and momentum > 0:
        x, y, g = nesterov_lookahead(s, lr, momentum, s.start, j + 1)
        return x[j], y[j], y[j], x[j + 1]
    base = path[j]
    jump = base + momentum * (path[j] - path[j - 1]) if momentum > 0 else base
    return base, jump, base, jump - lr * s.grad(base)


class MomentumExplorer(FigureWidget):
    """Sliders for η, β and κ and a Nesterov switch; the path on the bowl (to scale, equal axes),
    one step split into its momentum and gradient parts, and f − f* per step."""

    STEPS = 200
    SHOWN = 2   # the step split into its parts (the first with a momentum part is step 1)

    def __init__(self, lr=1.9, momentum=0.0, nesterov=False, condition=KAPPA, steps=STEPS):
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
        check_arguments(lr=(lr, self.lr), momentum=(momentum, self.momentum),
                        condition=(condition, self.condition))
        for c, css in ((self.lr, "momentum-lr"), (self.momentum, "momentum-beta"),
                       (self.nesterov, "momentum-nesterov"), (self.condition, "momentum-kappa")):
            c.add_class(css)
        self.presets = PRESETS
        with course_style():
            fig = new_figure((6.2, 3.4))   # (3.4 in: with its controls below it, the widget
            ax, ax_loss = fig.subplots(    # fits 720 screen px at 1024×768 and 125 % zoom)
                1, 2, gridspec_kw={"width_ratios": [1.7, 1]})
            (self.ellipses,) = ax.plot([], [], color=CONTOUR, lw=1.5)
            (self.path,) = ax.plot([], [], "o-", color=BLUE, ms=3, lw=1.5, label="path θₖ")
            (self.start,) = ax.plot([], [], "s", color="k", ms=7)
            ax.plot([0], [0], "*", color=GREEN, ms=15, label="minimum")
            (self.jump,) = ax.plot([], [], "--", color=ORANGE, lw=2.5,
                                   label=f"step {self.SHOWN}: momentum part")
            (self.kick,) = ax.plot([], [], "-", color=VERMILLION, lw=2.5, label="gradient part −η∇f")
            (self.probe,) = ax.plot([], [], "X", color=VERMILLION, mec="k", ms=10,
                                    label="∇f taken here", ls="none")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set(ylabel="y (steep)")
            self.xlabel = ax.set_xlabel("x (flat), to scale: window |x| ≤ 00")
            self.title = ax.set_title("heavy ball: η = 0.00, β = 0.00")
            (self.loss,) = ax_loss.semilogy([], [], color=BLUE, lw=2)
            ax_loss.set(xlim=(0, self.steps), ylim=(1e-12, 1e6), xlabel="step k",
                        ylabel="f(θₖ) − f*")
            ax_loss.axhline(TOL, color=GREEN, ls=":", lw=2, label=f"f − f* = {TOL:g}")
            ax_loss.set_yticks([1e-12, 1e-6, 1])
            ax_loss.grid(alpha=0.3)
            self.loss_title = ax_loss.set_title("diverged at step 000")
            fig.legend(loc="outside upper center", ncols=3)
        self.ax, self.ax_loss = ax, ax_loss
        moving = [self.ellipses, self.start, self.path, self.jump, self.kick, self.probe, self.loss]
        self.blitter = Blitter(fig, moving,
                               {self.title: "path θₖ on the bowl",
                                self.loss_title: "loss gap",
                                self.xlabel: "x (flat), drawn to scale"})
        self.surface, self.parts = None, None
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
        """The surface and the run for these settings (a surfaces.Run)."""
        s = bowl(condition=condition)
        with quiet_numpy():
            return s, descend(s, make_optimizer(lr, momentum, nesterov), s.start, self.steps,
                              tol=TOL)

    def window(self, s):
        """Symmetric axis limits with equal scales on x and y (the axes' box is fixed): wide
        enough for the valley's |x| ≤ 2.2√κ and tall enough for the first swings, |y| ≤ 3."""
        box = self.ax.get_position()
        w, h = self.fig.get_size_inches()
        ratio = (box.height * h) / (box.width * w)        # box height / width, in inches
        half_y = max(3.0, 2.2 * np.sqrt(s.condition) * ratio)
        return half_y / ratio, half_y

    def _draw_bowl(self, s):
        """Level sets ½(μx² + Ly²) = c, ellipses with half-axes √(2c/μ) and √(2c/L): their
        length-to-width ratio is √κ, as on screen (equal scales)."""
        t = np.linspace(0, 2 * np.pi, 121)
        pieces = []
        for c in s.levels:
            pieces.append(np.column_stack([np.sqrt(2 * c / s.mu) * np.cos(t),
                                           np.sqrt(2 * c / s.L) * np.sin(t)]))
            pieces.append([[np.nan, np.nan]])
        pts = np.vstack(pieces)
        self.ellipses.set_data(pts[:, 0], pts[:, 1])
        self.start.set_data([s.start[0]], [s.start[1]])
        half_x, half_y = self.window(s)
        self.ax.set_xlim(-half_x, half_x)
        self.ax.set_ylim(-half_y, half_y)
        self.half_x = half_x

    def _update(self):
        lr, beta = self.lr.value, self.momentum.value
        nesterov, kappa = self.nesterov.value, self.condition.value
        s, run = self.compute(lr, beta, nesterov, kappa)
        if self.surface is None or self.surface.condition != s.condition:
            self._draw_bowl(s)
        self.surface, self.run = s, run
        self.path.set_data(run.path[:, 0], run.path[:, 1])
        kind = self.method()
        with quiet_numpy():
            self.parts = parts = step_parts(s, run.path, lr, beta, kind == "Nesterov", self.SHOWN)
        if parts is None or not np.all(np.isfinite(parts)):
            self.parts = None
            for a in (self.jump, self.kick, self.probe):
                a.set_data([], [])
        else:
            base, jump, probe, end = parts
            self.jump.set_data([base[0], jump[0]], [base[1], jump[1]])
            self.kick.set_data([jump[0], end[0]], [jump[1], end[1]])
            self.probe.set_data([probe[0]], [probe[1]])
        self.loss.set_data(np.arange(len(run.gap)), np.maximum(run.gap, 1e-300))
        self.title.set_text(f"{kind}: η = {lr:.2f}, β = {beta:.2f}")
        self.xlabel.set_text(f"x (flat), to scale: window |x| ≤ {self.half_x:.0f}")
        self.loss_title.set_text(short_outcome(run))
        limit = heavy_ball_limit(beta, s.L, kind == "Nesterov")
        rate = rate_of(lr, beta, [s.mu, s.L], kind == "Nesterov")
        where = {"heavy ball": " (2(1 + β)/L).", "plain GD": " (2/L).",
                 "Nesterov": " (2(1 + β)/((1 + 2β)L))."}[kind]
        self.status.value = (
            f"<span class='momentum-readout'><b>{kind}</b>: η = {lr:.2f}, β = {beta:.2f}, "
            f"κ = {kappa}</span> → <b>{html.escape(run.describe())}</b>. "
            f"Theory: rate {rate:.3f} per step; stable for η &lt; {limit:.2f}{where} "
            f"Step {self.SHOWN}: the dashed part is momentum, the solid part the gradient, "
            + ("taken at the look-ahead point ✕." if kind == "Nesterov" else "taken at ✕.")
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


def momentum_explorer(lr=1.9, momentum=0.0, nesterov=False, condition=KAPPA):
    """Notebook 02: the zigzag, momentum and Nesterov on an ill-conditioned bowl."""
    return MomentumExplorer(lr, momentum, nesterov, condition)


# -- which (η, β) converge, and how fast ----------------------------------------------------------
@dataclass
class ConvergenceMap:
    """For momentum momenta[i] and learning rate lrs[j]: steps[i, j], the step at which the run
    reached f − f* ≤ tol (np.inf if not within max_steps); rate[i, j], the rate per step measured
    from the run (`momentum_theory.measured_rate`, NaN if it diverged); diverged[i, j]."""

    lrs: np.ndarray
    momenta: np.ndarray
    steps: np.ndarray
    rate: np.ndarray
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

    def best(self):
        """(η, β, rate) of the cell with the smallest measured rate."""
        i, j = np.unravel_index(np.nanargmin(self.rate), self.rate.shape)
        return float(self.lrs[j]), float(self.momenta[i]), float(self.rate[i, j])

    def fastest(self):
        """(η, β, steps) of the cell that reached the tolerance in the fewest steps."""
        i, j = np.unravel_index(np.argmin(self.steps), self.steps.shape)
        return float(self.lrs[j]), float(self.momenta[i]), float(self.steps[i, j])


def convergence_map(condition=KAPPA, lrs=None, momenta=None, max_steps=300, nesterov=False,
                    tol=TOL):
    """Run SGD(lr, momentum) from the bowl's start for every pair on the grid (rows: β)."""
    lrs = np.linspace(0.1, 4.0, 40) if lrs is None else np.asarray(lrs, dtype=float)
    momenta = np.linspace(0.0, 0.95, 20) if momenta is None else np.asarray(momenta, dtype=float)
    s = bowl(condition=condition)
    steps = np.full((len(momenta), len(lrs)), np.inf)
    rate = np.full(steps.shape, np.nan)
    diverged = np.zeros(steps.shape, dtype=bool)
    with quiet_numpy():
        for i, beta in enumerate(momenta):
            for j, lr in enumerate(lrs):
                run = descend(s, make_optimizer(lr, beta, nesterov), s.start, max_steps, tol=tol)
                diverged[i, j] = run.diverged_at is not None or run.gap[-1] > run.gap[0]
                if run.converged_at is not None:
                    steps[i, j] = run.converged_at
                if not diverged[i, j]:
                    rate[i, j] = measured_rate(run.gap)
    return ConvergenceMap(lrs, momenta, steps, rate, diverged, float(condition), max_steps,
                          nesterov)


MAP_LABELS = {"zigzag": (-8, 8, "right"), "η too large": (8, -4, "left"),
              "momentum fixes it": (9, -18, "left"), "momentum rescues η = 2.5": (-8, 10, "right"),
              "too much momentum": (8, -14, "left"), "Nesterov damps it": (-8, -5, "right"),
              "Nesterov's range is narrower": (8, -18, "left")}
"""Offsets in points and alignment of the presets' names on the maps, keeping them apart and
inside the axes."""
MAP_NAMES = {"momentum fixes it": "fixes it (Polyak)", "momentum rescues η = 2.5": "rescues η = 2.5",
             "Nesterov's range is narrower": "η = 1.5"}
"""Shorter names on the map (the buttons' full names are in the widget)."""


class ConvergenceMapFigure(FigureWidget):
    """The map as a picture: colour = the rate per step measured from each run (smaller is
    faster), red = diverged; the theoretical limit of η drawn over it, Polyak's (η, β) and the
    presets marked."""

    def __init__(self, result, presets=PRESETS):
        self.result = r = result
        with course_style():
            fig = new_figure((6.2, 5.0))
            ax = fig.add_subplot()
            dl, db = r.lrs[1] - r.lrs[0], r.momenta[1] - r.momenta[0]
            extent = (r.lrs[0] - dl / 2, r.lrs[-1] + dl / 2, r.momenta[0] - db / 2,
                      r.momenta[-1] + db / 2)
            ax.imshow(np.where(r.diverged, 1.0, np.nan), origin="lower", extent=extent,
                      aspect="auto", cmap="Reds", vmin=0, vmax=1.6)
            low = np.nanmin(r.rate) if np.isfinite(r.rate).any() else 0.0
            im = ax.imshow(r.rate, origin="lower", extent=extent, aspect="auto",
                           cmap="viridis_r", vmin=np.floor(low * 20) / 20, vmax=1.0)
            fig.colorbar(im, ax=ax, label="rate per step (measured)")
            beta = np.linspace(0, r.momenta[-1] + db / 2, 100)
            ax.plot(heavy_ball_limit(beta, 1.0, r.nesterov), beta, color="k", lw=2.5,
                    label="limit η = 2(1 + β)/L" if not r.nesterov
                    else "limit η = 2(1 + β)/((1 + 2β)L)")
            if not r.nesterov:
                best = polyak(1.0, 1.0 / r.condition)
                ax.plot(best.lr, best.momentum, "*", color="white", mec="k", ms=16, ls="none",
                        label=f"Polyak: rate {best.rate:.3f}")
            for name, p in presets.items():
                if p["condition"] == r.condition and bool(p["nesterov"]) == r.nesterov:
                    ax.plot(p["lr"], p["momentum"], "o", mfc="white", mec="k", ms=8)
                    dx, dy, ha = MAP_LABELS.get(name, (8, 5, "left"))
                    ax.annotate(MAP_NAMES.get(name, name), (p["lr"], p["momentum"]),
                                xytext=(dx, dy), ha=ha, textcoords="offset points", fontsize=12,
                                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none",
                                          alpha=0.8))
            ax.set(xlim=extent[:2], ylim=extent[2:], xlabel="learning rate η",
                   ylabel="momentum β",
                   title=f"{'Nesterov' if r.nesterov else 'heavy ball'}, κ = {r.condition:g}, L = 1")
            patches = [Patch(color=plt.get_cmap("Reds")(1 / 1.6), label="diverged")]
            fig.legend(handles=[*ax.get_lines()[:1 if r.nesterov else 2], *patches],
                       loc="outside lower center", ncols=2 if r.nesterov else 3)
        super().__init__(fig, [])
        self.redraw()

    def summary(self):
        r = self.result
        n = r.steps.size
        fastest = f"{int(np.min(r.steps))} steps" if np.isfinite(r.steps).any() else "none"
        best = (f"smallest rate {r.best()[2]:.2f} at η = {r.best()[0]:.1f}, β = {r.best()[1]:.2f}"
                if np.isfinite(r.rate).any() else "no stable cell")
        return (f"ConvergenceMap ({'Nesterov' if r.nesterov else 'heavy ball'}, κ = {r.condition:g}, "
                f"{len(r.momenta)} β × {len(r.lrs)} η): converged {int(np.isfinite(r.steps).sum())}, "
                f"diverged {int(r.diverged.sum())}, not converged in {r.max_steps} steps "
                f"{int(n - np.isfinite(r.steps).sum() - r.diverged.sum())}; fastest {fastest}; "
                f"{best}")


def show_convergence_map(condition=KAPPA, nesterov=False, **kw):
    """Notebook 02: compute the map (about 800 runs) and return it as a figure."""
    return ConvergenceMapFigure(convergence_map(condition, nesterov=nesterov, **kw))
