"""The widgets' figures are readable on a classroom projector, and their stored pictures are whole.

Every course widget is built and driven through its presets and the extremes of its controls;
after each change its figure is drawn as the stored PNG is (`figure_png`), and what was drawn is
checked:

* size: the figure is at most MAX_FIGSIZE inches at DPI dots per inch (620 × 520 CSS px: it
  fits the output area at 1024×768 with 125 % zoom; tests/browser/test_fit.py measures that);
* text: every text drawn (titles, axis labels, tick labels, legends, contour labels,
  annotations, texts in the axes) is at least 12 pt. A text of s pt is drawn s × DPI/72 px
  tall, and ipympl shows the canvas at figsize × DPI CSS px (the stored PNG is saved at DPI
  too), so on screen it is s × DPI/72 CSS px, which must be at least CSS's 12pt = 16 CSS px;
  with DPI = 100 and s ≥ 12 it is 16.7;
* nothing is cut: every text lies inside the figure (the stored PNG is the figure, no more);
* texts do not overlap one another;
* lines: every data line (plotted lines, reference lines, contours, arrows, steps) is at least
  2 px wide, i.e. 2 × 72/DPI = 1.44 pt (grid lines and frames are not data);
* legends do not cover data: no plotted line, contour, image or bar of the legend's axes runs
  under a legend.

The fixed titles a live (ipympl) widget shows while blitting (`Blitter.live_labels`) are drawn
and checked too.
"""
import os

os.environ.setdefault("MPLBACKEND", "Agg")

from contextlib import contextmanager  # noqa: E402

import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import Collection, LineCollection  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from matplotlib.legend import Legend  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Patch, Rectangle, StepPatch  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from course_lib.widgets import (activation_explorer, delta_inspector, descent_1d,  # noqa: E402
                                gradient_explorer, graph_explorer, momentum_explorer,
                                neuron_explorer, optimizer_race, saturation_explorer,
                                sgd_explorer, show_convergence_map, slowdown_race, static_figure,
                                step_size_explorer, training_widget)
from course_lib.widgets._base import DPI, MAX_FIGSIZE, MIN_FONT, figure_png, new_figure  # noqa: E402
from course_lib.widgets.descent import Picture  # noqa: E402

MIN_PX = 16.0          # CSS px: CSS's 12pt
MIN_LINE_PX = 2.0
TOLERANCE = 1.0        # px: texts may touch the figure's edge or each other by this much

pytestmark = pytest.mark.usefixtures("strict_warnings")


# -- what a draw draws ---------------------------------------------------------------------------
@contextmanager
def recording():
    """Record the texts, lines, collections, patches and legends drawn inside the block, with
    their extents in display pixels."""
    drawn = {"texts": [], "lines": [], "collections": [], "patches": [], "legends": []}
    originals = {cls: cls.draw for cls in (Text, Line2D, Collection, Patch, Legend)}

    def text_draw(self, renderer):
        if self.get_visible() and self.get_text().strip():
            drawn["texts"].append((self, Text.get_window_extent(self, renderer)))
        return originals[Text](self, renderer)

    def line_draw(self, renderer):
        if self.get_visible():
            drawn["lines"].append(self)
        return originals[Line2D](self, renderer)

    def collection_draw(self, renderer):
        if self.get_visible() and self not in drawn["collections"]:
            drawn["collections"].append(self)
        return originals[Collection](self, renderer)

    def patch_draw(self, renderer):
        if self.get_visible():
            drawn["patches"].append(self)
        return originals[Patch](self, renderer)

    def legend_draw(self, renderer):
        result = originals[Legend](self, renderer)
        if self.get_visible():
            drawn["legends"].append((self, self.get_window_extent(renderer)))
        return result

    Text.draw, Line2D.draw, Collection.draw = text_draw, line_draw, collection_draw
    Patch.draw, Legend.draw = patch_draw, legend_draw
    try:
        yield drawn
    finally:
        for cls, draw in originals.items():
            cls.draw = draw


def describe(artist):
    text = artist.get_text() if isinstance(artist, Text) else artist.get_label()
    return f"{type(artist).__name__} {text!r}"


def gridlines(fig):
    found = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                found.add(tick.gridline)
    return found


def overlaps(a, b, tol=TOLERANCE):
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > tol) and (min(a.y1, b.y1) - max(a.y0, b.y0) > tol)


def path_in_box(artist, box):
    """Whether the drawn path of a line or collection runs through the box (display px)."""
    paths = [artist.get_path()] if isinstance(artist, Line2D) else artist.get_paths()
    transform = artist.get_transform()
    if isinstance(artist, Line2D) and artist.get_linestyle() in ("None", "", " "):
        pts = transform.transform(np.column_stack(artist.get_data()).astype(float))
        pts = pts[np.all(np.isfinite(pts), axis=1)]
        inside = ((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1)
                  & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1))
        return bool(inside.any())
    for path in paths:
        p = transform.transform_path(path).cleaned(remove_nans=True)
        if len(p.vertices) and p.intersects_bbox(box, filled=False):
            return True
    return False


def covered_data(legend, box):
    """The data artists a legend (extent `box`) lies over."""
    axes = [legend.axes] if legend.axes is not None else legend.figure.axes
    found = []
    for ax in axes:
        area = Bbox.intersection(box, ax.bbox)      # (what is drawn is clipped to its axes)
        if area is None or area.width <= 0 or area.height <= 0:
            continue
        for line in ax.lines:
            if line.get_visible() and len(line.get_xdata()) and path_in_box(line, area):
                found.append(line)
        for c in ax.collections:
            if c.get_visible() and isinstance(c, (LineCollection, ContourSet)) and path_in_box(c, area):
                found.append(c)
        for im in ax.images:
            if isinstance(im, AxesImage) and im.get_visible() and overlaps(im.get_window_extent(), area):
                found.append(im)
        for p in ax.patches:
            if isinstance(p, (Rectangle, StepPatch)) and p.get_visible() and p is not ax.patch:
                if overlaps(p.get_window_extent(), area, tol=0):
                    found.append(p)
    return found


def check_figure(fig, state):
    """Draw `fig` as its stored picture and return the problems found (strings)."""
    bad = []
    w, h = fig.get_size_inches()
    if fig.dpi != DPI or w > MAX_FIGSIZE[0] + 1e-9 or h > MAX_FIGSIZE[1] + 1e-9:
        bad.append(f"figure {w:.2f}×{h:.2f} in at {fig.dpi} dpi: more than {MAX_FIGSIZE} at {DPI}")
    with recording() as drawn:
        figure_png(fig)
    frame = fig.bbox
    texts = list({id(t): (t, box) for t, box in drawn["texts"]}.values())   # (drawn once each)
    for text, box in texts:
        size = text.get_fontsize()
        if size < MIN_FONT or size * DPI / 72 < MIN_PX:
            bad.append(f"{describe(text)} is {size:.1f} pt")
        if (box.x0 < frame.x0 - TOLERANCE or box.y0 < frame.y0 - TOLERANCE
                or box.x1 > frame.x1 + TOLERANCE or box.y1 > frame.y1 + TOLERANCE):
            bad.append(f"{describe(text)} is cut: {np.round(box.extents)} outside "
                       f"{np.round(frame.extents)}")
    for i, (a, box_a) in enumerate(texts):
        for b, box_b in texts[i + 1:]:
            if overlaps(box_a, box_b):
                bad.append(f"{describe(a)} overlaps {describe(b)}")
    grids = gridlines(fig)
    min_pt = MIN_LINE_PX * 72 / DPI
    for line in drawn["lines"]:
        if (line.axes is not None and line not in grids
                and line.get_linestyle() not in ("None", "", " ") and line.get_linewidth() < min_pt):
            bad.append(f"{describe(line)} is {line.get_linewidth():.2f} pt wide")
    for c in drawn["collections"]:
        if isinstance(c, LineCollection) or (isinstance(c, ContourSet) and not c.filled):
            if np.min(c.get_linewidths()) < min_pt:
                bad.append(f"{type(c).__name__} lines are {np.min(c.get_linewidths()):.2f} pt wide")
    for p in drawn["patches"]:
        if isinstance(p, (FancyArrowPatch, StepPatch)) and p.get_linewidth() < min_pt:
            bad.append(f"{describe(p)} is {p.get_linewidth():.2f} pt wide")
    for legend, box in {id(g): (g, box) for g, box in drawn["legends"]}.values():
        under = covered_data(legend, box)
        if under:
            bad.append(f"a legend covers {[describe(a) for a in under]}")
    return [f"[{state}] {b}" for b in dict.fromkeys(bad)]


def check_widget(widget, states):
    """Check the widget's figure in every state (a name and a function putting it there), then
    with its live titles."""
    bad = check_figure(widget.fig, "start")
    for name, go in states:
        go()
        bad += check_figure(widget.fig, name)
    blitter = getattr(widget, "blitter", None)
    if blitter is not None and blitter.live_labels:
        for text, label in blitter.live_labels.items():
            text.set_text(label)
        bad += check_figure(widget.fig, "live titles")
    return bad


def setting(control, value):
    return lambda: setattr(control, "value", value)


def presets(widget, names):
    return [(f"preset {name!r}", lambda name=name: widget.apply(name)) for name in names]


def extremes(*controls):
    return [(f"{c.description} = {v}", setting(c, v)) for c in controls for v in (c.min, c.max)]


def options(control):
    return [(f"{control.description} = {v}", setting(control, v)) for v in control.options]


# -- the widgets ---------------------------------------------------------------------------------
def test_descent_1d_fits():
    w = descent_1d()
    assert check_widget(w, presets(w, w.presets) + extremes(w.lr)) == []


def test_gradient_explorer_fits():
    w = gradient_explorer()
    states = [(f"({x}, {y})", lambda x=x, y=y: (setattr(w.x, "value", x), setattr(w.y, "value", y)))
              for x in (w.x.min, 0.0, w.x.max) for y in (w.y.min, 0.0, w.y.max)]
    assert check_widget(w, states) == []


def test_momentum_explorer_fits():
    w = momentum_explorer()
    assert check_widget(w, presets(w, w.presets) + extremes(w.condition, w.lr)) == []


@pytest.mark.parametrize("nesterov", [False, True])
def test_convergence_map_fits(nesterov):
    kw = dict(momenta=np.linspace(0.0, 0.9, 10)) if nesterov else {}
    w = show_convergence_map(condition=25, nesterov=nesterov, **kw)
    assert check_widget(w, []) == []


def test_optimizer_race_fits():
    w = optimizer_race()
    states = options(w.surface_choice) + presets(w, w.presets)
    assert check_widget(w, states) == []


def test_sgd_explorer_fits():
    w = sgd_explorer()
    batches = [(f"B = {B}", setting(w.batch, B)) for B in (w.batch.options[0], w.batch.options[-1])]
    lrs = [(f"η = 10^{e}", setting(w.lr, 10.0 ** e)) for e in (w.lr.min, w.lr.max)]
    states = (presets(w, w.presets) + lrs + extremes(w.momentum, w.seed) + batches
              + options(w.schedule))
    assert check_widget(w, states) == []


def test_neuron_explorer_fits():
    w = neuron_explorer()
    assert check_widget(w, options(w.activation) + extremes(w.w1, w.w2, w.b)) == []


@pytest.mark.parametrize("example", ["neuron", "shared"])
def test_graph_explorer_fits(example):
    w = graph_explorer(example)
    sliders = list(w.sliders.values())
    states = [(f"all {v}", lambda v=v: [setattr(s, "value", v) for s in sliders])
              for v in (-3.0, 3.0, 0.1, -0.1)] + extremes(*sliders)
    assert check_widget(w, states) == []


def test_delta_inspector_fits():
    w = delta_inspector()
    assert check_widget(w, options(w.activation) + extremes(w.seed)) == []


def test_saturation_explorer_fits():
    w = saturation_explorer()
    assert check_widget(w, options(w.activation) + extremes(w.scale)) == []


def test_activation_explorer_fits():
    w = activation_explorer()
    assert check_widget(w, options(w.name_box) + extremes(w.z0_slider)) == []


def test_slowdown_race_fits():
    w = slowdown_race()
    states = [(f"preset {p}", setting(w.preset, p)) for p in w.preset.options[1:]]
    assert check_widget(w, states + extremes(w.w_slider, w.b_slider, w.lr_slider)) == []


def test_step_size_explorer_fits():
    w = step_size_explorer()
    assert check_widget(w, options(w.function_box) + extremes(w.h_slider)) == []


def test_training_widget_fits():
    w = training_widget()
    states = [(f"preset {p}", setting(w.preset, p))
              for p in ("learning rate too large", "Adam")]
    assert check_widget(w, states) == []


def test_static_figures_are_brought_to_the_minimum():
    """A figure made in a notebook cell with small fonts, thin lines, and a size too large is
    shown at the course's minimum sizes, and whole."""
    for show in (lambda fig: static_figure(fig, "a caption"), lambda fig: Picture(fig, "a caption")):
        with matplotlib.rc_context({"font.size": 8}):
            fig = new_figure((10, 4))
            ax1, ax2 = fig.subplots(1, 2)
            ax1.plot([1, 2, 3], [3, 1, 2], lw=0.5, label="a thin line")
            ax1.set_title("a title", fontsize=9)
            ax2.semilogy([1, 2, 3], [1e-3, 1, 1e3], label="another line")
            ax2.legend(loc="lower right", fontsize=7)
            ax1.set(xlabel="x", ylabel="y")
        widget = show(fig)
        assert tuple(fig.get_size_inches()) <= MAX_FIGSIZE
        assert check_figure(widget.fig, "static") == []
