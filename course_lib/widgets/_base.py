"""What every course widget shares: a matplotlib figure shown through ipympl, controls beside
it, redraws that update existing artists (blitting only the moving ones where it pays), preset
buttons for teachers, and a static picture for readers without a kernel."""
import base64
import io
import struct
import zlib
from contextlib import contextmanager

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np


def new_figure(figsize=(7, 4.2), **figure_kw):
    """A figure that is not shown by itself: the widget decides where it goes.

    Under ipympl (%matplotlib widget) fig.canvas is an interactive widget; under any other
    backend the widget shows a PNG that is refreshed on every redraw. The figure is not
    registered with pyplot, so it lives as long as its widget: re-running a cell many times
    never piles up figures (nor matplotlib's "more than 20 figures" warning), and pyplot does
    not ask for redraws of its own.
    """
    with plt.ioff():  # ipympl would otherwise queue the figure for showing on its own
        fig = plt.new_figure_manager(0, figsize=figsize, **figure_kw).canvas.figure
    canvas = fig.canvas
    if isinstance(canvas, W.DOMWidget):
        canvas.header_visible = False
        canvas.toolbar_visible = False
        canvas.footer_visible = False
        canvas.resizable = False
        canvas.capture_scroll = False
    return fig


def figure_png(fig, dpi=80):
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


@contextmanager
def quiet_numpy():
    """Overflow and invalid values are a lesson here (divergence), not a warning to print."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        yield


class FigureWidget:
    """Base class: a figure, some controls and a status line, laid out in one box.

    Subclasses build `self.fig`, their controls, and implement `update()` which recomputes and
    updates artists in place. Displaying the object shows the live widget in JupyterLab; the
    stored notebook also carries a PNG of the figure and a text summary, which is what GitHub
    and nbval see.
    """

    def __init__(self, fig, controls, status=None):
        self.fig = fig
        self.status = status if status is not None else W.HTML()
        if isinstance(fig.canvas, W.DOMWidget):
            self.view = fig.canvas
        else:
            self.view = W.Image(format="png")
        self.box = W.VBox([*controls, self.status, self.view])

    def redraw(self):
        """Push the updated artists to the screen (ipympl) or refresh the fallback PNG."""
        if isinstance(self.view, W.Image):
            self.view.value = figure_png(self.fig)
        else:
            self.fig.canvas.draw_idle()

    def summary(self):
        """A short plain-text description of the current state (shown where widgets are not)."""
        return type(self).__name__

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = self.summary()
        data["image/png"] = base64.b64encode(figure_png(self.fig)).decode("ascii")
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
    """Send the canvas's frames as fast-to-encode PNGs (`png_rgba`) instead of Pillow's.

    Encoding the frame is the largest cost of a blit. This is matplotlib's WebAgg
    `get_diff_image` with only the encoder changed, installed on this canvas only, and only
    if the canvas has the attributes it relies on.
    """
    needed = ("_png_is_old", "_force_full", "_last_buff", "set_image_mode", "get_renderer")
    if not all(hasattr(canvas, name) for name in needed):
        return

    def get_diff_image():
        if not canvas._png_is_old:
            return None
        pixels = np.asarray(canvas.get_renderer().buffer_rgba())
        buff = pixels.view(np.uint32).squeeze(2)
        if (canvas._force_full or buff.shape != canvas._last_buff.shape
                or (pixels[:, :, 3] != 255).any()):
            canvas.set_image_mode("full")
            output = buff
        else:
            canvas.set_image_mode("diff")
            output = np.where(buff != canvas._last_buff, buff, 0)
        canvas._last_buff = buff.copy()
        canvas._force_full = False
        canvas._png_is_old = False
        return png_rgba(output.view(dtype=np.uint8).reshape((*output.shape, 4)))

    canvas.get_diff_image = get_diff_image


class Blitter:
    """Redraw only the artists that move (matplotlib blitting) when the canvas is ipympl's.

    A full draw with those artists hidden gives a background; each update restores it, draws
    the moving artists on top and sends the changed pixels. The background is captured again
    when the canvas size changes or after `invalidate()` (call it when axes limits change).
    Under any other backend `redraw(fallback)` just calls fallback (a full PNG).

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
        for a in self.artists:
            a.set_visible(False)
        canvas.draw()
        self.background = canvas.copy_from_bbox(self.fig.bbox)
        for a, v in zip(self.artists, shown):
            a.set_visible(v)

    def redraw(self, fallback):
        canvas = self.fig.canvas
        # ipympl sets syncing_data_url to False once a browser view has said "initialized";
        # before that (nbconvert, or the cell still running) there is nobody to send pixels to,
        # and blitting would store a broken picture in the widget's state
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
    """A row of buttons, one per preset name; clicking calls apply(name)."""
    buttons = []
    for name, spec in presets.items():
        b = W.Button(description=name, tooltip=spec["says"], layout=W.Layout(width="auto"))
        b.add_class(css)
        b.on_click(lambda _, name=name: apply(name))
        buttons.append(b)
    return W.HBox([W.Label("presets:"), *buttons])
