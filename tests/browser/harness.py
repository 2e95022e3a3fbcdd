"""Browser-test harness: JupyterLab on a free local port over a temporary copy of the
notebooks, driven by Playwright (from PyPI) in Debian's Chromium.

Tests use the fixtures `lab` and `page` (conftest.py) and the helpers below. Chromium is never
downloaded by Playwright: we launch /usr/bin/chromium. Without it (or without Playwright) the
tests skip with the reason, except under CI=true, where they fail.
"""
import base64
import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TOKEN = "course-browser-test"



def html_text(markup):
    """The text a browser shows for `markup`: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))

def require_browser():
    """Skip (locally) or fail (in CI) when Chromium or Playwright is missing."""
    problems = []
    if not Path(CHROMIUM).exists():
        problems.append(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("playwright is not installed (pip install -e '.[dev]')")
    if problems:
        reason = "; ".join(problems)
        if os.environ.get("CI"):
            pytest.fail(f"browser tests are required in CI: {reason}")
        pytest.skip(reason)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server over a temporary copy of notebooks/ (the repo's files stay untouched)."""

    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="course-lab-"))
        self.root = self.tmp / "notebooks"
        shutil.copytree(REPO / "notebooks", self.root,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ,
                   JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"),
                   JUPYTER_CONFIG_DIR=str(self.tmp / "config"),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.tmp / "workspaces"),
                   JUPYTERLAB_SETTINGS_DIR=str(self.tmp / "settings"),
                   MPLBACKEND="module://ipympl.backend_nbagg")
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={self.port}",
               "--ip=127.0.0.1", f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={self.root}",
               "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--ServerApp.disable_check_xsrf=True"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = open(self.tmp / "lab.log", "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self._wait_ready()

    def _wait_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited early:\n{self.logtext()}")
            try:
                urllib.request.urlopen(f"{self.url}/api/status?token={TOKEN}", timeout=2)
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"jupyter lab did not start in {timeout} s:\n{self.logtext()}")

    def logtext(self):
        self.log.flush()
        return (self.tmp / "lab.log").read_text()[-4000:]

    def shut_down_sessions(self):
        """End every notebook session and its kernel. The server keeps them otherwise: a later
        test that opens the same notebook would get the old kernel, not a fresh one, and the
        kernels of earlier tests would share the CPU with the notebook under test."""
        api = f"{self.url}/api/sessions"
        with urllib.request.urlopen(f"{api}?token={TOKEN}", timeout=30) as answer:
            sessions = json.load(answer)
        for session in sessions:
            urllib.request.urlopen(urllib.request.Request(
                f"{api}/{session['id']}?token={TOKEN}", method="DELETE"), timeout=60).close()

    def notebook_url(self, name):
        return f"{self.url}/lab/tree/{name}?token={TOKEN}&reset"

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- helpers for tests ---------------------------------------------------------------------

def open_notebook(page, lab, name, timeout=120_000):
    """Open notebooks/<name> in JupyterLab and wait until its kernel is ready."""
    page.goto(lab.notebook_url(name))
    page.wait_for_function(
        """name => {
            const app = window.jupyterapp;
            const w = app && app.shell.currentWidget;
            return !!(w && w.context && w.context.path.endsWith(name)
                      && w.sessionContext && w.sessionContext.session
                      && w.sessionContext.session.kernel
                      && w.sessionContext.session.kernel.status === 'idle');
        }""", arg=name, timeout=timeout)


def run_notebook(page, lab, name, timeout=300_000):
    """Open notebooks/<name>, run all its cells in a fresh kernel, and check that no cell wrote
    an error or a warning."""
    open_notebook(page, lab, name)
    run_all_cells(page, timeout)
    assert error_outputs(page) == [], error_outputs(page)


def run_all_cells(page, timeout=300_000):
    """Run every cell of the current notebook and wait until all have finished.

    The stored outputs (and execution counts) are cleared first, so that the wait is for this
    run and not satisfied at once by the counts saved in the file.
    """
    page.evaluate("""async () => {
        await window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs');
        await window.jupyterapp.commands.execute('notebook:run-all-cells');
    }""")
    wait_until_idle(page, timeout)


def wait_until_idle(page, timeout=300_000, stalled=5.0):
    """Wait until no cell is queued or running and the kernel is idle, every code cell run.

    A cell that raises stops "run all": the cells after it are never run. That state (kernel
    idle, nothing queued, some cell without an execution count) fails the test once it has
    lasted `stalled` seconds, with the error outputs, instead of waiting out `timeout`.
    """
    deadline, stalled_since = time.monotonic() + timeout / 1000, None
    while True:
        state = page.evaluate("""() => {
            const w = window.jupyterapp.shell.currentWidget;
            const k = w.sessionContext.session.kernel;
            const cells = w.content.widgets.filter(c => c.model.type === 'code');
            const pending = cells.some(c => {
                const p = c.node.querySelector('.jp-InputArea-prompt');
                return p && p.textContent.includes('*');
            });
            if (k.status !== 'idle' || pending) return 'busy';
            return cells.every(c => c.model.sharedModel.source.trim() === ''
                                    || c.model.executionCount !== null) ? 'done' : 'stopped';
        }""")
        if state == "done":
            return
        now = time.monotonic()
        stalled_since = (stalled_since or now) if state == "stopped" else None
        if stalled_since is not None and now - stalled_since > stalled:
            raise AssertionError("the run stopped before the last cell (a cell raised?); error "
                                 f"outputs: {error_outputs(page)}")
        if now > deadline:
            raise AssertionError(f"the notebook was still running after {timeout / 1000:.0f} s")
        time.sleep(0.25)


def shut_down_kernel(page):
    """Stop the notebook's kernel now, within a test that opens several notebooks in turn (the
    `page` fixture ends every session only when the test ends): otherwise eleven kernels take
    the CPU from the next notebook's."""
    page.evaluate("""async () => {
        const w = window.jupyterapp.shell.currentWidget;
        if (w && w.sessionContext) { await w.sessionContext.shutdown(); }
    }""")


def error_outputs(page):
    """Texts of error outputs (tracebacks) and stderr outputs (warnings) in the notebook."""
    return page.eval_on_selector_all(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        "nodes => nodes.map(n => n.textContent)")


def poll(read, changed, timeout, what):
    """Call read() until changed(value) holds; return that value, or fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = read()
        if changed(value):
            return value
        time.sleep(0.02)
    raise AssertionError(f"{what} did not change within {timeout} s")


def wait_for_text_change(locator, old, timeout=30_000):
    """Wait until the locator's text differs from `old`; return the new text."""
    return poll(locator.inner_text, lambda text: text != old, timeout / 1000,
                f"text {old!r}")


def drag(page, slider, fraction):
    """Drag an ipywidgets slider's handle with the mouse to `fraction` of its track (values
    outside [0, 1] go past the ends), then release."""
    handle = slider.locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    track = slider.locator(".noUi-target").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track["x"] + fraction * track["width"], y, steps=10)
    page.mouse.up()


def wait_for_new_picture(locator, old, timeout=30.0):
    """Screenshots of `locator` until one differs from `old` (PNG bytes); return it."""
    return poll(locator.screenshot, lambda shot: shot != old, timeout, "the figure")


# --- cells by their code, the kernel behind the page, pictures ----------------------------------

def mark_cell(page, fragment, name):
    """Tag the one code cell whose source contains `fragment` (data-course-cell=name) and
    return a locator for it (its input and its outputs)."""
    found = page.evaluate(
        """([fragment, name]) => {
            const cells = window.jupyterapp.shell.currentWidget.content.widgets;
            const hits = cells.filter(c => c.model.type === 'code'
                                      && c.model.sharedModel.source.includes(fragment));
            hits.forEach(c => { c.node.dataset.courseCell = name; });
            return hits.length;
        }""", [fragment, name])
    assert found == 1, f"{found} code cells contain {fragment!r}"
    return page.locator(f"[data-course-cell='{name}']")


def run_cell(page, name):
    """Run the cell tagged `name` (mark_cell) as Ctrl-Enter does; return at once, as a learner
    goes on (the cell may still be queued or running)."""
    page.evaluate(
        """name => {
            const nb = window.jupyterapp.shell.currentWidget.content;
            const i = nb.widgets.findIndex(c => c.node.dataset.courseCell === name);
            if (i < 0) throw new Error('no cell ' + name);
            nb.deselectAll();
            nb.activeCellIndex = i;
            window.jupyterapp.commands.execute('notebook:run-cell');
        }""", name)


def execution_count(page, name=None):
    """The execution count of the cell tagged `name`, or the highest of the notebook's."""
    return page.evaluate(
        """name => {
            const cells = window.jupyterapp.shell.currentWidget.content.widgets;
            if (name === null) return Math.max(...cells.map(c => c.model.executionCount || 0));
            return cells.find(c => c.node.dataset.courseCell === name).model.executionCount;
        }""", name)


def wait_for_execution(page, name, count, timeout=120_000):
    """Wait until the cell tagged `name` has execution count `count` (it ran that far)."""
    page.wait_for_function(
        """([name, n]) => window.jupyterapp.shell.currentWidget.content.widgets
            .find(c => c.node.dataset.courseCell === name).model.executionCount === n""",
        arg=[name, count], timeout=timeout)


def kernel_exec(page, code, timeout=60_000):
    """Run `code` in the notebook's kernel outside any cell (no output on the page, no cell id,
    silent: the execution count stays) and return what it printed; fail with the kernel's
    error if it raised."""
    result = page.evaluate(
        """async ([code, timeout]) => {
            const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
            const future = k.requestExecute({code, silent: true, store_history: false});
            let out = '', err = null;
            future.onIOPub = msg => {
                const t = msg.header.msg_type;
                if (t === 'stream') out += msg.content.text;
                if (t === 'error') err = msg.content.ename + ': ' + msg.content.evalue + '\\n'
                                         + msg.content.traceback.join('\\n');
            };
            const timer = new Promise((_, reject) =>
                setTimeout(() => reject(new Error('kernel_exec timed out')), timeout));
            await Promise.race([future.done, timer]);
            return {out, err};
        }""", [code, timeout])
    if result["err"]:
        raise AssertionError(f"kernel code failed: {result['err']}")
    return result["out"]


def kernel_status(page):
    """The page's view of its kernel: {id, status, subshells (the kernel supports them),
    comms (JupyterLab's "Kernel Comms over subshells" setting), dialogs (texts of open
    dialogs, e.g. "Kernel Restarting")}."""
    return page.evaluate("""() => {
        const app = window.jupyterapp, k = app.shell.currentWidget.sessionContext.session.kernel;
        return {id: k.id, status: k.status, subshells: k.supportsSubshells,
                comms: app.serviceManager.kernels.commsOverSubshells,
                commsOnKernel: k.commsOverSubshells,
                dialogs: [...document.querySelectorAll('.jp-Dialog')].map(d => d.textContent)};
    }""")


def watch_kernel(page):
    """From now on, note every status the page's kernel goes through (kernel_history)."""
    page.evaluate("""() => {
        const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
        window.__kernelStatuses = [k.status];
        k.statusChanged.connect((_, status) => { window.__kernelStatuses.push(status); });
    }""")


def kernel_history(page):
    """The statuses the kernel went through since watch_kernel (consecutive repeats merged)."""
    seen = page.evaluate("() => window.__kernelStatuses")
    return [s for i, s in enumerate(seen) if i == 0 or s != seen[i - 1]]


def wait_for_idle_kernel(page, timeout=60_000):
    page.wait_for_function(
        """() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status
                 === 'idle'""", timeout=timeout, polling=100)


def assert_comms_over_subshells(page):
    """JupyterLab's default "Kernel Comms over subshells" (one subshell per comm target) is on,
    and the kernel said it supports subshells (kernel_info's supported_features)."""
    k = kernel_status(page)
    assert k["comms"] == "perCommTarget" and k["commsOnKernel"] == "perCommTarget", k
    assert k["subshells"] is True, k


# What the kernel side of the tests needs: the live course widgets (course_lib's registry of the
# widget each cell made), their state, their figure's pixels, which threads ran their controls'
# changes, and the errors no cell shows (an exception in a widget callback is only logged, by
# the comm package, and a thread's dies with it). Installed once per kernel as `_course_probe`.
PROBE = r'''
import base64 as _b64, json as _json, logging as _logging, threading as _threading, zlib as _zlib
import numpy as _np
from course_lib.widgets import _base as _course_base


class _CourseProbe:
    threads = []
    errors = []
    overlaps = []
    messages = []

    @staticmethod
    def live(kind):
        with _course_base._LIVE_LOCK:
            refs = [ref for slot, entries in _course_base._LIVE.items()
                    if slot[0].rsplit(".", 1)[-1] == kind for ref, run in entries]
        return [w for w in (ref() for ref in refs) if w is not None and not w.closed]

    @classmethod
    def one(cls, kind):
        found = cls.live(kind)
        assert len(found) == 1, f"{len(found)} live {kind} widgets"
        return found[0]

    @classmethod
    def state(cls, kind):
        w = cls.one(kind)
        controls = []
        for control, _ in w._watched:
            value = control.value
            if not isinstance(value, (bool, int, float, str)):
                value = str(value)
            controls.append({"description": control.description, "value": value,
                             "classes": list(control._dom_classes),
                             "step": getattr(control, "step", None),
                             "base": getattr(control, "base", None)})   # a log slider's
        print(_json.dumps({"controls": controls, "status": w.status.value,
                           "summary": w.summary(), "busy": w._runner is not None}))

    @classmethod
    def figure(cls, kind):
        w = cls.one(kind)
        with _course_base.matplotlib_lock():
            pixels = _np.asarray(w.fig.canvas.get_renderer().buffer_rgba()).copy()
        print(_json.dumps({"shape": pixels.shape,
                           "data": _b64.b64encode(_zlib.compress(pixels.tobytes(), 1)).decode()}))

    @classmethod
    def watch(cls, kind):
        """Note the thread each change of the widget's controls runs on, and every message
        about their values from the browser and to it (the last ones explain a failure)."""
        def note(change):
            cls.threads.append(_threading.current_thread().name)
        for control, _ in cls.one(kind)._watched:
            control.observe(note, names="value")
            name = control._dom_classes[0] if control._dom_classes else control.description
            receive, send = control.set_state, control.send_state

            def set_state(sync, receive=receive, name=name):
                cls.messages.append(f"{_threading.current_thread().name[:12]}: browser → "
                                    f"{name} {sync}")
                return receive(sync)

            def send_state(key=None, send=send, name=name, control=control):
                cls.messages.append(f"{_threading.current_thread().name[:12]}: {name} "
                                    f"{key or 'all'} → browser, value {control.value!r}")
                return send(key)

            control.set_state, control.send_state = set_state, send_state


def _course_watch_matplotlib():
    """Note every time two threads are inside matplotlib's drawing at once (a figure's draw, a
    blit's draw_artist, FreeType's text rendering and measuring): what matplotlib_lock() is
    there to prevent ("failed to load glyph", a crashed kernel)."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.figure import Figure
    inside, books = {}, _threading.Lock()

    def wrap(cls, name):
        method = getattr(cls, name)

        def watched(*args, **kwargs):
            me = _threading.get_ident()
            with books:
                others = [t for t, depth in inside.items() if depth and t != me]
                inside[me] = inside.get(me, 0) + 1
            if others:
                names = {t.ident: t.name for t in _threading.enumerate()}
                _CourseProbe.overlaps.append(
                    f"{cls.__name__}.{name} on {names.get(me, me)} while "
                    + ", ".join(str(names.get(t, t)) for t in others) + " drew")
            try:
                return method(*args, **kwargs)
            finally:
                with books:
                    inside[me] -= 1
        watched._course_watched = True
        setattr(cls, name, watched)

    for cls, name in ((Figure, "draw"), (Figure, "draw_artist"), (RendererAgg, "draw_text"),
                      (RendererAgg, "get_text_width_height_descent")):
        if not getattr(getattr(cls, name), "_course_watched", False):
            wrap(cls, name)


class _CourseErrors(_logging.Handler):
    def emit(self, record):
        _CourseProbe.errors.append(self.format(record))


def _course_thread_died(args, _previous=_threading.excepthook):
    _CourseProbe.errors.append(f"thread {args.thread.name}: {args.exc_type.__name__}: "
                               f"{args.exc_value}")
    _previous(args)


if not getattr(_threading, "_course_probe_installed", False):
    _handler = _CourseErrors(level=_logging.ERROR)
    _handler.setFormatter(_logging.Formatter("%(name)s: %(message)s"))
    for _logger in {_logging.getLogger(), _logging.getLogger("Comm"), get_ipython().kernel.log}:
        _logger.addHandler(_handler)
    _threading.excepthook = _course_thread_died
    _course_watch_matplotlib()
    _threading._course_probe_installed = True
_course_probe = _CourseProbe
'''


def install_probe(page):
    kernel_exec(page, PROBE)


def kernel_errors(page):
    """Errors logged in the kernel (widget callbacks, canvas messages) or threads that died of
    an exception since install_probe."""
    return json.loads(kernel_exec(page, "print(__import__('json').dumps(_course_probe.errors))"))


def watch_widget(page, kind):
    """Note the threads the live `kind` widget's changes run on and its controls' messages."""
    kernel_exec(page, f"_course_probe.watch({kind!r})")


def widget_messages(page, last=30):
    """The last messages about the watched controls' values (browser → kernel and back)."""
    return kernel_exec(page, f"print(*_course_probe.messages[-{last}:], sep='\\n')")


def drawing_overlaps(page):
    """The times two threads drew with matplotlib at once since install_probe (at most 5)."""
    return json.loads(kernel_exec(
        page, "print(__import__('json').dumps(_course_probe.overlaps[:5]))"))


class slow_cpu:
    """`with slow_cpu(page, 4):` the page runs at a quarter of the CPU (Chromium's throttling),
    like a classroom's old laptop: the browser handles messages and decodes frames late, which
    is when frames in flight meet."""

    def __init__(self, page, rate=4):
        self.page, self.rate = page, rate

    def __enter__(self):
        self.cdp = self.page.context.new_cdp_session(self.page)
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": self.rate})
        return self

    def __exit__(self, *exc):
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        self.cdp.detach()


def widget_state(page, kind):
    """The live widget of class `kind` as the kernel has it: {controls: [{description, value,
    classes}], status (HTML), summary}."""
    return json.loads(kernel_exec(page, f"_course_probe.state({kind!r})"))


def kernel_pixels(page, kind):
    """The pixels of the live `kind` widget's figure as the kernel last drew them (h, w, 4)."""
    import numpy as np
    got = json.loads(kernel_exec(page, f"_course_probe.figure({kind!r})"))
    return np.frombuffer(zlib.decompress(base64.b64decode(got["data"])),
                         np.uint8).reshape(got["shape"])


def canvas_pixels(page, canvas_selector):
    """The pixels of the first canvas matching the selector, as the page shows them (h, w, 4)."""
    import numpy as np
    got = page.evaluate(
        """sel => {
            const c = document.querySelector(sel);
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let s = '';
            for (let i = 0; i < d.length; i += 0x8000) {
                s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
            }
            return {w: c.width, h: c.height, data: btoa(s)};
        }""", canvas_selector)
    return np.frombuffer(base64.b64decode(got["data"]), np.uint8).reshape(got["h"], got["w"], 4)


def differing_pixels(a, b):
    """How many pixels differ between two (h, w, 4) arrays. Sizes one pixel apart are compared
    on their common part: ipympl makes the canvas figsize × dpi CSS px, truncated, while the
    figure renders it rounded (4.6 in at 100 dpi: a 459 px canvas for a 460 px picture)."""
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    if max(a.shape[0], b.shape[0]) - h > 1 or max(a.shape[1], b.shape[1]) - w > 1:
        return max(a.size, b.size) // 4
    return int((a[:h, :w] != b[:h, :w]).any(axis=2).sum())


def assert_page_shows_kernel_figure(page, canvas_selector, kind, timeout=15.0, save_to=None):
    """The canvas in the page shows exactly the pixels the kernel drew last for the live `kind`
    widget (frames in flight get `timeout` seconds to land): no stale region, no ghost of an
    earlier frame. On failure the two pictures are saved side by side in `save_to` (a path)."""
    deadline = time.monotonic() + timeout
    while True:
        shown, drawn = canvas_pixels(page, canvas_selector), kernel_pixels(page, kind)
        n = differing_pixels(shown, drawn)
        if n == 0:
            return drawn
        if time.monotonic() > deadline:
            break
        time.sleep(0.3)
    if save_to is not None and shown.shape[1] == drawn.shape[1]:
        import numpy as np
        from PIL import Image
        Image.fromarray(np.concatenate([shown, drawn], axis=0)).save(save_to)
    raise AssertionError(f"{kind}: the page's canvas {shown.shape} differs from the kernel's "
                         f"figure {drawn.shape} in {n} pixels"
                         + (f" (saved: page above, kernel below, in {save_to})" if save_to else ""))


# Arms a watcher in the page for the next user action (keydown, pointerdown or change anywhere
# in the page). __redraw then resolves with {redraw, arrival}: the milliseconds from that action
# until ipympl has drawn new pixels into the canvas (pixels that differ from what is there now;
# the browser paints them at its next frame), and until the PNG frame from the kernel arrived
# (ipympl turns it into a blob URL). It hooks the canvas's drawImage and URL.createObjectURL
# instead of polling the pixels at every frame, which on two cores took CPU from the kernel and
# slowed what it measured.
ARM_REDRAW = """([sel, timeout]) => {
    const canvas = document.querySelector(sel);
    const ctx = canvas.getContext('2d');
    const signature = () => {
        const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let h = 0;
        for (let i = 0; i < d.length; i += 4) h = (h * 31 + d[i] + 3 * d[i + 1] + 7 * d[i + 2]) | 0;
        return h;
    };
    const base = signature();
    let actAt = null, arrival = null;
    const acted = () => { if (actAt === null) actAt = performance.now(); };
    const events = ['keydown', 'pointerdown', 'change'];
    events.forEach(e => document.addEventListener(e, acted, {capture: true}));
    const blobUrl = URL.createObjectURL;
    URL.createObjectURL = function (blob) {
        if (actAt !== null && arrival === null && blob && blob.type === 'image/png') {
            arrival = performance.now() - actAt;
        }
        return blobUrl.apply(this, arguments);
    };
    const restore = () => {
        delete ctx.drawImage;
        URL.createObjectURL = blobUrl;
        events.forEach(e => document.removeEventListener(e, acted, {capture: true}));
    };
    window.__redraw = new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            restore();
            reject(new Error(`no new pixels within ${timeout} ms of the action`));
        }, timeout);
        ctx.drawImage = function () {
            const result = CanvasRenderingContext2D.prototype.drawImage.apply(this, arguments);
            const drawnAt = performance.now();
            if (actAt !== null && signature() !== base) {   // (not timed: checked after drawnAt)
                restore();
                clearTimeout(timer);
                resolve({redraw: drawnAt - actAt, arrival});
            }
            return result;
        };
    });
}"""


def redraw_after(page, canvas_selector, action, timeout=20_000):
    """Do `action()` (a keypress, a click, a choice in a menu) and wait until the canvas shows
    new pixels because of it; return {redraw, arrival} in ms (see ARM_REDRAW). Fails if no new
    pixels come within `timeout` ms."""
    page.evaluate(ARM_REDRAW, [canvas_selector, timeout])
    action()
    return page.evaluate("window.__redraw")


def latency_report(what, timings, goal_ms):
    """One line: the median keypress-to-redraw time (and min, max, and until the frame came)."""
    import statistics
    redraw = [t["redraw"] for t in timings]
    arrival = [t["arrival"] for t in timings if t["arrival"] is not None]
    line = (f"{what}: keypress-to-redraw over {len(redraw)} keypresses: median "
            f"{statistics.median(redraw):.0f} ms, min {min(redraw):.0f} ms, max {max(redraw):.0f} ms "
            f"(goal: median ≤ {goal_ms} ms)")
    if arrival:
        line += f"; until the kernel's frame arrived: median {statistics.median(arrival):.0f} ms"
    return line


# Times, from the action (keydown, pointerdown or change), until a text element first contains
# `said`, until the canvas first shows new pixels, and until the text contains `done`; and the
# frames the canvas drew meanwhile (a long run shows its progress: several).
ARM_PROGRESS = """([textSel, canvasSel, said, done, timeout]) => {
    const text = document.querySelector(textSel);
    const canvas = document.querySelector(canvasSel);
    const ctx = canvas.getContext('2d');
    const out = {said: null, pixels: null, done: null, frames: 0};
    let actAt = null;
    const acted = () => { if (actAt === null) actAt = performance.now(); };
    const events = ['keydown', 'pointerdown', 'change'];
    events.forEach(e => document.addEventListener(e, acted, {capture: true}));
    let observer = null, timer = null;
    const restore = () => {
        delete ctx.drawImage;
        if (observer) observer.disconnect();
        clearTimeout(timer);
        events.forEach(e => document.removeEventListener(e, acted, {capture: true}));
    };
    window.__progress = new Promise((resolve, reject) => {
        timer = setTimeout(() => { restore(); reject(new Error(
            `the text did not say ${JSON.stringify(done)} within ${timeout} ms`)); }, timeout);
        ctx.drawImage = function () {
            const result = CanvasRenderingContext2D.prototype.drawImage.apply(this, arguments);
            if (actAt !== null) {
                out.frames += 1;
                if (out.pixels === null) out.pixels = performance.now() - actAt;
            }
            return result;
        };
        observer = new MutationObserver(() => {
            if (actAt === null) return;
            const t = performance.now() - actAt, now = text.textContent;
            if (out.said === null && now.includes(said)) out.said = t;
            if (now.includes(done)) {
                out.done = t;
                // the final frame is sent with the final text: give it time to be drawn
                setTimeout(() => { restore(); resolve(out); }, 500);
            }
        });
        observer.observe(text, {subtree: true, childList: true, characterData: true});
    });
}"""


def progress_after(page, text_selector, canvas_selector, said, done, action, timeout=60_000):
    """Do `action()`; return {said, pixels, done} in ms after it (see ARM_PROGRESS) and the
    frames drawn until `done` showed."""
    page.evaluate(ARM_PROGRESS, [text_selector, canvas_selector, said, done, timeout])
    action()
    return page.evaluate("window.__progress")
