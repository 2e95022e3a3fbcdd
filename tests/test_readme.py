"""The README's Python example runs and says what the README says it prints."""
import contextlib
import io
import re
from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_readme_example_runs_and_passes_its_gradient_check():
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks, "the README has no python example"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(blocks[0], "README.md", "exec"), {})
    assert re.fullmatch(r"GradCheck\(PASS: relative error < 1e-07, tolerance 1e-07\)\n", out.getvalue())
