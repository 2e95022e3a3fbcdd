"""The reading path of COURSE.md: a claim's assertions live in a check cell right after it, tagged
`check`, with its source collapsed and one printed line that says what was verified; teaching
cells hold no assertions. Every notebook from 01 on follows it (00's environment checks are not
claims)."""
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted(p for p in (Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb")
                   if int(p.name[:2]) >= 1)
PLACEHOLDER = 60
"""characters: JupyterLab shows a collapsed cell as its first line, unwrapped; at 1024×768 with
125 % zoom a longer one scrolls the notebook sideways (tests/browser/test_fit.py found it)."""


def code_cells(path):
    return [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"]


def is_check(cell):
    return "check" in cell["metadata"].get("tags", [])


def asserts(cell):
    return [line for line in "".join(cell["source"]).split("\n")
            if re.match(r"\s*assert\b", line)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_teaching_cells_hold_no_assertions(path):
    found = {i: asserts(c)[0].strip() for i, c in enumerate(code_cells(path))
             if not is_check(c) and asserts(c)}
    assert not found, f"asserts outside check cells (code cell: first assert): {found}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_check_cells_are_collapsed_and_say_what_they_verified(path):
    checks = [c for c in code_cells(path) if is_check(c)]
    assert checks, "no check cell"
    for cell in checks:
        source = "".join(cell["source"])
        assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True, source[:80]
        assert asserts(cell), f"a check cell without an assert: {source[:80]!r}"
        first = source.split("\n")[0]
        assert len(first) <= PLACEHOLDER, f"first line longer than {PLACEHOLDER}: {first!r}"
        printed = "".join("".join(out.get("text", "")) for out in cell.get("outputs", [])
                          if out.get("output_type") == "stream" and out.get("name") == "stdout")
        lines = [line for line in printed.split("\n") if line.strip()]
        # one line per claim it checks (03 reads its race in three), each saying what held
        assert lines and all(line.startswith("✓") for line in lines), (source[:80], lines)


def test_the_assert_finder_finds_asserts():
    cell = {"source": ["x = 1\n", "    assert x == 1, 'x'\n", "y = 'assert'"]}
    assert asserts(cell) == ["    assert x == 1, 'x'"]
