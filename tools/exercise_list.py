"""Write the list of exercises, with links, into README.md and 00_start_here.ipynb.

    python tools/exercise_list.py          # after adding or renaming an exercise

The list is generated from course_lib.exercises (id, title, the notebook it ends): in the README
between the lines "<!-- exercise list -->" and "<!-- /exercise list -->", and in 00 as the
markdown cell that starts with "### All the exercises". tests/test_exercise_notebooks.py fails
when either is out of date.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

START, END = "<!-- exercise list -->", "<!-- /exercise list -->"
HEADING = "### All the exercises"


def lines(prefix):
    """One markdown line per notebook: its exercises, each linked to the notebook."""
    from course_lib.exercises import EXERCISES
    paths = {p.name[:2]: p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    out = []
    for nn in sorted({i[:2] for i in EXERCISES} - {"00"}):
        items = "; ".join(f"{i} {ex.title}" for i, ex in EXERCISES.items() if i[:2] == nn)
        out.append(f"- [{nn}]({prefix}{paths[nn]}): {items}")
    return out


def readme_block():
    return "\n".join([START, *lines("notebooks/"), END])


def start_here_cell():
    return "\n".join([HEADING, "", *lines("")])


def main():
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    a, b = text.index(START), text.index(END) + len(END)
    readme.write_text(text[:a] + readme_block() + text[b:], encoding="utf-8")
    path = ROOT / "notebooks" / "00_start_here.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "".join(c["source"]).startswith(HEADING))
    cell["source"] = start_here_cell()
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
