"""The re-run of widget cells (conftest.py) is really collected: nbval's API could change under
the hook, and the re-runs would then vanish without a failure."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_widget_cells_are_collected_again_after_the_notebook():
    pytest.importorskip("nbval")
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                          "-p", "no:cacheprovider", "notebooks/01_gradient_descent.ipynb"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300).stdout
    items = [line for line in out.splitlines() if "::Cell " in line]
    again = [line for line in items if " again (" in line]
    # 01 has three widget cells, each run twice more, after all of its cells
    assert len(again) == 6, out
    assert items[-6:] == again and items[-1].endswith("again (2)")
