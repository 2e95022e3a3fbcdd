"""The conda and Binder files, checked offline (no conda solver is reachable here): the YAML
parses, every requirement is a valid conda match spec, they list the same packages as
pyproject.toml, and Binder's install step works in a fresh virtual environment."""
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="pyyaml is a dev dependency: pip install -e '.[dev]'")
rattler = pytest.importorskip("rattler", reason="py-rattler is a dev dependency: pip install -e '.[dev]'")
from packaging.requirements import Requirement  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ENV_FILES = [REPO / "environment.yml", REPO / "binder" / "environment.yml"]


def conda_specs(path):
    env = yaml.safe_load(path.read_text())
    assert env["channels"] == ["conda-forge"]
    return [d for d in env["dependencies"] if isinstance(d, str)], \
        [d for d in env["dependencies"] if isinstance(d, dict)]


def pyproject():
    return tomllib.loads((REPO / "pyproject.toml").read_text())


@pytest.mark.parametrize("path", ENV_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_conda_requirement_is_a_valid_match_spec(path):
    specs, _ = conda_specs(path)
    for spec in specs:
        rattler.MatchSpec(spec)  # raises InvalidMatchSpecError on a malformed spec
    with pytest.raises(Exception):
        rattler.MatchSpec("numpy>>=1")  # and the parser does reject nonsense


@pytest.mark.parametrize("path", ENV_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_conda_files_list_the_same_packages_as_pyproject(path):
    specs, _ = conda_specs(path)
    conda = {str(rattler.MatchSpec(s).name.normalized): s.replace(" ", "") for s in specs}
    assert conda.pop("python") == "python" + pyproject()["project"]["requires-python"]
    conda.pop("pip")
    pip = {Requirement(r).name.lower(): str(Requirement(r)) for r in pyproject()["project"]["dependencies"]}
    assert conda == pip


def test_root_environment_installs_course_lib_from_the_checkout():
    _, pip_sections = conda_specs(REPO / "environment.yml")
    assert [line.split("#")[0].strip() for line in pip_sections[0]["pip"]] == ["-e ."]


def test_binder_postbuild_installs_course_lib_in_a_fresh_venv(tmp_path):
    # Copy what the build needs, so the checkout is left untouched.
    src = tmp_path / "repo"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, src / name)
    shutil.copytree(REPO / "course_lib", src / "course_lib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "binder", src / "binder")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = dict(os.environ, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", PIP_QUIET="1")
    env.pop("PYTHONPATH", None)
    done = subprocess.run(["bash", "binder/postBuild"], cwd=src, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    files = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "from importlib import metadata; d = metadata.distribution('course-lib');"
         "print(d.version); print('\\n'.join(str(f) for f in d.files))"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert files[0] == pyproject()["project"]["version"]
    shipped = {f for f in files if f.endswith(".py")}
    expected = {str(p.relative_to(src)) for p in (src / "course_lib").rglob("*.py")}
    assert expected <= shipped, sorted(expected - shipped)
