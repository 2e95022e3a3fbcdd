"""Every widget and figure of the notebooks fits a classroom projector, in a real JupyterLab.

Each notebook with a widget or a figure is run once in JupyterLab with the file browser (the
left sidebar) collapsed; then the page is shown at two screen settings in turn, and every widget
output is measured at each:

* "1280x720": a 720p projector, browser at 100 %: viewport 1280×720 CSS px.
* "1024x768@125%": a 1024×768 screen with the browser zoomed to 125 %. Zooming does two things
  to the page: the layout viewport shrinks to 1024/1.25 × 768/1.25 = 819×614 CSS px, and
  window.devicePixelRatio becomes 1.25 (every CSS px is drawn with 1.25 device px; ipympl then
  renders its canvas at 1.25× the figure's dpi, at the same CSS size). Chromium's device
  metrics override with 819×614 and a scale factor of 1.25 (what Playwright sets for a context
  with that viewport and device_scale_factor) is exactly that.

For every widget output (a cell output holding a widget view) it asserts:

* no horizontal scrolling: the widget lies inside its cell's output area, nothing in it reaches
  past the output area's right edge, and neither the output area nor any element between it
  and the notebook panel is wider than its box (scrollWidth ≤ clientWidth);
* no control is squeezed: every slider track (noUiSlider's `.noUi-target`, ipywidgets 8) is at
  least 150 CSS px wide, and no button, label, readout or dropdown cuts its text ("zi…");
* the figure is shown at its own size: its canvas is not shrunk by CSS (its text of s pt is
  s × 100/72 CSS px on screen, as tests/test_widgets_fit.py assumes), and keeps that size at
  the second setting;
* height: the widget's controls, status line and figure together (its outermost box) are at
  most 720 px tall on the screen, i.e. ≤ 720 CSS px at 1280x720, and ≤ 720 device px = 576 CSS
  px at 125 % zoom (the physical screen there is 768 device px tall; 720 CSS px would be 900
  device px, more than the screen). The height of the notebook's visible area is printed
  beside it (what can be seen without scrolling).

The sizes in points of the figures' text are checked kernel-side (tests/test_widgets_fit.py):
a canvas's text is pixels here. The measurements are printed (run with -s to see them), and
each widget's screenshot is saved in $COURSE_FIT_SHOTS if that is set (Playwright takes an
element's screenshot with the page at its context's viewport, 1280×720: the second
setting's screenshots show that layout, not the one measured).
"""
import json
import os
from pathlib import Path

import pytest

from .harness import error_outputs, open_notebook, run_all_cells, shut_down_kernel

SETTINGS = {
    "1280x720": dict(viewport={"width": 1280, "height": 720}, device_scale_factor=1,
                     max_height=720),
    "1024x768@125%": dict(viewport={"width": 819, "height": 614}, device_scale_factor=1.25,
                          max_height=720 / 1.25),
}
MIN_TRACK = 150        # CSS px: a slider track narrower than this cannot be aimed at
SLACK = 0.5            # CSS px of rounding allowed in the comparisons

# notebook: how many course widgets (interactive widgets and the stored-figure widgets, boxes
# with the class course-widget) it shows; every widget output is measured (12 also shows
# tqdm's progress bar)
NOTEBOOKS = {
    "00_start_here.ipynb": 1,
    "01_gradient_descent.ipynb": 3,
    "02_momentum.ipynb": 6,
    "03_adaptive_optimizers.ipynb": 5,
    "04_stochastic_gradient_descent.ipynb": 6,
    "05_neurons_and_forward_pass.ipynb": 1,
    "06_chain_rule_and_blame.ipynb": 3,
    "07_four_equations.ipynb": 2,
    "08_activations_and_losses.ipynb": 2,
    "09_gradient_checking.ipynb": 1,
    "10_backprop_for_matrix_functions.ipynb": 1,
    "11_batch_normalization.ipynb": 2,
    "12_training_on_digits.ipynb": 7,
    "13_generalization.ipynb": 4,
}

WIDGETS = ".jp-OutputArea-output > .jupyter-widgets"

# Measures the i-th widget output (already scrolled into view). Sizes in CSS px.
MEASURE = """([sel, i]) => {
    const root = document.querySelectorAll(sel)[i];
    const out = root.closest('.jp-OutputArea-output');
    const panel = root.closest('.jp-NotebookPanel');
    const rect = e => e.getBoundingClientRect();
    const o = rect(out), r = rect(root);
    // elements from the output area up to the notebook panel that are wider than their box
    const overflow = [];
    for (let e = out; e && e !== panel.parentElement; e = e.parentElement) {
        const extra = e.scrollWidth - e.clientWidth;
        if (extra > 0) overflow.push([e.className.split(' ').slice(-2).join('.'), extra]);
    }
    // the furthest right any visible part of the widget reaches, and parts of it that
    // scroll sideways (a box wider than the room it has, with overflow-x auto or scroll)
    let right = r.right;
    for (const e of [root, ...root.querySelectorAll('*')]) {
        const b = rect(e), style = getComputedStyle(e);
        if (b.width > 0 && b.height > 0 && style.visibility !== 'hidden') {
            right = Math.max(right, b.right);
            if (['auto', 'scroll'].includes(style.overflowX) && e.scrollWidth > e.clientWidth) {
                overflow.push([e.className.split(' ').slice(-2).join('.'),
                               e.scrollWidth - e.clientWidth]);
            }
        }
    }
    const label = e => (e.className.baseVal !== undefined ? '' : e.className) + ' ' +
        (e.textContent || e.value || '').trim().slice(0, 40);
    const cut = [...root.querySelectorAll(
            'button, .widget-label, .widget-readout, select, .widget-html-content')]
        .filter(e => rect(e).width > 0 && e.scrollWidth > e.clientWidth + 1)
        .map(e => label(e) + ` (${e.scrollWidth} > ${e.clientWidth})`);
    const tracks = [...root.querySelectorAll('.noUi-target')].map(e => {
        const s = e.closest('.widget-slider');
        const name = s ? (s.querySelector('.widget-label').textContent || '').trim() : '?';
        return [name, Math.round(rect(e).width * 10) / 10];
    });
    // the figure's canvas: its CSS size, and how much CSS shrinks or stretches the picture
    // ipympl drew (figsize × dpi × devicePixelRatio pixels): 1 keeps 12 pt text 16.7 CSS px
    const canvases = [...root.querySelectorAll('.jupyter-matplotlib-canvas-div canvas')]
        .slice(0, 1).map(c => [rect(c).width, rect(c).height,
                               rect(c).width * window.devicePixelRatio / c.width]);
    const scroller = root.closest('.jp-WindowedPanel-outer');
    return {
        course: root.classList.contains('course-widget'),
        classes: root.className.split(' ').filter(c => !/^(lm-|jupyter-|widget-)/.test(c)),
        outputWidth: o.width, left: r.left - o.left, right: right - o.right,
        width: r.width, height: r.height, overflow, cut, tracks, canvas: canvases[0] || null,
        visibleHeight: scroller ? rect(scroller).height : null,
        viewport: [window.innerWidth, window.devicePixelRatio],
    };
}"""


@pytest.fixture
def screen(browser, lab):
    """A page at the first setting; `show_as` moves it to the others."""
    first = SETTINGS[next(iter(SETTINGS))]
    context = browser.new_context(viewport=first["viewport"],
                                  device_scale_factor=first["device_scale_factor"])
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def show_as(page, setting):
    """Give the page another screen setting: the same device-metrics override Playwright sets
    for a new context's viewport and device_scale_factor (Chromium's DevTools protocol), so
    the notebook's cells need not run again. The layout follows; ipympl's canvases keep the
    pixel ratio they were drawn with (it draws anew only when the figure changes), so at the
    later settings a canvas is checked to keep its CSS size from the first setting (where its
    pixels are checked to be CSS px: shown at its own size), rather than by its pixels."""
    s = SETTINGS[setting]
    if not hasattr(page, "course_cdp"):     # (kept open: its override ends with it)
        page.course_cdp = page.context.new_cdp_session(page)
    page.course_cdp.send("Emulation.setDeviceMetricsOverride",
                         {"width": s["viewport"]["width"], "height": s["viewport"]["height"],
                          "deviceScaleFactor": s["device_scale_factor"], "mobile": False})
    page.wait_for_function("([w, r]) => window.innerWidth === w && window.devicePixelRatio === r",
                           arg=[s["viewport"]["width"], s["device_scale_factor"]])
    page.wait_for_timeout(500)     # JupyterLab's layout and ipympl's redraw at the new ratio


def collapse_file_browser(page):
    """Collapse JupyterLab's left sidebar (the file browser is open there after a reset)."""
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    page.wait_for_function("() => window.jupyterapp.shell.leftCollapsed")


def measure_widgets(page, shots=None, prefix=""):
    """Scroll to every widget output in turn and measure it (MEASURE); screenshot it into
    `shots` if given."""
    count = page.locator(WIDGETS).count()
    found = []
    for i in range(count):
        root = page.locator(WIDGETS).nth(i)
        root.scroll_into_view_if_needed()
        canvas = root.locator(".jupyter-matplotlib-canvas-div canvas")
        if canvas.count():
            page.wait_for_function(
                """([sel, i]) => {
                    const c = document.querySelectorAll(sel)[i]
                        .querySelector('.jupyter-matplotlib-canvas-div canvas');
                    return c.getBoundingClientRect().width > 0;
                }""", arg=[WIDGETS, i])
        page.wait_for_timeout(300)   # the first frame and the layout after it
        found.append(page.evaluate(MEASURE, [WIDGETS, i]))
    if shots is not None:   # after measuring: a screenshot may give the page its viewport back
        for i in range(count):
            page.locator(WIDGETS).nth(i).screenshot(path=str(Path(shots) / f"{prefix}-{i}.png"))
    return found


def problems(m, max_height, first=None, viewport=None):
    """What is wrong with one widget's measurements, as strings (empty: it fits). `first`: the
    same widget measured at the first setting (see `show_as` for why the canvas is compared
    with it)."""
    bad = []
    if viewport is not None and m["viewport"] != viewport:
        bad.append(f"measured with the page at {m['viewport']} (width, pixel ratio), not "
                   f"{viewport}")
    if m["left"] < -SLACK or m["right"] > SLACK:
        bad.append(f"reaches {m['right']:.0f} px past the output area's right edge "
                   f"(left {m['left']:.0f})")
    if m["overflow"]:
        bad.append(f"horizontal scrolling in {m['overflow']}")
    if m["height"] > max_height + SLACK:
        bad.append(f"{m['height']:.0f} px tall > {max_height:.0f}")
    narrow = [t for t in m["tracks"] if t[1] < MIN_TRACK - SLACK]
    if narrow:
        bad.append(f"slider tracks narrower than {MIN_TRACK} px: {narrow}")
    if m["cut"]:
        bad.append(f"cut text: {m['cut']}")
    if m["canvas"] and first is None and abs(m["canvas"][2] - 1) > 0.02:
        bad.append(f"the figure is shown at {m['canvas'][2]:.2f}× its size (its text with it)")
    if m["canvas"] and first is not None and first["canvas"] and any(
            abs(a - b) > SLACK for a, b in zip(m["canvas"][:2], first["canvas"][:2])):
        bad.append(f"the figure is shown {m['canvas'][0]:.0f}×{m['canvas'][1]:.0f} CSS px, "
                   f"not at its size {first['canvas'][0]:.0f}×{first['canvas'][1]:.0f}")
    return bad


def report(notebook, setting, widgets):
    print(f"\n{notebook} at {setting}:")
    for i, m in enumerate(widgets):
        tracks = min((t[1] for t in m["tracks"]), default=None)
        print(f"  [{i}] {' '.join(m['classes']) or '(figure)'}: "
              f"{m['width']:.0f}×{m['height']:.0f} in an output area {m['outputWidth']:.0f} wide "
              f"(visible {m['visibleHeight']:.0f}); past the right edge {max(m['right'], 0):.0f}; "
              f"scrolling {m['overflow'] or 'none'}; narrowest track "
              f"{'-' if tracks is None else f'{tracks:.0f}'}; "
              f"canvas {m['canvas'] and [round(v, 2) for v in m['canvas']]}; "
              f"cut {m['cut'] or 'none'}")


@pytest.mark.parametrize("notebook", list(NOTEBOOKS))
def test_widgets_fit_the_screen(screen, lab, notebook):
    """The notebook runs once; its widgets are measured at every screen setting in turn."""
    page = screen
    open_notebook(page, lab, notebook)
    collapse_file_browser(page)
    measured = {}
    try:
        run_all_cells(page, timeout=600_000)
        assert error_outputs(page) == []
        shots = os.environ.get("COURSE_FIT_SHOTS")
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
        for setting in SETTINGS:
            show_as(page, setting)
            measured[setting] = measure_widgets(
                page, shots, f"{notebook[:2]}-{setting.replace('%', '')}")
    finally:
        shut_down_kernel(page)
    wrong = []
    first = measured[next(iter(SETTINGS))]
    for setting, widgets in measured.items():
        report(notebook, setting, widgets)
        if shots:
            with open(Path(shots) / "measurements.jsonl", "a") as f:
                f.write(json.dumps({"notebook": notebook, "setting": setting,
                                    "widgets": widgets}) + "\n")
        course = sum(m["course"] for m in widgets)
        if course != NOTEBOOKS[notebook]:
            wrong.append(f"{setting}: {course} course widgets on the page, expected "
                         f"{NOTEBOOKS[notebook]}")
        max_height = SETTINGS[setting]["max_height"]
        wrong += [f"{setting}, widget {i} ({' '.join(m['classes'])}): {'; '.join(p)}"
                  for i, m in enumerate(widgets)
                  if (p := problems(m, max_height, None if widgets is first else first[i],
                                    [SETTINGS[setting]["viewport"]["width"],
                                     SETTINGS[setting]["device_scale_factor"]]))]
    assert not wrong, "\n".join(wrong)
