"""Widgets of notebooks 04–06: a single neuron, a computational graph, the δ inspector and the
saturation slider.

Each builds its artists once; moving a control recomputes with course_lib and updates the
artists in place (set_data, set_height, set_text), then redraws.
"""
import html

import ipywidgets as W
import numpy as np

from .. import activations
from .. import graph as _graph
from .._checks import choice
from ..inspector import SATURATED, inspect_layers, saturation, saturation_data, toy_problem
from ._base import FigureWidget, new_figure, quiet_numpy

_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
TOL = 1e-7  # a correct float64 gradient agrees with central differences far below this


def _sup(l):
    return str(l).translate(_SUP)


# -- notebook 04: one neuron ---------------------------------------------------------------------
class NeuronExplorer(FigureWidget):
    """y = σ(w₁x₁ + w₂x₂ + b) over the input plane, with the line wᵀx + b = 0 where y = ½ and the
    weight vector w, which is perpendicular to that line and points to where y grows."""

    LIM = 3.0

    def __init__(self, w1=1.0, w2=0.5, b=0.0, activation="sigmoid"):
        slider = dict(min=-4.0, max=4.0, step=0.1, continuous_update=True, readout_format=".1f")
        self.w1 = W.FloatSlider(value=w1, description="w₁", **slider)
        self.w2 = W.FloatSlider(value=w2, description="w₂", **slider)
        self.b = W.FloatSlider(value=b, description="b", **slider)
        self.activation = W.Dropdown(options=["sigmoid", "tanh", "relu"], value=activation,
                                     description="f")
        fig = new_figure((6.4, 5.2))
        ax = fig.add_subplot()
        grid = np.linspace(-self.LIM, self.LIM, 121)
        self.x1, self.x2 = np.meshgrid(grid, grid)
        self.image = ax.imshow(np.zeros_like(self.x1), origin="lower", cmap="viridis",
                               extent=(-self.LIM, self.LIM, -self.LIM, self.LIM), vmin=0, vmax=1)
        self.colorbar = fig.colorbar(self.image, ax=ax, label="output y")
        (self.boundary,) = ax.plot([], [], color="white", lw=2.5, label="wᵀx + b = 0")
        self.arrow = ax.annotate("", xy=(1, 0), xytext=(0, 0),
                                 arrowprops=dict(arrowstyle="-|>", color="red", lw=2.5))
        ax.plot([], [], color="red", lw=2.5, label="w")
        ax.set(xlim=(-self.LIM, self.LIM), ylim=(-self.LIM, self.LIM), xlabel="input x₁",
               ylabel="input x₂", aspect="equal")
        ax.legend(loc="lower left", framealpha=0.9)
        ax.set_title("y = sigmoid(1.0·x₁ + 1.0·x₂ + 1.0)")
        self.ax = ax
        fig.tight_layout()
        super().__init__(fig, [W.HBox([self.w1, self.w2]), W.HBox([self.b, self.activation])])
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
        self.ax.set_title(f"y = {self.activation.value}({w1:.1f}·x₁ + {w2:.1f}·x₂ + {b:.1f})")
        self.status.value = f"<span class='neuron-status'>{html.escape(self.summary())}</span>"
        self.redraw()

    def summary(self):
        f = activations.get(self.activation.value)
        y0 = float(f(np.array(self.b.value)))
        return (f"w = ({self.w1.value:.1f}, {self.w2.value:.1f}), b = {self.b.value:.1f}, "
                f"f = {self.activation.value}: at x = (0, 0) the output is f(b) = {y0:.3f}")


def neuron_explorer(w1=1.0, w2=0.5, b=0.0, activation="sigmoid"):
    """The single-neuron widget of notebook 04."""
    return NeuronExplorer(w1, w2, b, activation)


# -- notebook 05: a computational graph --------------------------------------------------------
# name → (column, row) of every node, for a drawing that reads left (inputs) to right (cost)
_NEURON_POS = {"w": (0, 0.7), "x": (0, -0.7), "w·x": (1, 0), "b": (1, -1.5), "z": (2, 0),
               "a": (3, 0), "y": (3, -1.5), "a−y": (4, 0), "(a−y)²": (5, 0), "C": (6, 0)}
_SHARED_POS = {"w": (0, 0.7), "x": (0, -0.7), "w·x": (1, 0), "b": (1, -1.5), "z": (2, 0),
               "h": (3, 0), "v1": (3, 1.6), "v2": (3, -1.6), "u₁": (4, 1.1), "u₂": (4, -1.1),
               "a₁": (5, 1.1), "a₂": (5, -1.1), "y1": (5, 2.5), "y2": (5, -2.5),
               "a₁−y₁": (6, 1.1), "a₂−y₂": (6, -1.1), "(a₁−y₁)²": (7, 1.1), "(a₂−y₂)²": (7, -1.1),
               "C₁": (8, 1.1), "C₂": (8, -1.1), "C": (9, 0)}
GRAPHS = {
    "neuron": (_graph.neuron_cost, {"w": 0.6, "x": 1.5, "b": -0.4, "y": 1.0}, ("w", "b", "x"),
               _NEURON_POS),
    "shared": (_graph.shared_hidden,
               {"w": 0.8, "x": 1.0, "b": 0.1, "v1": 1.5, "v2": -2.0, "y1": 1.0, "y2": 0.0},
               ("w", "v1", "v2"), _SHARED_POS),
}


def _drawn(out):
    """The nodes of the graph of `out` that are drawn (constants are not), inputs first."""
    return [n for n in _graph.topological_order(out) if n.op != "const"]


class GraphExplorer(FigureWidget):
    """A scalar computational graph: each box shows a node and its value; below it in red the
    upstream gradient ∂C/∂node; each arrow carries its local derivative ∂child/∂parent (blue).
    Sliders move some inputs; every number is recomputed by `graph.backward`."""

    def __init__(self, example="neuron"):
        self.build, self.inputs, names, pos = GRAPHS[choice(example, GRAPHS, "example")]
        self.example = example
        self.sliders = {k: W.FloatSlider(value=self.inputs[k], min=-3.0, max=3.0, step=0.1,
                                         description=k, continuous_update=True,
                                         readout_format=".1f") for k in names}
        out, _, _ = _graph.gradients(self.build, self.inputs)
        order = _drawn(out)
        cols = [pos[n.name][0] for n in order]
        rows = [pos[n.name][1] for n in order]
        fig = new_figure((1.35 * (max(cols) + 1), 1.15 * (max(rows) - min(rows)) + 1.6))
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.set_axis_off()
        ax.set(xlim=(-0.6, max(cols) + 0.6), ylim=(min(rows) - 0.75, max(rows) + 0.55))
        self.value_text, self.grad_text, self.edge_text = [], [], []
        for i, node in enumerate(order):
            c, r = pos[node.name]
            for k, p in enumerate(node.parents):
                if p.op == "const":
                    continue
                pc, pr = pos[p.name]
                ax.annotate("", xy=(c - 0.36, r), xytext=(pc + 0.36, pr),
                            arrowprops=dict(arrowstyle="-|>", color="0.6", lw=1.2))
                t = ax.text((c + pc) / 2,
                            (r + pr) / 2 + 0.08, "", color="tab:blue", fontsize=10,
                            ha="center", va="bottom",
                            bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.8))
                self.edge_text.append((i, k, t))
            self.value_text.append(ax.text(c, r, "", ha="center", va="center", fontsize=10.5,
                                           bbox=dict(boxstyle="round,pad=0.3", fc="#f4f4f4",
                                                     ec="0.3")))
            self.grad_text.append(ax.text(c, r - 0.36, "", ha="center", va="top", fontsize=10,
                                          color="tab:red"))
        ax.text(0.01, 0.99, "box: node and its value    red: ∂C/∂node (upstream gradient)    "
                "blue: local derivative ∂child/∂parent", transform=ax.transAxes, ha="left",
                va="top", fontsize=10, color="0.25")
        super().__init__(fig, [W.HBox(list(self.sliders.values()))])
        self.box.add_class("graph-explorer")
        for s in self.sliders.values():
            self.watch(s)
        self.update()

    def values(self):
        return {**self.inputs, **{k: s.value for k, s in self.sliders.items()}}

    def _update(self):
        out, self.grads, _ = _graph.gradients(self.build, self.values())
        order = _drawn(out)
        for node, vt, gt in zip(order, self.value_text, self.grad_text):
            vt.set_text(f"{node.name}\n{node.value:.3g}")
            gt.set_text(f"{node.grad:.3g}")
        for i, k, t in self.edge_text:
            t.set_text(f"{order[i].local[k]:.3g}")
        self.out = out
        self.status.value = f"<span class='graph-status'>{html.escape(self.summary())}</span>"
        self.redraw()

    def summary(self):
        grads = ", ".join(f"∂C/∂{k} = {v:.4g}" for k, v in self.grads.items()
                          if k in self.sliders or k == "b")
        return f"C = {self.out.value:.4g}; {grads}"


def graph_explorer(example="neuron"):
    """The computational-graph widget of notebook 05: example "neuron" or "shared"."""
    return GraphExplorer(example)


# -- notebook 06: the δ inspector -----------------------------------------------------------------
class DeltaInspector(FigureWidget):
    """Per layer l: δˡ (neurons × examples), ∂C/∂bˡ (bars: BP3; crosses: finite differences) and
    ∂C/∂Wˡ, each titled with its relative error against central differences."""

    def __init__(self, seed=0, activation="sigmoid"):
        self.seed = W.IntSlider(value=seed, min=0, max=20, description="seed",
                                continuous_update=False)
        self.activation = W.Dropdown(options=["sigmoid", "tanh", "elu"], value=activation,
                                     description="σ")
        net, X, y = toy_problem(seed, activation)
        self.L = net.L
        fig = new_figure((11, 7.6))
        axes = fig.subplots(3, self.L, squeeze=False)
        self.delta_im, self.W_im, self.bars, self.marks = [], [], [], []
        for i in range(self.L):
            l, n_out, n_in = i + 1, net.sizes[i + 1], net.sizes[i]
            ax = axes[0, i]
            self.delta_im.append(ax.imshow(np.zeros((n_out, X.shape[1])), cmap="RdBu_r",
                                           aspect="auto"))
            ax.set(xlabel="example x", ylabel="neuron j", xticks=np.arange(X.shape[1]),
                   yticks=np.arange(n_out))
            ax = axes[1, i]
            self.bars.append(ax.bar(np.arange(n_out), np.zeros(n_out), color="tab:blue",
                                    label="BP3"))
            (mark,) = ax.plot(np.arange(n_out), np.zeros(n_out), "kx", ms=10, mew=2,
                              label="finite differences")
            self.marks.append(mark)
            ax.axhline(0, color="grey", lw=0.8)
            ax.set(xlabel="neuron j", ylabel=f"∂C/∂b{_sup(l)}ⱼ", xticks=np.arange(n_out))
            if i == 0:
                ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
            ax = axes[2, i]
            self.W_im.append(ax.imshow(np.zeros((n_out, n_in)), cmap="RdBu_r", aspect="auto"))
            ax.set(xlabel=f"input k (neuron of layer {l - 1})", ylabel="neuron j",
                   xticks=np.arange(n_in), yticks=np.arange(n_out))
        self.axes = axes
        fig.tight_layout(h_pad=2.5)
        super().__init__(fig, [W.HBox([self.seed, self.activation])])
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
            l, err = r.layer, r.errors
            for im, data in ((self.delta_im[i], r.delta), (self.W_im[i], r.grad_W)):
                lim = max(float(np.abs(data).max()), 1e-12)
                im.set_data(data)
                im.set_clim(-lim, lim)
            self.axes[0, i].set_title(f"δ{_sup(l)}   rel. err {err['delta']:.0e}")
            self.axes[2, i].set_title(f"∂C/∂W{_sup(l)}   rel. err {err['W']:.0e}")
            for bar, h in zip(self.bars[i], r.grad_b.ravel()):
                bar.set_height(h)
            self.marks[i].set_ydata(r.grad_b_numeric.ravel())
            lim = 1.15 * max(float(np.abs(r.grad_b).max()), 1e-12)
            self.axes[1, i].set_ylim(-lim, lim)
            self.axes[1, i].set_title(f"∂C/∂b{_sup(l)}   rel. err {err['b']:.0e}")
        rows = "".join(
            f"<tr><td>{r.layer}</td><td>{np.linalg.norm(r.delta):.3g}</td>"
            + "".join(f"<td>{r.errors[k]:.1e}</td>" for k in ("delta", "b", "W")) + "</tr>"
            for r in reports)
        self.status.value = (
            "<table class='delta-inspector-table'><tr><th>layer l</th><th>‖δˡ‖</th>"
            "<th>rel. err δ</th><th>rel. err ∂C/∂b</th><th>rel. err ∂C/∂W</th></tr>"
            f"{rows}</table><span class='delta-inspector-verdict'>"
            f"{html.escape(self.verdict())}</span>")
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
    """The δ inspector of notebook 06."""
    return DeltaInspector(seed, activation)


# -- notebook 06: saturation ----------------------------------------------------------------------
class SaturationExplorer(FigureWidget):
    """A weight-scale slider for a 64-32-32-32-32-10 network on 200 digits: the distribution of
    σ'(z) in each hidden layer (log scale) and, per layer, ‖∂C/∂Wˡ‖ and the median |δˡ|."""

    BINS = np.linspace(-12, 0.5, 26)    # log10 σ'(z); values below 1e-12 (and 0) land in bin 0
    FLOOR = 1e-18

    def __init__(self, scale=1.0, activation="sigmoid"):
        self.scale = W.FloatLogSlider(value=scale, base=2, min=-3, max=5, step=0.5,
                                      description="weight scale", readout_format=".3g",
                                      continuous_update=False,
                                      style={"description_width": "initial"},
                                      layout=W.Layout(width="460px"))
        self.scale.add_class("saturation-scale")
        self.activation = W.Dropdown(options=["sigmoid", "tanh", "relu"], value=activation,
                                     description="σ")
        self.data = saturation_data()
        first = saturation(scale, activation, self.data)
        n_hidden, L = len(first.sigma_prime), len(first.grad_norms)
        fig = new_figure((12, 4.6))
        ax_h, ax_g = fig.subplots(1, 2)
        colors = [f"C{i}" for i in range(n_hidden)]
        self.stairs = [ax_h.stairs(np.zeros(len(self.BINS) - 1), self.BINS, color=c, lw=2,
                                   label=f"layer {i + 1}") for i, c in enumerate(colors)]
        ax_h.axvline(np.log10(SATURATED), color="grey", ls=":", lw=1.5)
        ax_h.text(np.log10(SATURATED) - 0.2, 0.97, "saturated ←", ha="right", va="top",
                  color="grey", transform=ax_h.get_xaxis_transform())
        ax_h.set(xlim=(self.BINS[0], self.BINS[-1]), ylim=(0, 1.02),
                 xlabel="log₁₀ σ'(z)   (≤ −12 includes σ' = 0)", ylabel="fraction of values",
                 title="σ'(z) in each hidden layer")
        ax_h.legend(loc="upper left")
        layers = np.arange(1, L + 1)
        (self.ref_norm,) = ax_g.semilogy(layers, np.ones(L), color="0.7", lw=1.5, marker="o",
                                         label="‖∂C/∂Wˡ‖ at scale 1")
        (self.norm_line,) = ax_g.semilogy(layers, np.ones(L), color="C3", lw=2.5, marker="o",
                                          ms=8, label="‖∂C/∂Wˡ‖")
        (self.delta_line,) = ax_g.semilogy(layers, np.ones(L), color="C0", lw=2, ls="--",
                                           marker="s", ms=7, label="median |δˡⱼₓ|")
        ax_g.set(xlim=(0.7, L + 0.3), ylim=(self.FLOOR, 1e7), xticks=layers,
                 xlabel="layer l (1 = next to the input)", ylabel="size (log scale)",
                 title="gradient per layer")
        ax_g.grid(True, which="major", alpha=0.3)
        ax_g.legend(loc="lower left", fontsize=9)
        self.ax_h, self.ax_g = ax_h, ax_g
        fig.tight_layout()
        super().__init__(fig, [W.HBox([self.scale, self.activation])])
        self.box.add_class("saturation-widget")
        self.status.add_class("saturation-status")
        self.watch(self.scale)
        self.watch(self.activation)
        self.update()

    def _update(self):
        act = self.activation.value
        with quiet_numpy():
            self.result = r = saturation(self.scale.value, act, self.data)
            ref = saturation(1.0, act, self.data)
            for st, sp in zip(self.stairs, r.sigma_prime):
                logs = np.log10(np.maximum(sp, 10.0 ** self.BINS[0]))
                counts, _ = np.histogram(logs, self.BINS)
                st.set_data(counts / sp.size)
        self.ref_norm.set_ydata(np.maximum(ref.grad_norms, self.FLOOR))
        self.norm_line.set_ydata(np.maximum(r.grad_norms, self.FLOOR))
        self.delta_line.set_ydata(np.maximum(r.median_delta, self.FLOOR))
        self.ax_g.set_title(f"gradient per layer, weight scale {r.scale:.3g}")
        self.status.value = f"<span class='saturation-text'>{html.escape(self.summary())}</span>"
        self.redraw()

    def summary(self):
        return status_text(self.result)


def status_text(result):
    """The status line of the saturation widget for a `Saturation` result (also used by tests)."""
    L = len(result.grad_norms)
    return (f"{result.activation}, weight scale {result.scale:.3g}: "
            f"‖∂C/∂W¹‖ = {result.grad_norms[0]:.2e}, "
            f"‖∂C/∂W{_sup(L)}‖ = {result.grad_norms[-1]:.2e}; "
            "median σ'(z) in hidden layers: "
            + " ".join(f"{np.median(s):.1e}" for s in result.sigma_prime)
            + f"; saturated (σ' < {SATURATED:g}): "
            + " ".join(f"{f:.0%}" for f in result.saturated))


def saturation_explorer(scale=1.0, activation="sigmoid"):
    """The saturation slider of notebook 06."""
    return SaturationExplorer(scale, activation)
