"""Kernel-side cost of a slider change in the widgets of notebooks 01–03.

For each widget and control, many slider changes are timed (from `slider.value = v` until the
callback returns) under ipympl, in the state the canvas is in once a browser has connected
(it then sends only the changed pixels). Three numbers per control, medians over all changes:

  callback   what runs in the notebook: recompute, update artists in place, blit and send
  compute    the same with drawing left out: recompute and update artists only
  recreate   the peer we avoid: build the widget again from scratch and draw it in full

Goal: callback median ≤ 20 ms on 2 cores. Run:  .venv/bin/python benchmarks/bench_widget_callbacks.py
"""
import os
import statistics
import sys
import time

os.environ["MPLBACKEND"] = "module://ipympl.backend_nbagg"

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from course_lib.widgets.descent import descent_1d, gradient_explorer  # noqa: E402
from course_lib.widgets.momentum import momentum_explorer  # noqa: E402
from course_lib.widgets.race import optimizer_race  # noqa: E402

CHANGES = 60   # slider changes timed per control
REBUILDS = 5   # full re-creations timed per widget
GOAL_MS = 20.0


def connected(widget):
    """Put the canvas in the state it has once a browser front-end is attached."""
    widget.fig.canvas.syncing_data_url = False
    widget.fig.canvas.draw()
    return widget


def values(slider, n=CHANGES):
    """n slider positions spread over its range, in a zigzag order (not monotone)."""
    if hasattr(slider, "base"):  # FloatLogSlider: positions are exponents
        grid = slider.base ** np.linspace(slider.min, slider.max, n)
    else:
        grid = np.linspace(slider.min, slider.max, n)
        if isinstance(slider.value, int):
            grid = np.round(grid).astype(int)
    order = np.r_[np.arange(0, n, 2), np.arange(1, n, 2)[::-1]]
    return [grid[i].item() for i in order]


def time_changes(widget, slider, compute_only=False):
    times = []
    saved = widget.redraw
    if compute_only:
        widget.redraw = lambda: None
    try:
        for v in values(slider):
            t0 = time.perf_counter()
            slider.value = v
            times.append(time.perf_counter() - t0)
    finally:
        widget.redraw = saved
    return 1e3 * statistics.median(times)


def time_rebuild(make):
    times = []
    for _ in range(REBUILDS):
        t0 = time.perf_counter()
        w = make()
        w.fig.canvas.draw()
        times.append(time.perf_counter() - t0)
        plt.close(w.fig)
    return 1e3 * statistics.median(times)


CASES = [
    ("01 descent_1d", descent_1d, lambda w: [("learning rate", w.lr)]),
    ("01 gradient_explorer", gradient_explorer, lambda w: [("x₀", w.x), ("y₀", w.y)]),
    ("02 momentum_explorer", momentum_explorer,
     lambda w: [("learning rate", w.lr), ("momentum", w.momentum), ("condition κ", w.condition)]),
    ("03 optimizer_race", optimizer_race,
     lambda w: [("η Adam", w.sliders["Adam"]), ("η SGD", w.sliders["SGD"])]),
]


def main():
    print(f"{os.cpu_count()} CPUs visible; {CHANGES} slider changes per control, "
          f"{REBUILDS} rebuilds per widget; medians in ms")
    print(f"{'widget':22s} {'control':14s} {'callback':>9s} {'compute':>8s} {'recreate':>9s} "
          f"{'recreate/callback':>18s}  goal ≤ {GOAL_MS:g} ms")
    worst = 0.0
    for label, make, controls in CASES:
        w = connected(make())
        rebuild = time_rebuild(make)
        for name, slider in controls(w):
            start = slider.value
            cb = time_changes(w, slider)
            comp = time_changes(w, slider, compute_only=True)
            slider.value = start
            worst = max(worst, cb)
            print(f"{label:22s} {name:14s} {cb:9.1f} {comp:8.1f} {rebuild:9.1f} {rebuild / cb:17.1f}×"
                  f"  {'ok' if cb <= GOAL_MS else 'over'}")
        plt.close(w.fig)
    print(f"slowest callback median: {worst:.1f} ms (goal ≤ {GOAL_MS:g} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
