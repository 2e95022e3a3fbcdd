"""The classroom pages: which widget each one shows, its sliders' grids and its presets.

Each page is the notebook's own widget (the same class, optimizer, function and network), run
at every point of a grid of its sliders' values. The grids are the widget's own slider positions
where that is affordable (01: every position of η; 04: every position of η and B), and a
coarser subset of them otherwise (02: η in steps of 0.1, β in steps of 0.05, seven values of
κ; 12: η on a 1-2-5 scale, eight values of β). A preset is on a page only if its settings are
on the grid.
"""
from dataclasses import dataclass, field

import numpy as np


NOTEBOOKS = {"gradient_descent": "01_gradient_descent", "momentum": "02_momentum",
             "stochastic_gradient_descent": "04_stochastic_gradient_descent",
             "training_on_digits": "12_training_on_digits"}
"""page name -> the notebook whose widget it shows (the website links each from that notebook)."""


@dataclass
class Slider:
    """A slider of a page: the widget's control `attr`, its label, and the grid of values."""
    attr: str
    label: str
    values: list
    fmt: str
    start: object

    def readouts(self):
        return [format(v, self.fmt) for v in self.values]

    def index(self, value):
        """The grid position of `value` (a ValueError if it is not on the grid)."""
        for i, v in enumerate(self.values):
            if np.isclose(v, value, rtol=1e-9, atol=1e-12):
                return i
        raise ValueError(f"{self.attr} = {value!r} is not on the page's grid")


@dataclass
class Page:
    """One classroom page.

    name: the file's stem; notebook: the notebook whose widget it shows; make(): a new widget,
    ready for `settle` (its defaults set, anything fixed on the page fixed); sliders: the
    page's controls; presets: {name: ({attr: value}, what it shows)}; before(widget): called
    before each frame's update; artists(widget): the moving artists to record; previous: for
    each recorded artist index, the artist whose style draws the previous frame (faded)."""
    name: str
    title: str
    notebook: str
    intro: str
    make: object
    sliders: list
    presets: dict = field(default_factory=dict)
    before: object = None
    artists: object = None
    previous: object = None

    def grid(self):
        """Every combination of the sliders' values, the last slider fastest."""
        shape = [len(s.values) for s in self.sliders]
        for flat in range(int(np.prod(shape))):
            idx = np.unravel_index(flat, shape)
            yield {s.attr: s.values[i] for s, i in zip(self.sliders, idx)}


def settle(widget, settings, before=None):
    """Set the widget's controls to `settings` and run its update once (without drawing)."""
    if before is not None:
        before(widget)
    with widget.hold():
        for attr, value in settings.items():
            getattr(widget, attr).value = value
    return widget


NAMES = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "elu": "ELU"}


def _minus(x):
    """x with a typographic minus sign, as the notebooks print it."""
    return f"{x:g}".replace("-", "−")


def _positions(control):
    """Every position of an ipywidgets slider: min + k·step (a log slider: base to that power),
    or a selection slider's options."""
    import ipywidgets as W
    if isinstance(control, W.SelectionSlider):
        return list(control.options)
    n = int(round((control.max - control.min) / control.step))
    exponents = [round(control.min + k * control.step, 10) for k in range(n + 1)]
    if isinstance(control, W.FloatLogSlider):
        return [control.base ** e for e in exponents]
    return exponents


def _quiet(widget):
    """A widget whose updates compute and set its artists but draw nothing."""
    widget.redraw = lambda: None
    return widget


# -- 01: gradient descent, η --------------------------------------------------------------------
def _descent():
    from ..surfaces import parabola
    from ..widgets.descent import Descent1D
    return _quiet(Descent1D(parabola()))


def _descent_page():
    from ..surfaces import parabola
    from ..widgets.descent import Descent1D
    w = Descent1D(parabola())
    values = _positions(w.lr)
    presets = {name: ({"lr": p["lr"]}, p["says"]) for name, p in w.presets.items()}
    start, fn = w.lr.value, w.function
    w.close()
    return Page("gradient_descent", "Gradient descent: the learning rate η",
                NOTEBOOKS["gradient_descent"],
                f"x ← x − η f′(x) on {fn.formula}, {Descent1D.STEPS} steps from x = "
                f"{_minus(float(np.ravel(fn.start)[0]))}. The tangents show the slope at each "
                f"iterate; the right panel, the distance to the minimum. Move η past 2/L = "
                f"{2 / fn.L:g}.",
                _descent, [Slider("lr", "learning rate η", values, ".3f", start)], presets)


# -- 02: momentum, η, β and κ -------------------------------------------------------------------
def _momentum():
    from ..widgets.momentum import MomentumExplorer
    return _quiet(MomentumExplorer(lr=1.9, momentum=0.0, condition=25))


def _momentum_page():
    from ..widgets.momentum import PRESETS, MomentumExplorer
    sliders = [Slider("lr", "learning rate η", [round(0.1 * k, 2) for k in range(1, 41)],
                      ".2f", 1.9),
               Slider("momentum", "momentum β", [round(0.05 * k, 2) for k in range(20)],
                      ".2f", 0.0),
               Slider("condition", "condition κ", [1, 2, 5, 10, 25, 50, 100], "d", 25)]
    presets = {}
    for name, p in PRESETS.items():
        settings = {"lr": p["lr"], "momentum": p["momentum"], "condition": p["condition"]}
        on_grid = all(any(np.isclose(v, settings[s.attr]) for v in s.values) for s in sliders)
        if on_grid and not p["nesterov"]:
            presets[name] = (settings, p["says"])
    return Page("momentum", "Momentum: η, β and the condition number κ", NOTEBOOKS["momentum"],
                f"Heavy ball on the bowl ½(μx² + Ly²) with L = 1 and μ = 1/κ, drawn to scale, "
                f"{MomentumExplorer.STEPS} steps. Step {MomentumExplorer.SHOWN} is split into its "
                "momentum part (dashed) and its gradient part.",
                _momentum, sliders, presets)


# -- 04: stochastic gradient descent, η and B ---------------------------------------------------
def _sgd():
    from ..widgets.sgd import SGDExplorer
    return _quiet(SGDExplorer())


def _sgd_page():
    from ..widgets.sgd import PRESETS, STEPS, SGDExplorer
    w = SGDExplorer()
    sliders = [Slider("lr", "learning rate η", _positions(w.lr), ".3g", w.lr.value),
               Slider("batch", "batch size B", _positions(w.batch), "d", w.batch.value)]
    w.close()
    presets = {name: ({"lr": p["lr"], "batch": p["B"]}, p["says"]) for name, p in PRESETS.items()
               if p["schedule"] == "constant" and p["momentum"] == 0 and p["seed"] == 0}
    return Page("stochastic_gradient_descent",
                "Stochastic gradient descent: η and the batch size B",
                NOTEBOOKS["stochastic_gradient_descent"],
                f"SGD on the two-parameter digits model (3 against 8), {STEPS} steps from the "
                "same start, constant η, seed 0: the path on the contours of the full cost, the "
                "cost gap and η per step.",
                _sgd, sliders, presets)


# -- 12: training on the digits, η and β --------------------------------------------------------
def _training_limits(h, epochs):
    """Fixed axes for the page (the notebook's widget rounds them to each run): every epoch,
    costs from 1e-3 to 10, accuracies from 0 to 101 %."""
    return (0.5, epochs + 0.5), (1e-3, 10.0), (0.0, 101.0)


def _training():
    from ..widgets.training import TrainingWidget
    w = TrainingWidget()
    w.limits = _training_limits
    w._set_curves(w.history, w.trained)
    return _quiet(w)


def _forget_previous(widget):
    widget.history, widget.previous = None, None


def _training_page():
    from ..data import digits_split
    from ..training import DEFAULTS
    from ..widgets.training import PRESETS, WIDGET_DEFAULTS
    lrs = [round(m * 10.0 ** e, 6) for e in range(-3, 2) for m in (1, 2, 5)] + [100.0]
    sliders = [Slider("lr", "learning rate η", lrs, ".3g", WIDGET_DEFAULTS["lr"]),
               Slider("momentum", "momentum β", [0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99],
                      ".2f", WIDGET_DEFAULTS["momentum"])]
    fixed = {k: v for k, v in WIDGET_DEFAULTS.items() if k not in ("lr", "momentum")}
    presets = {name: ({"lr": p["lr"], "momentum": p["momentum"]},
                      f"η = {p['lr']:g}, β = {p['momentum']:g}")
               for name, p in PRESETS.items()
               if all(p.get(k) == v for k, v in fixed.items())}
    sizes = "-".join(str(n) for n in DEFAULTS["sizes"])
    activation = DEFAULTS["activation"]
    split = digits_split("stratified", n_val=297, n_test=300, seed=0)
    return Page("training_on_digits", "Training on the 8×8 digits: η and β",
                NOTEBOOKS["training_on_digits"],
                f"The course's network ({sizes}, {NAMES.get(activation, activation)}"
                f"{', BatchNorm' if DEFAULTS['batch_norm'] else ''}) trained from the same start "
                f"with {fixed['optimizer']} for {fixed['epochs']} epochs of batches of "
                f"{fixed['batch_size']}, {fixed['schedule']} schedule, on "
                f"{split.X_train.shape[1]} images; accuracy on {split.X_val.shape[1]} validation "
                "images. The previous setting stays on the figure, faded.",
                _training, sliders, presets, before=_forget_previous,
                artists=lambda w: [w.cost_line, w.train_line, w.val_line, w.lr_line, w.banner],
                previous=lambda w: {0: w.prev_cost_line, 1: w.prev_train_line,
                                    2: w.prev_val_line})


PAGES = {"gradient_descent": _descent_page, "momentum": _momentum_page,
         "stochastic_gradient_descent": _sgd_page, "training_on_digits": _training_page}
"""name -> a function returning the Page (built on demand: importing this costs nothing)."""
