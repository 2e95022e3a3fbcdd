"""The exercises in the notebooks (COURSE.md, "Exercises"): each notebook's Exercises section
holds its exercises of course_lib.exercises in order, every exercise cell shows "not attempted
yet" and every solution cell (collapsed) a ✓ in the stored outputs (which nbval re-checks), and
a copy of the notebook without its solution cells runs top to bottom with every exercise still
"not attempted"."""
import json
import re
from pathlib import Path

import pytest

from course_lib.exercises import EXERCISES

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
WITH_EXERCISES = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")
                        if p.name[:2] != "00" and any(i.startswith(p.name[:2] + ".") for i in EXERCISES))
"""00 has no Exercises section: it works one example through (see its own test below)."""


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def tagged(path, tag):
    return [c for c in cells(path) if tag in c["metadata"].get("tags", [])]


def text(cell):
    return "".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                   for o in cell.get("outputs", []))


def checked_id(cell):
    found = re.findall(r'check\("(\d\d\.\d)"', "".join(cell["source"]))
    assert len(found) == 1, "".join(cell["source"])
    return found[0]


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.name)
def test_exercise_and_solution_cells_follow_the_layout(path):
    ids = [i for i in EXERCISES if i.startswith(path.name[:2] + ".")]
    exercises, solutions = tagged(path, "exercise"), tagged(path, "solution")
    assert [checked_id(c) for c in exercises] == ids == [checked_id(c) for c in solutions]
    heading = [i for i, c in enumerate(cells(path)) if c["cell_type"] == "markdown"
               and "".join(c["source"]).startswith("## Exercises")]
    assert len(heading) == 1
    after = cells(path)[heading[0]:]
    assert all(c in after for c in exercises + solutions)        # at the notebook's end
    for c, id in zip(exercises, ids):
        assert text(c).startswith(f"· {id}: not attempted yet"), text(c)
    for c, id in zip(solutions, ids):
        assert c["metadata"].get("jupyter", {}).get("source_hidden") is True
        assert "".join(c["source"]).startswith(f"# solution of {id}")
        assert text(c).startswith(f"✓ {id}: "), text(c)


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.name)
def test_without_its_solutions_the_notebook_runs_and_nothing_is_attempted(path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if "solution" not in c.metadata.get("tags", [])]
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()          # raises CellExecutionError, with the traceback, on an error
    results = [text(c) for c in nb.cells if "exercise" in c.metadata.get("tags", [])]
    assert results and all("not attempted yet" in r for r in results), results


def test_start_here_works_one_example_through():
    """00 shows the four outcomes in order: not attempted, a named mistake, a hint, a ✓."""
    path = NOTEBOOKS / "00_start_here.ipynb"
    outputs = [text(c) for c in cells(path) if 'check("00.1"' in "".join(c["source"])
               or 'hint("00.1"' in "".join(c["source"])]
    assert outputs[0].startswith("· 00.1: not attempted yet")
    assert outputs[1].startswith("✗ 00.1: ") and "Likely: " in outputs[1]
    assert outputs[2].startswith("hint 1 of ")
    assert outputs[-1].startswith("✓ 00.1: ")


def test_readme_and_start_here_list_every_exercise():
    """Both lists are generated from course_lib.exercises: run tools/exercise_list.py."""
    import sys
    sys.path.insert(0, str(NOTEBOOKS.parent))
    from tools.exercise_list import HEADING, readme_block, start_here_cell
    assert readme_block() in (NOTEBOOKS.parent / "README.md").read_text(encoding="utf-8")
    cell = next(c for c in cells(NOTEBOOKS / "00_start_here.ipynb")
                if "".join(c["source"]).startswith(HEADING))
    assert "".join(cell["source"]) == start_here_cell()
    for i in EXERCISES:
        if i[:2] != "00":
            assert f"{i} {EXERCISES[i].title}" in start_here_cell()
