"""A learner re-runs a widget cell after Run All (to get the widget back, or to start over):
it must work. Later cells must not rebind the names an earlier widget cell reads, and a
widget made again must replace the old one cleanly."""
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def widget_names():
    import course_lib.widgets as widgets
    return [name for name in widgets.__all__ if callable(getattr(widgets, name))]


def widget_cells(nb):
    """Indices of the code cells that make a widget (call a function of course_lib.widgets)."""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, widget_names())) + r")\(")
    return [i for i, cell in enumerate(nb.cells)
            if cell.cell_type == "code" and pattern.search(cell.source)]


PATHS = [p for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
         if widget_cells(nbformat.read(p, as_version=4))]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_widget_cells_run_again_after_run_all(path):
    nb = nbformat.read(path, as_version=4)
    again = widget_cells(nb)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        for index in again:        # raises CellExecutionError, with the traceback, on an error
            client.execute_cell(nb.cells[index], index)
            client.execute_cell(nb.cells[index], index)
