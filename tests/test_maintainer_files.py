"""The maintainer files: CITATION.cff is valid CFF 1.2.0 (checked by cffconvert, which must also
reject a broken copy), the licences and CONTRIBUTING.md exist, and the README links to them.

cffconvert 2.0.0 (the latest) pins jsonschema < 4, which Jupyter cannot run with, so it is not in
.venv: it is installed once into a virtual environment of its own, .venv-tools/ (ignored by git),
or taken from the environment variable CFFCONVERT (the path of a cffconvert executable)."""
import fcntl
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CITATION = REPO / "CITATION.cff"
CFFCONVERT_VERSION = "2.0.0"
TOOLS = REPO / ".venv-tools"
CFF_VENV = TOOLS / f"cffconvert-{CFFCONVERT_VERSION}"


def skip_or_fail(reason):
    """Skip locally; in CI a missing tool is a failure, not a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def install_cffconvert():
    """Create (once, under a lock) the venv with cffconvert; return its executable or a reason."""
    exe = CFF_VENV / "bin" / "cffconvert"
    done = CFF_VENV / ".installed"
    TOOLS.mkdir(exist_ok=True)
    with open(TOOLS / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.exists() and exe.exists():
            return exe, None
        shutil.rmtree(CFF_VENV, ignore_errors=True)
        steps = [[sys.executable, "-m", "venv", str(CFF_VENV)],
                 [str(CFF_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
                  "--disable-pip-version-check", f"cffconvert=={CFFCONVERT_VERSION}"]]
        for cmd in steps:
            try:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            except (OSError, subprocess.TimeoutExpired) as e:
                return None, f"{' '.join(cmd)} failed: {e}"
            if r.returncode != 0:
                return None, f"{' '.join(cmd)} failed:\n{(r.stdout + r.stderr)[-2000:]}"
        done.touch()
        return exe, None


@pytest.fixture(scope="module")
def cffconvert():
    if os.environ.get("CFFCONVERT"):
        exe = shutil.which(os.environ["CFFCONVERT"])
        if exe is None:
            skip_or_fail(f"CFFCONVERT={os.environ['CFFCONVERT']} is not an executable")
        return exe
    exe, problem = install_cffconvert()
    if exe is None:
        skip_or_fail(f"cffconvert is not installed and could not be installed into {CFF_VENV}: "
                     f"{problem}")
    return str(exe)


def validate(cffconvert, path):
    return subprocess.run([cffconvert, "--validate", "-i", str(path)],
                          capture_output=True, text=True, timeout=120)


def test_citation_cff_is_valid(cffconvert):
    r = validate(cffconvert, CITATION)
    assert r.returncode == 0, f"cffconvert rejects CITATION.cff:\n{r.stdout}{r.stderr}"
    assert "valid" in r.stdout, r.stdout


BREAKAGES = {
    "no title": (r"(?m)^title:.*\n", ""),
    "unknown type": (r"(?m)^type: software$", "type: softwar"),
    "unknown licence": (r"(?m)^license: .*$", "license: MIT-ish"),
    "author whose website is not a URL": (r'(?m)^  - name: ".*"$', '  - website: "not a url"'),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_broken_citation_cff_is_rejected(cffconvert, breakage, tmp_path):
    pattern, replacement = BREAKAGES[breakage]
    text, n = re.subn(pattern, replacement, CITATION.read_text(encoding="utf-8"))
    assert n == 1, f"the breakage {breakage!r} no longer applies to CITATION.cff"
    broken = tmp_path / "CITATION.cff"
    broken.write_text(text, encoding="utf-8")
    r = validate(cffconvert, broken)
    assert r.returncode != 0, f"cffconvert accepts a CITATION.cff with {breakage}:\n{r.stdout}"


def test_citation_version_is_the_package_version():
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    package = re.search(r'(?m)^version = "([^"]+)"', pyproject).group(1)
    cited = re.search(r'(?m)^version: "?([^"\s#]+)"?', CITATION.read_text(encoding="utf-8")).group(1)
    assert cited == package, f"CITATION.cff says version {cited}, pyproject.toml {package}"


MAINTAINER_FILES = ["LICENSE", "LICENSE-CC-BY-4.0", "CITATION.cff", "CONTRIBUTING.md"]


def markdown_links(text):
    return {m.group(1) for m in re.finditer(r"\]\(\s*<?([^)\s>#]+)", text)}


@pytest.mark.parametrize("name", MAINTAINER_FILES)
def test_maintainer_file_exists_and_readme_links_to_it(name):
    assert (REPO / name).is_file(), f"{name} is missing"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert name in markdown_links(readme), f"README.md does not link to {name}"


def test_licence_texts():
    mit = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License")
    cc = (REPO / "LICENSE-CC-BY-4.0").read_text(encoding="utf-8")
    assert cc.startswith("Attribution 4.0 International\n")
    assert "Creative Commons Attribution 4.0 International Public License" in cc
    for section in ["Definitions", "Scope", "License Conditions", "Sui Generis Database Rights",
                    "Disclaimer of Warranties and Limitation of Liability", "Term and Termination",
                    "Other Terms and Conditions", "Interpretation"]:
        assert re.search(rf"(?m)^Section \d -- {section}\.$", cc), f"CC BY 4.0 text lacks {section}"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "\n## Licence\n" in readme, "README.md has no Licence section"
    licence = readme.split("\n## Licence\n", 1)[1].split("\n## ", 1)[0]
    assert "MIT" in licence and "CC BY 4.0" in licence, "README's Licence section names both licences"
