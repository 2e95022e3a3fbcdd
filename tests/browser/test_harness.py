"""The harness itself: a notebook whose cell raises fails its run at once, with the error."""
import time

import nbformat
import pytest

from .harness import open_notebook, run_all_cells, shut_down_kernel


def test_a_cell_that_raises_fails_the_run_at_once(page, lab):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise ValueError('planted by test_harness')"),
        nbformat.v4.new_code_cell("y = 2"),     # never run: "run all" stops at the error
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, lab.root / "zz_raises.ipynb")
    try:
        open_notebook(page, lab, "zz_raises.ipynb")
        start = time.monotonic()
        with pytest.raises(AssertionError, match="planted by test_harness"):
            run_all_cells(page, timeout=300_000)
        assert time.monotonic() - start < 60       # not the 300 s timeout
    finally:
        shut_down_kernel(page)
        (lab.root / "zz_raises.ipynb").unlink()
