"""Widgets under JupyterLab's "Kernel Comms over subshells": comm messages (a slider the learner
drags, the browser's echo of a value, a canvas asking for a redraw) arrive on a second thread
while a cell or a preset click runs on the main one.

Every widget with controls is driven from several threads at once (a threading.Barrier starts
them together, round after round); afterwards its controls, the artists' data, the blitted
pixels and the status text must describe one and the same state: the state a fresh widget
reaches when its controls are set, one by one, to the same values. Then: a late echo of a value
that code has since replaced changes nothing; re-running a widget's cell while the old widget is
busy closes the old one; a preset can be chosen again after a slider moved.

The canvas is ipympl's, in the state it has once a browser has connected (blitting on), and
"from the browser" means what ipywidgets does with a comm message: `control.set_state(state)`.
"""
import logging
import math
import re
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np
import pytest

import course_lib.widgets as widgets
from course_lib.data import digits_split
from course_lib.widgets.activations_widgets import SLOWDOWN_PRESETS
from course_lib.widgets.training import PRESETS as TRAINING_PRESETS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # ipympl's toolbar


@pytest.fixture(scope="module", autouse=True)
def ipympl_backend():
    """The widgets' figures get ipympl canvases; pyplot's previous backend is put back."""
    before = plt.get_backend()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        plt.switch_backend("module://ipympl.backend_nbagg")
    yield
    plt.switch_backend(before)


@pytest.fixture(autouse=True)
def busy_threads():
    """Switch threads often, so that two updates overlap as much as they can."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    yield
    sys.setswitchinterval(interval)


@pytest.fixture(autouse=True)
def nothing_logged(caplog):
    """ipywidgets turns an exception in a click handler or a comm message into a log record."""
    caplog.set_level(logging.WARNING)
    yield
    problems = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not problems, problems


# -- helpers ------------------------------------------------------------------------------------
def connect(w):
    """The canvas as it is once a browser view has said "initialized": blitting is on."""
    w.fig.canvas.syncing_data_url = False
    w.fig.canvas.draw()
    w.redraw()
    return w


def from_browser(control, **state):
    """A comm message {"method": "update", "state": state} for the control, handled as the
    kernel handles it (an exception there is logged: see `nothing_logged`)."""
    control._handle_msg({"content": {"data": {"method": "update", "state": state,
                                               "buffer_paths": []}}, "buffers": []})


def browser_redraw(w):
    """The browser asks the canvas for a full redraw (as after a resize or a refresh)."""
    w.fig.canvas._handle_custom_msg({"type": "draw"}, [])


def position(slider, k):
    """The value of the slider's k-th position (k wraps around), as a browser computes it."""
    n = int(round((slider.max - slider.min) / slider.step))
    e = slider.min + (k % (n + 1)) * slider.step
    if hasattr(slider, "base"):
        return slider.base ** e
    return int(e) if isinstance(slider.value, int) else e


def browser_echo(slider, value):
    """The value a browser sends back for `value`: snapped to the slider's grid by noUiSlider,
    10^e recomputed in JavaScript, and one unit in the last place off (a different float at the
    same position, as JavaScript's arithmetic gives)."""
    if hasattr(slider, "base"):
        e = math.log(value, slider.base)
        e = slider.min + round((e - slider.min) / slider.step) * slider.step
        snapped = slider.base ** e
    else:
        snapped = slider.min + round((value - slider.min) / slider.step) * slider.step
        if isinstance(slider.value, int):
            return int(round(snapped))
    return float(np.nextafter(snapped, 2 * snapped + 1))


def buttons(w):
    """{description: Button} of every button in the widget's box."""
    found, todo = {}, [w.box]
    while todo:
        x = todo.pop()
        todo.extend(getattr(x, "children", ()))
        if hasattr(x, "on_click"):
            found[x.description] = x
    return found


def at_once(*actions, timeout=120):
    """Run the actions in threads released together by a barrier; re-raise the first error."""
    barrier = threading.Barrier(len(actions))
    errors = []

    def run(action):
        try:
            barrier.wait()
            action()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(a,), daemon=True) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"
    if errors:
        raise errors[0]


def drawn_artists(w):
    return [a for ax in w.fig.axes for a in (*ax.lines, *ax.images, *ax.patches, *ax.texts)]


def picture(w):
    """Everything drawn that depends on the state: data, visibility, texts, limits. Not the
    faded trace of the previous run (gid "previous run"): it depends on the history, by design."""
    out = []
    for ax in w.fig.axes:
        out.append(("limits", ax.get_xlim(), ax.get_ylim()))
        for line in ax.lines:
            if line.get_gid() == "previous run":
                continue
            out.append(("line", line.get_visible(), np.asarray(line.get_xydata(), float)))
        for im in ax.images:
            out.append(("image", im.get_visible(), np.asarray(im.get_array(), float),
                        im.get_clim()))
        for p in ax.patches:
            if hasattr(p, "_posA_posB"):
                out.append(("arrow", p.get_visible(), np.asarray(p._posA_posB, float)))
            elif hasattr(p, "get_data"):
                out.append(("stairs", p.get_visible(), np.asarray(p.get_data().values, float)))
            elif hasattr(p, "get_height"):
                out.append(("bar", p.get_visible(), p.get_height()))
        for t in (ax.title, *ax.texts):
            out.append(("text", t.get_visible(), t.get_text(), getattr(t, "xy", None)))
    return out


def assert_same_picture(got, want):
    assert len(got) == len(want)
    for g, e in zip(got, want):
        assert g[0] == e[0] and len(g) == len(e), (g, e)
        for a, b in zip(g[1:], e[1:]):
            if isinstance(a, np.ndarray):
                assert a.shape == b.shape and np.allclose(a, b, equal_nan=True, rtol=1e-12,
                                                          atol=0), (g[0], a, b)
            else:
                assert a == b, (g[0], a, b)


def pixels(w):
    w.redraw()
    return np.array(w.fig.canvas.get_renderer().buffer_rgba())


# -- the widgets ------------------------------------------------------------------------------------
@dataclass
class Spec:
    factory: Callable
    controls: Callable           # widget -> {name: control}, in the order to set them
    code: Callable               # (widget, i): what code (a cell, a preset click) does
    browser: Callable            # (widget, i): a learner's move, arriving from the browser
    kwargs: dict = field(default_factory=dict)
    rounds: int = 12
    echo: Callable = None        # widget -> (continuous slider, code that sets it elsewhere)
    pixels: bool = False         # the blitted artists are fixed: compare the screens
    menu: Callable = None        # widget -> (preset Dropdown, {name: {control name: value}})


def _cycle(names, i):
    names = list(names)
    return names[i % len(names)]


def _race_presets(w, i):
    w.apply(_cycle(w.presets, i))


def _choose(menu, name):
    """Choose a menu entry in the browser: the Dropdown sends its index."""
    from_browser(menu, index=list(menu.options).index(name))


SPLIT = digits_split("stratified")

SPECS = {
    "descent_1d": Spec(
        widgets.descent_1d, lambda w: {"lr": w.lr},
        code=lambda w, i: w.apply(_cycle(w.presets, i)),
        browser=lambda w, i: from_browser(w.lr, value=position(w.lr, 37 * i + 11)),
        echo=lambda w: (w.lr, lambda: w.apply("slow")), pixels=True),
    "gradient_explorer": Spec(
        widgets.gradient_explorer, lambda w: {"x": w.x, "y": w.y},
        code=lambda w, i: setattr(w.x, "value", position(w.x, 23 * i + 5)),
        browser=lambda w, i: from_browser(w.y, value=position(w.y, 29 * i + 3)),
        echo=lambda w: (w.x, lambda: setattr(w.x, "value", position(w.x, 170))), pixels=True),
    "momentum_explorer": Spec(
        widgets.momentum_explorer,
        lambda w: {"lr": w.lr, "momentum": w.momentum, "nesterov": w.nesterov,
                   "condition": w.condition},
        code=lambda w, i: w.apply(_cycle(w.presets, i)),
        browser=lambda w, i: from_browser(w.momentum, value=position(w.momentum, 17 * i + 7)),
        echo=lambda w: (w.lr, lambda: w.apply("momentum fixes it")), pixels=True),
    "optimizer_race": Spec(
        widgets.optimizer_race,
        lambda w: {"surface": w.surface_choice, **w.sliders},
        code=_race_presets,
        browser=lambda w, i: from_browser(w.sliders["Adam"],
                                          value=position(w.sliders["Adam"], 5 * i + 2)),
        rounds=6, echo=lambda w: (w.sliders["RMSprop"], lambda: w.apply("one η = 0.01 for all"))),
    "sgd_explorer": Spec(
        widgets.sgd_explorer,
        lambda w: {"lr": w.lr, "momentum": w.momentum, "B": w.batch, "seed": w.seed,
                   "schedule": w.schedule},
        code=lambda w, i: w.apply(_cycle(w.presets, i)),
        browser=lambda w, i: (from_browser(w.lr, value=position(w.lr, 13 * i + 5)) if i % 2
                              else from_browser(w.batch, index=(3 * i + 1) % len(w.batch.options))),
        echo=lambda w: (w.lr, lambda: w.apply("η too large: noisy")), pixels=True),
    "generalization_explorer": Spec(
        widgets.generalization_explorer,
        lambda w: {"weight_decay": w.decay, "lr": w.lr, "momentum": w.momentum},
        code=lambda w, i: w.apply(_cycle(w.presets, i)),
        browser=lambda w, i: from_browser(w.lr, value=position(w.lr, 7 * i + 3)),
        rounds=4),      # (no echo: its sliders have continuous_update=False, see _Position)
    "neuron_explorer": Spec(
        widgets.neuron_explorer,
        lambda w: {"w1": w.w1, "w2": w.w2, "b": w.b, "activation": w.activation},
        code=lambda w, i: setattr(w.w1, "value", position(w.w1, 13 * i + 4)),
        browser=lambda w, i: (from_browser(w.b, value=position(w.b, 7 * i + 1)) if i % 3
                              else from_browser(w.activation, index=(i // 3) % 3)),
        echo=lambda w: (w.w2, lambda: setattr(w.w2, "value", -2.0))),
    "graph_explorer": Spec(
        widgets.graph_explorer, lambda w: dict(w.sliders),
        code=lambda w, i: setattr(w.sliders["w"], "value", position(w.sliders["w"], 11 * i + 2)),
        browser=lambda w, i: from_browser(w.sliders["b"], value=position(w.sliders["b"], 7 * i)),
        echo=lambda w: (w.sliders["x"], lambda: setattr(w.sliders["x"], "value", -1.0))),
    "delta_inspector": Spec(
        widgets.delta_inspector, lambda w: {"seed": w.seed, "activation": w.activation},
        code=lambda w, i: setattr(w.seed, "value", (5 * i + 1) % 21),
        browser=lambda w, i: from_browser(w.activation, index=i % 3), rounds=6),
    "saturation_explorer": Spec(
        widgets.saturation_explorer, lambda w: {"scale": w.scale, "activation": w.activation},
        code=lambda w, i: setattr(w.scale, "value", position(w.scale, 5 * i + 3)),
        browser=lambda w, i: from_browser(w.activation, index=i % 3), rounds=6),
    "activation_explorer": Spec(
        widgets.activation_explorer, lambda w: {"name": w.name_box, "z0": w.z0_slider},
        code=lambda w, i: setattr(w.name_box, "value", _cycle(w.name_box.options, i)),
        browser=lambda w, i: from_browser(w.z0_slider, value=position(w.z0_slider, 31 * i + 9)),
        echo=lambda w: (w.z0_slider, lambda: setattr(w.z0_slider, "value", -3.0))),
    "slowdown_race": Spec(
        widgets.slowdown_race,
        lambda w: {"w": w.w_slider, "b": w.b_slider, "lr": w.lr_slider},
        code=lambda w, i: _choose(w.preset, _cycle(SLOWDOWN_PRESETS, i)),
        browser=lambda w, i: from_browser(w.lr_slider, value=position(w.lr_slider, 13 * i + 4)),
        rounds=8,
        echo=lambda w: (w.w_slider, lambda: _choose(w.preset, "unsaturated start (w = 0.6, b = 0.9)")),
        menu=lambda w: (w.preset, {name: {"w": w0, "b": b0}
                                   for name, (w0, b0) in SLOWDOWN_PRESETS.items()})),
    "step_size_explorer": Spec(
        widgets.step_size_explorer, lambda w: {"function": w.function_box, "h": w.h_slider},
        code=lambda w, i: setattr(w.function_box, "value", _cycle(w.function_box.options, i)),
        browser=lambda w, i: from_browser(w.h_slider, value=position(w.h_slider, 41 * i + 3)),
        echo=lambda w: (w.h_slider, lambda: setattr(w.h_slider, "value", 1e-9))),
    "training_widget": Spec(
        widgets.training_widget,
        lambda w: {"optimizer": w.optimizer, "lr": w.lr, "momentum": w.momentum,
                   "batch_size": w.batch_size, "epochs": w.epochs, "schedule": w.schedule},
        code=lambda w, i: _choose(w.preset, ("Adam", "small steps, no momentum")[i % 2]),
        browser=lambda w, i: from_browser(w.epochs, value=1 + i % 2),
        kwargs=dict(split=SPLIT, epochs=1, batch_size=1500), rounds=3,
        menu=lambda w: (w.preset, {name: {k: p[k] for k in ("optimizer", "lr", "momentum",
                                                                "batch_size", "epochs",
                                                                "schedule")}
                                   for name, p in TRAINING_PRESETS.items()})),
}


def reference(spec, values):
    """A fresh widget with its controls set, one by one and on one thread, to `values`."""
    ref = connect(spec.factory(**spec.kwargs))
    for name, control in spec.controls(ref).items():
        control.value = values[name]
    return ref


def current(status):
    """A status line without its note on the previous run (a widget that keeps the run before
    says what it was: that depends on the history, by design)."""
    return re.sub(r"<br><span[^>]*>[^<]*previous run[^<]*</span>", "", status)


def assert_agrees(spec, w):
    """Controls, status text, summary, artists (and, for fixed blitted artists, the pixels on
    screen) are those of a fresh widget whose controls are set to the same values."""
    values = {name: c.value for name, c in spec.controls(w).items()}
    ref = reference(spec, values)
    assert {name: c.value for name, c in spec.controls(ref).items()} == values
    assert current(w.status.value) == current(ref.status.value)
    assert w.summary() == ref.summary()
    if hasattr(w, "accuracy"):
        assert w.accuracy.value == ref.accuracy.value
    blitter = getattr(w, "blitter", None)
    if blitter is not None:            # the moving artists are shown as in the fresh widget
        mine, theirs = drawn_artists(w), drawn_artists(ref)
        for a in blitter.artists:
            assert a.get_visible() == theirs[mine.index(a)].get_visible(), "artists left hidden"
    assert_same_picture(picture(w), picture(ref))
    if spec.pixels:
        assert np.array_equal(pixels(w), pixels(ref)), "the screen shows another state"
    if spec.menu is not None:
        menu, presets = spec.menu(w)
        if menu.value in presets:          # a menu that names a preset tells the truth
            for name, v in presets[menu.value].items():
                assert values[name] == pytest.approx(v), (menu.value, name)
    ref_close = getattr(ref, "close", None)
    if ref_close is not None:
        ref_close()


# -- two threads at once ----------------------------------------------------------------------------
def one_at_a_time(w):
    """Make the widget's redraw a little slower and record how many run at once."""
    redraw, guard, seen = w.redraw, threading.Lock(), {"now": 0, "peak": 0}

    def watched_redraw():
        with guard:
            seen["now"] += 1
            seen["peak"] = max(seen["peak"], seen["now"])
        try:
            time.sleep(0.002)
            redraw()
        finally:
            with guard:
                seen["now"] -= 1

    w.redraw = watched_redraw
    return seen


@pytest.mark.parametrize("kind", list(SPECS))
def test_updates_from_two_threads_at_once_end_in_one_consistent_state(kind):
    spec = SPECS[kind]
    w = connect(spec.factory(**spec.kwargs))
    blitter = getattr(w, "blitter", None)
    seen = one_at_a_time(w)
    for i in range(spec.rounds):
        if blitter is not None:
            blitter.invalidate()       # the next redraw captures the background again
        at_once(lambda: spec.code(w, i), lambda: spec.browser(w, i), lambda: browser_redraw(w))
    assert seen["peak"] == 1, "two updates ran at once"
    assert_agrees(spec, w)
    spec.browser(w, spec.rounds)       # and the next single move is drawn (nothing stuck)
    assert_agrees(spec, w)


def test_a_burst_of_changes_runs_one_update_at_a_time_and_ends_on_the_latest():
    w = connect(widgets.descent_1d())
    compute, guard, running, seen = w.compute, threading.Lock(), [0], {"calls": 0, "peak": 0}

    def slow_compute(lr):
        with guard:
            running[0] += 1
            seen["calls"] += 1
            seen["peak"] = max(seen["peak"], running[0])
        time.sleep(0.03)
        try:
            return compute(lr)
        finally:
            with guard:
                running[0] -= 1

    w.compute = slow_compute
    for burst in range(3):
        seen["calls"] = 0
        at_once(*[lambda k=k: from_browser(w.lr, value=position(w.lr, 20 * burst + 9 * k))
                  for k in range(8)])
        assert seen["calls"] <= 4, seen        # 8 changes, coalesced
        assert_agrees(SPECS["descent_1d"], w)
    assert seen["peak"] == 1, seen             # never two updates at once


@pytest.mark.parametrize("kind", ["descent_1d", "momentum_explorer", "sgd_explorer"])
def test_a_preset_click_and_the_browsers_echo_of_it_at_once(kind):
    # the reported case: a click runs the preset on one thread while the browser's echo of
    # the slider's snapped value arrives on the other; the first click on a fresh widget too
    # (the echo is of the value the click sets, so it is sent once the kernel has that value —
    # a browser cannot echo it sooner — while the preset's update is still under way)
    spec = SPECS[kind]
    w = connect(spec.factory(**spec.kwargs))

    def echo(lr):
        deadline = time.monotonic() + 30
        while w.lr.value != lr and time.monotonic() < deadline:
            time.sleep(0)
        from_browser(w.lr, value=browser_echo(w.lr, lr))

    for i, name in enumerate([*w.presets, *w.presets]):
        w.blitter.invalidate()
        lr = w.presets[name]["lr"]
        at_once(lambda: buttons(w)[name].click(), lambda: echo(lr))
        assert w.lr.value == pytest.approx(lr)
        assert_agrees(spec, w)


def test_alive_check_text_follows_its_slider_from_two_threads():
    check = widgets.alive_check()
    for i in range(40):
        at_once(lambda: setattr(check.slider, "value", i % 21),
                lambda: from_browser(check.slider, value=(7 * i + 3) % 21))
        x = check.slider.value
        assert check.result.value.endswith(f"{x}² = {x * x}</span>")


def test_blitter_shows_its_artists_again_when_a_draw_fails():
    from course_lib.widgets._base import Blitter
    fig = connect(widgets.descent_1d()).fig
    (line,) = fig.axes[0].plot([0, 1], [0, 1])
    blitter = Blitter(fig, [line])
    draw = fig.canvas.draw

    def failing_draw():
        fig.canvas.draw = draw
        raise RuntimeError("failed to load glyph")

    fig.canvas.draw = failing_draw
    with pytest.raises(RuntimeError):
        blitter.redraw(lambda: None)
    assert line.get_visible()
    blitter.redraw(lambda: None)           # and the next redraw captures a good background
    assert line.get_visible() and blitter.background is not None


# -- one source of truth: code wins over late echoes -----------------------------------------------
@pytest.mark.parametrize("kind", [k for k, s in SPECS.items() if s.echo is not None])
def test_a_late_echo_of_a_replaced_value_changes_nothing(kind):
    spec = SPECS[kind]
    w = connect(spec.factory(**spec.kwargs))
    slider, set_by_code = spec.echo(w)
    old = slider.value
    set_by_code()
    kept = slider.value
    assert browser_echo(slider, kept) != browser_echo(slider, old)
    from_browser(slider, value=browser_echo(slider, old))    # rendered before the new value came
    assert slider.value == kept
    assert_agrees(spec, w)
    from_browser(slider, value=browser_echo(slider, kept))   # the browser's rounding of it
    assert slider.value == kept                               # Python's exact value stays
    assert_agrees(spec, w)
    from_browser(slider, value=browser_echo(slider, old))    # now a learner's move: obeyed
    assert slider.value == browser_echo(slider, old)
    assert_agrees(spec, w)


def test_race_after_run_all_keeps_the_preset_code_applied():
    # notebook 03 under Run All: the race is created with the tuned learning rates, the next
    # cell applies a preset, and then the sliders' first views echo the values they rendered
    race = connect(widgets.optimizer_race())
    initial = {name: s.value for name, s in race.sliders.items()}
    race.apply("one η = 0.01 for all")
    for name, s in race.sliders.items():
        from_browser(s, value=browser_echo(s, initial[name]))
    assert all(s.value == pytest.approx(0.01, rel=1e-12) for s in race.sliders.values())
    for name in race.sliders:
        assert f"{name:9s} η = 0.01:" in race.summary()
    assert_agrees(SPECS["optimizer_race"], race)


# -- re-running a cell ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["slowdown_race", "descent_1d", "momentum_explorer",
                                  "sgd_explorer"])
def test_rerunning_the_cell_while_the_old_widget_updates_closes_it(kind):
    spec = SPECS[kind]
    made, errors, stop = [], [], threading.Event()

    def learner():            # keeps dragging the first widget's slider (the subshell thread)
        i = 0
        while not stop.is_set():
            try:
                spec.browser(made[0], i)
                browser_redraw(made[0])
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)
                return
            i += 1

    thread = threading.Thread(target=learner, daemon=True)
    for run in range(3):      # one code location: the same cell, run three times
        made.append(connect(spec.factory(**spec.kwargs)))
        if run == 0:
            thread.start()
            time.sleep(0.05)
    time.sleep(0.05)
    stop.set()
    thread.join(60)
    assert not thread.is_alive() and not errors, errors
    old, new = made[0], made[-1]
    assert old.closed and made[1].closed and not new.closed
    assert old.fig.canvas.comm is None                       # the old canvas is closed
    assert all(c.comm is None for c in spec.controls(old).values())
    shown = old.status.value

    def no_drawing(*args, **kwargs):
        raise AssertionError("a closed widget drew")

    old.fig.canvas.draw = old.fig.canvas.blit = no_drawing
    spec.browser(old, 5)                                      # a late message for the old one
    spec.code(old, 1)
    assert old.status.value == shown
    spec.browser(new, 3)                                      # the new one works
    assert_agrees(spec, new)


def test_two_widgets_of_one_kind_from_two_places_both_live():
    a = connect(widgets.descent_1d())
    b = connect(widgets.descent_1d())
    assert not a.closed and not b.closed
    from_browser(a.lr, value=position(a.lr, 10))
    from_browser(b.lr, value=position(b.lr, 200))
    assert_agrees(SPECS["descent_1d"], a)
    assert_agrees(SPECS["descent_1d"], b)


def test_one_helper_called_from_two_places_makes_two_live_widgets():
    def show():
        return connect(widgets.descent_1d())

    a = show()
    b = show()
    assert not a.closed and not b.closed
    again = [show() for _ in range(2)]        # one place, twice: the second replaces the first
    assert again[0].closed and not again[1].closed and not a.closed


def test_the_cell_comes_from_the_request_the_kernel_is_handling(monkeypatch):
    import IPython

    from course_lib.widgets import _base

    class Kernel:
        parent = {"header": {"msg_type": "execute_request", "msg_id": "m1"},
                  "metadata": {"cellId": "c1"}}

        def get_parent(self):
            return self.parent

    class Shell:
        kernel = Kernel()

    monkeypatch.setattr(IPython, "get_ipython", lambda: Shell())
    assert _base._cell() == ("c1", "m1")
    Kernel.parent = {"header": {"msg_type": "comm_msg", "msg_id": "m2"}, "metadata": {}}
    assert _base._cell() is None             # a widget message: no cell


def test_in_a_kernel_the_cell_decides_which_widget_a_new_one_replaces(monkeypatch):
    from course_lib.widgets import _base
    run = {"cell": ("cell-A", "run-1")}
    monkeypatch.setattr(_base, "_cell", lambda: run["cell"])
    first = widgets.descent_1d()
    second = widgets.descent_1d()              # the same run of the same cell shows two
    assert not first.closed and not second.closed
    run["cell"] = ("cell-B", "run-2")
    other = widgets.descent_1d()               # another cell: leaves cell A's alone
    assert not first.closed and not second.closed and not other.closed
    run["cell"] = ("cell-A", "run-3")          # cell A run again: its old widgets go
    again = widgets.descent_1d()
    assert first.closed and second.closed and not other.closed and not again.closed
    with _base.widget_key("mine"):             # an explicit key replaces the one before it
        mine = widgets.descent_1d()
    with _base.widget_key("mine"):
        mine2 = widgets.descent_1d()
    assert mine.closed and not mine2.closed and not again.closed


# -- presets --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", [k for k, s in SPECS.items() if s.menu is not None])
def test_a_menu_preset_can_be_chosen_again_after_a_slider_moved(kind):
    spec = SPECS[kind]
    w = connect(spec.factory(**spec.kwargs))
    menu, presets = spec.menu(w)
    name = list(presets)[-1]
    _choose(menu, name)
    controls = spec.controls(w)
    moved = next(n for n in presets[name] if hasattr(controls[n], "step"))
    slider = controls[moved]
    from_browser(slider, value=position(slider, 3))
    assert slider.value != pytest.approx(presets[name][moved])
    _choose(menu, name)                                       # the same entry again
    for n, v in presets[name].items():
        assert controls[n].value == pytest.approx(v), n
    assert_agrees(spec, w)


@pytest.mark.parametrize("kind", ["descent_1d", "momentum_explorer", "optimizer_race",
                                  "sgd_explorer"])
def test_a_preset_button_applies_again_after_a_slider_moved(kind):
    spec = SPECS[kind]
    w = connect(spec.factory(**spec.kwargs))
    name = list(w.presets)[-1]
    buttons(w)[name].click()
    after = {n: c.value for n, c in spec.controls(w).items()}
    spec.browser(w, 1)
    buttons(w)[name].click()
    assert {n: c.value for n, c in spec.controls(w).items()} == after
    assert_agrees(spec, w)
