"""Notebook 00: the environment check and a small widget that proves the kernel answers."""
from importlib import metadata

import ipywidgets as W

from ._base import Controlled, check_arguments, control_row, slider_layout

PACKAGES = ("numpy", "matplotlib", "ipywidgets", "ipympl", "scikit-learn", "jupyterlab",
            "nbval", "course-lib")
MINIMUM = {"ipywidgets": (8,), "jupyterlab": (4,)}


def versions(packages=PACKAGES):
    """{package: installed version}; 'missing' for a package that is not installed."""
    found = {}
    for name in packages:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def check_versions(found):
    """A list of problems (empty if none): missing packages, or majors below MINIMUM."""
    problems = [f"{name} is not installed" for name, v in found.items() if v == "missing"]
    for name, major in MINIMUM.items():
        v = found.get(name, "missing")
        if v != "missing" and tuple(int(p) for p in v.split(".")[:1]) < major:
            problems.append(f"{name} {v} is too old; the course needs {major[0]} or newer")
    return problems


class AliveCheck(Controlled):
    """A slider whose value the kernel squares: if the text follows the slider, widgets work.

    The text is computed by Python in the kernel on every change, not by the browser (one
    change at a time, whatever thread it arrives on: see `Controlled`).
    """

    draws = False

    def __init__(self, value=3):
        self.slider = W.IntSlider(value=value, min=0, max=20, description="x",
                                  continuous_update=True, **slider_layout(40, track=220))
        check_arguments(value=(value, self.slider))
        self.result = W.HTML()
        self.box = W.VBox([control_row(self.slider), self.result],
                          layout=W.Layout(max_width="520px"))
        self.box.add_class("course-widget")
        self.watch(self.slider)
        self.update()

    def text(self):
        x = self.slider.value
        return f"the kernel says: x² = {x}² = {x * x}"

    def _update(self):
        self.result.value = f"<span class='alive-result'>{self.text()}</span>"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = self.text()
        return bundle


def alive_check(value=3):
    """The widget-liveness check of notebook 00."""
    return AliveCheck(value)
