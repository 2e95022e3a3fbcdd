"""Widgets of notebooks 08 and 09: every callback at each slider's extremes and every preset runs
with warnings as errors and shows no NaN; the library functions behind them are right."""
import math
import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from course_lib.widgets import activation_explorer, slowdown_race, step_size_explorer  # noqa: E402
from course_lib.widgets.activations_widgets import (FIVE, SLOWDOWN_PRESETS,  # noqa: E402
                                                    steps_to_reach, train_sigmoid_neuron)
from course_lib.widgets.gradcheck_widgets import (FUNCTIONS, best_h,  # noqa: E402
                                                  central_difference, difference_errors,
                                                  one_sided_difference)


def _clean(widget):
    text = widget.summary() + widget.status.value
    assert "nan" not in text.lower() and "inf" not in text.lower(), text
    return text


pytestmark = pytest.mark.usefixtures("strict_warnings")


@pytest.mark.parametrize("name", FIVE)
def test_activation_explorer_extremes(name):
    w = activation_explorer(name)
    for z0 in (w.z0_slider.min, w.z0_slider.max, 0.0):
        w.z0_slider.value = z0
        text = _clean(w)
        assert name in text
        _, _, f0, d0, numeric = w.state()
        if z0 != 0.0 or name in ("sigmoid", "tanh"):   # ReLUs: kink at 0; ELU: σ' has a corner there
            assert d0 == pytest.approx(numeric, abs=1e-7)
    x, y = w.dot_d.get_data()
    assert x[0] == w.z0_slider.value


def test_activation_explorer_updates_artists_in_place():
    w = activation_explorer("sigmoid")
    line = w.curve_f
    before = line.get_ydata().copy()
    w.name_box.value = "tanh"
    assert w.curve_f is line and not np.allclose(line.get_ydata(), before)
    assert w.ax_f.get_title().startswith("tanh")


def test_slowdown_race_extremes_and_presets():
    w = slowdown_race()
    for slider in (w.w_slider, w.b_slider, w.lr_slider):
        for value in (slider.min, slider.max):
            old = slider.value
            slider.value = value
            _clean(w)
            slider.value = old
    for preset in SLOWDOWN_PRESETS:
        w.preset.value = preset
        assert (w.w_slider.value, w.b_slider.value) == SLOWDOWN_PRESETS[preset]
        _clean(w)
    w.w_slider.value, w.b_slider.value = w.w_slider.max, w.b_slider.max
    w.lr_slider.value = w.lr_slider.min
    _clean(w)


def test_cross_entropy_beats_quadratic_on_a_saturated_neuron():
    quad = train_sigmoid_neuron("quadratic", 2.0, 2.0, lr=0.15, steps=1000)
    ce = train_sigmoid_neuron("binary_cross_entropy", 2.0, 2.0, lr=0.15, steps=1000)
    t_quad, t_ce = steps_to_reach(quad["a"], 0.0, 0.1), steps_to_reach(ce["a"], 0.0, 0.1)
    assert t_ce is not None and t_quad is not None and 5 * t_ce < t_quad
    # the first gradient: quadratic carries σ'(z) ≈ 0.018, cross-entropy does not
    assert abs(quad["grad_w"][0]) < 0.05 * abs(ce["grad_w"][0])


def test_train_sigmoid_neuron_first_step_by_hand():
    run = train_sigmoid_neuron("quadratic", 0.5, -0.2, x=2.0, y=1.0, lr=0.3, steps=1)
    z = 0.5 * 2.0 - 0.2
    a = 1 / (1 + math.exp(-z))
    delta = (a - 1.0) * a * (1 - a)
    assert run["w"][1] == pytest.approx(0.5 - 0.3 * delta * 2.0, rel=1e-12)
    assert run["b"][1] == pytest.approx(-0.2 - 0.3 * delta, rel=1e-12)
    with pytest.raises(ValueError, match="cost"):
        train_sigmoid_neuron("cross_entropy", 0, 0)
    with pytest.raises(ValueError, match="lr"):
        train_sigmoid_neuron("quadratic", 0, 0, lr=0)


@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_step_size_explorer_extremes(function):
    w = step_size_explorer(function)
    for h in (10 ** w.h_slider.min, 10 ** w.h_slider.max, 1e-5):
        w.h_slider.value = h
        text = _clean(w)
        assert re.search(r"best h: one-sided", text)
        xs, _ = w.dots.get_data()
        assert xs[0] == pytest.approx(h)


def test_finite_differences_orders_and_best_h():
    f, fprime, x = FUNCTIONS["exp at x = 1"]
    hs = np.array([1e-2, 5e-3])
    one, central = difference_errors(f, fprime, x, hs)
    assert one[0] / one[1] == pytest.approx(2, rel=0.02)      # error ∝ h
    assert central[0] / central[1] == pytest.approx(4, rel=0.02)  # error ∝ h²
    grid = np.logspace(-16, 0, 321)
    one, central = difference_errors(f, fprime, x, grid)
    h1, e1 = best_h(grid, one)
    h2, e2 = best_h(grid, central)
    assert 1e-10 < h1 < 1e-6 and 1e-7 < h2 < 1e-3 and e2 < e1 / 100
    assert one_sided_difference(np.exp, 0.0, 1e-6) == pytest.approx(1.0, abs=1e-5)
    assert central_difference(np.exp, 0.0, 1e-4) == pytest.approx(1.0, abs=1e-8)
    with pytest.raises(ValueError, match="hs"):
        difference_errors(f, fprime, x, [0.0])
