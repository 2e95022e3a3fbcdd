"""Write a notebook's "## Exercises" section (its last cells) in the course's layout.

    from tools.exercise_cells import write_section
    write_section("notebooks/01_gradient_descent.ipynb", [
        {"id": "01.1", "title": "one gradient-descent step", "task": "markdown ...",
         "stub": "def gd_step(theta, g, lr):\n    raise NotImplementedError\n\ncheck(\"01.1\", gd_step)",
         "solution": "def gd_step(theta, g, lr):\n    return theta - lr * g\n\ncheck(\"01.1\", gd_step)"},
    ])

The section: a heading with how the checkers work and the import of check, hint and solution;
then per exercise a markdown cell "### Exercise NN.k: title" with the task, the learner's code
cell (tag `exercise`: a stub that the checker reports as "not attempted yet") and the solution
cell below it (tag `solution`, source collapsed, first line "# solution of NN.k"). An existing
section is replaced. Execute the notebook afterwards (tools/run_notebooks.py).

Stubs and solutions must not rebind a name that an earlier widget cell reads: conftest.py
re-runs the widget cells after the notebook's last cell, in the same kernel.
"""
import json
import uuid
from pathlib import Path

INTRO = """## Exercises

Each exercise ends with `check("NN.k", answer)`: it prints ✓ when your answer is right, ✗ with
what is likely wrong, or "not attempted yet" while the cell still holds its stub
(`raise NotImplementedError`, or `None` for a number). Stuck? `hint("NN.k", 1)` gives a nudge, and
higher levels say more. A function you write is called by the checker on its own inputs, random
and edge cases, and compared with `course_lib`. The solution is in the collapsed cell below each
exercise: click its bar to open it, after you have tried."""


def _cell(kind, source, tags=(), hidden=False):
    cell = {"cell_type": kind, "id": uuid.uuid4().hex[:8], "metadata": {}, "source": source}
    if tags:
        cell["metadata"]["tags"] = list(tags)
    if hidden:
        cell["metadata"]["jupyter"] = {"source_hidden": True}
    if kind == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


def section(exercises):
    """The cells of an Exercises section (see the module's docstring)."""
    cells = [_cell("markdown", INTRO),
             _cell("code", "# hint and solution are there for you to call\n"
                           "from course_lib.exercises import check, hint, solution  # noqa: F401")]
    for ex in exercises:
        cells.append(_cell("markdown", f"### Exercise {ex['id']}: {ex['title']}\n\n{ex['task']}"))
        cells.append(_cell("code", ex["stub"], tags=["exercise"]))
        cells.append(_cell("code", f"# solution of {ex['id']}\n{ex['solution']}",
                           tags=["solution"], hidden=True))
    return cells


def write_section(path, exercises):
    """Replace (or add) the Exercises section at the end of the notebook at `path`."""
    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    starts = [i for i, c in enumerate(nb["cells"])
              if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("## Exercises")]
    keep = nb["cells"][:starts[0]] if starts else nb["cells"]
    nb["cells"] = keep + section(exercises)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
