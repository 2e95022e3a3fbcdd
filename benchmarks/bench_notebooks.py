"""How long notebooks take to run top to bottom in a fresh kernel (kernel start included).

Each notebook is executed with nbclient from the notebooks/ folder, as nbval and
tools/run_notebooks.py do, several times; nothing is stored. Printed: the median, fastest and
slowest total, and the slowest cells of the median run.
Goal (issue 13): notebooks 12 and 13 each in ≤ 15 s on 2 cores.
Run:  .venv/bin/python benchmarks/bench_notebooks.py [--runs 3] [notebooks/12_*.ipynb ...]
"""
import argparse
import statistics
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
DEFAULT = ["12_training_on_digits.ipynb", "13_generalization.ipynb"]


class TimedClient(NotebookClient):
    """NotebookClient that records each cell's wall time."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cell_times = []

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        start = time.perf_counter()
        result = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        self.cell_times.append((time.perf_counter() - start, cell_index, cell.source))
        return result


def run_once(path):
    nb = nbformat.read(path, as_version=4)
    client = TimedClient(nb, timeout=900, kernel_name="python3", store_widget_state=False,
                         resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start, client.cell_times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_args()
    paths = [Path(p) for p in args.notebooks] or [NOTEBOOKS / n for n in DEFAULT]
    print("| notebook | median | fastest | slowest | slowest cells (median run) |")
    print("|---|---|---|---|---|")
    for path in paths:
        runs = sorted((run_once(path) for _ in range(args.runs)), key=lambda r: r[0])
        totals = [total for total, _ in runs]
        _, cells = runs[len(runs) // 2]
        slow = ", ".join(f"cell {i} {t:.1f} s ({src.splitlines()[0][:30]!r})"
                         for t, i, src in sorted(cells, reverse=True)[:3])
        print(f"| {path.name} | {statistics.median(totals):.1f} s | {totals[0]:.1f} s "
              f"| {totals[-1]:.1f} s | {slow} |")


if __name__ == "__main__":
    main()
