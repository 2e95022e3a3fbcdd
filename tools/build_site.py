"""Build the course's static website into _build/html (`make site` runs this in .venv-site).

1. Stage site/ (the book's _config.yml, _toc.yml, index.md) and notebooks/*.ipynb into
   _build/src, in the repository's layout (the notebooks under notebooks/), so that a page's path
   is the notebook's path in the repository, which the Binder links need. The staged copies
   differ from the notebooks in four ways only: a notebook with a classroom page gets a note
   under its title that links it; a cell that JupyterLab shows collapsed
   (metadata jupyter.source_hidden: the checks and the solutions) gets the tag "hide-input", so
   the site collapses it too; a figure gets the text its output came with as its alt text (a
   widget's summary line, rather than the PNG's file name); and a link to a file of the
   repository that is not on the site (course_lib's source) points to that file in the
   repository (site/_config.yml: repository).
2. `jupyter-book build` (Jupyter Book 1, never executing a notebook) with warnings as errors.
3. Copy MathJax (site/node_modules/mathjax/es5, from `npm ci` in site/) to _static/mathjax.
4. Check the pages: no script, style, font or image from another host.
5. `python -m course_lib.classroom _build/html/classroom`: the classroom pages, computed by the
   course's own venv (--classroom-python, `make site` passes .venv's python), the environment
   whose widgets the tests compare them with.

Any failure stops the build with a non-zero exit. Each step prints its time.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "site"
BUILD = REPO / "_build"
SRC = BUILD / "src"
HTML = BUILD / "html"
MATHJAX = SITE / "node_modules" / "mathjax" / "es5"
NOT_STAGED = {"node_modules", "package.json", "package-lock.json"}

# Markdown links [text](target) and HTML href/src attributes in markdown cells.
MD_LINK = re.compile(r"(\]\(\s*<?)([^)\s>]+)(>?(?:\s+\"[^\"]*\")?\s*\))")
HTML_LINK = re.compile(r"((?:href|src)=[\"'])([^\"']+)([\"'])")
# What may load from another host: a script, a stylesheet or other <link> (preload, icon), an
# image, a frame; and CSS url(...) / @import of an absolute address.
REMOTE_IN_HTML = re.compile(
    r"<(?:script|img|iframe|source|video|audio)\b[^>]*\bsrc=[\"'](?:https?:)?//[^\"']*"
    r"|<link\b(?=[^>]*\brel=[\"'](?:stylesheet|preload|modulepreload|icon|shortcut icon|"
    r"prefetch|dns-prefetch|preconnect|manifest)[\"'])[^>]*\bhref=[\"'](?:https?:)?//[^\"']*",
    re.I)
REMOTE_IN_CSS = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])(?:https?:)?//[^)\"']*", re.I)


def step(name):
    """Print the step's name; return a function that prints its time."""
    print(f"--- {name}", flush=True)
    start = time.monotonic()
    return lambda: print(f"    {name}: {time.monotonic() - start:.1f} s", flush=True)


def repository():
    """(url, branch) of the repository, from site/_config.yml."""
    config = yaml.safe_load((SITE / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def staged_docs():
    """The repository paths (relative, POSIX) of the files that become pages of the site."""
    docs = {p.relative_to(SITE).as_posix() for p in SITE.glob("*.md")}
    docs |= {f"notebooks/{p.name}" for p in (REPO / "notebooks").glob("*.ipynb")}
    return docs


def relink(target, notebook_dir, docs, repo_url, branch):
    """The link `target` of a notebook in `notebook_dir` (a repository path), as the site needs
    it: unchanged for web links, anchors and pages of the site; a file or folder of the
    repository that is not on the site becomes its address in the repository."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "/")):
        return target
    path, sep, anchor = target.partition("#")
    resolved = (REPO / notebook_dir / path).resolve()
    try:
        rel = resolved.relative_to(REPO).as_posix()
    except ValueError:
        return target                          # outside the repository: Sphinx will say so
    if rel in docs or not resolved.exists():
        return target                          # a page, or missing: Sphinx checks both
    kind = "tree" if resolved.is_dir() else "blob"
    return f"{repo_url}/{kind}/{branch}/{rel}" + (sep + anchor if sep else "")


def figure_text(cell):
    """The text that the cell's one figure (a widget's PNG) comes with, for its alt text: the
    widget's summary, e.g. "Descent1D on f(x) = ...: η = 0.500 → good"; None if the cell has
    no figure, or more than one."""
    figures = [o["data"] for o in cell.get("outputs", [])
               if "image/png" in o.get("data", {})]
    if len(figures) != 1 or "text/plain" not in figures[0]:
        return None
    text = "".join(figures[0]["text/plain"]).strip()
    return " ".join(text.split()) or None


CLASSROOM_NOTE = (
    "**No kernel in the classroom?** This notebook's main widget is also a "
    '<a class="classroom-page" href="../classroom/{page}.html">classroom page</a>: one file that '
    "works in any browser with no server and no network, its pictures computed in advance by "
    "course_lib for every position of its sliders.")


def classroom_pages():
    """notebook stem -> the name of its classroom page (course_lib/classroom/pages.py)."""
    from course_lib.classroom.pages import NOTEBOOKS      # (.venv-site has course_lib)
    return {notebook: page for page, notebook in NOTEBOOKS.items()}


def stage_notebook(src, dest, docs, repo_url, branch, classroom=None):
    """Stage one notebook (see the module's docstring); `classroom`: the name of the notebook's
    classroom page, linked in a note under its title."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    if classroom:
        first = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown")
        nb["cells"].insert(first + 1, {"cell_type": "markdown", "id": "classroom-page-note",
                                       "metadata": {},
                                       "source": [CLASSROOM_NOTE.format(page=classroom)]})
    for cell in nb["cells"]:
        meta = cell.setdefault("metadata", {})
        if cell["cell_type"] == "code" and meta.get("jupyter", {}).get("source_hidden"):
            tags = meta.setdefault("tags", [])
            if "hide-input" not in tags:
                tags.append("hide-input")
        if cell["cell_type"] == "code":
            alt = figure_text(cell)
            if alt:
                meta.setdefault("mystnb", {}).setdefault("image", {}).setdefault("alt", alt)
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"])

            def fix(m):
                return m.group(1) + relink(m.group(2), "notebooks", docs, repo_url, branch) + m.group(3)
            new = HTML_LINK.sub(fix, MD_LINK.sub(fix, text))
            if new != text:
                cell["source"] = new.splitlines(keepends=True)
    dest.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def stage():
    done = step("stage site/ and notebooks/ into _build/src")
    for path in (SRC, HTML, BUILD / ".doctrees", BUILD / "jupyter_execute"):
        shutil.rmtree(path, ignore_errors=True)
    (SRC / "notebooks").mkdir(parents=True)
    for path in SITE.iterdir():
        if path.name in NOT_STAGED or path.name.startswith("."):
            continue
        if path.is_dir():
            shutil.copytree(path, SRC / path.name)
        else:
            shutil.copy2(path, SRC / path.name)
    repo_url, branch = repository()
    docs = staged_docs()
    pages = classroom_pages()
    for nb in sorted((REPO / "notebooks").glob("*.ipynb")):
        stage_notebook(nb, SRC / "notebooks" / nb.name, docs, repo_url, branch,
                       pages.get(nb.stem))
    done()


def build():
    done = step("jupyter-book build (warnings are errors)")
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jupyter_book), "build", str(SRC), "--path-output", str(REPO), "--builder", "html",
           "-W", "-n", "--keep-going"]
    result = subprocess.run(cmd, cwd=REPO)
    if result.returncode != 0:
        sys.exit(f"jupyter-book build failed (exit {result.returncode}): see its warnings above")
    if not (HTML / "index.html").exists():
        sys.exit(f"jupyter-book build wrote no {HTML / 'index.html'}")
    done()


def copy_mathjax():
    done = step("copy MathJax into _build/html/_static/mathjax")
    if not (MATHJAX / "tex-chtml.js").exists():
        sys.exit(f"MathJax is missing ({MATHJAX}): run `npm ci` in site/ (make site does)")
    version = json.loads((MATHJAX.parent / "package.json").read_text())["version"]
    pinned = json.loads((SITE / "package-lock.json").read_text())
    wanted = pinned["packages"]["node_modules/mathjax"]["version"]
    if version != wanted:
        sys.exit(f"site/node_modules has MathJax {version}, package-lock.json {wanted}: run `npm ci`")
    target = HTML / "_static" / "mathjax"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(MATHJAX, target)
    done()


def check_offline():
    done = step("check that no page loads anything from another host")
    found = []
    for page in sorted(HTML.rglob("*.html")):
        if "_static/mathjax" in page.as_posix():
            continue
        found += [f"{page.relative_to(HTML)}: {m}" for m in
                  REMOTE_IN_HTML.findall(page.read_text(encoding="utf-8", errors="replace"))]
    for css in sorted(HTML.rglob("*.css")):
        found += [f"{css.relative_to(HTML)}: {m}" for m in
                  REMOTE_IN_CSS.findall(css.read_text(encoding="utf-8", errors="replace"))]
    if found:
        sys.exit("the site loads from other hosts:\n  " + "\n  ".join(found[:30]))
    done()


def classroom(python):
    done = step("classroom pages: python -m course_lib.classroom _build/html/classroom")
    # that venv's own matplotlib configuration and font cache (as the Makefile's tests use)
    env = {**os.environ, "MPLCONFIGDIR": str(Path(python).absolute().parent.parent / "mplconfig")}
    result = subprocess.run([python, "-m", "course_lib.classroom", str(HTML / "classroom")],
                            cwd=REPO, env=env)
    if result.returncode != 0:
        sys.exit(f"python -m course_lib.classroom failed (exit {result.returncode})")
    if not (HTML / "classroom" / "index.html").exists():
        sys.exit("python -m course_lib.classroom wrote no classroom/index.html")
    done()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classroom-python", default=sys.executable,
                        help="the Python that computes the classroom pages (default: this one)")
    args = parser.parse_args(argv)
    start = time.monotonic()
    stage()
    build()
    copy_mathjax()
    check_offline()
    classroom(args.classroom_python)
    print(f"--- the site is in {HTML.relative_to(REPO)}/ (open index.html); "
          f"built in {time.monotonic() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
