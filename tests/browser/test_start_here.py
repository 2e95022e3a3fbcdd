"""00_start_here in a real JupyterLab: run all cells, move the slider by keyboard and by mouse,
and check that the kernel's answer follows the slider."""
import re

from .harness import drag, run_notebook, wait_for_text_change


def slider_value(page, slider):
    return int(slider.locator(".widget-readout").inner_text())


def test_start_here_slider_drives_the_kernel(page, lab):
    run_notebook(page, lab, "00_start_here.ipynb")

    # The live widget (not the stored picture) is on the page, and shows the kernel's answer.
    result = page.locator(".alive-result").first
    slider = page.locator(".widget-slider").filter(has=page.locator(".noUi-handle")).first
    result.wait_for(state="attached")
    # Run All ends at the bottom of the notebook, and JupyterLab 4 does not render cells far
    # off screen (inner_text is then empty): bring the widget back into view first.
    result.scroll_into_view_if_needed()
    # Run All ran the cell that sets x = 7 after the widget was shown.
    assert result.text_content() == "the kernel says: x² = 7² = 49"

    # Keyboard: focus the handle, two steps right.
    handle = slider.locator(".noUi-handle")
    handle.focus()
    before = result.inner_text()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    text = wait_for_text_change(result, before)
    page.wait_for_timeout(300)  # let the second keypress land too
    x = slider_value(page, slider)
    assert x == 9
    assert result.inner_text() == f"the kernel says: x² = {x}² = {x * x}"

    # Mouse: drag the handle to the far left of the track (x = 0).
    drag(page, slider, -0.1)
    text = wait_for_text_change(result, text)
    page.wait_for_function(
        "() => document.querySelector('.alive-result').textContent.endsWith('= 0')", timeout=10_000)
    assert slider_value(page, slider) == 0
    assert re.fullmatch(r"the kernel says: x² = 0² = 0", result.inner_text())
