"""The classroom pages (course_lib/classroom): the clipping and storage of their frames, and
the pages themselves against course_lib now.

* clip: Liang–Barsky against the segment's own parametrisation, at random; storage round trips.
* The frames of a page decode to the pixels of the widget's own artists (within a quarter
  pixel), for grid points at the sliders' ends and the presets.
* The pages as built (by `make site`, else now): every page at most 5 MB, self-contained (no
  address of any host), the index links every page; and, for the presets and the sliders' ends
  of each page, the stored frames and status lines equal what course_lib computes now, so the
  pages and the notebooks cannot drift apart.
"""
import numpy as np
import pytest

from course_lib.classroom import PAGES, page_data
from course_lib.classroom.build import MAX_BYTES
from course_lib.classroom.frames import (BREAK, QUANTUM, bundle, clip, decode_piece, delta,
                                         line_pixels, polyline, undelta, unbundle)
from tests.classroom_support import read_page

pytestmark = pytest.mark.filterwarnings("error")


# -- storage ------------------------------------------------------------------------------------
def test_clip_keeps_exactly_the_part_of_a_segment_inside_the_box():
    rng = np.random.default_rng(0)
    box = [10.0, 20.0, 110.0, 70.0]
    for _ in range(2000):
        a, b = rng.uniform(-200, 300, 2), rng.uniform(-200, 300, 2)
        rows = clip(np.array([a, b]), box)
        t = np.linspace(0, 1, 401)
        pts = a + t[:, None] * (b - a)
        inside = ((pts[:, 0] >= box[0]) & (pts[:, 0] <= box[2]) & (pts[:, 1] >= box[1])
                  & (pts[:, 1] <= box[3]))
        length = np.linalg.norm(b - a)
        if not inside.any():        # at most a corner cut between two samples
            assert len(rows) == 0 or np.linalg.norm(rows[1] - rows[0]) <= length / 400 + 1e-9
            continue
        assert rows.shape == (2, 2)
        t0, t1 = (np.dot(r - a, b - a) / length ** 2 for r in rows)
        ts = t[inside]
        assert t0 <= ts.min() + 1e-9 and t1 >= ts.max() - 1e-9
        assert ts.min() - t0 < 1 / 400 + 1e-9 and t1 - ts.max() < 1 / 400 + 1e-9
        for r in rows:      # on the segment, inside the box
            assert np.linalg.norm(np.cross(np.append(b - a, 0), np.append(r - a, 0))) \
                <= 1e-6 * length ** 2
            assert box[0] - 1e-9 <= r[0] <= box[2] + 1e-9 and box[1] - 1e-9 <= r[1] <= box[3] + 1e-9


def test_clip_joins_pieces_and_breaks_where_the_line_leaves_the_box():
    box = [0, 0, 10, 10]
    p = np.array([[5, 5], [15, 5], [5, 8], [5, 9], [np.nan, np.nan], [1, 1], [2, 2],
                  [-5, -5], [-6, -6], [20, 20]], float)
    expected = [[5, 5], [10, 5], [np.nan, np.nan], [10, 6.5], [5, 8], [5, 9], [np.nan, np.nan],
                [1, 1], [2, 2], [0, 0], [np.nan, np.nan], [0, 0], [10, 10]]
    np.testing.assert_allclose(clip(p, box), expected)
    q = polyline(p, box)
    assert (q[2] == BREAK).all() and q.dtype == np.int16
    np.testing.assert_array_equal(q[:2], np.array([[5, 5], [10, 5]]) * QUANTUM)


def test_a_diverging_line_is_clipped_with_its_direction():
    """A run that leaves towards 1e30 is drawn to the edge of the box along its true direction."""
    box = [0, 0, 100, 100]
    q = polyline(np.array([[50, 50], [1e30, 1e30 + 4e29]]), box)
    end = q[-1] / QUANTUM
    assert end[0] == pytest.approx(50 + 50 / 1.4, abs=0.5) and end[1] == 100


def test_delta_and_bundle_round_trip():
    rng = np.random.default_rng(1)
    q = rng.integers(-5000, 5000, (50, 2)).astype(np.int16)
    q[[3, 17]] = BREAK
    np.testing.assert_array_equal(undelta(delta(q)), q)
    header = {"a": [1, "ü"]}
    arrays = {"x": np.arange(7, dtype=np.int16), "y": np.arange(-3, 3, dtype=np.int32)}
    h, a = unbundle(bundle(header, arrays))
    assert h["a"] == [1, "ü"]
    for name in arrays:
        np.testing.assert_array_equal(a[name], arrays[name])
        assert a[name].dtype == arrays[name].dtype


# -- frames against the widget's artists ----------------------------------------------------------
def corner_settings(page):
    """The presets, and every slider at its two ends (the others at their start)."""
    start = {s.attr: s.start for s in page.sliders}
    found = [settings for settings, _ in page.presets.values()]
    for s in page.sliders:
        found += [{**start, s.attr: s.values[0]}, {**start, s.attr: s.values[-1]}]
    return found


def frame_of(page, settings):
    index = 0
    for s in page.sliders:
        index = index * len(s.values) + s.index(settings[s.attr])
    return index


def _near(points, line):
    """The largest distance from `points` (n, 2) to the polyline `line` (NaN rows are breaks)."""
    points = np.asarray(points, float).reshape(-1, 2)
    if not len(points):
        return 0.0
    a, b = line[:-1], line[1:]
    ok = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    a, b = a[ok], b[ok]
    single = line[np.isfinite(line).all(axis=1)]
    a, b = np.vstack([a, single]), np.vstack([b, single])     # points count as segments too
    d = b - a
    t = np.einsum("nmk,mk->nm", points[:, None, :] - a[None], d) / np.maximum(
        np.einsum("mk,mk->m", d, d), 1e-300)
    nearest = a[None] + np.clip(t, 0, 1)[..., None] * d[None]
    return float(np.linalg.norm(points[:, None, :] - nearest, axis=2).min(axis=1).max())


@pytest.mark.parametrize("name", ["gradient_descent", "momentum", "stochastic_gradient_descent",
                                  "training_on_digits"])
def test_frames_are_the_widgets_artists_in_pixels(name):
    page = PAGES[name]()
    for settings in corner_settings(page)[:6]:
        _, header, arrays, widget = page_data(page, [settings])
        artists = page.artists(widget) if page.artists else list(widget.blitter.artists)
        assert [layer["label"] for layer in header["layers"]] == [str(a.get_label()) for a in artists]
        assert header["statuses"] == [widget.status.value]
        for i, artist in enumerate(artists):
            piece = int(arrays["frames"][i])
            if not artist.get_visible() or header["layers"][i]["style"]["kind"] == "text":
                if artist.get_visible() and artist.get_text():
                    assert header["texts"][piece][2] == artist.get_text()
                continue
            line, marks = decode_piece(arrays["coords"], arrays["offsets"], piece)
            px = line_pixels(artist, widget.fig)
            x0, y0, x1, y1 = header["layers"][i]["box"]
            ok = np.isfinite(px).all(axis=1)
            inside = px[ok & (px[:, 0] >= x0) & (px[:, 0] <= x1) & (px[:, 1] >= y0)
                        & (px[:, 1] <= y1)]
            tolerance = 0.75 / QUANTUM
            if header["layers"][i]["style"]["width"] > 0 and len(px) > 1:
                stored = line[np.isfinite(line).all(axis=1)]
                assert _near(stored, px) < tolerance, (name, settings, artist)
                if len(inside):
                    assert _near(inside, line) < tolerance, (name, settings, artist)
            if header["layers"][i]["style"]["marker"]:
                drawn = np.unique(np.round(marks * QUANTUM), axis=0)
                np.testing.assert_array_equal(drawn, np.unique(np.round(inside * QUANTUM), axis=0))
        widget.close()


# -- the pages as built -------------------------------------------------------------------------
def test_pages_are_small_and_self_contained(classroom_dir):
    index = (classroom_dir / "index.html").read_text(encoding="utf-8")
    for name in PAGES:
        path = classroom_dir / f"{name}.html"
        assert path.stat().st_size <= MAX_BYTES
        text = path.read_text(encoding="utf-8")
        for address in ("http://", "https://", "//cdn", "src=\"//", "@import"):
            assert address not in text, (name, address)
        assert "default-src 'none'" in text             # and the browser refuses any request
        assert f'href="{name}.html"' in index


@pytest.mark.parametrize("name", list(PAGES))
def test_built_pages_equal_what_course_lib_computes_now(classroom_dir, name):
    """Stored frames and status lines at the presets and the sliders' ends against the widget
    run now; the grid and the sliders' readouts against the page's definition now."""
    page = PAGES[name]()
    controls, header, arrays = read_page(classroom_dir / f"{name}.html")
    assert [s["readouts"] for s in controls["sliders"]] == [s.readouts() for s in page.sliders]
    assert [s["attr"] for s in controls["sliders"]] == [s.attr for s in page.sliders]
    assert {p["name"] for p in controls["presets"]} == set(page.presets)
    n_layers = len(header["layers"])
    for settings in corner_settings(page):
        frame = frame_of(page, settings)
        _, now_header, now_arrays, widget = page_data(page, [settings])
        widget.close()
        assert header["statuses"][arrays["status"][frame]] == now_header["statuses"][0], settings
        assert [la["style"] for la in header["layers"]] == [la["style"] for la in now_header["layers"]]
        for i in range(n_layers):
            stored, now = arrays["frames"][frame * n_layers + i], now_arrays["frames"][i]
            assert (stored < 0) == (now < 0), (settings, i)
            if stored < 0:
                continue
            if header["layers"][i]["style"]["kind"] == "text":
                assert header["texts"][stored] == now_header["texts"][now]
                continue
            a = decode_piece(arrays["coords"], arrays["offsets"], stored)
            b = decode_piece(now_arrays["coords"], now_arrays["offsets"], now)
            for x, y in zip(a, b):
                assert x.shape == y.shape, (name, settings, i)
                np.testing.assert_allclose(x, y, atol=1.01 / QUANTUM, rtol=0)


def test_readme_states_the_grids_the_pages_have():
    """The README's table of classroom pages: the grids it states for 02 and 12 are the pages'
    (01 and 04 take every position of the notebook's sliders, as it says)."""
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows = {line.split("`")[1].removesuffix(".html"): line for line in readme.splitlines()
            if line.startswith("| `") and ".html` |" in line}
    assert set(rows) == set(PAGES)

    def regular(values):
        step = values[1] - values[0]
        assert np.allclose(np.diff(values), step)
        return f"from {values[0]:g} to {values[-1]:g} by {step:g}"

    def listed(values):
        return "{" + ", ".join(f"{v:g}" for v in values) + "}"

    momentum = {s.attr: s.values for s in PAGES["momentum"]().sliders}
    for part in (f"η {regular(momentum['lr'])}", f"β {regular(momentum['momentum'])}",
                 f"κ ∈ {listed(momentum['condition'])}"):
        assert part in rows["momentum"], part
    training = {s.attr: s.values for s in PAGES["training_on_digits"]().sliders}
    assert f"from {training['lr'][0]:g} to {training['lr'][-1]:g}" in rows["training_on_digits"]
    assert f"β ∈ {listed(training['momentum'])}" in rows["training_on_digits"]
    for name in ("gradient_descent", "stochastic_gradient_descent"):
        assert "every position of the notebook's" in rows[name]
