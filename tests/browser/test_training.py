"""12_training_on_digits in a real JupyterLab: run all cells; release the learning-rate and the
momentum sliders, choose another schedule; the network is retrained, the curves' pixels change
and the texts follow the controls (settings in the status line, a new accuracy); the run before
stays on the figure, faded, and the schedule panel shows the schedule chosen."""
import json

from .harness import drag, error_outputs, kernel_exec, run_notebook, wait_for_text_change

CANVAS = ".training-widget .training-figure canvas"

# what the kernel's widget draws: its curves, the faded previous run's, the legend
LINES = """
import json as _json
from course_lib.widgets import _base as _b
with _b._LIVE_LOCK:
    _refs = [ref for slot, entries in _b._LIVE.items()
             if slot[0].endswith(".TrainingWidget") for ref, run in entries]
_ws = [w for w in (ref() for ref in _refs) if w is not None and not w.closed]
assert len(_ws) == 1, f"{len(_ws)} live training widgets"
_w = _ws[0]
print(_json.dumps({
    "val": _w.val_line.get_ydata().tolist(), "lr": _w.lr_line.get_ydata().tolist(),
    "previous": [line.get_visible() for line in _w.previous_lines()],
    "previous_val": _w.prev_val_line.get_ydata().tolist(),
    "previous_lr": _w.prev_lr_line.get_ydata().tolist(),
    "legend": [t.get_text() for legend in _w.fig.legends for t in legend.get_texts()]}))
del _w, _ws, _refs
"""


def drawn(page):
    return json.loads(kernel_exec(page, LINES))


def canvas_pixels(page):
    """The figure's pixels, as data URLs of its canvases."""
    return page.eval_on_selector_all(CANVAS, "cs => cs.map(c => c.toDataURL()).join('|')")


def readout(slider):
    return slider.locator(".widget-readout").text_content().strip()


def settle(page, status, before):
    """Wait until the status text changes (the kernel retrained) and the frame is drawn."""
    text = wait_for_text_change(status, before, timeout=60_000)
    page.wait_for_timeout(1500)
    return text


def test_training_sliders_retrain_and_redraw(page, lab):
    run_notebook(page, lab, "12_training_on_digits.ipynb", timeout=600_000)

    widget = page.locator(".training-widget").first
    widget.wait_for()
    # the widget at the top of the notebook's view: at its bottom edge JupyterLab's
    # notification toast ("get notified about official Jupyter news?") can cover a slider
    widget.evaluate("e => e.scrollIntoView({block: 'start'})")
    lr_slider = widget.locator(".training-lr")
    momentum_slider = widget.locator(".training-momentum")
    status = widget.locator(".training-status")
    accuracy = widget.locator(".training-accuracy")
    page.locator(CANVAS).first.wait_for()
    page.wait_for_timeout(1500)   # the first full frame

    start = status.text_content()
    assert start.startswith("SGD, learning rate 0.2, momentum 0.90, batch size 128, 5 epochs, "
                            "linear schedule")
    assert "validation accuracy" in accuracy.text_content()
    assert float(readout(lr_slider)) == 0.2 and readout(momentum_slider) == "0.90"
    first = drawn(page)
    assert not any(first["previous"]) and "previous run" in first["legend"]
    linear = [1.0, 0.8, 0.6, 0.4, 0.2]                  # η/η₀ = 1 − (e − 1)/5 in epoch e
    assert len(first["lr"]) == 5 and all(abs(a - b) < 1e-12 for a, b in zip(first["lr"], linear))

    # Learning rate: drag to a tenth of its (logarithmic) track, about 0.003, and release.
    pixels, acc = canvas_pixels(page), accuracy.text_content()
    drag(page, lr_slider, 0.1)
    settle(page, status, start)
    lr = f"{float(readout(lr_slider)):.3g}"   # the browser shows '0.00316', Python says the same
    assert 0.001 <= float(lr) <= 0.01, lr
    page.wait_for_function("""([sel, lr]) => document.querySelector(sel).textContent
        .includes(`learning rate ${lr},`)""", arg=[".training-widget .training-status", lr])
    text = status.text_content()
    assert f"learning rate {lr}, momentum 0.90" in text
    assert accuracy.text_content() != acc and accuracy.text_content() in text
    assert canvas_pixels(page) != pixels
    # the first run is still there, faded
    after_lr = drawn(page)
    assert all(after_lr["previous"]) and after_lr["previous_val"] == first["val"]
    assert after_lr["val"] != first["val"]

    # Momentum: drag to the far left (0) and release: slower learning, other curves.
    pixels, acc = canvas_pixels(page), accuracy.text_content()
    drag(page, momentum_slider, -0.1)
    settle(page, status, text)
    page.wait_for_function("""sel => document.querySelector(sel).textContent
        .includes('momentum 0.00,')""", arg=".training-widget .training-status")
    assert readout(momentum_slider) == "0.00"
    text = status.text_content()
    assert f"learning rate {lr}, momentum 0.00" in text
    assert accuracy.text_content() != acc and accuracy.text_content() in text
    assert canvas_pixels(page) != pixels

    # Schedule: choose "constant" in its menu: η stays η₀ (the panel draws η/η₀ = 1 in every
    # epoch), and the linear run before it stays, faded, in both panels
    before, pixels = drawn(page), canvas_pixels(page)
    widget.locator(".training-schedule select").select_option("constant")
    settle(page, status, text)
    page.wait_for_function("""sel => document.querySelector(sel).textContent
        .includes('constant schedule')""", arg=".training-widget .training-status")
    text = status.text_content()
    assert f"learning rate {lr}, momentum 0.00, batch size 128, 5 epochs, constant schedule" in text
    now = drawn(page)
    assert now["lr"] == [1.0] * 5 and now["previous_lr"] == before["lr"]
    assert all(now["previous"]) and now["previous_val"] == before["val"]
    assert canvas_pixels(page) != pixels
    assert error_outputs(page) == []
