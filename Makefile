# Two commands do all set-up:  `make lab` opens the course, `make test` runs every test.
# Both create the virtual environment .venv on first use (Python >= 3.11 and pip needed).
#   make test-cpu   the suite again (without the browser) on another CPU configuration
#   make test-min   the suite at the minimum supported versions, on Python 3.11 where there is one
#   make site       the course's static website in _build/html (Jupyter Book 1, offline)
#   make test-site  make site, then the tests of the website and the classroom pages
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# jupyter refuses to run as root unless told
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

# The oldest supported Python: python3.11 on PATH, or pyenv's 3.11; else $(PYTHON).
PYTHON_MIN ?= $(shell tools/find_python 3.11 || echo $(PYTHON))
VENV_MIN   ?= .venv-min
STAMP_MIN  := $(VENV_MIN)/.installed

# The website's builder (Jupyter Book 1, the `site` extra), in a venv of its own so that its pins
# cannot move the dev venv's versions; MathJax from npm (site/package-lock.json).
VENV_SITE  ?= .venv-site
STAMP_SITE := $(VENV_SITE)/.installed
STAMP_NPM  := site/node_modules/.installed

# (site is also a folder: without .PHONY make would find it "up to date")
.PHONY: lab test test-cpu test-min venv notebooks clean site test-site

# The tests keep matplotlib's configuration and font cache inside their venv. The cache in
# ~/.cache/matplotlib is shared by every install of one matplotlib version and names the font
# files of the install that wrote it: once that venv is deleted, figures fall back to other
# fonts and every cell that draws warns "findfont: ... not found". A user's matplotlibrc
# cannot change what the tests see either.
test test-cpu: export MPLCONFIGDIR = $(abspath $(VENV))/mplconfig
test-min: export MPLCONFIGDIR = $(abspath $(VENV_MIN))/mplconfig
site: export MPLCONFIGDIR = $(abspath $(VENV_SITE))/mplconfig

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=. notebooks/00_start_here.ipynb

# The browser tests run beside the others (tools/run_together.py: 2 cores, each half keeps
# about one busy); each half's output is printed when it ends.
# `make test WITHOUT_SITE_TESTS=1` leaves out the tests of what `make site` builds (.ci/run runs
# them in `make test-site`, beside test-min).
test: $(STAMP)
	$(BIN)/python tools/run_together.py \
		"$(BIN)/python -m pytest -m browser -p no:cacheprovider $(if $(WITHOUT_SITE_TESTS),$(SITE_IGNORES))" \
		"$(BIN)/python -m pytest -m 'not browser' $(if $(WITHOUT_SITE_TESTS),$(SITE_IGNORES))"

# numpy held to AVX2 (no AVX-512 kernels), OpenBLAS kernels other than the ones `make test`
# ran with (tools/other_blas_kernels.py: Haswell after AVX-512 kernels, else SkylakeX where the
# CPU has AVX-512), one BLAS thread: stored outputs and assertions must not depend on which of
# these a machine has. Every test that computes runs again (the notebooks with their widget
# cells re-run, conftest.py); the browser and the checks of files and packaging, whose outcome
# no CPU feature changes, run once, in
# `make test`; so do the classroom pages' tests, which compare the pages `make site` computed
# (on the machine's own configuration) with course_lib now.
CPU_INDEPENDENT := --ignore=tests/test_static_views.py --ignore=tests/test_exercise_notebooks.py \
	--ignore=tests/test_environment.py --ignore=tests/test_maintainer_files.py \
	--ignore=tests/test_lint.py --ignore=tests/test_reading_path.py \
	--ignore=tests/test_site_config.py --ignore=tests/test_classroom_pages.py
test-cpu: $(STAMP)
	NPY_DISABLE_CPU_FEATURES="$$($(BIN)/python tools/avx512_features.py)" \
	OPENBLAS_NUM_THREADS=1 env $$($(BIN)/python tools/other_blas_kernels.py) \
	$(BIN)/python -m pytest -m "not browser" $(CPU_INDEPENDENT)

# Exactly the lowest versions pyproject.toml allows (tools/minimum_versions.py), in a venv of
# their own, on the oldest supported Python.
$(STAMP_MIN): pyproject.toml tools/minimum_versions.py
	rm -rf $(VENV_MIN)
	$(PYTHON_MIN) -m venv $(VENV_MIN)
	$(VENV_MIN)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_MIN)/bin/python tools/minimum_versions.py > $(VENV_MIN)/constraints.txt
	$(VENV_MIN)/bin/python -m pip install --quiet -c $(VENV_MIN)/constraints.txt -e ".[dev]"
	touch $(STAMP_MIN)

# The whole suite at the floors, except what measures this version of the page rather than the
# floors' support: the projector-fit and classroom browser tests (layout and timings, 7
# minutes), the website's browser test (it reads _build/html, which `make site` builds in
# .venv-site, whatever the floors), and the classroom pages' tests (`make site` computes the
# pages with .venv's versions: the floors' matplotlib lays figures out a few pixels apart). The
# other browser tests still drive every kind of widget in JupyterLab at the minimum versions.
AT_CURRENT_ONLY := --ignore=tests/browser/test_fit.py --ignore=tests/browser/test_classroom.py \
	--ignore=tests/browser/test_site.py --ignore=tests/test_classroom_pages.py \
	--ignore=tests/browser/test_classroom_pages.py
test-min: $(STAMP_MIN)
	$(VENV_MIN)/bin/python -c "import sys; print('test-min on Python', sys.version.split()[0])"
	$(VENV_MIN)/bin/python -m pytest $(AT_CURRENT_ONLY)

# Re-execute every notebook and store its outputs as CI expects (see CONTRIBUTING.md).
notebooks: $(STAMP)
	$(BIN)/python tools/run_notebooks.py

# The website: _build/html (tools/build_site.py). Offline: the notebooks are not executed, and
# nothing is fetched but the pinned packages (pip, npm) on first use.
$(STAMP_SITE): pyproject.toml
	rm -rf $(VENV_SITE)
	$(PYTHON) -m venv $(VENV_SITE)
	$(VENV_SITE)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_SITE)/bin/python -m pip install --quiet -e ".[site]"
	touch $(STAMP_SITE)

$(STAMP_NPM): site/package.json site/package-lock.json
	cd site && npm ci --ignore-scripts --no-audit --no-fund
	touch $(STAMP_NPM)

# The classroom pages are computed by the course's own venv, whose widgets the tests compare
# them with (tests/test_classroom_pages.py).
site: $(STAMP) $(STAMP_SITE) $(STAMP_NPM)
	$(VENV_SITE)/bin/python tools/build_site.py --classroom-python $(abspath $(BIN))/python

# The tests of what `make site` builds, after building it: the website in Chromium, the
# classroom pages in Chromium and against course_lib now. (`make test` runs them too, on the
# site built last; without one, the website's test is skipped and the classroom pages are built
# into a temporary folder.)
SITE_TESTS := tests/browser/test_site.py tests/browser/test_classroom_pages.py \
	tests/test_classroom_pages.py
SITE_IGNORES := $(addprefix --ignore=,$(SITE_TESTS))
test-site: export MPLCONFIGDIR = $(abspath $(VENV))/mplconfig
test-site: site
	$(BIN)/python -m pytest -p no:cacheprovider $(SITE_TESTS)

clean:
	rm -rf $(VENV) $(VENV_MIN) $(VENV_SITE) build _build site/node_modules *.egg-info
