"""What every course widget shares: a matplotlib figure shown through ipympl, controls beside
it, redraws that update existing artists (blitting only the moving ones where it pays), preset
buttons for teachers, and a static picture for readers without a kernel.

Threads. Under JupyterLab 4.6 with ipykernel 7 ("Kernel Comms over subshells") widget
messages — a slider the learner drags, the browser's echo of a value, a canvas asking for a
redraw — are handled on a second thread, while cells (and whatever code they run) use the main
one. So every widget here follows four rules, all kept in this module:

* One process-wide re-entrant lock (`matplotlib_lock()`) is held around all matplotlib work of
  the course widgets: building a figure, updating and drawing it, saving it as PNG, and the
  canvas's own messages from the browser. Matplotlib and FreeType are not thread-safe, not even
  across figures (two threads drawing text at once fail with "failed to load glyph" or crash).
* A widget's update runs one at a time and coalesces (`Controlled.request`): a change that
  arrives while the update runs on another thread waits, and the running update loops once more
  with the controls' latest values before it returns; several changes become one redraw.
* The value code set wins over a late echo from the browser (`_Position`): a browser message
  that only echoes, up to the slider's resolution, the value code set last (JavaScript rounds a
  slider's 10^e or min + k·step its own way) changes nothing, and one that echoes a value code
  has since replaced is dropped and the current value sent back.
* Re-running a cell closes the widget it made before (`widget_key`, `FigureWidget.close`): its
  controls, its canvas and its callbacks, even while that widget is busy on another thread.
"""
import base64
import contextvars
import functools
import io
import math
import struct
import sys
import threading
import weakref
import zlib
from contextlib import contextmanager

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import traitlets

_MATPLOTLIB = threading.RLock()


def matplotlib_lock():
    """The process-wide lock the course widgets hold while they touch matplotlib.

    Notebook code that draws by itself while widgets are live may hold it too
    (`with matplotlib_lock(): fig.savefig(...)`), but must not change a widget's controls
    while holding it: the widget's update would wait for it.
    """
    return _MATPLOTLIB


# -- sizes and fonts: one place for every course figure -----------------------------------------
# A classroom projector shows about 1280×720; the narrowest screen the course is tested on is
# 1024×768 with the browser zoomed to 125 %, where JupyterLab's output area (file browser
# collapsed) is 639 CSS px wide. Figures have a size chosen for that: ipympl shows a canvas at
# figsize × DPI CSS px (on a HiDPI screen or a zoomed page it draws more device pixels, not a
# bigger picture), and the stored PNG is saved at the same DPI, so a picture looks the same size
# live and stored. A text of s points is s × DPI / 72 CSS px tall on screen.
DPI = 100
MAX_FIGSIZE = (6.2, 5.2)
"""inches: at most 620 × 520 CSS px (ipympl adds an 8 px frame: 628 px in 639). Taller than
wide is left to the widget: with its controls it must stay within 720 px on the screen."""
MIN_FONT = 12.0
"""points: 12 × 100/72 = 16.7 CSS px, at least CSS's 12pt (16 px) for every text."""
MIN_LINE = 1.5
"""points: 1.5 × 100/72 = 2.1 px, the thinnest data line (grid lines and frames excepted)."""
STYLE = {
    "figure.dpi": DPI, "savefig.dpi": DPI,
    "font.size": MIN_FONT, "axes.titlesize": MIN_FONT, "axes.labelsize": MIN_FONT,
    "xtick.labelsize": MIN_FONT, "ytick.labelsize": MIN_FONT, "legend.fontsize": MIN_FONT,
    "legend.title_fontsize": MIN_FONT, "figure.titlesize": MIN_FONT + 1,
    "axes.titlepad": 5.0, "axes.labelpad": 3.0,
    # x tick labels sit a little lower than matplotlib's 3.5 pt: where both axes label the
    # lower-left corner (−3 and −3), the two labels would touch at some versions' font metrics
    "xtick.major.pad": 5.0,
    "legend.framealpha": 0.9, "legend.handlelength": 1.6, "legend.handletextpad": 0.5,
    "legend.columnspacing": 1.0, "legend.borderaxespad": 0.3, "legend.labelspacing": 0.3,
    "lines.linewidth": 2.0, "lines.markersize": 6.0, "grid.linewidth": 0.8,
    "figure.constrained_layout.h_pad": 0.03, "figure.constrained_layout.w_pad": 0.03,
    "figure.constrained_layout.hspace": 0.03, "figure.constrained_layout.wspace": 0.03,
}
"""rcParams of the course's figures (`course_style`): 12 pt text, 2 px lines."""


@contextmanager
def course_style():
    """Build a figure's artists inside this: matplotlib's defaults become the course's
    (`STYLE`). rcParams are process-wide: hold `matplotlib_lock()` (widget constructors do)."""
    with _MATPLOTLIB, plt.rc_context(STYLE):
        yield


def fit_size(figsize):
    """figsize scaled down (both sides by one factor) to fit MAX_FIGSIZE; unchanged if it fits."""
    w, h = (float(v) for v in figsize)
    k = min(1.0, MAX_FIGSIZE[0] / w, MAX_FIGSIZE[1] / h)
    return (round(w * k, 3), round(h * k, 3))


def new_figure(figsize=(6.2, 4.2), layout="constrained", **figure_kw):
    """A figure that is not shown by itself: the widget decides where it goes.

    Its size is `figsize` scaled down to fit MAX_FIGSIZE (the screens the course is made for),
    its dpi DPI, its layout engine constrained (pass layout=None for none). Under ipympl
    (%matplotlib widget) fig.canvas is an interactive widget; under any other backend the widget
    shows a PNG that is refreshed on every redraw. The figure is not registered with pyplot, so
    it lives as long as its widget: re-running a cell many times never piles up figures (nor
    matplotlib's "more than 20 figures" warning), and pyplot does not ask for redraws of its own.
    """
    figure_kw.setdefault("dpi", DPI)
    with _MATPLOTLIB, plt.ioff():  # ipympl would otherwise queue the figure for showing
        fig = plt.new_figure_manager(0, figsize=fit_size(figsize), layout=layout,
                                     **figure_kw).canvas.figure
    canvas = fig.canvas
    if isinstance(canvas, W.DOMWidget):
        canvas.header_visible = False
        canvas.toolbar_visible = False
        canvas.footer_visible = False
        canvas.resizable = False
        canvas.capture_scroll = False
        canvas.layout.flex = "0 0 auto"      # never squeezed by the controls beside it
        _lock_canvas_messages(canvas)
    return fig


def _data_lines(fig):
    """The lines, line collections and arrows that draw data (not ticks, grids or frames)."""
    from matplotlib.collections import LineCollection
    from matplotlib.contour import ContourSet
    from matplotlib.patches import FancyArrowPatch, StepPatch
    from matplotlib.text import Annotation
    found = []
    for ax in fig.axes:
        found += [line for line in ax.lines if line.get_linestyle() not in ("None", "", " ")]
        found += [c for c in ax.collections
                  if isinstance(c, LineCollection) or (isinstance(c, ContourSet) and not c.filled)]
        found += [p for p in ax.patches if isinstance(p, (FancyArrowPatch, StepPatch))]
        found += [t.arrow_patch for t in ax.texts
                  if isinstance(t, Annotation) and t.arrow_patch is not None]
    return found


def readable(fig):
    """Bring every text of `fig` to at least MIN_FONT points and every data line to MIN_LINE,
    for tick labels made later too (a figure made outside `course_style`, or with a smaller
    size asked for, is floored here)."""
    from matplotlib.text import Text
    with _MATPLOTLIB:
        for text in fig.findobj(Text):
            if text.get_fontsize() < MIN_FONT:
                text.set_fontsize(MIN_FONT)
        for ax in fig.axes:
            for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
                for which, ticks in (("major", axis.get_major_ticks()),
                                     ("minor", axis.get_minor_ticks())):
                    size = max([MIN_FONT] + [t.label1.get_fontsize() for t in ticks[:1]])
                    ax.tick_params(axis=name, which=which, labelsize=size)
        for artist in _data_lines(fig):
            widths = np.atleast_1d(artist.get_linewidth())
            if widths.size and widths.min() < MIN_LINE:
                artist.set_linewidth(np.maximum(widths, MIN_LINE) if widths.size > 1
                                     else MIN_LINE)


def fix_layout(fig):
    """Lay the figure out once with its layout engine (constrained, from `new_figure`) and keep
    that layout: texts that change later must fit where they are (a moving layout would also
    cost every redraw). A figure without a layout engine (its axes placed by hand) is left
    alone."""
    with _MATPLOTLIB:
        engine = fig.get_layout_engine()
        if engine is None or not fig.axes:
            return
        engine.execute(fig)       # (a layout fixed before keeps its place-holder: no-op)
        fig.set_layout_engine("none")


def _lock_canvas_messages(canvas):
    """ipympl handles the browser's messages to a canvas (draw, refresh, resize) on the thread
    they arrive on and draws the whole figure there: take the matplotlib lock for them."""
    handler = getattr(canvas, "_handle_message", None)
    if handler is None:
        return

    def locked(widget, content, buffers):
        with _MATPLOTLIB:
            handler(widget, content, buffers)

    receivers = [canvas, getattr(canvas, "toolbar", None),
                 getattr(getattr(canvas, "manager", None), "toolbar", None)]
    for widget in {id(r): r for r in receivers if isinstance(r, W.Widget)}.values():
        if handler in widget._msg_callbacks.callbacks:
            widget.on_msg(handler, remove=True)
            widget.on_msg(locked)


def figure_png(fig, dpi=DPI):
    """The figure as PNG bytes, at the dpi the canvas is shown with (same size as live)."""
    buf = io.BytesIO()
    with _MATPLOTLIB:
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


@contextmanager
def quiet_numpy():
    """Overflow and invalid values are a lesson here (divergence), not a warning to print."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        yield


# -- which widget a new one replaces -----------------------------------------------------------
_LIVE = {}                     # slot -> [(weak reference to a live widget, run)]
_LIVE_LOCK = threading.Lock()
_KEY = contextvars.ContextVar("course_widget_key", default=None)
_PACKAGE = __name__.split(".")[0]


@contextmanager
def widget_key(key):
    """Widgets made inside `with widget_key(key):` replace the previous widget of their kind
    made under the same key, instead of the one made by the same cell.

    Without a key, a widget's slot is its kind (class) and where it is made: in a notebook the
    cell (JupyterLab sends each cell's id with the request that runs it), elsewhere the calls
    that lead into course_lib (file and line of each). A new widget closes the widgets of its
    slot made by an earlier run (of that cell; without a cell every call is a run of its own);
    the widgets one run of a cell makes live side by side, and so do widgets of one kind made
    in different cells or by different lines.
    """
    token = _KEY.set(key)
    try:
        yield
    finally:
        _KEY.reset(token)


def _cell():
    """(cell id, id of this run of it) for the notebook cell this thread is running, or None.

    ipykernel keeps the request it is handling; JupyterLab puts the cell's id in its metadata.
    A widget message handled on a subshell thread has no cell.
    """
    ipython = sys.modules.get("IPython")
    try:
        kernel = getattr(ipython.get_ipython(), "kernel", None) if ipython else None
        parent = kernel.get_parent() if kernel is not None else None
    except Exception:  # noqa: BLE001 - an old or unusual kernel: fall back on the code line
        return None
    if not isinstance(parent, dict):
        return None
    header = parent.get("header") or {}
    cell = (parent.get("metadata") or {}).get("cellId")
    if header.get("msg_type") != "execute_request" or not cell:
        return None
    return str(cell), header.get("msg_id")


def _caller():
    """Where the code that makes a widget is: (file, line) of every frame on the call stack
    outside this package, innermost first (in a notebook the cell's file is named after its
    code, so a helper called from two cells makes two different places)."""
    frames, frame = [], sys._getframe(1)
    while frame is not None and len(frames) < 64:
        name = frame.f_globals.get("__name__", "")
        if name != _PACKAGE and not name.startswith(_PACKAGE + "."):
            frames.append((frame.f_code.co_filename, frame.f_lineno))
        frame = frame.f_back
    return tuple(frames)


def _slot(widget):
    """(slot, run) for a widget being made: see `widget_key`."""
    kind = f"{type(widget).__module__}.{type(widget).__qualname__}"
    key = _KEY.get()
    if key is not None:
        return (kind, "key", key), object()
    cell = _cell()
    if cell is not None:
        return (kind, "cell", cell[0]), cell[1]
    return (kind, "code", _caller()), object()


def _replace(slot, run):
    """Close the live widgets of `slot` that an earlier run made."""
    with _LIVE_LOCK:
        entries = [(ref, r) for ref, r in _LIVE.get(slot, ()) if ref() is not None]
        old = [ref() for ref, r in entries if r != run]
        _LIVE[slot] = [(ref, r) for ref, r in entries if r == run]
    for widget in old:
        if widget is not None:
            widget.close()


def _register(widget, slot, run):
    with _LIVE_LOCK:
        _LIVE.setdefault(slot, []).append((weakref.ref(widget), run))


def _forget(widget):
    with _LIVE_LOCK:
        for slot in list(_LIVE):
            _LIVE[slot] = [(ref, r) for ref, r in _LIVE[slot] if ref() not in (None, widget)]
            if not _LIVE[slot]:
                del _LIVE[slot]


# -- one source of truth: code's value, the browser's echoes ----------------------------------
_FROM_BROWSER = threading.local()   # ids of the controls whose browser message this thread runs


def _browser_ids():
    ids = getattr(_FROM_BROWSER, "ids", None)
    if ids is None:
        ids = _FROM_BROWSER.ids = []
    return ids


_UNKNOWN = object()


class _Position:
    """A control's value as last set (by code, or by a learner in the browser), and the values
    code set before it, to tell a browser's echo from a learner's move.

    A continuous slider's view sends its value back whenever it is set, snapped to its grid and
    computed in JavaScript (min + k·step, or base^e for a log slider), so the kernel receives
    another float at the same position, or — if the view was drawn before code's newer value
    arrived — a value code has since replaced. Only such sliders echo; other controls (and
    sliders with continuous_update=False) send only what a learner does.
    """

    KEEP = 8   # replaced values remembered

    def __init__(self, control):
        self.control = control
        self.current = control.value
        self.replaced = []
        self.echoes = (isinstance(control, (W.FloatSlider, W.IntSlider, W.FloatLogSlider))
                       and bool(control.continuous_update))

    def same(self, a, b):
        """a and b are one position of the control (equal, or within half a step)."""
        if a == b:
            return True
        c = self.control
        step = getattr(c, "step", None)
        try:
            if isinstance(c, W.FloatLogSlider):
                return (a > 0 and b > 0 and step
                        and abs(math.log(a, c.base) - math.log(b, c.base)) < step / 2)
            if isinstance(c, (W.FloatSlider, W.IntSlider)) and step:
                return abs(a - b) < step / 2
        except (TypeError, ValueError):
            pass
        return False

    def _decode(self, key, raw):
        if key == "value":
            return raw
        options = getattr(self.control, "_options_values", None)   # a Dropdown sends its index
        if isinstance(raw, int) and options is not None and 0 <= raw < len(options):
            return options[raw]
        return _UNKNOWN

    def screen(self, sync):
        """(sync without what merely echoes code, the key to send back to the browser or None)
        for a browser message's state `sync`."""
        key = "value" if "value" in sync else "index" if "index" in sync else None
        if key is None:
            return sync, None
        new = self._decode(key, sync[key])
        if new is _UNKNOWN:
            return sync, None
        rest = {k: v for k, v in sync.items() if k != key}
        # the latest value: as noted, or as code has just set it on another thread (its change
        # is noted a moment after the assignment: an echo may come in between)
        for latest in (self.current, self.control.value):
            if new == latest or self.same(new, latest):
                self.replaced = []        # the browser shows the latest value: no old echo due
                return (sync, None) if new == latest else (rest, None)
        if self.echoes:
            for i, old in enumerate(self.replaced):
                if self.same(new, old):    # drawn before code's newer value came: drop it
                    del self.replaced[i]   # (once: a learner may go back there on purpose)
                    return rest, key
        return sync, None

    def note(self, new, from_browser):
        """The control's value changed."""
        if from_browser:
            self.replaced = []
        elif not self.same(new, self.current):
            kept = [v for v in self.replaced if not self.same(v, new)]
            self.replaced = (kept + [self.current])[-self.KEEP:]
        self.current = new


# -- serialised, coalesced updates ----------------------------------------------------------------
class WidgetClosed(Exception):
    """Raised inside a closed widget's update to stop it (caught by the update loop)."""


class Controlled:
    """A widget driven by ipywidgets controls, safe whatever thread a change arrives on.

    Subclasses implement `_update()` (recompute from the controls and redraw) and wire their
    controls with `watch(control)`; `update()` asks for it. Construction (the subclass's
    __init__, under `matplotlib_lock()`) closes the widget the same cell made before (see
    `widget_key`), and the update it asks for runs once, at its end.

    `request()` runs the update under the widget's own lock, so one at a time. A request made
    while the update runs on another thread waits for that run to finish; the running update
    then loops once more, with the latest values, for every request that came in meanwhile,
    and the later requesters find nothing left to do. A request made on the thread that is
    updating (a control set from inside the update, or inside `hold()`) only marks the update as
    due again. Jobs touch matplotlib under `matplotlib_lock()` (unless `draws` is False: they
    then take it themselves with `drawing()`, as the training widget does around its drawing
    only, so that a long retrain does not hold up other widgets).
    """

    draws = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None or getattr(init, "_builds_widget", False):
            return

        @functools.wraps(init)
        def __init__(self, *args, **kw):
            if "_update_lock" in self.__dict__:      # a subclass's __init__ is building it
                init(self, *args, **kw)
                return
            self._begin()
            slot, run = _slot(self)
            _replace(slot, run)
            with self._update_lock:
                self._runner = threading.get_ident()   # what it requests runs at the end
                try:
                    with _MATPLOTLIB:
                        init(self, *args, **kw)
                    _register(self, slot, run)
                    self._loop()
                finally:
                    self._runner = None

        __init__._builds_widget = True
        cls.__init__ = __init__

    def _begin(self):
        self._update_lock = threading.RLock()   # one update of this widget at a time
        self._books = threading.Lock()          # the bookkeeping below, briefly
        self._wanted, self._started = {}, {}    # job -> requests made / requests being served
        self._runner = None                     # the thread running this widget's updates
        self._watched, self._positions = [], {}
        self._menu, self._applying = None, None
        self.closed = False

    # -- requests ------------------------------------------------------------------------------
    def update(self):
        """Recompute and redraw from the controls' current values (see `request`)."""
        self.request()

    def _update(self):
        self.redraw()

    def request(self, job=None):
        """Run `job` (default `_update`) with the controls' latest values: now, or, if this
        thread is inside an update or `hold()` of this widget, when that ends."""
        job = self._update if job is None else job
        with self._books:
            if self.closed:
                return
            self._wanted[job] = self._wanted.get(job, 0) + 1
            if self._runner == threading.get_ident():
                return
        with self._update_lock:
            self._runner = threading.get_ident()
            try:
                self._loop()
            finally:
                self._runner = None

    def _loop(self):
        while True:
            with self._books:
                if self.closed:
                    self._wanted.clear()
                    return
                due = [job for job, n in self._wanted.items() if n > self._started.get(job, 0)]
                for job in due:
                    self._started[job] = self._wanted[job]
            if not due:
                return
            try:
                for job in due:
                    if self.draws:
                        with self.drawing():
                            job()
                    else:
                        job()
            except WidgetClosed:
                return

    def superseded(self):
        """True if newer changes wait for the update that is running (or the widget closed): a
        long update can stop early; the loop then runs it again with the latest values."""
        with self._books:
            return self.closed or any(n > self._started.get(job, 0)
                                      for job, n in self._wanted.items())

    @contextmanager
    def drawing(self):
        """Hold the matplotlib lock; stop the update (WidgetClosed) if the widget was closed."""
        with _MATPLOTLIB:
            if self.closed:
                raise WidgetClosed(type(self).__name__)
            yield

    @contextmanager
    def hold(self):
        """Set several controls at once: the widget updates once, at the end, with all of them."""
        with self._update_lock:
            me = threading.get_ident()
            if self._runner == me:            # inside an update or another hold: it finishes
                yield
                return
            self._runner = me
            try:
                yield
                self._loop()
            finally:
                self._runner = None

    # -- controls ----------------------------------------------------------------------------
    def watch(self, control, job=None, call=None):
        """Update (run `job`, default `_update`) when `control`'s value changes, or call
        `call(change)` instead. Browser messages for the control are screened for echoes of
        what code set (`_Position`)."""
        position = self._positions.get(id(control))
        if position is None:
            position = self._positions[id(control)] = _Position(control)
            self._screen(control, position)

        def changed(change):
            with self._books:
                position.note(change["new"], id(control) in _browser_ids())
            menu = self._menu
            if (menu is not None and control is not menu
                    and self._applying != threading.get_ident()):
                menu.value = menu.options[0]     # the state is no preset any more
            if call is not None:
                call(change)
            else:
                self.request(job)

        control.observe(changed, names="value")
        self._watched.append((control, changed))

    def _screen(self, control, position):
        original = control.set_state

        def set_state(sync_data):
            sync, resend = dict(sync_data), None
            if not self.closed:
                with self._books:
                    sync, resend = position.screen(sync)
            if resend is not None:
                control.send_state(resend)    # the browser shows code's value again
            if not sync:
                return
            ids = _browser_ids()
            ids.append(id(control))
            try:
                original(sync)
            finally:
                ids.remove(id(control))

        control.set_state = set_state        # ipywidgets calls self.set_state for a message

        # ipywidgets' echo check is not thread-safe: while a browser message sets `value` on
        # one thread (under its property lock), code setting `value` on another asks
        # _should_send_property, which tests `key in _property_lock` and then reads the entry,
        # which the browser's thread may remove in between (KeyError, seen in CI under load).
        # The lock gone means the browser's value is set: code's newer value must be sent.
        should_send = control._should_send_property

        def _should_send_property(key, value):
            try:
                return should_send(key, value)
            except KeyError:
                return True

        control._should_send_property = _should_send_property

    def preset_menu(self, menu, apply):
        """Wire a Dropdown whose first option is a placeholder ("(custom)") and the others preset
        names: choosing a preset calls apply(name) (one update); any other change of a watched
        control sets the menu back to the placeholder, so every preset can be chosen again."""
        self._menu = menu
        self.watch(menu, call=lambda change: self._choose(change["new"], apply))

    def _choose(self, name, apply):
        if name == self._menu.options[0]:
            return
        with self.hold():
            self._applying = threading.get_ident()
            try:
                apply(name)
            finally:
                self._applying = None

    # -- closing -----------------------------------------------------------------------------
    def _ipywidgets(self):
        """Every ipywidget of this widget (to close): its box's tree, with layouts and styles."""
        found, todo = {}, [getattr(self, "box", None)]
        while todo:
            w = todo.pop()
            if not isinstance(w, W.Widget) or id(w) in found:
                continue
            found[id(w)] = w
            todo.extend(getattr(w, "children", ()))
            todo.extend(getattr(w, name, None) for name in ("layout", "style", "toolbar"))
        return list(found.values())

    def close(self):
        """Close the widget: its controls and canvas (their views leave the page) and its
        callbacks. An update running on another thread stops at its next drawing; a late
        message or request does nothing."""
        with self._books:
            if self.closed:
                return
            self.closed = True
            self._wanted.clear()
        for control, changed in self._watched:
            control.unobserve(changed, names="value")
            control.__dict__.pop("set_state", None)
        self._watched = []
        with _MATPLOTLIB:
            for w in self._ipywidgets():
                w.close()
            self._closed_figure()
        _forget(self)

    def _closed_figure(self):
        pass


class FigureWidget(Controlled):
    """Base class: a figure, some controls and a status line, laid out in one box.

    Subclasses build `self.fig`, their controls (wired with `watch`), and implement `_update()`
    which recomputes and updates artists in place. Displaying the object shows the live widget
    in JupyterLab; the stored notebook also carries a PNG of the figure and a text summary,
    which is what GitHub and nbval see.
    """

    def __init__(self, fig, controls, status=None):
        self.fig = fig
        self.status = status if status is not None else StatusLine()
        if isinstance(fig.canvas, W.DOMWidget):
            self.view = fig.canvas
            _faster_png(fig.canvas)   # whole frames: a frame lost in the browser does no harm
        else:
            self.view = W.Image(format="png", layout=W.Layout(flex="0 0 auto"))
        readable(fig)
        fix_layout(fig)
        self.box = widget_box(self.view, controls, self.status)

    def redraw(self):
        """Push the updated artists to the screen (ipympl) or refresh the fallback PNG."""
        with _MATPLOTLIB:
            if isinstance(self.view, W.Image):
                self.view.value = figure_png(self.fig)
            else:
                self.fig.canvas.draw_idle()

    def summary(self):
        """A short plain-text description of the current state (shown where widgets are not)."""
        return type(self).__name__

    def _closed_figure(self):
        blitter = getattr(self, "blitter", None)
        if blitter is not None:
            blitter.invalidate()

    def _repr_mimebundle_(self, **kwargs):
        with _MATPLOTLIB:
            png = base64.b64encode(figure_png(self.fig)).decode("ascii")
        if self.closed:
            return {"text/plain": self.summary(), "image/png": png}
        bundle = self.box._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = self.summary()
        data["image/png"] = png
        return bundle


def png_rgba(pixels, level=1):
    """An (h, w, 4) uint8 RGBA array as PNG bytes: every row with filter 0, zlib at `level`.

    Pillow tries an adaptive filter on every row, which costs three times as much on a
    mostly-empty diff frame and gains nothing there.
    """
    h, w, _ = pixels.shape
    rows = np.empty((h, 1 + 4 * w), np.uint8)
    rows[:, 0] = 0                               # a leading 0 byte per row: "no filter"
    rows[:, 1:] = pixels.reshape(h, 4 * w)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)   # 8 bits, RGBA, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, level)) + chunk(b"IEND", b""))


def _faster_png(canvas):
    """Send every frame of the canvas whole, as a fast-to-encode PNG (`png_rgba`).

    matplotlib's WebAgg canvas sends a frame after each draw or blit, normally only the pixels
    that changed since the frame before ("diff" mode), and encodes it with Pillow. But ipympl's
    browser side shows a frame once its image has loaded, and a frame that arrives before the
    one before it has loaded replaces it: that one is never shown. A lost diff leaves its
    pixels stale for good — the ghost of an earlier curve, a title that contradicts the status
    line — and two frames in quick succession are common (threads, fast keys, a busy browser).
    A whole frame makes a lost one harmless: the next one shows everything. It costs about 2 ms
    more to encode than a diff, far less than Pillow's encoder would. No frame is sent while a
    Blitter captures its background (the picture without its moving artists, which would
    otherwise reach the browser just before the blit's frame and be lost or flash).

    This is matplotlib's WebAgg `get_diff_image` with the encoder changed and diffs turned off,
    installed on this canvas only, and only if the canvas has the attributes it relies on.
    """
    needed = ("_png_is_old", "_force_full", "_last_buff", "set_image_mode", "get_renderer")
    if not all(hasattr(canvas, name) for name in needed):
        return

    def get_diff_image():
        if not canvas._png_is_old or getattr(canvas, "_course_background", False):
            return None           # (a Blitter's background: the blit right after sends it)
        pixels = np.asarray(canvas.get_renderer().buffer_rgba())
        canvas.set_image_mode("full")
        canvas._last_buff = pixels.view(np.uint32).squeeze(2).copy()
        canvas._force_full = False
        canvas._png_is_old = False
        return png_rgba(pixels)

    canvas.get_diff_image = get_diff_image


class Blitter:
    """Redraw only the artists that move (matplotlib blitting) when the canvas is ipympl's.

    A full draw with those artists hidden gives a background (drawn, not sent); each update
    restores it, draws the moving artists on top and sends the frame (whole: `_faster_png`).
    The background is captured again when the canvas size changes or after `invalidate()`
    (call it when axes limits change).
    Under any other backend `redraw(fallback)` just calls fallback (a full PNG). It draws under
    `matplotlib_lock()`, and the artists it hides for the background are shown again even if
    that draw fails.

    live_labels {text artist: fixed string}: titles whose numbers change at every update are
    costly to re-render (a third of the time of a blit); while blitting they show the fixed
    string and the widget's status line (HTML) carries the numbers. Static pictures keep the
    full titles.
    """

    def __init__(self, fig, artists, live_labels=None):
        self.fig, self.artists = fig, list(artists)
        self.live_labels = dict(live_labels or {})
        self.live = isinstance(fig.canvas, W.DOMWidget)
        if self.live:
            # pyplot asks for a full redraw whenever an artist changes in interactive mode
            # (the figure's stale callback); this widget draws its own changes, so opt out
            fig.stale_callback = None
            _faster_png(fig.canvas)
        self.background, self.size = None, None

    def invalidate(self):
        self.background = None

    def focus(self, artists):
        """Blit only `artists` from now on; the others are drawn into the background (captured
        again now). For a widget where one control moves a few of many artists."""
        artists = list(artists)
        if artists != self.artists:
            self.artists = artists
            self.background = None

    def _capture(self, canvas):
        shown = [a.get_visible() for a in self.artists]
        try:
            for a in self.artists:
                a.set_visible(False)
            # WebAgg's draw also sends the picture, here without the artists: a frame of its
            # own just before the blit's; `_faster_png` holds it back (the blit sends it)
            canvas._course_background = True
            try:
                canvas.draw()
            finally:
                canvas._course_background = False
            self.background = canvas.copy_from_bbox(self.fig.bbox)
        finally:
            for a, v in zip(self.artists, shown):
                a.set_visible(v)

    def redraw(self, fallback):
        with _MATPLOTLIB:
            canvas = self.fig.canvas
            # ipympl sets syncing_data_url to False once a browser view has said "initialized";
            # before that (nbconvert, or the cell still running) there is nobody to send pixels
            # to, and blitting would store a broken picture in the widget's state
            if not self.live or getattr(canvas, "syncing_data_url", True):
                fallback()
                return
            for text, label in self.live_labels.items():
                text.set_text(label)
            renderer = canvas.get_renderer()
            size = (renderer.width, renderer.height)
            if self.background is None or size != self.size:
                self._capture(canvas)
                self.size = size
            else:
                canvas.restore_region(self.background)
            for a in self.artists:
                self.fig.draw_artist(a)
            canvas.blit(self.fig.bbox)


def preset_buttons(presets, apply, css):
    """A row of buttons, one per preset name, that wraps when narrow; clicking calls
    apply(name). Each button is as wide as its name (never cut to "zi…")."""
    buttons = []
    for name, spec in presets.items():
        b = W.Button(description=name, tooltip=spec["says"],
                     layout=W.Layout(width="auto", flex="0 0 auto"))
        b.add_class(css)
        b.on_click(lambda _, name=name: apply(name))
        buttons.append(b)
    return control_row(W.Label("presets:"), *buttons)


# -- layouts: controls that wrap rather than shrink --------------------------------------------
PANEL_WIDTH = 300
"""CSS px: the narrowest the controls' column gets beside a figure. A figure of the widest size
(628 px with ipympl's frame) leaves about 460 px for it at 1280×720; at 1024×768 and 125 %
(639 px) it does not fit beside the figure and goes below it, full width."""
TRACK = 160
"""CSS px: the narrowest slider track made (at least 150 px, with room for rounding)."""


def slider_layout(description_width=90, track=TRACK, readout=True):
    """kwargs for an ipywidgets slider: a description column `description_width` px wide and a
    track of at least `track` px, growing with the room it has (`control_row` wraps it onto a
    line of its own before it would shrink). ipywidgets puts a 72 px readout and 24 px of
    margins after the track (24 px only with readout=False)."""
    least = description_width + (96 if readout else 24) + track
    return dict(readout=readout, style={"description_width": f"{description_width}px"},
                layout=W.Layout(width="auto", flex=f"1 1 {least}px", min_width=f"{least}px",
                                max_width="100%"))


def check_arguments(**given):
    """Refuse the arguments a widget was made with that its sliders cannot show: `given` maps
    an argument's name to (value, slider). ipywidgets would move such a value silently to the
    slider's end (lr=100 would run with 31.6), so a ValueError names the argument, its value
    and the slider's range instead; a TypeError for a value that is not a number."""
    for name, (value, slider) in given.items():
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
            raise TypeError(f"Invalid {name}: {value!r}; expected a number")
        lo, hi = slider.min, slider.max
        if isinstance(slider, W.FloatLogSlider):
            lo, hi = slider.base ** lo, slider.base ** hi
        span = (hi - lo) * 1e-9
        if not (math.isfinite(value) and lo - span <= value <= hi + span):
            raise ValueError(f"Invalid {name}: {value!r}; expected a number in [{lo:.4g}, "
                             f"{hi:.4g}] (the range of its slider, {slider.description!r})")


def control_row(*children):
    """A row of controls that wraps onto more lines rather than squeezing them."""
    return W.HBox(list(children), layout=W.Layout(flex_flow="row wrap", align_items="center",
                                                  width="100%"))


class StatusLine(W.HTML):
    """A widget's status line: HTML whose lines are 1.4 high, not ipywidgets' 28 px (a status
    line that wraps onto three lines would otherwise take 84 px of a 720 px screen)."""

    OPEN = "<div class='course-status' style='line-height: 1.4'>"

    @traitlets.validate("value")
    def _compact(self, proposal):
        value = proposal["value"]
        return value if not value or value.startswith(self.OPEN) else f"{self.OPEN}{value}</div>"


def widget_box(view, controls, status):
    """The widget's box: the figure, and beside it (when the output area is wide enough, else
    below it) a column with the controls and the status line. A widget without controls shows
    its status line (a caption) above the figure."""
    if not controls:
        box = W.VBox([status, view])
    else:
        panel = W.VBox([*controls, status],
                       layout=W.Layout(flex=f"1 1 {PANEL_WIDTH}px", min_width=f"{PANEL_WIDTH}px",
                                       max_width="100%"))
        panel.add_class("course-controls")
        box = W.HBox([view, panel], layout=W.Layout(flex_flow="row wrap",
                                                    align_items="flex-start"))
    box.add_class("course-widget")
    return box
