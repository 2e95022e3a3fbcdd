"""Browser-test harness: JupyterLab on a free local port over a temporary copy of the
notebooks, driven by Playwright (from PyPI) in Debian's Chromium.

Tests use the fixtures `lab` and `page` (conftest.py) and the helpers below. Chromium is never
downloaded by Playwright: we launch /usr/bin/chromium. Without it (or without Playwright) the
tests skip with the reason, except under CI=true, where they fail.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TOKEN = "course-browser-test"


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


def wait_until_idle(page, timeout=300_000):
    """Wait until no cell is queued or running and the kernel is idle."""
    page.wait_for_function(
        """() => {
            const w = window.jupyterapp.shell.currentWidget;
            const k = w.sessionContext.session.kernel;
            const cells = w.content.widgets.filter(c => c.model.type === 'code');
            const pending = cells.some(c => {
                const p = c.node.querySelector('.jp-InputArea-prompt');
                return p && p.textContent.includes('*');
            });
            return k.status === 'idle' && !pending
                && cells.every(c => c.model.sharedModel.source.trim() === ''
                                    || c.model.executionCount !== null);
        }""", timeout=timeout, polling=250)


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
