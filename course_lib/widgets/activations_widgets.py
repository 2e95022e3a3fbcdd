"""Notebook 08: the five hidden activations and their derivatives, and the learning slowdown of a
saturated sigmoid neuron under the quadratic cost (and its cure, the cross-entropy)."""
import html

import ipywidgets as W
import matplotlib.ticker
import numpy as np

from .. import activations as _activations
from .. import costs as _costs
from .._checks import choice, finite_array, positive
from ._base import (FigureWidget, check_arguments, control_row, course_style, new_figure,
                    slider_layout)

FIVE = ("sigmoid", "tanh", "relu", "leaky_relu", "elu")
Z_RANGE = (-5.0, 5.0)


class ActivationExplorer(FigureWidget):
    """Pick an activation and a point z₀: left, σ(z) with its tangent at z₀; right, σ'(z) with
    the slope at z₀ marked, and beside it the central difference (σ(z₀+h) − σ(z₀−h))/2h."""

    def __init__(self, name="sigmoid", z0=1.0):
        self.name_box = W.Dropdown(options=FIVE, value=choice(name, FIVE, "activation"),
                                   description="activation", style={"description_width": "70px"},
                                   layout=W.Layout(width="auto", flex="0 1 230px"))
        self.z0_slider = W.FloatSlider(value=float(z0), min=Z_RANGE[0], max=Z_RANGE[1], step=0.1,
                                       description="z₀", continuous_update=True,
                                       **slider_layout(30))
        check_arguments(z0=(z0, self.z0_slider))
        with course_style():
            fig = new_figure((6.2, 3.9))
            self.ax_f, self.ax_d = fig.subplots(1, 2)
            self.z = np.linspace(*Z_RANGE, 1001)
            (self.curve_f,) = self.ax_f.plot(self.z, self.z, lw=2.5, color="C0")
            (self.tangent,) = self.ax_f.plot([], [], "--", lw=2, color="C3",
                                             label="tangent at z₀")
            (self.dot_f,) = self.ax_f.plot([], [], "o", ms=9, color="C3")
            (self.curve_d,) = self.ax_d.plot(self.z, self.z, lw=2.5, color="C1")
            (self.dot_d,) = self.ax_d.plot([], [], "o", ms=9, color="C3", label="σ'(z₀): its slope")
            for ax, label in ((self.ax_f, "σ(z)"), (self.ax_d, "σ'(z)")):
                ax.set_xlabel("z")
                ax.set_ylabel(label)
                # ticks at 1, 2 or 5 × 10ᵏ, laid out once for the widest labels (−1.0)
                ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5, steps=[1, 2, 5, 10]))
                ax.set_ylim(-1.05, 1.05)
                ax.axhline(0, color="0.7", lw=1.5)
                ax.axvline(0, color="0.7", lw=1.5)
                ax.grid(alpha=0.3)
            fig.legend(handles=[self.tangent, self.dot_d], loc="outside lower center", ncols=2)
            self.title_f = self.ax_f.set_title("leaky_relu: σ(z)")
            self.title_d = self.ax_d.set_title("leaky_relu: σ'(z)")
        super().__init__(fig, [control_row(self.name_box, self.z0_slider)])
        self.watch(self.name_box)
        self.watch(self.z0_slider)
        self.update()

    def state(self):
        """(name, z0, σ(z0), σ'(z0), central difference at z0 with h = 1e-5)."""
        act = _activations.get(self.name_box.value)
        z0 = float(self.z0_slider.value)
        h = 1e-5
        numeric = float((act(np.array(z0 + h)) - act(np.array(z0 - h))) / (2 * h))
        return self.name_box.value, z0, float(act(np.array(z0))), float(act.prime(np.array(z0))), numeric

    def _update(self):
        act = _activations.get(self.name_box.value)
        name, z0, f0, d0, numeric = self.state()
        f, d = act(self.z), act.prime(self.z)
        self.curve_f.set_ydata(f)
        self.curve_d.set_ydata(d)
        half = 1.5
        self.tangent.set_data([z0 - half, z0 + half], [f0 - half * d0, f0 + half * d0])
        self.dot_f.set_data([z0], [f0])
        self.dot_d.set_data([z0], [d0])
        pad_f = 0.1 * (f.max() - f.min())
        self.ax_f.set_ylim(f.min() - pad_f, f.max() + pad_f)
        self.ax_d.set_ylim(min(d.min(), 0.0) - 0.1, d.max() + 0.15)
        self.title_f.set_text(f"{name}: σ(z)")
        self.title_d.set_text(f"{name}: σ'(z)")
        self.status.value = f"<tt>{html.escape(self.summary())}</tt>"
        self.redraw()

    def summary(self):
        name, z0, f0, d0, numeric = self.state()
        return (f"{name} at z0 = {z0:.2f}: sigma = {f0:.4f}, sigma' = {d0:.4f} "
                f"(central difference {numeric:.4f})")


def activation_explorer(name="sigmoid", z0=1.0):
    """The widget of notebook 08: pick one of the five activations, move z₀."""
    return ActivationExplorer(name, z0)


# -- the learning slowdown --------------------------------------------------------------------

SLOWDOWN_COSTS = ("quadratic", "binary_cross_entropy")


def train_sigmoid_neuron(cost, w, b, x=1.0, y=0.0, lr=0.15, steps=300):
    """Gradient descent on one sigmoid neuron a = σ(w x + b) for one example (x, y).

    cost: "quadratic" (C = (a − y)²/2, δ = (a − y) σ'(z)) or "binary_cross_entropy"
    (C = −[y ln a + (1 − y) ln(1 − a)], δ = a − y); δ comes from course_lib.costs (BP1), then
    ∂C/∂w = δ x, ∂C/∂b = δ (BP3, BP4) and w ← w − η ∂C/∂w, b ← b − η ∂C/∂b.

    Returns a dict of arrays of length steps + 1 (index = step): "a" (output), "cost",
    "grad_w" (∂C/∂w), "w", "b".
    """
    c = _costs.get(choice(cost, SLOWDOWN_COSTS, "cost"))
    w, b, x, y = (float(finite_array(v, n)) for v, n in ((w, "w"), (b, "b"), (x, "x"), (y, "y")))
    lr = positive(lr, "learning rate (lr)")
    steps = int(steps)
    if steps < 1:
        raise ValueError(f"Invalid steps: {steps}; expected an integer >= 1")
    sigma = _activations.sigmoid
    out = {k: np.empty(steps + 1) for k in ("a", "cost", "grad_w", "w", "b")}
    Y = np.array([[y]])
    for t in range(steps + 1):
        z = np.array([[w * x + b]])
        a = sigma(z)
        delta = float(c.output_error(z, a, Y, sigma)[0, 0])                  # BP1
        out["a"][t], out["cost"][t] = float(a[0, 0]), c.value(a, Y, z)
        out["grad_w"][t], out["w"][t], out["b"][t] = delta * x, w, b
        if t < steps:
            w, b = w - lr * delta * x, b - lr * delta                         # BP4, BP3
    return out


def steps_to_reach(outputs, y, tol):
    """The first step t with |a_t − y| < tol, or None if the run never gets there."""
    hits = np.flatnonzero(np.abs(np.asarray(outputs) - y) < tol)
    return int(hits[0]) if hits.size else None


SLOWDOWN_PRESETS = {
    "saturated start (w = b = 2)": (2.0, 2.0),
    "unsaturated start (w = 0.6, b = 0.9)": (0.6, 0.9),
}


class SlowdownRace(FigureWidget):
    """One sigmoid neuron, input x = 1, target y = 0, trained twice from the same start: with the
    quadratic cost and with the cross-entropy. Left: the output a against the step; right:
    |∂C/∂w|, which for the quadratic cost carries the factor σ'(z) that vanishes when the
    neuron is saturated."""

    STEPS = 500
    TOL = 0.1

    def __init__(self, w0=2.0, b0=2.0, lr=0.15):
        self.w_slider = W.FloatSlider(value=w0, min=-3.0, max=3.0, step=0.1, description="w₀",
                                      **slider_layout(30))
        self.b_slider = W.FloatSlider(value=b0, min=-3.0, max=3.0, step=0.1, description="b₀",
                                      **slider_layout(30))
        self.lr_slider = W.FloatSlider(value=lr, min=0.01, max=1.0, step=0.01, description="η",
                                       **slider_layout(30))
        check_arguments(w0=(w0, self.w_slider), b0=(b0, self.b_slider), lr=(lr, self.lr_slider))
        self.preset = W.Dropdown(options=["(custom)", *SLOWDOWN_PRESETS], value="(custom)",
                                 description="preset", style={"description_width": "50px"},
                                 layout=W.Layout(width="auto", flex="0 1 340px"))
        with course_style():
            fig = new_figure((6.2, 3.8))
            self.ax_a, self.ax_g = fig.subplots(1, 2)
            t = np.arange(self.STEPS + 1)
            self.lines = {}
            for cost, color, label in (("quadratic", "C0", "quadratic cost"),
                                       ("binary_cross_entropy", "C1", "cross-entropy")):
                (la,) = self.ax_a.plot(t, t * 0.0, lw=2.5, color=color, label=label)
                (lg,) = self.ax_g.plot(t, t * 0.0 + 1.0, lw=2.5, color=color, label=label)
                self.lines[cost] = (la, lg)
            self.ax_a.axhline(self.TOL, ls=":", color="0.4", lw=2, label=f"a = {self.TOL}")
            self.ax_a.set(xlim=(0, self.STEPS), ylim=(-0.02, 1.02), ylabel="output a",
                          title="output (target y = 0)")
            self.ax_g.set(xlim=(0, self.STEPS), yscale="log", ylim=(1e-4, 2.0), ylabel="|∂C/∂w|",
                          title="size of the gradient")
            for ax in (self.ax_a, self.ax_g):
                ax.set_xlabel("step")
                ax.grid(alpha=0.3)
            fig.legend(handles=self.ax_a.get_lines(), loc="outside lower center", ncols=3)
        controls = [control_row(self.preset),
                    control_row(self.w_slider, self.b_slider, self.lr_slider)]
        super().__init__(fig, controls)
        for s in (self.w_slider, self.b_slider, self.lr_slider):
            self.watch(s)
        # the menu shows the preset applied until a slider moves, then "(custom)" again: any
        # preset can be chosen again after a slider moved
        self.preset_menu(self.preset, self.apply)
        self.update()

    def apply(self, name):
        """Set w₀ and b₀ to a named preset (a key of SLOWDOWN_PRESETS), then train once."""
        w0, b0 = SLOWDOWN_PRESETS[name]
        with self.hold():
            self.w_slider.value, self.b_slider.value = w0, b0

    def runs(self):
        """{cost: train_sigmoid_neuron(...)} for the current sliders."""
        return {cost: train_sigmoid_neuron(cost, self.w_slider.value, self.b_slider.value,
                                           lr=self.lr_slider.value, steps=self.STEPS)
                for cost in SLOWDOWN_COSTS}

    def _update(self):
        runs = self.runs()
        for cost, (la, lg) in self.lines.items():
            la.set_ydata(runs[cost]["a"])
            lg.set_ydata(np.maximum(np.abs(runs[cost]["grad_w"]), 1e-12))
        self.status.value = f"<tt>{html.escape(self.summary(runs))}</tt>"
        self.redraw()

    def summary(self, runs=None):
        runs = self.runs() if runs is None else runs

        def reach(cost):
            t = steps_to_reach(runs[cost]["a"], 0.0, self.TOL)
            return f"step {t}" if t is not None else f"not within {self.STEPS} steps"

        return (f"w0 = {self.w_slider.value:.1f}, b0 = {self.b_slider.value:.1f}, "
                f"lr = {self.lr_slider.value:.2f}, start a = {runs['quadratic']['a'][0]:.3f}; "
                f"a < {self.TOL}: quadratic {reach('quadratic')}, "
                f"cross-entropy {reach('binary_cross_entropy')}")


def slowdown_race(w0=2.0, b0=2.0, lr=0.15):
    """The widget of notebook 08: quadratic vs cross-entropy cost from the same start."""
    return SlowdownRace(w0, b0, lr)
