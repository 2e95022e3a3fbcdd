"""The course's website (`make site`, _build/html) in Chromium: every page, one browser session.

_build/html is served over HTTP on 127.0.0.1 by a thread of this process, and every request the
pages make is recorded. For every notebook page: its stored figures are all there and loaded, its
maths is typeset by the site's own MathJax (no TeX source left in the text, no TeX error), and it
has its Binder link (and 01, 02, 04 and 12 their classroom pages); the landing page links every
notebook and the classroom pages; no page sends a request to any other host, and no request to
the site fails (a font or a MathJax extension that was not copied would). The figures counted are the notebook's stored image/png outputs,
all of them: the site shows every output (none is removed by a tag), and a figure in a
collapsed cell is in the page all the same.

Skipped with the reason when the site is not built or Chromium is missing, except in CI
(CI=true), where `make test-site` builds the site first and a missing one is a failure.
"""
import functools
import http.server
import json
import os
import re
import threading
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

import pytest

from .harness import REPO

SITE = REPO / "_build" / "html"
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
BINDER = "https://mybinder.org/v2/gh/"
REMOVED = {"remove-output", "remove-cell"}   # myst-nb tags that drop a cell's outputs


def require_site():
    if not (SITE / "index.html").exists():
        reason = "the website is not built: _build/html/index.html is missing (run `make site`)"
        if os.environ.get("CI"):
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)


def stored_figures(path):
    """How many image/png outputs the notebook stores in cells whose outputs the site shows."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum("image/png" in out.get("data", {})
               for cell in cells if cell["cell_type"] == "code"
               and not REMOVED & set(cell.get("metadata", {}).get("tags", []))
               for out in cell.get("outputs", []))


def markdown_of(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """Chromium drops connections it no longer needs (a page left while loading): not an
        error of the site. A failed request is seen by the browser (requestfailed)."""


@pytest.fixture(scope="module")
def site_url():
    require_site()
    handler = functools.partial(_Quiet, directory=str(SITE))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


# In the page: the figures of the notebook's outputs, the maths, the text a reader sees (code,
# outputs and typeset maths left out), the Binder links and every link.
READ_PAGE = """() => {
    const article = document.querySelector('article.bd-article');
    const figures = [...article.querySelectorAll('.cell_output img')].map(img => ({
        src: img.getAttribute('src'), complete: img.complete, width: img.naturalWidth}));
    const maths = [...article.querySelectorAll('.math')];
    const prose = article.cloneNode(true);
    prose.querySelectorAll('pre, code, .highlight, .cell_output, mjx-container, script, style')
        .forEach(n => n.remove());
    return {
        title: document.title,
        figures,
        maths: maths.length,
        typeset: maths.filter(m => m.querySelector('mjx-container')).length,
        containers: article.querySelectorAll('mjx-container').length,
        errors: [...article.querySelectorAll('mjx-merror')].map(e => e.textContent),
        prose: prose.textContent,
        binder: [...document.querySelectorAll('a[href^="https://mybinder.org/"]')].map(a => a.href),
        articleLinks: [...article.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
        links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    };
}"""

# MathJax 3 typesets after the page's load event (its script is deferred, then it loads its
# fonts): wait for its first typesetting and for the fonts.
WAIT_FOR_MATHJAX = """async () => {
    if (document.querySelector('article.bd-article .math')) {
        const t0 = Date.now();
        while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
            if (Date.now() - t0 > 30000) throw new Error('MathJax did not start in 30 s');
            await new Promise(r => setTimeout(r, 50));
        }
        await MathJax.startup.promise;
    }
    await document.fonts.ready;
    return true;
}"""


@pytest.fixture(scope="module")
def visited(site_url, browser):
    """Open the landing page, every notebook page and the classroom index in one browser
    context; return what each showed, every request made and every request that failed."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    requests, failed = [], []
    context.on("request", lambda r: requests.append(r.url))
    context.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
    context.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url}: HTTP {r.status}"))
    page = context.new_page()
    page.set_default_timeout(60_000)
    pages = {}
    try:
        for name in ["index", *(f"notebooks/{nb.stem}" for nb in NOTEBOOKS)]:
            response = page.goto(urljoin(site_url, f"{name}.html"), wait_until="load")
            assert response is not None and response.ok, f"{name}.html: {response and response.status}"
            page.evaluate(WAIT_FOR_MATHJAX)
            page.wait_for_function("() => [...document.images].every(img => img.complete)")
            pages[name] = page.evaluate(READ_PAGE)
        response = page.goto(urljoin(site_url, "classroom/index.html"), wait_until="load")
        pages["classroom/index"] = {"status": response.status if response else None}
    finally:
        context.close()
    return {"pages": pages, "requests": requests, "failed": failed, "base": site_url}


def test_no_page_loads_from_another_host(visited):
    base = urlsplit(visited["base"]).netloc
    others = sorted({u for u in visited["requests"]
                     if urlsplit(u).scheme not in ("data", "blob", "about")
                     and urlsplit(u).netloc != base})
    assert visited["requests"], "no request was recorded"
    assert not others, f"the pages sent requests to other hosts: {others}"
    mathjax = [u for u in visited["requests"] if "/_static/mathjax/" in u]
    assert any(u.endswith("/_static/mathjax/tex-chtml.js") for u in mathjax), mathjax
    assert any(".woff" in u for u in mathjax), f"MathJax loaded no font from the site: {mathjax}"


def test_no_request_to_the_site_fails(visited):
    assert not visited["failed"], "requests failed:\n" + "\n".join(visited["failed"])


def test_landing_page_links_every_notebook_and_the_classroom(visited):
    links = set(visited["pages"]["index"]["articleLinks"])
    missing = [nb.stem for nb in NOTEBOOKS if f"notebooks/{nb.stem}.html" not in links]
    assert not missing, f"the landing page's text does not link to {missing}"
    assert "classroom/index.html" in links, "the landing page does not link the classroom pages"
    assert visited["pages"]["classroom/index"]["status"] == 200, visited["pages"]["classroom/index"]


def test_notebooks_link_their_classroom_pages(visited):
    from course_lib.classroom.pages import NOTEBOOKS as CLASSROOM
    for page, notebook in CLASSROOM.items():
        links = visited["pages"][f"notebooks/{notebook}"]["articleLinks"]
        assert f"../classroom/{page}.html" in links, f"{notebook} does not link its classroom page"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_notebook_page(visited, notebook):
    got = visited["pages"][f"notebooks/{notebook.stem}"]
    assert got["title"].startswith(notebook.stem[:2] + " "), got["title"]

    figures, expected = got["figures"], stored_figures(notebook)
    assert len(figures) == expected, f"{len(figures)} figures on the page, {expected} stored"
    broken = [f["src"] for f in figures if not f["complete"] or f["width"] == 0]
    assert not broken, f"figures that did not load: {broken}"

    if "$" in markdown_of(notebook):
        assert got["maths"] > 0, "the notebook has maths, the page none"
    assert got["typeset"] == got["maths"] and got["containers"] >= got["maths"], (
        f"{got['typeset']} of {got['maths']} formulas typeset by MathJax")
    assert not got["errors"], f"TeX errors: {got['errors']}"
    raw = re.findall(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\[A-Za-z]{2,}|\$[^$\s][^$\n]{0,80}\$", got["prose"])
    assert not raw, f"TeX source left in the page's text: {raw[:10]}"

    wanted = f"urlpath=lab/tree/notebooks/{notebook.name}"
    assert any(link.startswith(BINDER) and link.endswith(wanted) for link in got["binder"]), (
        f"no Binder link to {notebook.name}: {got['binder']}")
    # links between notebooks point to the pages, not to the .ipynb files
    ipynb = [h for h in got["articleLinks"] if h.split("#")[0].endswith(".ipynb")]
    assert not ipynb, f"links to notebook files instead of their pages: {ipynb}"


def test_every_link_within_the_site_resolves(visited):
    base = visited["base"]
    targets = sorted({link.split("#")[0] for got in visited["pages"].values()
                      for link in got.get("links", []) if link.startswith(base)})
    assert len(targets) > len(NOTEBOOKS), targets
    broken = []
    for url in targets:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                response.read(0)
        except urllib.error.HTTPError as error:
            broken.append(f"{url}: HTTP {error.code}")
    assert not broken, f"links within the site that do not resolve: {broken}"
