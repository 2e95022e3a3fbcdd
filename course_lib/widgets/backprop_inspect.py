"""Widgets of notebooks 05–07: a single neuron, a computational graph, the δ inspector and the
saturation slider.

Each builds its artists once; moving a control recomputes with course_lib and updates the
artists in place (set_data, set_height, set_text), then redraws.
"""
import html
import math

import ipywidgets as W
import numpy as np
from matplotlib import patheffects

from .. import activations
from .. import graph as _graph
from .._checks import choice
from ..gradcheck import format_error
from ..inspector import SATURATED, inspect_layers, saturation, saturation_data, toy_problem
from ._base import (FigureWidget, control_row, course_style, new_figure, quiet_numpy,
                    slider_layout, check_arguments)

_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
TOL = 1e-7  # a correct float64 gradient agrees with central differences far below this


def _sup(l):
    return str(l).translate(_SUP)


# -- notebook 05: one neuron ---------------------------------------------------------------------
class NeuronExplorer(FigureWidget):
    """y = σ(w₁x₁ + w₂x₂ + b) over the input plane, with the line wᵀx + b = 0 where y = ½ and the
    weight vector w, which is perpendicular to that line and points to where y grows."""

    LIM = 3.0

    def __init__(self, w1=1.0, w2=0.5, b=0.0, activation="sigmoid"):
        slider = dict(min=-4.0, max=4.0, step=0.1, continuous_update=True, readout_format=".1f")
        self.w1 = W.FloatSlider(value=w1, description="w₁", **slider, **slider_layout(30))
        self.w2 = W.FloatSlider(value=w2, description="w₂", **slider, **slider_layout(30))
        self.b = W.FloatSlider(value=b, description="b", **slider, **slider_layout(30))
        check_arguments(w1=(w1, self.w1), w2=(w2, self.w2), b=(b, self.b))
        self.activation = W.Dropdown(options=["sigmoid", "tanh", "relu"], value=activation,
                                     description="f", style={"description_width": "30px"},
                                     layout=W.Layout(width="auto", flex="1 1 200px",
                                                     max_width="286px"))
        with course_style():
            fig = new_figure((5.0, 4.4))
            ax = fig.add_subplot()
            grid = np.linspace(-self.LIM, self.LIM, 121)
            self.x1, self.x2 = np.meshgrid(grid, grid)
            # the layout is made once: with tanh's range (the widest colour-bar labels, −1.0)
            self.image = ax.imshow(np.zeros_like(self.x1), origin="lower", cmap="viridis",
                                   extent=(-self.LIM, self.LIM, -self.LIM, self.LIM), vmin=-1,
                                   vmax=1)
            self.colorbar = fig.colorbar(self.image, ax=ax, label="output y", shrink=0.9)
            outline = [patheffects.withStroke(linewidth=4.5, foreground="black")]
            (self.boundary,) = ax.plot([], [], color="white", lw=2.5, label="wᵀx + b = 0",
                                       path_effects=outline)
            self.arrow = ax.annotate("", xy=(1, 0), xytext=(0, 0),
                                     arrowprops=dict(arrowstyle="-|>", color="red", lw=2.5))
            ax.plot([], [], color="red", lw=2.5, label="w")
            ax.set(xlim=(-self.LIM, self.LIM), ylim=(-self.LIM, self.LIM), xlabel="input x₁",
                   ylabel="input x₂", aspect="equal")
            fig.legend(loc="outside lower center", ncols=2)
            self.title = ax.set_title("y = sigmoid(−4.0·x₁ + −4.0·x₂ + −4.0)")
        self.ax = ax
        super().__init__(fig, [control_row(self.w1, self.w2),
                               control_row(self.b, self.activation)])
        self.box.add_class("neuron-explorer")
        for c in (self.w1, self.w2, self.b, self.activation):
            self.watch(c)
        self.update()

    def output(self):
        """y on the grid, shape (121, 121)."""
        f = activations.get(self.activation.value)
        return f(self.w1.value * self.x1 + self.w2.value * self.x2 + self.b.value)

    def _update(self):
        w1, w2, b = self.w1.value, self.w2.value, self.b.value
        y = self.output()
        lo, hi = (0.0, 1.0) if self.activation.value == "sigmoid" else \
            (-1.0, 1.0) if self.activation.value == "tanh" else (0.0, max(float(y.max()), 1e-9))
        self.image.set_data(y)
        self.image.set_clim(lo, hi)
        # the line w1 x1 + w2 x2 + b = 0, drawn through the visible square
        t = np.linspace(-3 * self.LIM, 3 * self.LIM, 2)
        norm2 = w1 * w1 + w2 * w2
        if norm2 > 0:
            p0 = np.array([w1, w2]) * (-b / norm2)            # the point of the line nearest 0
            self.boundary.set_data(p0[0] - w2 * t, p0[1] + w1 * t)
        else:
            self.boundary.set_data([], [])
        self.arrow.xy = (w1, w2)
        self.title.set_text(f"y = {self.activation.value}({w1:.1f}·x₁ + {w2:.1f}·x₂ + {b:.1f})")
        self.status.value = f"<span class='neuron-status'>{html.escape(self.summary())}</span>"
        self.redraw()

    def summary(self):
        f = activations.get(self.activation.value)
        y0 = float(f(np.array(self.b.value)))
        return (f"w = ({self.w1.value:.1f}, {self.w2.value:.1f}), b = {self.b.value:.1f}, "
                f"f = {self.activation.value}: at x = (0, 0) the output is f(b) = {y0:.3f}")


def neuron_explorer(w1=1.0, w2=0.5, b=0.0, activation="sigmoid"):
    """The single-neuron widget of notebook 05."""
    return NeuronExplorer(w1, w2, b, activation)


# -- notebook 06: a computational graph --------------------------------------------------------
# name → (column, row) of every node drawn. The graphs are too long for one row at the
# course's figure width, so they turn: the forward pass runs right along the top and comes back
# left along the bottom, to the cost C. The shared graph leaves out its targets y₁ and y₂ (data,
# not parameters: their edges always carry −1); the status line gives their values.
_NEURON_POS = {"w": (0, 2.5), "x": (0, 1.5), "w·x": (1, 2.0), "b": (1, 1.0), "z": (2, 2.0),
               "a": (3, 2.0), "y": (3.9, 0.9), "a−y": (3, 0.0), "(a−y)²": (2.15, 0.0), "C": (1.3, 0.0)}
_SHARED_POS = {"w": (0, 4.5), "x": (0, 3.5), "w·x": (1.2, 4.0), "b": (1.2, 3.0), "z": (2.25, 4.0),
               "h": (3.15, 4.0), "v1": (2.6, 5.15), "v2": (2.6, 2.9), "u₁": (4.3, 4.5),
               "u₂": (4.3, 3.5), "a₁": (5.3, 4.5), "a₂": (4.3, 2.0), "a₂−y₂": (3.15, 1.0),
               "(a₂−y₂)²": (2.05, 1.0), "C₂": (0.85, 1.0), "a₁−y₁": (5.3, 0.0),
               "(a₁−y₁)²": (4.15, 0.0), "C₁": (3.05, 0.0), "C": (2.05, 0.0)}
NUDGE = {("h", "u₁"): 0.1, ("h", "u₂"): 0.1}
"""(parent, child): how far above the middle of its arrow an edge's number goes (rows)."""
KEY = "red: ∂C/∂node\nblue: ∂child/∂parent"
GRAPHS = {
    "neuron": (_graph.neuron_cost, {"w": 0.6, "x": 1.5, "b": -0.4, "y": 1.0}, ("w", "b", "x"),
               _NEURON_POS),
    "shared": (_graph.shared_hidden,
               {"w": 0.8, "x": 1.0, "b": 0.1, "v1": 1.5, "v2": -2.0, "y1": 1.0, "y2": 0.0},
               ("w", "v1", "v2"), _SHARED_POS),
}


def _drawn(out, pos):
    """The nodes of the graph of `out` that are drawn (those in `pos`: not the constants),
    inputs first."""
    return [n for n in _graph.topological_order(out) if n.op != "const" and n.name in pos]


class GraphExplorer(FigureWidget):
    """A scalar computational graph: each box shows a node and its value; below it in red the
    upstream gradient ∂C/∂node; each arrow carries its local derivative ∂child/∂parent (blue).
    Sliders move some inputs; every number is recomputed by `graph.backward`."""

    def __init__(self, example="neuron"):
        self.build, self.inputs, names, pos = GRAPHS[choice(example, GRAPHS, "example")]
        self.example = example
        self.sliders = {k: W.FloatSlider(value=self.inputs[k], min=-3.0, max=3.0, step=0.1,
                                         description=k, continuous_update=True,
                                         readout_format=".1f", **slider_layout(30))
                        for k in names}
        out, _, _ = _graph.gradients(self.build, self.inputs)
        self.pos = pos
        order = _drawn(out, pos)
        cols = [pos[n.name][0] for n in order]
        rows = [pos[n.name][1] for n in order]
        height = 0.66 * (max(rows) - min(rows)) + 1.05
        with course_style():
            fig = new_figure((6.2, height), layout=None)
            ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
            ax.set_axis_off()
            ax.set(xlim=(-0.55, max(cols) + 0.55), ylim=(min(rows) - 0.62, max(rows) + 0.45))
            self.value_text, self.grad_text, self.edge_text = [], [], []
            box = dict(boxstyle="round,pad=0.25", fc="#f4f4f4", ec="0.3", lw=1.2)
            for node in order:
                c, r = pos[node.name]
                self.value_text.append(ax.text(c, r, "", ha="center", va="center", fontsize=12,
                                               zorder=3, linespacing=1.1, bbox=box))
                self.grad_text.append(ax.text(c, r - 0.34, "", ha="center", va="top",
                                              fontsize=12, color="tab:red", zorder=3))
            index = {node.name: i for i, node in enumerate(order)}
            for i, node in enumerate(order):
                c, r = pos[node.name]
                for k, p in enumerate(node.parents):
                    if p.name not in pos:
                        continue
                    pc, pr = pos[p.name]
                    # from box to box, whatever their sizes (the boxes grow with the numbers)
                    child, parent = self.value_text[i], self.value_text[index[p.name]]
                    ax.annotate("", xy=(0.5, 0.5), xycoords=child, xytext=(0.5, 0.5),
                                textcoords=parent, zorder=3,
                                arrowprops=dict(arrowstyle="-|>", color="0.55", lw=1.5,
                                                patchA=parent.get_bbox_patch(),
                                                patchB=child.get_bbox_patch(),
                                                shrinkA=2, shrinkB=2))
                    # the gap between two boxes is too short for the number: above a level
                    # arrow, beside an upright one, on the middle of a slanted one
                    level, upright = r == pr, c == pc
                    t = ax.text(c + 0.07 if upright else (c + pc) / 2,
                                r + 0.3 if level else (r + pr) / 2 + NUDGE.get((p.name, node.name), 0),
                                "", color="tab:blue",
                                fontsize=12, ha="left" if upright else "center",
                                va="bottom" if level else "center", zorder=4,
                                bbox=dict(boxstyle="square,pad=0.05", fc="white", ec="none"))
                    self.edge_text.append((i, k, t))
            ax.text(-0.45, min(rows), KEY, ha="left",
                    va="center", fontsize=12, color="0.25", linespacing=1.3)
        super().__init__(fig, [control_row(*self.sliders.values())])
        self.box.add_class("graph-explorer")
        for s in self.sliders.values():
            self.watch(s)
        self.update()

    def values(self):
        return {**self.inputs, **{k: s.value for k, s in self.sliders.items()}}

    def _update(self):
        out, self.grads, _ = _graph.gradients(self.build, self.values())
        order = _drawn(out, self.pos)
        for node, vt, gt in zip(order, self.value_text, self.grad_text):
            vt.set_text(f"{node.name}\n{node.value:.3g}")
            gt.set_text(f"{node.grad:.3g}")
        for i, k, t in self.edge_text:
            t.set_text(f"{order[i].local[k]:.3g}")
        self.out = out
        hidden = [k for k in self.inputs if k not in self.pos]    # (targets not drawn)
        given = "" if not hidden else " (not drawn: " + ", ".join(
            f"{k} = {self.inputs[k]:g}" for k in hidden) + ")"
        self.status.value = (f"<span class='graph-status'>{html.escape(self.summary())}"
                             f"{html.escape(given)}</span>")
        self.redraw()

    def summary(self):
        grads = ", ".join(f"∂C/∂{k} = {v:.4g}" for k, v in self.grads.items()
                          if k in self.sliders or k == "b")
        return f"C = {self.out.value:.4g}; {grads}"


def graph_explorer(example="neuron"):
    """The computational-graph widget of notebook 06: example "neuron" or "shared"."""
    return GraphExplorer(example)


# -- notebook 07: the δ inspector -----------------------------------------------------------------
def _nice_limit(values):
    """A symmetric colour limit: max |value| rounded up to one significant digit (> 0)."""
    top = max(float(np.abs(values).max()), 1e-12)
    e = math.floor(math.log10(top))
    return math.ceil(top / 10.0 ** e * (1 - 1e-12)) * 10.0 ** e


def _short(v):
    return "0" if v == 0 else f"{v:.1g}".replace("-", "−")


class DeltaInspector(FigureWidget):
    """Per layer l: δˡ (neurons × examples), ∂C/∂bˡ (bars: BP3; crosses: finite differences) and
    ∂C/∂Wˡ (each image with its colour bar); the status line gives each relative error against
    central differences."""

    def __init__(self, seed=0, activation="sigmoid"):
        self.seed = W.IntSlider(value=seed, min=0, max=20, description="seed",
                                continuous_update=False, **slider_layout(40))
        check_arguments(seed=(seed, self.seed))
        self.activation = W.Dropdown(options=["sigmoid", "tanh", "elu"], value=activation,
                                     description="σ", style={"description_width": "20px"},
                                     layout=W.Layout(width="auto", flex="0 1 160px"))
        net, X, y = toy_problem(seed, activation)
        self.L = net.L
        with course_style():
            fig = new_figure((6.2, 4.1))
            axes = fig.subplots(3, self.L, squeeze=False)
            self.delta_im, self.W_im, self.bars, self.marks, self.colorbars = [], [], [], [], []
            for i in range(self.L):
                l, n_out, n_in = i + 1, net.sizes[i + 1], net.sizes[i]
                ends = [0, n_out - 1]          # (a tick per neuron would not fit: the ends)
                ax = axes[0, i]
                im = ax.imshow(np.zeros((n_out, X.shape[1])), cmap="RdBu_r", aspect="auto",
                               vmin=-1, vmax=1)
                self.delta_im.append(im)
                ax.set(xticks=[0, X.shape[1] - 1], yticks=ends, title=f"δ{_sup(l)}")
                ax = axes[1, i]
                self.bars.append(ax.bar(np.arange(n_out), np.zeros(n_out), color="tab:blue",
                                        label="BP3"))
                (mark,) = ax.plot(np.arange(n_out), np.zeros(n_out), "kx", ms=10, mew=2,
                                  label="finite differences")
                self.marks.append(mark)
                ax.axhline(0, color="grey", lw=1.5)
                ax.set(xticks=[0, n_out - 1], yticks=[], title=f"∂C/∂b{_sup(l)}")
                ax = axes[2, i]
                im = ax.imshow(np.zeros((n_out, n_in)), cmap="RdBu_r", aspect="auto", vmin=-1,
                               vmax=1)
                self.W_im.append(im)
                ax.set(xticks=[0, n_in - 1], yticks=ends, title=f"∂C/∂W{_sup(l)}")
                for row in range(3):
                    axes[row, i].tick_params(length=2, pad=1)
                for ax, im in ((axes[0, i], self.delta_im[i]), (axes[2, i], self.W_im[i])):
                    cb = fig.colorbar(im, ax=ax, fraction=0.12, pad=0.03, aspect=12)
                    cb.ax.tick_params(length=2, pad=1)
                    cb.set_ticks([-0.09, 0, 0.09], labels=["−0.09", "0", "0.09"])
                    self.colorbars.append(cb)
            axes[0, 0].set(xlabel="example x", ylabel="neuron j")
            axes[1, 0].set(xlabel="neuron j", ylabel="∂C/∂bⱼ")
            axes[2, 0].set(xlabel="input k", ylabel="neuron j")
            fig.legend(handles=[self.bars[0], self.marks[0]], loc="outside lower center",
                       ncols=2)
        self.axes = axes
        super().__init__(fig, [control_row(self.seed, self.activation)])
        self.box.add_class("delta-inspector")
        self.status.add_class("delta-inspector-status")
        self.watch(self.seed)
        self.watch(self.activation)
        self.update()

    def compute(self):
        net, X, y = toy_problem(self.seed.value, self.activation.value)
        return inspect_layers(net, X, y)

    def _update(self):
        self.reports = reports = self.compute()
        for i, r in enumerate(reports):
            for k, (im, data) in enumerate(((self.delta_im[i], r.delta),
                                            (self.W_im[i], r.grad_W))):
                lim = _nice_limit(data)
                im.set_data(data)
                im.set_clim(-lim, lim)
                self.colorbars[2 * i + k].set_ticks([-lim, 0, lim],
                                                    labels=[_short(-lim), "0", _short(lim)])
            for bar, h in zip(self.bars[i], r.grad_b.ravel()):
                bar.set_height(h)
            self.marks[i].set_ydata(r.grad_b_numeric.ravel())
            lim = 1.15 * max(float(np.abs(r.grad_b).max()), 1e-12)
            self.axes[1, i].set_ylim(-lim, lim)
        rows = "".join(
            f"<tr><td>layer {r.layer}</td>"
            + "".join(f"<td>{format_error(r.errors[q])}</td>" for q in ("delta", "b", "W"))
            + "</tr>" for r in reports)
        self.status.value = (
            "<table class='delta-inspector-table'><tr><th>relative error</th><th>δˡ</th>"
            f"<th>∂C/∂bˡ</th><th>∂C/∂Wˡ</th></tr>{rows}</table>"
            f"<span class='delta-inspector-verdict'>{html.escape(self.verdict())}</span>")
        self.redraw()

    def worst(self):
        """The largest relative error over every layer and every quantity."""
        return max(max(r.errors.values()) for r in self.reports)

    def verdict(self):
        ok = self.worst() < TOL
        return (f"{'PASS' if ok else 'FAIL'}: every δˡ, ∂C/∂bˡ, ∂C/∂Wˡ "
                f"{'agrees' if ok else 'does not agree'} with finite differences "
                f"(relative error {'<' if ok else '≥'} {TOL:.0e})")

    def summary(self):
        norms = ", ".join(f"‖δ{_sup(r.layer)}‖ = {np.linalg.norm(r.delta):.3g}"
                          for r in self.reports)
        return f"seed {self.seed.value}, {self.activation.value}: {norms}. {self.verdict()}"


def delta_inspector(seed=0, activation="sigmoid"):
    """The δ inspector of notebook 07."""
    return DeltaInspector(seed, activation)


# -- notebook 07: saturation ----------------------------------------------------------------------
class SaturationExplorer(FigureWidget):
    """A weight-scale slider for a deep network (64 inputs, nine hidden layers of 32, 10 outputs:
    10 layers) on 200 digits. Top: per hidden layer, the distribution of σ'(z) ÷ max σ' (how much
    of its error each unit passes back), as a heat map. Bottom: per layer, the spread of the
    forward signal (std of zˡ), of the backward one (rms of δˡ) and ‖∂C/∂Wˡ‖, on a log axis
    that follows the numbers."""

    BINS = np.linspace(0.0, 1.0, 21)    # σ'(z) / max σ'
    FLOOR = 1e-30
    PRIME_MAX = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}

    def __init__(self, scale=1.0, activation="sigmoid"):
        self.scale = W.FloatLogSlider(value=scale, base=2, min=-3, max=5, step=0.5,
                                      description="weight scale", readout_format=".3g",
                                      continuous_update=False, **slider_layout(95))
        self.scale.add_class("saturation-scale")
        check_arguments(scale=(scale, self.scale))
        self.activation = W.Dropdown(options=["sigmoid", "tanh", "relu"], value=activation,
                                     description="σ", style={"description_width": "20px"},
                                     layout=W.Layout(width="auto", flex="0 1 160px"))
        self.data = saturation_data()
        first = saturation(scale, activation, self.data)
        n_hidden, L = len(first.sigma_prime), len(first.grad_norms)
        with course_style():
            fig = new_figure((6.2, 4.5))
            ax_h, ax_g = fig.subplots(2, 1, height_ratios=[1.0, 1.15])
            self.heat = ax_h.imshow(np.zeros((n_hidden, len(self.BINS) - 1)), cmap="viridis",
                                    vmin=0, vmax=1, aspect="auto", origin="lower",
                                    extent=(0, 1, 0.5, n_hidden + 0.5))
            self.colorbar = fig.colorbar(self.heat, ax=ax_h, pad=0.02, aspect=10,
                                         label="fraction")
            ax_h.set(yticks=[1, n_hidden // 2 + 1, n_hidden], ylabel="hidden layer",
                     xlabel="σ'(z) ÷ max σ'   (0: saturated or off)")
            layers = np.arange(1, L + 1)
            (self.z_line,) = ax_g.semilogy(layers, np.ones(L), color="C1", lw=2.5, marker="^",
                                           ms=8, label="std of zˡ")
            (self.delta_line,) = ax_g.semilogy(layers, np.ones(L), color="C0", lw=2.5,
                                               marker="s", ms=7, label="rms of δˡ")
            (self.norm_line,) = ax_g.semilogy(layers, np.ones(L), color="C3", lw=2, ls="--",
                                              marker="o", ms=7, label="‖∂C/∂Wˡ‖")
            ax_g.set(xlim=(0.6, L + 0.4), ylim=(1e-20, 1e20), xticks=layers, xlabel="layer l")
            ax_g.grid(True, which="major", alpha=0.3)
            ax_g.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, handlelength=1.2,
                        frameon=False)
        self.ax_h, self.ax_g = ax_h, ax_g
        super().__init__(fig, [control_row(self.scale, self.activation)])
        self.box.add_class("saturation-widget")
        self.status.add_class("saturation-status")
        self.watch(self.scale)
        self.watch(self.activation)
        self.update()

    def histograms(self, result):
        """(hidden layers, bins): the fraction of each layer's σ'(z) ÷ max σ' in each bin."""
        top = self.PRIME_MAX[result.activation]
        rows = []
        for sp in result.sigma_prime:
            counts, _ = np.histogram(np.clip(sp / top, 0.0, 1.0), self.BINS)
            rows.append(counts / sp.size)
        return np.array(rows)

    def _update(self):
        act = self.activation.value
        with quiet_numpy():
            self.result = r = saturation(self.scale.value, act, self.data)
        self.heat.set_data(self.histograms(r))
        lines = ((self.z_line, r.z_std), (self.delta_line, r.delta_rms),
                 (self.norm_line, r.grad_norms))
        shown = []
        for line, values in lines:
            y = np.clip(values, self.FLOOR, 1 / self.FLOOR)
            line.set_ydata(y)
            shown.append(y)
        lo, hi = np.log10(np.min(shown)), np.log10(np.max(shown))
        lo, hi = math.floor(lo - 0.3), math.ceil(hi + 0.3)
        if hi - lo < 3:                      # at least three decades
            lo, hi = lo - (3 - (hi - lo)) // 2 - 1, hi + 1
        self.ax_g.set_ylim(10.0 ** lo, 10.0 ** hi)
        self.status.value = f"<span class='saturation-text'>{html.escape(self.summary())}</span>"
        self.redraw()

    def summary(self):
        return status_text(self.result)


def status_text(result):
    """The status line of the saturation widget for a `Saturation` result (also used by tests)."""
    L = len(result.grad_norms)
    return (f"{result.activation}, weight scale {result.scale:.3g}: "
            f"std of z¹ = {result.z_std[0]:.1e}, of z{_sup(L - 1)} = {result.z_std[-2]:.1e}; "
            f"rms of δ¹ = {result.delta_rms[0]:.1e}, of δ{_sup(L)} = {result.delta_rms[-1]:.1e}; "
            f"‖∂C/∂W¹‖ = {result.grad_norms[0]:.1e}, ‖∂C/∂W{_sup(L)}‖ = "
            f"{result.grad_norms[-1]:.1e}; saturated (σ' < {SATURATED:g}) per hidden layer: "
            + " ".join(f"{f:.0%}" for f in result.saturated))


def saturation_explorer(scale=1.0, activation="sigmoid"):
    """The saturation slider of notebook 07."""
    return SaturationExplorer(scale, activation)
