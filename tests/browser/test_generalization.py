"""13_generalization in a real JupyterLab: run all cells; move the weight-decay slider, by mouse
to its last position (λ = 0.1) and by keyboard one position back (λ = 3e-2). Each move retrains
the network: the curves' pixels change, the status line names the new λ with the accuracies of
the new run (λ = 0.1 underfits: training accuracy below 95 %), and the run before becomes the
faded one."""
import re

from .harness import drag, error_outputs, run_notebook, wait_for_text_change

WIDGET = ".generalization-explorer"
CANVAS = f"{WIDGET} .gen-figure canvas"
STATUS = f"{WIDGET} .gen-status"
OUTCOME = re.compile(r"→ after 60 epochs: training ([\d.]+) %, validation ([\d.]+) %, gap "
                     r"(-?[\d.]+) points")


def canvas_pixels(page):
    """The figure's pixels, as data URLs of its canvases."""
    return page.eval_on_selector_all(CANVAS, "cs => cs.map(c => c.toDataURL()).join('|')")


def readout(slider):
    return slider.locator(".widget-readout").text_content().strip()


def wait_for_status(page, text, timeout=60_000):
    page.wait_for_function("([sel, text]) => document.querySelector(sel).textContent.includes(text)",
                           arg=[STATUS, text], timeout=timeout)


def outcome(status):
    m = OUTCOME.search(status.text_content())
    assert m, status.text_content()
    return tuple(float(v) for v in m.groups())


def test_weight_decay_slider_retrains_and_redraws(page, lab):
    run_notebook(page, lab, "13_generalization.ipynb", timeout=600_000)

    widget = page.locator(WIDGET).first
    widget.wait_for()
    widget.scroll_into_view_if_needed()
    decay = widget.locator(".gen-decay")
    status = widget.locator(".gen-status")
    page.locator(CANVAS).first.wait_for()
    page.wait_for_timeout(1500)   # the first full frame

    start = status.text_content()
    assert start.startswith("λ = 0, η = 0.5, β = 0.90 → after 60 epochs: training 100.0 %"), start
    assert readout(decay) == "0" and "previous run" not in start
    before = outcome(status)

    # Mouse: drag the weight decay past the end of its track: λ = 0.1, the network underfits.
    pixels = canvas_pixels(page)
    drag(page, decay, 1.1)
    wait_for_text_change(status, start, timeout=60_000)
    wait_for_status(page, "λ = 1e-1, η = 0.5, β = 0.90 →")
    page.wait_for_timeout(1500)   # the frame of the new run
    assert readout(decay) == "1e-1"
    text = status.text_content()
    train, val, gap = outcome(status)
    assert train < 95.0 and (train, val, gap) != before
    assert "faded, the previous run: λ = 0, η = 0.5, β = 0.90: validation" in text
    assert canvas_pixels(page) != pixels

    # Keyboard: one position to the left, λ = 3e-2.
    pixels = canvas_pixels(page)
    decay.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowLeft")
    wait_for_text_change(status, text, timeout=60_000)
    wait_for_status(page, "λ = 3e-2, η = 0.5, β = 0.90 →")
    page.wait_for_timeout(1500)
    assert readout(decay) == "3e-2"
    assert outcome(status) != (train, val, gap)
    assert "faded, the previous run: λ = 1e-1, η = 0.5, β = 0.90: validation" in status.text_content()
    assert canvas_pixels(page) != pixels
    assert error_outputs(page) == []
