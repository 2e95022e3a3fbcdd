"""What every course widget shares: a matplotlib figure shown through ipympl, controls beside
it, redraws that update existing artists, and a static picture for readers without a kernel."""
import base64
import io
from contextlib import contextmanager

import ipywidgets as W
import matplotlib.pyplot as plt


def new_figure(figsize=(7, 4.2), **subplot_kw):
    """A figure that is not shown by itself: the widget decides where it goes.

    Under ipympl (%matplotlib widget) fig.canvas is an interactive widget; under any other
    backend the widget shows a PNG that is refreshed on every redraw.
    """
    with plt.ioff():
        fig = plt.figure(figsize=figsize, **subplot_kw)
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
    import numpy as np
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
