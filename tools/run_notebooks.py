"""Re-execute notebooks in a fresh kernel and store their outputs as CI expects.

    python tools/run_notebooks.py                      # every notebook in notebooks/
    python tools/run_notebooks.py notebooks/08_*.ipynb # some

Each notebook runs top to bottom from the notebooks/ folder. Outputs are stored without
ipywidgets state (with it, static views such as GitHub or nbconvert's HTML show empty widget
boxes instead of the stored PNG figures) and without per-cell timing metadata (which would change
on every run). A cell's printed lines are stored as one output per stream, however the kernel
happened to split them into messages.
"""
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def merged_streams(outputs):
    """The outputs with each run of consecutive outputs to one stream (stdout, stderr) as one."""
    merged = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (output.output_type == "stream" and last is not None
                and last.output_type == "stream" and last.name == output.name):
            last.text += output.text
        else:
            merged.append(output)
    return merged


def run(path, timeout=900):
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                   record_timing=False, resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = merged_streams(cell.outputs)
    nbformat.write(nb, path)


def main(paths):
    for path in paths or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        print(f"executing {path}", flush=True)
        run(path)


if __name__ == "__main__":
    main(sys.argv[1:])
