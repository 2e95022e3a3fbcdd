"""Lint: ruff passes over the library, the tests, the benchmarks and the notebooks (configured in
pyproject.toml), and the notebooks import only public names."""
import ast
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
LINTED = ["course_lib", "tests", "benchmarks", "tools", "notebooks"]


def skip_or_fail(reason):
    """Skip locally; in CI a missing tool is a failure, not a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def test_ruff_passes():
    if importlib.util.find_spec("ruff") is None:
        skip_or_fail("ruff is not installed (it is in the dev extra: pip install -e '.[dev]')")
    cmd = [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", *LINTED]
    result = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (
        f"`ruff check {' '.join(LINTED)}` exited {result.returncode}:\n{result.stdout}{result.stderr}")


# -- notebooks import only public names ----------------------------------------------------------

def is_private(component):
    return component.startswith("_") and not (component.startswith("__") and component.endswith("__"))


def private_imports(code):
    """The imports in `code` (IPython syntax allowed) whose dotted path or imported name has a
    component starting with "_" (dunders such as __future__ excepted), as source strings."""
    from IPython.core.inputtransformer2 import TransformerManager
    tree = ast.parse(TransformerManager().transform_cell(code))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            paths = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            paths = [f"{module}.{alias.name}" if alias.name != "*" else module for alias in node.names]
        else:
            continue
        found += [p for p in paths if any(is_private(c) for c in p.split(".") if c)]
    return found


def test_private_import_finder():
    code = ("%matplotlib widget\n"
            "from __future__ import annotations\n"
            "import numpy as np\n"
            "from course_lib.widgets import new_figure\n"
            "from course_lib.widgets._base import new_figure as nf\n"
            "import course_lib._checks as checks\n"
            "from course_lib import _checks\n"
            "from course_lib.network import _private_helper\n"
            "def f():\n"
            "    from course_lib.widgets._base import quiet_numpy\n")
    assert private_imports(code) == ["course_lib.widgets._base.new_figure", "course_lib._checks",
                                     "course_lib._checks", "course_lib.network._private_helper",
                                     "course_lib.widgets._base.quiet_numpy"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_imports_only_public_names(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    bad = [f"cell {i}: {name}" for i, cell in enumerate(cells) if cell["cell_type"] == "code"
           for name in private_imports("".join(cell["source"]))]
    assert not bad, (f"{path.name} imports private names (export them from a public module, e.g. "
                     f"course_lib.widgets, and import them from there): {bad}")
