"""The widgets of notebooks 05–07 driven directly: every control at its extremes, with warnings
as errors, no NaN in any displayed text, and the figure updated in place."""
import math
import os
import re

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np
import pytest

from course_lib.inspector import saturation
from course_lib.widgets.backprop_inspect import (delta_inspector, neuron_explorer,
                                                 saturation_explorer, status_text)


pytestmark = pytest.mark.usefixtures("strict_warnings")


def assert_clean(text):
    assert "nan" not in text.lower() and "inf" not in text.lower().replace("info", ""), text


def test_neuron_explorer_extremes():
    w = neuron_explorer()
    artists = (w.image, w.boundary)
    for act in w.activation.options:
        w.activation.value = act
        for s in (w.w1, w.w2, w.b):
            for v in (s.min, s.max):
                s.value = v
                assert_clean(w.summary())
                assert_clean(w.status.value)
                assert np.all(np.isfinite(w.image.get_array()))
    w.w1.value, w.w2.value = 0.0, 0.0          # no boundary line at all: still clean
    assert_clean(w.summary())
    assert (w.image, w.boundary) == artists     # same artists, updated in place


def test_neuron_explorer_output_is_the_neuron():
    w = neuron_explorer(w1=2.0, w2=-1.0, b=0.5)
    assert w.summary().endswith(f"f(b) = {1 / (1 + math.exp(-0.5)):.3f}")
    y = w.output()
    i, j = 70, 40
    assert y[i, j] == pytest.approx(1 / (1 + math.exp(-(2.0 * w.x1[i, j] - w.x2[i, j] + 0.5))))


def test_delta_inspector_extremes_and_verdict():
    w = delta_inspector()
    ims = list(w.delta_im)
    for act in w.activation.options:
        w.activation.value = act
        for v in (w.seed.min, w.seed.max):
            w.seed.value = v
            text = w.summary()
            assert_clean(text)
            assert_clean(w.status.value)
            assert text.endswith("(relative error < 1e-07)") and "PASS" in text
            assert w.worst() < 1e-7
    assert w.delta_im == ims


def test_delta_inspector_shows_the_current_gradients():
    w = delta_inspector(seed=5, activation="tanh")
    r = w.reports[1]
    np.testing.assert_array_equal(w.delta_im[1].get_array(), r.delta)
    heights = [b.get_height() for b in w.bars[1]]
    np.testing.assert_allclose(heights, r.grad_b.ravel())
    np.testing.assert_allclose(w.marks[1].get_ydata(), r.grad_b_numeric.ravel())


def test_delta_inspector_colour_bars_follow_the_data():
    w = delta_inspector(seed=3, activation="elu")
    for i, r in enumerate(w.reports):
        for k, (im, data) in enumerate(((w.delta_im[i], r.delta), (w.W_im[i], r.grad_W))):
            lo, hi = im.get_clim()
            top = float(np.abs(data).max())
            assert lo == -hi and top <= hi <= 2 * top        # symmetric, the data fill it
            ticks = w.colorbars[2 * i + k].get_ticks()
            np.testing.assert_allclose(ticks, [-hi, 0.0, hi])
    assert "<table" in w.status.value and "nan" not in w.status.value


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_saturation_explorer_extremes(activation):
    w = saturation_explorer(activation=activation)
    lines = (w.z_line, w.delta_line, w.norm_line)
    for v in (w.scale.min, w.scale.max):
        w.scale.value = 2.0 ** v
        text = w.summary()
        assert_clean(text)
        assert_clean(w.status.value)
        lo, hi = w.ax_g.get_ylim()
        for line in lines:
            y = line.get_ydata()
            assert np.all(np.isfinite(y)) and np.all(y > 0)
            assert lo < y.min() and y.max() < hi           # every point on the axis
        heat = w.heat.get_array()
        assert heat.shape == (9, len(w.BINS) - 1)
        np.testing.assert_allclose(heat.sum(axis=1), 1.0)  # one histogram per hidden layer
    assert (w.z_line, w.delta_line, w.norm_line) == lines


def test_saturation_explorer_axis_spans_few_decades_at_the_right_scale():
    """At the initialisation made for the activation, the log axis shows a handful of decades,
    not 24; the histogram of sigmoid units at scale 1 spreads over several bins."""
    w = saturation_explorer()
    lo, hi = w.ax_g.get_ylim()
    assert np.log10(hi / lo) <= 8
    assert np.count_nonzero(w.heat.get_array()[0] > 0.02) >= 3
    w.activation.value = "relu"
    lo, hi = w.ax_g.get_ylim()
    assert np.log10(hi / lo) <= 4


def test_saturation_status_matches_the_library():
    w = saturation_explorer()
    w.scale.value = 16.0
    expected = saturation(16.0, "sigmoid")
    assert w.summary() == status_text(expected)
    np.testing.assert_allclose(w.norm_line.get_ydata(), expected.grad_norms)
    np.testing.assert_allclose(w.delta_line.get_ydata(), expected.delta_rms)
    np.testing.assert_allclose(w.z_line.get_ydata(), expected.z_std)
    m = re.search(r"‖∂C/∂W¹‖ = (\S+),", w.status.value)
    assert float(m.group(1)) == pytest.approx(expected.grad_norms[0], rel=1e-1)
    assert "weight scale 16:" in w.status.value


@pytest.mark.parametrize("example", ["neuron", "shared"])
def test_graph_explorer_extremes_and_numbers(example):
    from course_lib import graph as g
    from course_lib.widgets.backprop_inspect import graph_explorer
    w = graph_explorer(example)
    texts = list(w.value_text)
    for s in w.sliders.values():
        for v in (s.min, s.max):
            s.value = v
            assert_clean(w.summary())
            assert all(not re.search("nan|inf", t.get_text()) for t in w.value_text + w.grad_text)
    # the displayed gradients are the graph's, and they pass a finite-difference check
    # (back at the default inputs: at the extremes σ' ≈ 1e-6 and round-off dominates the check)
    for k, s in w.sliders.items():
        s.value = w.inputs[k]
    numeric = g.numeric_gradients(w.build, w.values())
    assert max(g.relative_errors(w.grads, numeric).values()) < 1e-7
    assert w.value_text == texts
    with pytest.raises(ValueError, match="example"):
        graph_explorer("nope")
