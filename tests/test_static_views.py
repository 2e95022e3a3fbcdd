"""Static views (GitHub, nbviewer, nbconvert's HTML, a course website) show every stored figure.

Each widget cell stores a PNG of its figure beside the widget view. With ipywidgets' state saved
in the notebook, static renderers draw empty widget boxes instead of that PNG; without it they
fall back to the PNG. So the notebooks are stored without widget state, and every stored
figure must appear in the HTML that nbconvert makes.
"""
import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbconvert = pytest.importorskip("nbconvert", reason="nbconvert is a dev dependency: pip install -e '.[dev]'")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def stored_pngs(nb):
    return ["".join(out["data"]["image/png"]).replace("\n", "")
            for cell in nb.cells if cell.cell_type == "code"
            for out in cell.get("outputs", []) if "image/png" in out.get("data", {})]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_stores_no_widget_state(path):
    metadata = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    assert "widgets" not in metadata, "re-execute with tools/run_notebooks.py (CONTRIBUTING.md)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_stored_figure_is_in_the_static_html(path):
    nb = nbformat.read(path, as_version=4)
    pngs = stored_pngs(nb)
    html, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    missing = [i for i, png in enumerate(pngs) if png not in html]
    assert not missing, f"{len(missing)} of {len(pngs)} stored figures are not in the HTML: {missing}"


def test_the_html_check_can_fail():
    """With widget state saved, the HTML shows widget boxes instead of the PNGs."""
    path = next(p for p in NOTEBOOKS if stored_pngs(nbformat.read(p, as_version=4)))
    nb = nbformat.read(path, as_version=4)
    views = [out["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
             for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in out.get("data", {})]
    assert views, f"{path.name} stores no widget view"
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "version_major": 2, "version_minor": 0,
        "state": {m: {"model_name": "VBoxModel", "model_module": "@jupyter-widgets/controls",
                      "model_module_version": "2.0.0", "state": {}} for m in views}}}
    html, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    assert not any(png in html for png in stored_pngs(nb))
