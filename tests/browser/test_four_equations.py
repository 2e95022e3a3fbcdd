"""07_four_equations in a real JupyterLab: run all cells, move the saturation slider with the
keyboard, and check that the figure is redrawn and the numbers shown are the library's for the
new weight scale."""
from course_lib.inspector import saturation
from course_lib.widgets.backprop_inspect import status_text

from .harness import error_outputs, run_notebook, wait_for_new_picture, wait_for_text_change


def test_saturation_slider_redraws_figure_and_numbers(page, lab):
    run_notebook(page, lab, "07_four_equations.ipynb")

    widget = page.locator(".saturation-widget").first
    widget.scroll_into_view_if_needed()
    status = widget.locator(".saturation-text")
    slider = widget.locator(".saturation-scale")
    canvas = widget.locator(".jupyter-matplotlib-canvas-div canvas").first
    status.wait_for()
    canvas.wait_for()
    # the live widget starts where the notebook built it: sigmoid, weight scale 1
    assert status.inner_text() == status_text(saturation(1.0, "sigmoid"))
    readout = slider.locator(".widget-readout")
    assert float(readout.inner_text()) == 1.0
    page.wait_for_timeout(500)          # let the first draw reach the canvas
    picture = canvas.screenshot()

    # Keyboard: focus the handle, two steps right (log₂ step 0.5 each): scale 1 → 2.
    handle = slider.locator(".noUi-handle")
    handle.focus()
    before = status.inner_text()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    wait_for_text_change(status, before)
    page.wait_for_function(
        "() => Number(document.querySelector('.saturation-scale .widget-readout').textContent) === 2",
        timeout=15_000)
    page.wait_for_function(
        """() => document.querySelector('.saturation-text').textContent.includes('weight scale 2:')""",
        timeout=15_000)
    new_picture = wait_for_new_picture(canvas, picture)
    assert new_picture != picture
    # the numbers on the page are the library's for scale 2 (and not those for scale 1)
    expected = status_text(saturation(2.0, "sigmoid"))
    assert status.inner_text() == expected
    assert expected != before

    # The End key jumps to the largest scale, 32: saturation, and a new picture again.
    handle.focus()
    page.keyboard.press("End")
    page.wait_for_function(
        """() => document.querySelector('.saturation-text').textContent.includes('weight scale 32:')""",
        timeout=15_000)
    wait_for_new_picture(canvas, new_picture)
    assert float(readout.inner_text()) == 32.0
    assert status.inner_text() == status_text(saturation(32.0, "sigmoid"))
    assert error_outputs(page) == []
