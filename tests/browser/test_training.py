"""12_training_on_digits in a real JupyterLab: run all cells; release the learning-rate and the
momentum sliders; the network is retrained, the curves' pixels change and the texts follow the
sliders (settings in the status line, a new accuracy)."""
from .harness import drag, error_outputs, run_notebook, wait_for_text_change

CANVAS = ".training-widget .training-figure canvas"


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
    widget.scroll_into_view_if_needed()
    lr_slider = widget.locator(".training-lr")
    momentum_slider = widget.locator(".training-momentum")
    status = widget.locator(".training-status")
    accuracy = widget.locator(".training-accuracy")
    page.locator(CANVAS).first.wait_for()
    page.wait_for_timeout(1500)   # the first full frame

    start = status.text_content()
    assert start.startswith("SGD, learning rate 0.2, momentum 0.90, batch size 128, 5 epochs")
    assert "validation accuracy" in accuracy.text_content()
    assert float(readout(lr_slider)) == 0.2 and readout(momentum_slider) == "0.90"

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
    assert error_outputs(page) == []
