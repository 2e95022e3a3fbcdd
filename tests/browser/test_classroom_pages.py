"""The classroom pages in Chromium, opened as files with every request that is not a file
aborted (and recorded): a teacher's browser with no server and no network.

For every page, at 1280×720:
* it starts, asks for nothing (no request at all beyond its own file), and fits: no scrolling,
  slider tracks at least 160 px, the figure shown at least at its notebook size;
* every slider, moved by the keyboard (arrow keys, End, Home) and by the mouse (clicks on its
  track, and a drag), changes the picture exactly when the frame's data changes, draws that frame (its
  stored points are painted), and shows the readout and the status line that the notebook's
  widget, run now by course_lib for those values, shows;
* every preset sets the sliders to its values;
* keypress-to-redraw: from the key event to the end of the drawing (and to the next animation
  frame, which shows it), median over 10 keypresses, printed (run with -s) and recorded with
  record_property, not asserted (shared machines); the goal is one frame (16 ms).
"""
import statistics

import numpy as np
import pytest

from course_lib.classroom import PAGES, settle
from course_lib.classroom.frames import decode_piece
from tests.classroom_support import read_page

from .harness import html_text, require_browser

GOAL_MS = 16.0


@pytest.fixture(scope="module")
def pages(classroom_dir):
    require_browser()
    return classroom_dir


class Checker:
    """One page open in Chromium, and the widget of its notebook to compare with."""

    def __init__(self, browser, folder, name):
        self.name = name
        self.spec = PAGES[name]()
        self.controls, self.header, self.arrays = read_page(folder / f"{name}.html")
        self.widget = None
        self.previous, self.drawn = None, None
        self.context = browser.new_context(viewport={"width": 1280, "height": 720})
        self.requests, self.aborted = [], []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.errors = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.goto((folder / f"{name}.html").as_uri())
        self.page.wait_for_selector("body[data-ready]")
        assert self.page.get_attribute("body", "data-ready") == "true", \
            self.page.text_content("#status")

    def _route(self, route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.aborted.append(route.request.url)
            route.abort()

    def close(self):
        self.context.close()
        if self.widget is not None:
            self.widget.close()

    # -- what the page shows ---------------------------------------------------------------------
    def indices(self):
        return [int(v) for v in self.page.eval_on_selector_all(
            "#sliders input", "els => els.map(e => e.value)")]

    def frame(self):
        index = 0
        for s, i in zip(self.spec.sliders, self.indices()):
            index = index * len(s.values) + i
        return index

    def canvas(self):
        return self.page.evaluate("document.getElementById('canvas').toDataURL()")

    def pieces(self, frame):
        n = len(self.header["layers"])
        return tuple(int(x) for x in self.arrays["frames"][frame * n:(frame + 1) * n])

    def painted(self, frame):
        """Up to 12 midpoints of the stored segments of the frame's lines that lie well inside
        their clip box: the canvas must not be transparent there."""
        points = []
        for i, piece in enumerate(self.pieces(frame)):
            layer = self.header["layers"][i]
            style = layer["style"]
            if piece < 0 or style["kind"] != "line" or style["width"] < 2 or style["dash"]:
                continue                   # (a dashed line's midpoint may fall in a gap)
            line, _ = decode_piece(self.arrays["coords"], self.arrays["offsets"], piece)
            line = (line[1:] + line[:-1]) / 2         # NaN next to a break
            x0, y0, x1, y1 = layer["clip"]
            ok = np.isfinite(line).all(axis=1)
            ok &= (line[:, 0] > x0 + 2) & (line[:, 0] < x1 - 2)
            ok &= (line[:, 1] > y0 + 2) & (line[:, 1] < y1 - 2)
            points += [[float(x), float(y)] for x, y in line[ok][:3]]
        alphas = self.page.evaluate(
            """points => { const c = document.getElementById('canvas').getContext('2d');
                 return points.map(([x, y]) => c.getImageData(Math.round(x), Math.round(y), 1, 1).data[3]); }""",
            points[:12])
        return points[:12], alphas

    def expected(self):
        """(readouts, status text) of the notebook's widget, run now for the sliders' values."""
        settings = {s.attr: s.values[i] for s, i in zip(self.spec.sliders, self.indices())}
        if self.widget is None:
            self.widget = self.spec.make()
        settle(self.widget, settings, self.spec.before)
        readouts = [s.readouts()[i] for s, i in zip(self.spec.sliders, self.indices())]
        return readouts, html_text(self.widget.status.value)

    def check(self, before_frame, before_canvas, what, single=True):
        """The page after a move: the picture changed iff the frame's data changed, the frame's
        lines are painted, the readouts and the status line are the widget's."""
        frame = self.frame()
        assert self.page.evaluate("window.classroom.frame()") == frame, what
        canvas = self.canvas()
        before = self.drawn
        if "previous" in self.header and frame != before_frame:
            # the page draws the frame it showed before, faded: after one move, before_frame;
            # after a drag, the last position the drag crossed
            self.previous = self.page.evaluate("window.classroom.previous()")
            if single:
                assert self.previous == before_frame, what
        self.drawn = (self.pieces(frame),
                      None if self.previous is None else self.pieces(self.previous))
        if self.drawn != before:
            assert canvas != before_canvas, f"{self.name}: {what} did not change the picture"
        else:
            assert canvas == before_canvas, f"{self.name}: {what} changed the picture of the same data"
        points, alphas = self.painted(frame)
        assert all(a > 0 for a in alphas), (what, points, alphas)
        readouts, status = self.expected()
        shown = self.page.eval_on_selector_all("#sliders output", "els => els.map(e => e.value)")
        assert shown == readouts, what
        assert self.page.text_content("#status") == status, what
        return frame, canvas


@pytest.mark.parametrize("name", list(PAGES))
def test_classroom_page(browser, pages, name, record_property):
    checker = Checker(browser, pages, name)
    try:
        page = checker.page
        # nothing asked of any host, nothing at all but the file itself
        assert checker.aborted == [] and all(u.startswith("file:") for u in checker.requests), \
            checker.requests
        # fits 1280×720: no scrolling, tracks ≥ 160 px, the figure at least its notebook size
        size = page.evaluate("[document.documentElement.scrollWidth, "
                             "document.documentElement.scrollHeight]")
        assert size[0] <= 1280 and size[1] <= 720, size
        tracks = page.eval_on_selector_all("#sliders input",
                                           "els => els.map(e => e.getBoundingClientRect().width)")
        assert min(tracks) >= 160, tracks
        shown = page.locator("#figure").bounding_box()
        assert shown["width"] >= checker.header["size"][0] / 2, shown   # DPI 200: 100 dpi = ½

        checker.drawn = (checker.pieces(checker.frame()), None)
        frame, canvas = checker.check(checker.frame(), checker.canvas(), "start")
        for k, spec in enumerate(checker.controls["sliders"]):
            selector = f"#sliders input >> nth={k}"
            slider = page.locator(selector)
            slider.focus()
            last = len(spec["readouts"]) - 1
            keys = ["ArrowLeft" if checker.indices()[k] == last else "ArrowRight", "ArrowLeft",
                    "End", "ArrowLeft", "Home", "ArrowRight"]
            for key in keys:
                page.keyboard.press(key)
                frame, canvas = checker.check(frame, canvas, f"{spec['label']}: key {key}")
            box = slider.bounding_box()
            for fraction in (0.3, 0.8, 0.5):
                page.mouse.click(box["x"] + fraction * box["width"], box["y"] + box["height"] / 2)
                frame, canvas = checker.check(frame, canvas,
                                              f"{spec['label']}: click at {fraction:.0%}")
            assert checker.indices()[k] not in (0, last)
            # and a drag along the track, from its thumb to 15 %: every position it crosses is
            # drawn on the way (an input event each), and the last one stays
            y = box["y"] + box["height"] / 2
            page.mouse.move(box["x"] + 0.5 * box["width"], y)
            page.mouse.down()
            draws = page.evaluate("window.classroom.draws")
            for fraction in np.linspace(0.45, 0.15, 7):
                page.mouse.move(box["x"] + fraction * box["width"], y)
            page.mouse.up()
            assert page.evaluate("window.classroom.draws") > draws
            frame, canvas = checker.check(frame, canvas, f"{spec['label']}: drag to 15 %",
                                          single=False)
        for preset in checker.controls["presets"]:
            page.get_by_role("button", name=preset["name"], exact=True).click()
            wanted = [preset["indices"][s["attr"]] for s in checker.controls["sliders"]]
            assert checker.indices() == wanted, preset["name"]
            frame, canvas = checker.check(frame, canvas, f"preset {preset['name']}")

        # keypress to redraw: the first slider, 10 presses, each timed in the page
        first = page.locator("#sliders input >> nth=0")
        first.focus()
        page.keyboard.press("Home")
        timings_before = page.evaluate("window.classroom.timings.length")
        for _ in range(10):
            page.keyboard.press("ArrowRight")
            page.evaluate("new Promise(r => requestAnimationFrame(() => r()))")
        timings = page.evaluate("window.classroom.timings")[timings_before:]
        assert len(timings) == 10 and all("frame" in t for t in timings)
        drawn = [t["end"] - t["event"] for t in timings]
        shown = [t["frame"] - t["event"] for t in timings]
        median = statistics.median(drawn)
        print(f"\n{name}: keypress to redraw, median {median:.1f} ms (max {max(drawn):.1f}); "
              f"to the next animation frame {statistics.median(shown):.1f} ms; "
              f"{len(drawn)} keypresses (goal ≤ {GOAL_MS:g} ms)")
        record_property(f"{name}_keypress_to_redraw_ms", round(median, 2))
        record_property(f"{name}_keypress_to_next_frame_ms", round(statistics.median(shown), 2))
        assert checker.errors == [], checker.errors
        assert checker.aborted == [] and all(u.startswith("file:") for u in checker.requests)
    finally:
        checker.close()
