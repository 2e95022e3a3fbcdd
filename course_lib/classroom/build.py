"""Write the classroom pages: one self-contained HTML file per page of `pages.PAGES`, and an
index. Each file holds the figure's background (a PNG, drawn by matplotlib without the moving
artists), every frame of the moving artists (`frames.Recorder`), the widget's status line for
every grid point, and the page's script; it asks for nothing else, from any host.

    python -m course_lib.classroom OUT_DIR [PAGE ...]
"""
import base64
import html
import io
import json
import time
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import numpy as np

from .frames import Recorder, bundle, line_style
from .pages import PAGES, settle

DPI = 200
"""The pages' pixels per inch: twice the notebooks' 100, sharp when a projector or a HiDPI
screen enlarges the figure (the page scales it to the window)."""
MAX_BYTES = 5_000_000


def _limits(fig):
    """The limits of every axes that shows ticks: these must not change between frames (the
    background, with its tick labels, is drawn once)."""
    return {id(ax): (tuple(ax.get_xlim()), tuple(ax.get_ylim())) for ax in fig.axes
            if len(ax.get_xticks()) or len(ax.get_yticks())}


def _drawn_after(fig, moving):
    """The static artists that matplotlib draws over a moving one: in each axes, those after
    the first moving artist in the draw order (by zorder, then as added), such as the minimum's
    star over the path, the spines and titles. The page shows them in a layer above its canvas."""
    moving = {id(a) for a in moving}
    found = []
    for ax in fig.axes:
        order = sorted((a for a in ax.get_children() if a is not ax.patch),
                       key=lambda a: a.get_zorder())
        first = next((i for i, a in enumerate(order) if id(a) in moving), None)
        if first is not None:
            found += [a for a in order[first + 1:] if id(a) not in moving and a.get_visible()]
    return found


@contextmanager
def _shown(fig, live, keep=None, hide=()):
    """The live titles at their fixed strings (as the notebook's widget shows them while it
    blits), the artists `hide` hidden, and, if `keep` is given, everything but `keep` hidden
    (the figure and axes backgrounds too); all put back afterwards."""
    changed = [(t, t.get_text()) for t in live]
    visible = []
    try:
        for t, label in live.items():
            t.set_text(label)
        hidden = list(hide)
        if keep is not None:
            keep_ids = {id(a) for a in keep}
            hidden += [fig.patch, *fig.legends, *fig.texts, *fig.lines, *fig.patches,
                       *fig.images, *fig.artists]
            for ax in fig.axes:
                hidden += [ax.patch, *(a for a in ax.get_children() if id(a) not in keep_ids)]
        for a in hidden:
            visible.append((a, a.get_visible()))
            a.set_visible(False)
        yield
    finally:
        for t, text in changed:
            t.set_text(text)
        for a, v in reversed(visible):
            a.set_visible(v)


def _layers(widget, moving):
    """(background, foreground) PNG bytes at DPI: the figure without its moving artists and
    without what is drawn over them, and, on a transparent ground, only what is drawn over them
    (None if nothing is)."""
    from ..widgets._base import figure_png
    fig = widget.fig
    live = getattr(widget.blitter, "live_labels", {})
    over = _drawn_after(fig, moving)
    with _shown(fig, live, hide=[*moving, *over]):
        background = figure_png(fig, dpi=DPI)
    if not over:
        return background, None
    with _shown(fig, live, keep=over):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, transparent=True)
    return background, buf.getvalue()


def page_data(page, settings_list=None):
    """Run the page's widget over its grid (or over `settings_list`): ((background, foreground)
    PNGs, header, arrays, widget) where header/arrays are the Recorder's, with the widget's
    status line (HTML) per frame."""
    widget = page.make()
    fig = widget.fig
    fig.set_dpi(DPI)
    artists = page.artists(widget) if page.artists else list(widget.blitter.artists)
    pngs = _layers(widget, list(widget.blitter.artists))
    limits = _limits(fig)
    recorder = Recorder(fig, artists, DPI)
    statuses, index, frame_status = [], {}, []
    grid = page.grid() if settings_list is None else settings_list
    for settings in grid:
        settle(widget, settings, page.before)
        if _limits(fig) != limits:
            raise RuntimeError(f"{page.name}: the axes' limits changed at {settings}: the page "
                               "draws one background")
        recorder.record()
        text = widget.status.value
        if text not in index:
            index[text] = len(statuses)
            statuses.append(text)
        frame_status.append(index[text])
    header, arrays = recorder.pack()
    header["statuses"] = statuses
    arrays["status"] = np.asarray(frame_status, np.int32)
    if page.previous:
        header["previous"] = {str(i): line_style(a, DPI) for i, a in page.previous(widget).items()}
    header["size"] = [int(round(fig.bbox.width)), int(round(fig.bbox.height))]
    return pngs, header, arrays, widget


def page_html(page, pngs, header, arrays):
    """The page as one HTML string."""
    background, foreground = pngs
    controls = {
        "sliders": [{"attr": s.attr, "label": s.label, "readouts": s.readouts(),
                     "start": s.index(s.start)} for s in page.sliders],
        "presets": [{"name": name, "says": says,
                     "indices": {s.attr: s.index(settings[s.attr]) for s in page.sliders}}
                    for name, (settings, says) in page.presets.items()],
    }
    blob = base64.b64encode(bundle(header, arrays)).decode("ascii")
    template = resources.files(__package__).joinpath("page.html").read_text(encoding="utf-8")
    script = resources.files(__package__).joinpath("page.js").read_text(encoding="utf-8")
    notebook = f"../notebooks/{page.notebook}.html"
    replace = {
        "@@TITLE@@": html.escape(page.title),
        "@@INTRO@@": html.escape(page.intro),
        "@@NOTEBOOK@@": html.escape(notebook),
        "@@NOTEBOOK_NAME@@": html.escape(page.notebook),
        "@@WIDTH@@": str(header["size"][0]),
        "@@HEIGHT@@": str(header["size"][1]),
        "@@BACKGROUND@@": base64.b64encode(background).decode("ascii"),
        "@@FOREGROUND@@": (f'<img id="foreground" alt="" width="{header["size"][0]}" '
                           f'height="{header["size"][1]}" src="data:image/png;base64,'
                           f'{base64.b64encode(foreground).decode("ascii")}">'
                           if foreground else ""),
        "@@CONTROLS@@": json.dumps(controls, ensure_ascii=False).replace("</", "<\\/"),
        "@@FRAMES@@": blob,
        "@@SCRIPT@@": script,
    }
    out = template
    for key, value in replace.items():
        out = out.replace(key, value)
    return out


def build_page(page, out_dir):
    """Compute and write one page; return (path, bytes, frames, seconds)."""
    start = time.perf_counter()
    pngs, header, arrays, widget = page_data(page)
    widget.close()
    text = page_html(page, pngs, header, arrays)
    path = Path(out_dir) / f"{page.name}.html"
    path.write_text(text, encoding="utf-8")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise RuntimeError(f"{path.name} is {size / 1e6:.1f} MB, more than {MAX_BYTES / 1e6:g} MB")
    n = len(arrays["status"])
    return path, size, n, time.perf_counter() - start


def index_html(pages):
    items = "\n".join(
        f'<li><a href="{p.name}.html">{html.escape(p.title)}</a> '
        f'(notebook <a href="../notebooks/{p.notebook}.html">{html.escape(p.notebook)}</a>)</li>'
        for p in pages)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Classroom pages: gradient descent and backpropagation</title>
<style>body {{ font: 20px/1.5 system-ui, sans-serif; max-width: 50em; margin: 2em auto;
padding: 0 1em; }} li {{ margin: 0.5em 0; }}</style></head>
<body><h1>Classroom pages</h1>
<p>Each page is one file that works in any browser with no server, no kernel and no network:
open it (double-click, or <kbd>Ctrl</kbd>+<kbd>O</kbd> in the browser) and move the sliders with
the mouse or the arrow keys. The pictures were computed by <code>course_lib</code>, with the
notebooks' own widgets, for every position of the sliders.</p>
<ul>
{items}
</ul>
<p><a href="../index.html">The course</a></p>
</body></html>
"""


def build(out_dir, names=None, log=print):
    """Write the pages `names` (default: all) and index.html into out_dir."""
    import matplotlib
    matplotlib.use("Agg")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = list(PAGES) if not names else list(names)
    unknown = [n for n in names if n not in PAGES]
    if unknown:
        raise ValueError(f"Invalid page names: {unknown}; expected some of {list(PAGES)}")
    pages = {n: PAGES[n]() for n in PAGES}
    for name in names:
        path, size, n, seconds = build_page(pages[name], out)
        log(f"{path.name}: {n} frames, {size / 1e6:.2f} MB, {seconds:.1f} s")
    (out / "index.html").write_text(index_html(pages.values()), encoding="utf-8")
    return out
