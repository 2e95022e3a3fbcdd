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
BINDER_ENV = REPO / "binder" / "environment.yml"
ENV_FILES = [REPO / "environment.yml", BINDER_ENV]


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
    python = conda.pop("python")
    if path == BINDER_ENV:
        assert python == f"python={binder_python()}"
    else:
        assert python == "python" + pyproject()["project"]["requires-python"]
    conda.pop("pip")
    pip = {Requirement(r).name.lower(): str(Requirement(r)) for r in pyproject()["project"]["dependencies"]}
    assert conda == pip


def binder_python():
    """The one Python version Binder builds: "3.11" from `python=3.11`."""
    specs, _ = conda_specs(BINDER_ENV)
    pins = [s.split("=", 1)[1].strip() for s in specs if s.startswith("python=")]
    assert len(pins) == 1 and pins[0].count(".") == 1, f"binder/environment.yml must pin python=X.Y; got {specs}"
    return pins[0]


def test_binder_python_is_one_that_ci_tests():
    version = binder_python()
    floor = pyproject()["project"]["requires-python"]
    assert floor.startswith(">=") and tuple(map(int, version.split("."))) >= tuple(map(int, floor[2:].split(".")))
    # CI runs the suite on the machine's python3 (`make test`) and on the oldest supported
    # Python at the minimum versions (`make test-min`): Binder's must be one of the two.
    if os.environ.get("CI") == "true":
        running = f"{sys.version_info.major}.{sys.version_info.minor}"
        assert version in (running, floor[2:]), (version, running, floor)


def test_repo2docker_reads_the_pinned_python(tmp_path):
    """repo2docker (Binder's builder) plans the build without Docker (--no-build): it must find
    the Python version in binder/environment.yml, not fall back to its default."""
    repo2docker = shutil.which("repo2docker", path=str(Path(sys.executable).parent))
    if repo2docker is None:
        if os.environ.get("CI") == "true":
            pytest.fail("required in CI: jupyter-repo2docker is a dev dependency: pip install -e '.[dev]'")
        pytest.skip("jupyter-repo2docker is a dev dependency: pip install -e '.[dev]'")
    shutil.copytree(REPO / "binder", tmp_path / "binder")
    done = subprocess.run([repo2docker, "--no-build", "--no-run", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    assert "Python version unspecified" not in out, out[-3000:]
    assert f"python={binder_python()}" in out, out[-3000:]


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
