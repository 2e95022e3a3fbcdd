"""Notebook 09: how the error of a finite difference depends on the step h.

    one-sided  (f(x + h) − f(x)) / h          error ≈ h |f''|/2  +  ε |f| / h
    central    (f(x + h) − f(x − h)) / 2h     error ≈ h² |f'''|/6 + ε |f| / h

(ε ≈ 1.1e-16, the rounding error of float64.) Large h: truncation error (the Taylor terms we
dropped) dominates; small h: round-off (f(x ± h) agree in most digits, and their difference
keeps only the few that differ). The best h balances the two.
"""
import html

import ipywidgets as W
import numpy as np

from .. import activations as _activations
from .._checks import choice, positive
from ._base import (FigureWidget, check_arguments, control_row, course_style, new_figure,
                    slider_layout)

H_EXPONENTS = (-16.0, 0.0)
ERROR_FLOOR = 1e-18   # an error of exactly 0 is drawn here (a log axis has no 0)


def one_sided_difference(f, x, h):
    """(f(x + h) − f(x)) / h, for a scalar function f and number x; h a number or an array."""
    h = np.asarray(h, dtype=np.float64)
    return (f(x + h) - f(x)) / h


def central_difference(f, x, h):
    """(f(x + h) − f(x − h)) / 2h."""
    h = np.asarray(h, dtype=np.float64)
    return (f(x + h) - f(x - h)) / (2.0 * h)


def difference_errors(f, fprime, x, hs):
    """(|one-sided − f'(x)|, |central − f'(x)|) for every h in hs (arrays shaped like hs)."""
    hs = np.asarray(hs, dtype=np.float64)
    if np.any(~np.isfinite(hs)) or np.any(hs <= 0):
        raise ValueError("hs must be finite numbers > 0")
    exact = fprime(x)
    return np.abs(one_sided_difference(f, x, hs) - exact), np.abs(central_difference(f, x, hs) - exact)


def _sigmoid(z):
    return _activations.sigmoid(z)


def _sigmoid_prime(z):
    return _activations.sigmoid.prime(z)


# name: (f, f', x)
FUNCTIONS = {
    "sigmoid at z = 1": (_sigmoid, _sigmoid_prime, 1.0),
    "exp at x = 1": (np.exp, np.exp, 1.0),
    "sin at x = 1": (np.sin, np.cos, 1.0),
}


def _sigmoid_higher(z):
    s, ds = _activations.sigmoid(z), _activations.sigmoid.prime(z)
    return ds * (1 - 2 * s), ds * (1 - 6 * s + 6 * s * s)


# name: (second derivative, third derivative) at x; they set the truncation error
HIGHER_DERIVATIVES = {
    "sigmoid at z = 1": _sigmoid_higher(1.0),
    "exp at x = 1": (np.e, np.e),
    "sin at x = 1": (-np.sin(1.0), -np.cos(1.0)),
}
UNIT_ROUNDOFF = np.finfo(np.float64).eps / 2    # 1.1e-16: |fl(v) − v| ≤ this × |v|


def error_model(name, h):
    """The predicted sizes {"one-sided": (truncation, round-off), "central": (...)} at step h:
    truncation h|f''|/2 and h²|f'''|/6; round-off 2u|f|/h and u|f|/h (u = UNIT_ROUNDOFF, the
    worst case for rounding f(x ± h) once each; typical round-off is a few times smaller)."""
    f, _, x = FUNCTIONS[name]
    f2, f3 = HIGHER_DERIVATIVES[name]
    fx = abs(float(f(x)))
    return {"one-sided": (h * abs(f2) / 2, 2 * UNIT_ROUNDOFF * fx / h),
            "central": (h * h * abs(f3) / 6, UNIT_ROUNDOFF * fx / h)}


def predicted_best_h(name):
    """{"one-sided": h*, "central": h*}: where the error model's sum is smallest,
    h* = 2√(u|f|/|f''|) and h* = (3u|f|/|f'''|)^(1/3)."""
    f, _, x = FUNCTIONS[name]
    f2, f3 = HIGHER_DERIVATIVES[name]
    fx = abs(float(f(x)))
    return {"one-sided": float(2 * np.sqrt(UNIT_ROUNDOFF * fx / abs(f2))),
            "central": float((3 * UNIT_ROUNDOFF * fx / abs(f3)) ** (1 / 3))}


def decade_median(hs, errors):
    """The errors' running median over one decade of h (hs evenly spaced in log h): round-off
    scatters single points by factors of 10, the median follows its typical size."""
    hs, errors = np.asarray(hs, dtype=np.float64), np.asarray(errors, dtype=np.float64)
    per_decade = (len(hs) - 1) / np.log10(hs[-1] / hs[0])
    half = max(1, int(round(per_decade / 2)))
    logs = np.log10(np.maximum(errors, ERROR_FLOOR))
    padded = np.pad(logs, half, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    return 10.0 ** np.median(windows, axis=1)


def best_h(hs, errors):
    """(h, typical error) where the error's median over a decade of h (decade_median) is
    smallest. The single smallest grid point is luck: a lucky cancellation can lie 30× below
    its neighbours, and which point is lucky changes from CPU to CPU."""
    smooth = decade_median(hs, errors)
    i = int(np.argmin(smooth))
    return float(hs[i]), float(smooth[i])


def describe_error(name, method, h, error):
    """The error at h as a string with only stable digits: two digits when truncation is at
    least 10⁴× the round-off scale (the same on every machine), else the predicted size,
    labelled as round-off."""
    truncation, roundoff = error_model(name, h)[method]
    if truncation >= 1e4 * roundoff:
        return f"{error:.1e}"
    return f"≲{truncation + roundoff:.0e} (round-off)"


class StepSizeExplorer(FigureWidget):
    """Log-log plot of the error of one-sided and central differences against h, for a known
    derivative. The h slider moves a marker along both curves; stars mark the best h of each."""

    def __init__(self, function="sigmoid at z = 1", h=1e-5):
        self.function_box = W.Dropdown(options=list(FUNCTIONS),
                                       value=choice(function, FUNCTIONS, "function"),
                                       description="f", style={"description_width": "20px"},
                                       layout=W.Layout(width="auto", flex="0 1 200px"))
        self.h_slider = W.FloatLogSlider(value=positive(h, "h"), base=10, min=H_EXPONENTS[0],
                                         max=H_EXPONENTS[1], step=0.05, description="h",
                                         readout_format=".1e", continuous_update=True,
                                         **slider_layout(30))
        check_arguments(h=(h, self.h_slider))
        self.hs = np.logspace(*H_EXPONENTS, 321)
        with course_style():
            fig = new_figure((6.2, 4.4))
            ax = self.ax = fig.add_subplot()
            (self.line_one,) = ax.loglog(self.hs, self.hs, lw=2, color="C0",
                                         label="one-sided (f(x+h) − f(x))/h")
            (self.line_central,) = ax.loglog(self.hs, self.hs, lw=2, color="C1",
                                             label="central (f(x+h) − f(x−h))/2h")
            (self.best_one,) = ax.plot([], [], "*", ms=16, color="C0", mec="k",
                                       label="best h, one-sided")
            (self.best_central,) = ax.plot([], [], "*", ms=16, color="C1", mec="k",
                                           label="best h, central")
            (self.dots,) = ax.plot([], [], "o", ms=9, color="C3", mec="k", zorder=5)
            self.vline = ax.axvline(h, color="C3", lw=2, ls="--")
            ax.set(xlim=(10 ** H_EXPONENTS[0], 10 ** H_EXPONENTS[1]), ylim=(ERROR_FLOOR, 10.0),
                   xlabel="step h", ylabel="|finite difference − f'(x)|",
                   xticks=10.0 ** np.arange(-12, 1, 4), yticks=10.0 ** np.arange(-18, 1, 6))
            ax.text(3e-15, 1e-9, "round-off\n∝ ε/h", color="0.3")
            ax.text(2e-4, 1e-16, "truncation\n∝ h (one-sided)\n∝ h² (central)", color="0.3")
            ax.grid(alpha=0.3, which="major")
            fig.legend(handles=[self.line_one, self.line_central, self.best_one,
                                self.best_central], loc="outside lower center", ncols=2)
            self.title = ax.set_title("finite-difference error for sigmoid at z = 1")
        super().__init__(fig, [control_row(self.function_box, self.h_slider)])
        self.watch(self.function_box)
        self.watch(self.h_slider)
        self.update()

    def errors(self):
        """(one-sided errors, central errors) on the grid self.hs for the chosen function."""
        f, fprime, x = FUNCTIONS[self.function_box.value]
        return difference_errors(f, fprime, x, self.hs)

    def at_h(self):
        """(h, one-sided error, central error) at the slider's h."""
        f, fprime, x = FUNCTIONS[self.function_box.value]
        h = float(self.h_slider.value)
        one, central = difference_errors(f, fprime, x, np.array([h]))
        return h, float(one[0]), float(central[0])

    def _update(self):
        one, central = self.errors()
        self.line_one.set_ydata(np.maximum(one, ERROR_FLOOR))
        self.line_central.set_ydata(np.maximum(central, ERROR_FLOOR))
        for marker, err in ((self.best_one, one), (self.best_central, central)):
            hb, eb = best_h(self.hs, err)
            marker.set_data([hb], [max(eb, ERROR_FLOOR)])
        h, e_one, e_central = self.at_h()
        self.vline.set_xdata([h, h])
        self.dots.set_data([h, h], [max(e_one, ERROR_FLOOR), max(e_central, ERROR_FLOOR)])
        self.title.set_text(f"finite-difference error for {self.function_box.value}")
        self.status.value = f"<tt>{html.escape(self.summary())}</tt>"
        self.redraw()

    def summary(self):
        name = self.function_box.value
        h, e_one, e_central = self.at_h()
        best = predicted_best_h(name)
        return (f"{name}, h = {h:.1e}: one-sided error "
                f"{describe_error(name, 'one-sided', h, e_one)}, central error "
                f"{describe_error(name, 'central', h, e_central)} | best h: one-sided "
                f"~{best['one-sided']:.0e}, central ~{best['central']:.0e} (predicted; "
                "the stars mark the measured ones)")


def step_size_explorer(function="sigmoid at z = 1", h=1e-5):
    """The widget of notebook 09: error of finite differences against h."""
    return StepSizeExplorer(function, h)
