"""A widget's pictures as data a browser can draw: the moving artists of its figure (the ones
its Blitter redraws), in the figure's own pixels, for every point of a grid of settings.

The widget itself computes every frame: the page generator sets its controls and runs its
update (with drawing turned off), then reads what the update put into its artists. matplotlib's
transforms turn the data into pixels, so the browser only has to draw polylines, markers and
texts where it is told: nothing of the course is computed again in JavaScript.

Pixels are stored as int16 in quarter pixels (QUANTUM), each point as its step from the one
before (`delta`: small numbers compress well), with the lines clipped to their axes first
(Liang–Barsky), so a run that diverges towards 1e30 is drawn up to the axes' edge with its true
direction. Identical pieces (the bowl's contours for one κ, say) are stored once.
"""
import io
import struct
import gzip
import json

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.text import Text

QUANTUM = 4          # stored coordinates are pixels × QUANTUM, as int16
BREAK = -32768       # a break in a polyline (matplotlib's NaN)
MARGIN = 8.0         # px around the clip box that lines may reach (their width and markers)
MARKERS = {"o": "circle", "s": "square", "X": "x", "*": "star", "D": "diamond"}


def _css(colour, alpha=None):
    r, g, b, a = to_rgba(colour, alpha)
    return f"rgba({round(255 * r)}, {round(255 * g)}, {round(255 * b)}, {a:.3g})"


def _box(artist, fig):
    """The pixel box, y downwards, an artist is clipped to (its axes), widened by MARGIN."""
    clip = artist.get_clip_box() if artist.get_clip_on() else None
    if clip is None:
        return [0.0, 0.0, float(fig.bbox.width), float(fig.bbox.height)]
    h = fig.bbox.height
    return [clip.x0 - MARGIN, h - clip.y1 - MARGIN, clip.x1 + MARGIN, h - clip.y0 + MARGIN]


def _clip(artist, fig):
    """The exact pixel box (y downwards) the browser clips an artist to, as matplotlib does."""
    box = _box(artist, fig)
    if artist.get_clip_box() is None or not artist.get_clip_on():
        return box
    return [box[0] + MARGIN, box[1] + MARGIN, box[2] - MARGIN, box[3] - MARGIN]


def line_style(line, dpi):
    """What the browser needs to draw a Line2D as matplotlib would, in pixels at `dpi`."""
    px = dpi / 72.0
    style = {"kind": "line", "colour": _css(line.get_color(), line.get_alpha()),
             "width": line.get_linewidth() * px, "zorder": line.get_zorder(),
             "dash": [], "marker": None}
    if line.get_linestyle() in ("None", "none", "", " "):
        style["width"] = 0.0
    else:
        _, dashes = getattr(line, "_dash_pattern", (0, None))   # points, scaled by the width
        style["dash"] = [d * px for d in dashes] if dashes else []
    marker = line.get_marker()
    if marker not in (None, "None", "none", "", " "):
        if marker not in MARKERS:
            raise ValueError(f"marker {marker!r} of {line.get_label()!r} cannot be drawn")
        style["marker"] = {"shape": MARKERS[marker], "size": line.get_markersize() * px,
                           "fill": _css(line.get_markerfacecolor(), line.get_alpha()),
                           "edge": _css(line.get_markeredgecolor(), line.get_alpha()),
                           "edge_width": line.get_markeredgewidth() * px}
    return style


def text_style(text, dpi):
    return {"kind": "text", "colour": _css(text.get_color(), text.get_alpha()),
            "size": text.get_fontsize() * dpi / 72.0, "zorder": text.get_zorder(),
            "ha": text.get_horizontalalignment(), "va": text.get_verticalalignment(),
            "family": "DejaVu Sans, Verdana, sans-serif"}


def clip(p, box):
    """The polyline p (n, 2; NaN rows are breaks) clipped to box (Liang–Barsky, every segment
    at once): a float array whose rows are p's own vertices or the points where it crosses the
    box's edge, with NaN rows between the pieces."""
    p = np.asarray(p, dtype=float)
    if len(p) < 2:
        return np.zeros((0, 2))
    a, b = p[:-1], p[1:]
    d = b - a
    x0, y0, x1, y1 = box
    with np.errstate(all="ignore"):
        t0, t1 = np.zeros(len(a)), np.ones(len(a))
        visible = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
        for q, r in ((-d[:, 0], a[:, 0] - x0), (d[:, 0], x1 - a[:, 0]),
                     (-d[:, 1], a[:, 1] - y0), (d[:, 1], y1 - a[:, 1])):
            visible &= ~((q == 0) & (r < 0))
            t = r / q
            t0 = np.where(q < 0, np.maximum(t0, t), t0)
            t1 = np.where(q > 0, np.minimum(t1, t), t1)
        visible &= t0 <= t1
        start, end = a + t0[:, None] * d, a + t1[:, None] * d
    # a segment continues the previous piece if both are visible and meet at a vertex inside
    joined = np.zeros(len(a), bool)
    joined[1:] = visible[:-1] & (t1[:-1] == 1) & visible[1:] & (t0[1:] == 0)
    v = np.flatnonzero(visible)
    if not len(v):
        return np.zeros((0, 2))
    first = ~joined[v]                            # the segments that begin a piece
    piece = np.cumsum(first) - 1
    k = np.arange(len(v))
    rows = np.full((len(v) + 2 * (piece[-1] + 1) - 1, 2), np.nan)
    rows[k + 2 * piece + 1] = end[v]
    rows[k[first] + 2 * piece[first]] = start[v][first]
    return rows


def polyline(pixels, box):
    """pixels (n, 2), y downwards: the line clipped to box, as int16 quarter pixels with BREAK
    rows between pieces and consecutive repeats dropped (a converged run's tail is one point)."""
    p = np.asarray(pixels, dtype=float).reshape(-1, 2)
    if inside(p, box).all():
        rows = p
    else:
        rows = clip(p, box)
    if len(rows) == 0:
        return np.zeros((0, 2), np.int16)
    gap = ~np.isfinite(rows).all(axis=1)
    q = np.where(gap[:, None], BREAK, np.round(np.where(gap[:, None], 0, rows) * QUANTUM))
    q = q.astype(np.int16)
    keep = np.ones(len(q), bool)
    keep[1:] = np.any(q[1:] != q[:-1], axis=1)
    return q[keep]


def inside(p, box):
    """Which rows of p (n, 2) are finite points inside box."""
    x0, y0, x1, y1 = box
    with np.errstate(invalid="ignore"):
        return (np.isfinite(p).all(axis=1) & (p[:, 0] >= x0) & (p[:, 0] <= x1)
                & (p[:, 1] >= y0) & (p[:, 1] <= y1))


def vertices(pixels, box):
    """The points (n, 2) inside box, for markers, as int16 quarter pixels, repeats dropped."""
    p = np.asarray(pixels, dtype=float).reshape(-1, 2)
    q = np.round(p[inside(p, box)] * QUANTUM).astype(np.int16)
    return np.unique(q, axis=0) if len(q) else q


def line_pixels(line, fig):
    """A Line2D's data as figure pixels (y downwards), NaN where the data is NaN."""
    xy = np.column_stack([np.asarray(line.get_xdata(), float),
                          np.asarray(line.get_ydata(), float)])
    if len(xy) == 0:
        return xy
    with np.errstate(all="ignore"):
        px = line.get_transform().transform(xy)
    px[:, 1] = fig.bbox.height - px[:, 1]
    return px


class Recorder:
    """Collects the frames of one figure's moving artists.

    artists: the Line2D and Text artists that change with the settings, in drawing order.
    After each update, `record()` stores what each of them shows; `pack()` returns the data a
    page needs (JSON-able header and binary arrays)."""

    def __init__(self, fig, artists, dpi):
        self.fig, self.dpi = fig, dpi
        self.artists = []
        for a in artists:
            if not isinstance(a, (Line2D, Text)):
                raise TypeError(f"cannot record a {type(a).__name__} ({a})")
            self.artists.append(a)
        self.layers = [{"style": line_style(a, dpi) if isinstance(a, Line2D)
                        else text_style(a, dpi), "box": _box(a, fig), "clip": _clip(a, fig),
                        "label": str(a.get_label())}
                       for a in self.artists]
        self.pool, self.index = [], {}        # unique pieces, and their ids by content
        self.seen = {}                        # (layer, pixels) -> piece id: computed once
        self.frames = []                      # per frame: [piece id per layer]

    def _piece(self, kind, data):
        key = (kind, data.tobytes() if isinstance(data, np.ndarray) else data)
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.pool)
            self.pool.append((kind, data))
        return found

    def _check_style(self, i, artist):
        now = (line_style(artist, self.dpi) if isinstance(artist, Line2D)
               else text_style(artist, self.dpi))
        if now != self.layers[i]["style"]:
            raise ValueError(f"the style of {artist} changed between frames: the page draws "
                             "every frame with one style per artist")

    def record(self):
        ids = []
        for i, a in enumerate(self.artists):
            self._check_style(i, a)
            box = self.layers[i]["box"]
            if not a.get_visible():
                ids.append(-1)
            elif isinstance(a, Text):
                x, y = a.get_transform().transform(a.get_position())
                text = a.get_text()
                ids.append(self._piece("text", json.dumps([round(float(x), 2), round(
                    float(self.fig.bbox.height - y), 2), text])) if text else -1)
            else:
                px = line_pixels(a, self.fig)
                key = (i, px.tobytes())
                if key in self.seen:
                    ids.append(self.seen[key])
                    continue
                style = self.layers[i]["style"]
                line = polyline(px, box) if style["width"] > 0 else None
                marks = vertices(px, box) if style["marker"] else None
                if line is not None and marks is not None and inside(px, box).all():
                    marks = None          # the markers sit at the line's vertices: [-1, 0]
                    count = -1
                else:
                    count = 0 if marks is None else len(marks)
                none = np.zeros((0, 2), np.int16)
                ids.append(self._piece("line", np.concatenate([
                    _header(line), delta(line if line is not None else none),
                    np.array([[count, 0]], np.int16), delta(marks if marks is not None else none)])))
                self.seen[key] = ids[-1]
        self.frames.append(ids)

    def pack(self):
        """(header, arrays): the pieces as one int16 array with offsets, texts as strings,
        and the frame table."""
        offsets, chunks, texts = [0], [], []
        for kind, data in self.pool:
            if kind == "text":
                texts.append(json.loads(data))
                offsets.append(offsets[-1])
            else:
                texts.append(None)
                chunks.append(data.reshape(-1))
                offsets.append(offsets[-1] + data.size)
        coords = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
        return ({"layers": self.layers, "texts": texts, "quantum": QUANTUM, "break": BREAK},
                {"coords": coords.astype(np.int16),
                 "offsets": np.asarray(offsets, np.int32),
                 "frames": np.asarray(self.frames, np.int32).reshape(-1)})


def _header(points):
    """A piece's part count as one int16 row: [n points, 0]."""
    n = 0 if points is None else len(points)
    if n > 32767:
        raise ValueError(f"too many points in one piece: {n}")
    return np.array([[n, 0]], np.int16)


def delta(points):
    """Rows as differences from the previous non-break row (the first from (0, 0)); BREAK rows
    stay as they are. Small numbers compress far better than pixel positions."""
    q = np.asarray(points, np.int16).reshape(-1, 2)
    gap = (q == BREAK).all(axis=1)
    out = q.copy()
    real = q[~gap].astype(np.int32)
    steps = np.diff(real, axis=0, prepend=np.zeros((1, 2), np.int32))
    if len(steps) and np.abs(steps).max() >= -BREAK:
        raise ValueError("a step between two points is too large for int16")
    out[~gap] = steps.astype(np.int16)
    return out


def undelta(q):
    """The inverse of `delta`."""
    q = np.asarray(q, np.int16).reshape(-1, 2)
    gap = (q == BREAK).all(axis=1)
    out = q.astype(np.int32)
    out[~gap] = np.cumsum(q[~gap].astype(np.int32), axis=0)
    return out


def decode_piece(coords, offsets, i):
    """(line, markers) of piece i as float pixel arrays (NaN rows for breaks): the inverse of
    Recorder's storage, for tests."""
    flat = coords[offsets[i]:offsets[i + 1]].reshape(-1, 2)
    n_line = int(flat[0, 0])
    line = undelta(flat[1:1 + n_line]).astype(float)
    n_marks = int(flat[1 + n_line, 0])
    if n_marks < 0:                   # markers at the line's vertices
        marks = line[~(line == BREAK).all(axis=1)].copy()
    else:
        marks = undelta(flat[2 + n_line:2 + n_line + n_marks]).astype(float)
    line[(line == BREAK).all(axis=1)] = np.nan
    return line / QUANTUM, marks / QUANTUM


def bundle(header, arrays):
    """Header and arrays as one gzip-compressed buffer: u32 header length, the header (JSON,
    UTF-8, with each array's dtype, offset and length), zero padding to 4 bytes, the arrays."""
    body, specs, position = io.BytesIO(), {}, 0
    for name, a in arrays.items():
        a = np.ascontiguousarray(a)
        raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
        specs[name] = {"dtype": a.dtype.name, "offset": position, "length": int(a.size)}
        body.write(raw)
        pad = (-len(raw)) % 4
        body.write(b"\0" * pad)
        position += len(raw) + pad
    head = json.dumps({**header, "arrays": specs}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    head += b" " * ((-len(head)) % 4)
    return gzip.compress(struct.pack("<I", len(head)) + head + body.getvalue(), 9, mtime=0)


def unbundle(blob):
    """The inverse of `bundle`: (header, {name: array})."""
    raw = gzip.decompress(blob)
    (n,) = struct.unpack("<I", raw[:4])
    header = json.loads(raw[4:4 + n].decode("utf-8"))
    base = 4 + n
    arrays = {}
    for name, spec in header.pop("arrays").items():
        dtype = np.dtype(spec["dtype"]).newbyteorder("<")
        start = base + spec["offset"]
        arrays[name] = np.frombuffer(raw, dtype, spec["length"], start).astype(spec["dtype"])
    return header, arrays


__all__ = ["Recorder", "bundle", "unbundle", "decode_piece", "polyline", "vertices",
           "line_pixels"]
