"""Every relative link in the README and the notebooks points to a file that exists, and every
numbered notebook is linked from the README and from 00_start_here."""
import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|(?:href|src)=[\"']([^\"']+)[\"']")


def markdown_of(path):
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text())["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return path.read_text()


def local_targets(text):
    for m in LINK.finditer(text):
        target = m.group(1) or m.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # web links and in-page anchors
        yield target.split("#")[0].split("?")[0]


@pytest.mark.parametrize("path", [REPO / "README.md", *NOTEBOOKS], ids=lambda p: p.name)
def test_relative_links_exist(path):
    missing = [t for t in local_targets(markdown_of(path)) if not (path.parent / t).exists()]
    assert not missing, f"{path.name} links to missing files: {missing}"


def test_link_finder_finds_links():
    text = "see [a](x/y.ipynb) and [web](https://example.org) and <img src='pic.png'>"
    assert list(local_targets(text)) == ["x/y.ipynb", "pic.png"]


@pytest.mark.parametrize("index", ["README.md", "notebooks/00_start_here.ipynb"])
def test_every_notebook_is_listed(index):
    path = REPO / index
    linked = {(path.parent / t).resolve() for t in local_targets(markdown_of(path))}
    unlisted = [nb.name for nb in NOTEBOOKS if nb.name != path.name and nb.resolve() not in linked]
    assert not unlisted, f"{index} does not link to {unlisted}"
