"""Kernel-side cost of a slider change in the widgets of notebooks 01–04 (04: the SGD notebook).

For each widget and control, many slider changes are timed (from `slider.value = v` until the
callback returns) under ipympl, in the state the canvas is in once a browser has connected
(it then sends a frame, whole, after each blit: see course_lib.widgets._base._faster_png). The
values are positions the slider can take in the
browser (its min plus whole steps), visited in a zigzag. Three numbers per control, medians over
all changes:

  callback   what runs in the notebook: recompute, update artists in place, blit and send
  compute    the same with drawing left out: recompute and update artists only
  recreate   the peer we avoid: build the widget again from scratch and draw it in full

The race (notebook 03) remembers its runs, and its starting surface's 6 × 19 runs are made by
the grid search behind the tuned learning rates, so there a move costs the redraw only; the
cost of a position never visited before (on a surface chosen later) is printed separately.

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
from course_lib.widgets.race import forget_runs, optimizer_race  # noqa: E402
from course_lib.widgets.sgd import sgd_explorer  # noqa: E402

CHANGES = 60   # slider changes timed per control
REBUILDS = 5   # full re-creations timed per widget
GOAL_MS = 20.0


def connected(widget):
    """Put the canvas in the state it has once a browser front-end is attached."""
    widget.fig.canvas.syncing_data_url = False
    widget.fig.canvas.draw()
    return widget


def values(slider, n=CHANGES):
    """n positions the slider can take in the browser (min + k·step, k whole), spread over its
    range and visited in a zigzag (not monotone), repeated if it has fewer than n. A
    SelectionSlider's positions are its options."""
    if hasattr(slider, "options"):
        ks = np.arange(len(slider.options))
        order = np.resize(np.r_[ks[::2], ks[1::2][::-1]], n)
        return [slider.options[k] for k in order]
    k_max = int(round((slider.max - slider.min) / slider.step))
    ks = np.unique(np.round(np.linspace(0, k_max, min(n, k_max + 1))).astype(int))
    order = np.r_[ks[::2], ks[1::2][::-1]]
    order = np.resize(order, n)
    positions = slider.min + order * slider.step
    if hasattr(slider, "base"):  # FloatLogSlider: positions are exponents
        return [float(slider.base ** e) for e in positions]
    if isinstance(slider.value, int):
        return [int(round(v)) for v in positions]
    return [float(v) for v in positions]


def time_changes(widget, slider, compute_only=False, before_each=None):
    times = []
    saved = widget.redraw
    if compute_only:
        widget.redraw = lambda: None
    try:
        for v in values(slider):
            if before_each is not None:
                before_each()
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
    ("04 sgd_explorer", sgd_explorer,
     lambda w: [("learning rate", w.lr), ("momentum", w.momentum), ("batch size", w.batch),
                ("seed", w.seed)]),
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

    w = connected(optimizer_race())
    cold = time_changes(w, w.sliders["Adam"], before_each=forget_runs)
    print(f"03 optimizer_race, η Adam at positions never visited before (every change recomputes "
          f"its {w.steps} steps): callback median {cold:.1f} ms")
    plt.close(w.fig)
    return 0


if __name__ == "__main__":
    sys.exit(main())
