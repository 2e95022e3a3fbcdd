"""The website's configuration (site/, the `site` extra, tools/build_site.py), checked without
building it: Jupyter Book stays below 2 and pinned, no notebook can be left out of the site, the
site loads nothing from other hosts by configuration, and the build script's link rewriting and
offline check do what they say. tests/browser/test_site.py checks the built site itself."""
import importlib.util
import json
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

yaml = pytest.importorskip("yaml", reason="pyyaml is a dev dependency: pip install -e '.[dev]'")

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "site"
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
CONFIG = yaml.safe_load((SITE / "_config.yml").read_text(encoding="utf-8"))
SPHINX = CONFIG["sphinx"]["config"]


def build_site():
    spec = importlib.util.spec_from_file_location("build_site", REPO / "tools" / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the `site` extra ----------------------------------------------------------------------------

def test_site_extra_pins_every_package_and_jupyter_book_below_2():
    site = [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["site"]]
    unpinned = [str(r) for r in site if len(r.specifier) != 1 or next(iter(r.specifier)).operator != "=="]
    assert not unpinned, f"the site extra pins with ==: {unpinned}"
    book = {r.name: r for r in site}["jupyter-book"]
    version = Version(next(iter(book.specifier)).version)
    assert version < Version("2"), f"jupyter-book {version}: 2.x needs the network to build"


def test_the_site_is_not_a_dependency_of_the_course():
    project = PYPROJECT["project"]
    for name, requirements in [("dependencies", project["dependencies"]),
                               ("dev", project["optional-dependencies"]["dev"])]:
        names = {Requirement(r).name for r in requirements}
        assert not names & {"jupyter-book", "sphinx", "myst-nb"}, f"{name} holds the site's builder"


# -- every notebook on the site -------------------------------------------------------------------

def toc_files(toc):
    entries = [*toc.get("chapters", []), *(c for part in toc.get("parts", [])
                                            for c in part.get("chapters", []))]
    return [e["file"] for e in entries]


def test_toc_lists_every_notebook_once_in_order():
    toc = yaml.safe_load((SITE / "_toc.yml").read_text(encoding="utf-8"))
    assert toc["format"] == "jb-book" and toc["root"] == "index"
    files = toc_files(toc)
    assert files == [f"notebooks/{nb.stem}" for nb in NOTEBOOKS], (
        "site/_toc.yml must list every notebook of notebooks/, in order")


def test_landing_page_links_every_notebook_and_the_classroom():
    text = (SITE / "index.md").read_text(encoding="utf-8")
    links = set(re.findall(r"\]\(([^)\s]+)\)", text)) | set(re.findall(r'href="([^"]+)"', text))
    missing = [nb.name for nb in NOTEBOOKS if f"notebooks/{nb.name}" not in links]
    assert not missing, f"site/index.md does not link to {missing}"
    assert "classroom/index.html" in links


# -- offline by configuration -----------------------------------------------------------------------

def test_notebooks_are_shown_as_stored_never_executed():
    assert CONFIG["execute"]["execute_notebooks"] == "off"


def test_nothing_loads_from_a_cdn():
    assert "://" not in SPHINX["mathjax_path"] and SPHINX["mathjax_path"].startswith("mathjax/")
    assert SPHINX["nb_ipywidgets_js"] == {}, "myst-nb's widget manager loads require.js from a CDN"
    assert ["*", "application/vnd.jupyter.widget-view+json", None] in SPHINX["nb_mime_priority_overrides"]
    assert not {"sphinx_thebe", "sphinx.ext.intersphinx"} & set(SPHINX["extensions"])
    assert CONFIG["launch_buttons"]["thebe"] is False
    assert not any(CONFIG["html"]["comments"].values())


def test_binder_links():
    assert CONFIG["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert CONFIG["launch_buttons"]["notebook_interface"] == "jupyterlab"
    assert CONFIG["repository"]["url"].startswith("https://github.com/")
    assert CONFIG["repository"]["path_to_book"] == "", "pages must sit at the repository's paths"


def test_mathjax_is_pinned_in_package_json_and_its_lock():
    package = json.loads((SITE / "package.json").read_text())
    lock = json.loads((SITE / "package-lock.json").read_text())
    assert package["dependencies"] == {"mathjax": "3.2.2"}
    locked = lock["packages"]["node_modules/mathjax"]
    assert locked["version"] == "3.2.2" and locked["integrity"].startswith("sha512-")
    assert lock["packages"][""]["dependencies"] == package["dependencies"]


def test_build_outputs_are_ignored_by_git():
    ignored = (REPO / ".gitignore").read_text().split()
    assert {".venv-site/", "_build/", "site/node_modules/"} <= set(ignored)


# -- tools/build_site.py ----------------------------------------------------------------------------

def test_links_to_repository_files_point_to_the_repository():
    b = build_site()
    docs = b.staged_docs()
    url, branch = "https://example.org/course", "main"
    assert b.relink("../course_lib/__init__.py", "notebooks", docs, url, branch) == (
        f"{url}/blob/main/course_lib/__init__.py")
    assert b.relink("../course_lib/widgets/", "notebooks", docs, url, branch) == (
        f"{url}/tree/main/course_lib/widgets")
    for unchanged in ["02_momentum.ipynb", "02_momentum.ipynb#try-it", "#summary",
                      "https://example.org/x", "missing_file.py"]:
        assert b.relink(unchanged, "notebooks", docs, url, branch) == unchanged


def test_staged_figures_get_their_text_as_alt():
    b = build_site()
    png = {"image/png": "iVBOR", "text/plain": ["Descent1D on f(x):\n", "  η = 0.5 → good"],
           "application/vnd.jupyter.widget-view+json": {"model_id": "x"}}
    assert b.figure_text({"outputs": [{"data": png}]}) == "Descent1D on f(x): η = 0.5 → good"
    assert b.figure_text({"outputs": [{"data": png}, {"data": png}]}) is None
    assert b.figure_text({"outputs": [{"output_type": "stream", "text": "x"}]}) is None


def test_offline_check_finds_loads_from_other_hosts_and_not_links():
    b = build_site()
    remote = ['<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>',
              '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Lato">',
              '<link href="//cdn.example.org/x.css" rel="stylesheet">',
              '<img src="https://example.org/a.png">']
    local = ['<a href="https://mybinder.org/v2/gh/o/r/main">Binder</a>',
             '<script src="../_static/mathjax/tex-chtml.js"></script>',
             '<link rel="next" href="https://example.org/next.html">']
    assert [bool(b.REMOTE_IN_HTML.search(s)) for s in remote] == [True] * len(remote)
    assert [bool(b.REMOTE_IN_HTML.search(s)) for s in local] == [False] * len(local)
    assert b.REMOTE_IN_CSS.search("@font-face{src:url(https://fonts.gstatic.com/a.woff2)}")
    assert b.REMOTE_IN_CSS.search("@import 'https://example.org/a.css';")
    assert not b.REMOTE_IN_CSS.search("src:url(../webfonts/fa-solid-900.woff2)")
