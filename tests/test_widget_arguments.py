"""A widget made with an argument its slider cannot show is refused with the argument's name,
its value and the slider's range (ipywidgets would move the value silently to the slider's
end: sgd_explorer(lr=100) ran with η = 31.6)."""
import os

os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402

from course_lib import widgets as W  # noqa: E402

CASES = [
    (lambda: W.sgd_explorer(lr=100.0), "lr", r"\[0\.1, 31\.62\]"),
    (lambda: W.sgd_explorer(momentum=0.99), "momentum", r"\[0, 0\.95\]"),
    (lambda: W.sgd_explorer(seed=12), "seed", r"\[0, 9\]"),
    (lambda: W.momentum_explorer(lr=5.0), "lr", r"\[0\.05, 4\]"),
    (lambda: W.momentum_explorer(condition=1000), "condition", r"\[1, 100\]"),
    (lambda: W.descent_1d(lr=10.0), "lr", "range of its slider"),
    (lambda: W.gradient_explorer(x=50.0), "x", "range of its slider"),
    (lambda: W.neuron_explorer(w1=9.0), "w1", r"\[-4, 4\]"),
    (lambda: W.delta_inspector(seed=99), "seed", r"\[0, 20\]"),
    (lambda: W.saturation_explorer(scale=1000.0), "scale", r"\[0\.125, 32\]"),
    (lambda: W.activation_explorer(z0=100.0), "z0", "range of its slider"),
    (lambda: W.slowdown_race(lr=5.0), "lr", r"\[0\.01, 1\]"),
    (lambda: W.step_size_explorer(h=10.0), "h", r"\[1e-16, 1\]"),
    (lambda: W.optimizer_race(lrs={"SGD": 1e9, "Momentum": 1e-3, "Nesterov": 1e-3,
                                   "AdaGrad": 1e-3, "RMSprop": 1e-3, "Adam": 1e-3}),
     "lrs\\['SGD'\\]", "range of its slider"),
    (lambda: W.alive_check(value=-1), "value", r"\[0, 20\]"),
]


@pytest.mark.parametrize("make, name, range_text", CASES, ids=[c[1] + str(i) for i, c in enumerate(CASES)])
def test_an_argument_outside_the_sliders_range_is_refused(make, name, range_text):
    with pytest.raises(ValueError, match=rf"Invalid {name}: .*expected a number in .*"):
        make()
    with pytest.raises(ValueError, match=range_text):
        make()


def test_a_value_that_is_not_a_number_is_refused():
    with pytest.raises(TypeError, match="Invalid momentum: True; expected a number"):
        W.momentum_explorer(momentum=True)
