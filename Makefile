# rnnviz: two commands for a new user.
#   make lab    create .venv if missing, install everything, open the labs in JupyterLab
#   make test   the same install, then every test: lint, unit, nbval over every lab, browser
# Everything lives in .venv and .jupyter inside this folder; nothing goes in your home.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The CPU wheel. A GPU user installs their own torch into .venv first (see README).
TORCH_SPEC ?= torch==2.13.0
PORT ?= 8888
STAMP := $(VENV)/.rnnviz-installed

JUPYTER_STATE := $(CURDIR)/.jupyter
export JUPYTER_CONFIG_DIR := $(JUPYTER_STATE)/config
export JUPYTER_DATA_DIR := $(JUPYTER_STATE)/data
export JUPYTER_RUNTIME_DIR := $(JUPYTER_STATE)/runtime
export JUPYTERLAB_SETTINGS_DIR := $(JUPYTER_STATE)/lab-settings
export JUPYTERLAB_WORKSPACES_DIR := $(JUPYTER_STATE)/lab-workspaces
export IPYTHONDIR := $(JUPYTER_STATE)/ipython
export MPLCONFIGDIR := $(JUPYTER_STATE)/matplotlib
export PYTHONDONTWRITEBYTECODE := 1

NBVAL_ARGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
LABS := $(sort $(wildcard labs/*.ipynb))
# The lab tests run torch on its portable scalar kernels, while `make labs` stores outputs
# with the vectorised ones (AVX2, AVX-512, NEON): every lab test is then an "other CPU" run,
# and a lab whose checked numbers depend on the CPU fails here, not on an instructor's laptop.
# `make test-labs LAB_CPU=` runs them on the machine's own kernels.
LAB_CPU ?= default
LAB_ENV := $(if $(LAB_CPU),ATEN_CPU_CAPABILITY=$(LAB_CPU),)

.PHONY: install lab assignments site doc-screenshots test test-unit test-labs test-browser test-load labs execute claims bench benchmarks experiments checkpoints lint chromium clean

install: $(STAMP)

$(STAMP): pyproject.toml jupyter-config/jupyter_nbconvert_config.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@# torch first, pinned, so that no resolver ever picks a multi-GB CUDA build.
	@$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install --quiet "$(TORCH_SPEC)"
	$(PY) -m pip install --quiet -e ".[test,assignments]"
	@# The HTML export's config (rnnviz/export.py): an editable install skips data-files.
	install -D -m 644 jupyter-config/jupyter_nbconvert_config.json $(VENV)/etc/jupyter/jupyter_nbconvert_config.json
	@touch $(STAMP)

lab: install
	@mkdir -p $(JUPYTERLAB_SETTINGS_DIR)/@jupyterlab/apputils-extension
	@echo '{"fetchNews": "false", "checkForUpdates": false}' > $(JUPYTERLAB_SETTINGS_DIR)/@jupyterlab/apputils-extension/notification.jupyterlab-settings
	@# Trusted, so that JupyterLab draws the labs' stored widgets before anything runs.
	@$(VENV)/bin/jupyter trust $(LABS) >/dev/null 2>&1
	@echo "Starting JupyterLab on labs/. Open the http://127.0.0.1:$(PORT)/lab?token=... URL it prints below. Ctrl-C stops it."
	$(VENV)/bin/jupyter lab --no-browser --ip=127.0.0.1 --port=$(PORT) --ServerApp.root_dir=labs $(if $(filter 0,$(shell id -u)),--allow-root,)

# The student version of the exercises in assignments/ (git-ignored): nbgrader's
# generate_assignment removes the solutions of exercises/rnn_exercises and keeps the checks.
# Grading is nbgrader's own autograde (DEVELOPING.md, "Exercises"); nbgrader runs alembic from
# the venv's bin, hence the PATH.
assignments: install
	rm -rf assignments && mkdir -p assignments
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/nbgrader generate_assignment rnn_exercises \
	  --force --CourseDirectory.root=$(CURDIR) --CourseDirectory.source_directory=exercises \
	  --CourseDirectory.release_directory=assignments \
	  --CourseDirectory.db_url=sqlite:///$(CURDIR)/assignments/gradebook.db
	@echo "The student version: assignments/rnn_exercises/rnn_exercises.ipynb"

# Every lab as a static page that works offline, with an index: site/ (scripts/build_site.py).
# Publish site/ on any static host. REPO_URL and HUB_URL make its "run this lab" links
# (Binder, and your JupyterHub through nbgitpuller); SITE_ARGS=--no-screenshots skips Chromium.
# Without them the links hold placeholders (github.com/OWNER/rnnviz, hub.example.edu).
site: install chromium
	$(PY) scripts/build_site.py --out site $(if $(REPO_URL),--repo-url $(REPO_URL)) $(if $(HUB_URL),--hub-url $(HUB_URL)) $(SITE_ARGS)

# The screenshots of a student at work in docs/screenshots/after/ (scripts/doc_screenshots.py):
# lab 06's Predicts before and after Check, the exercises' student version and a graded
# submission. ARGS="--only predict" (or exercise) makes one part.
doc-screenshots: install chromium
	$(PY) scripts/doc_screenshots.py $(ARGS)

# Every test: the linters, unit tests, nbval over every lab, and the browser tests.
# All of them run offline: conftest.py refuses outbound connections (tests/network_guard.py).
test: lint chromium
	$(PY) -m pytest tests -m "not load" -p no:cacheprovider --durations=5
	$(LAB_ENV) $(PY) -m pytest $(LABS) $(NBVAL_ARGS) -p no:cacheprovider

# ARGS narrows a run, e.g. make test-browser ARGS=tests/browser/test_lab_04.py
test-unit: install
	$(PY) -m pytest $(or $(ARGS),tests) -m "not browser" -p no:cacheprovider

test-labs: install
	$(LAB_ENV) $(PY) -m pytest $(LABS) $(NBVAL_ARGS) -p no:cacheprovider

test-browser: install chromium
	$(PY) -m pytest $(or $(ARGS),tests) -m "browser and not load" -p no:cacheprovider

# One lab and the kernel-dialog path with every core busy (a CPU burner the test starts).
test-load: install chromium
	$(PY) -m pytest tests/browser -m load -p no:cacheprovider

# Debian's chromium drives the browser tests; Playwright's own download does not work here.
chromium:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Re-execute every lab and store its outputs and the widget state its charts need.
labs: install
	@for nb in $(LABS); do $(MAKE) --no-print-directory execute LAB=$$nb || exit 1; done

# Re-execute one lab: make execute LAB=labs/01_rnn_from_scratch.ipynb
execute: install
	$(PY) scripts/execute_lab.py $(LAB)

# Re-run every lab's checked claims under 20 seeds on both kernel paths (the machine's own and
# torch's scalar ones), JOBS at a time; writes results/claims.md (and .json) and its wall time.
# make claims SEEDS="0 1 2" KERNELS=native LABS=labs/06_long_range_memory.ipynb narrows it;
# ARGS=--resume keeps the runs already in results/claims.json and makes only the missing ones.
SEEDS ?= $(shell seq 0 19)
KERNELS ?= native default
JOBS ?= $(shell nproc)
claims: install
	$(PY) scripts/claims_table.py $(LABS) --seeds $(SEEDS) --kernels $(KERNELS) --jobs $(JOBS) $(ARGS)

# Every benchmark: prints its tables and writes benchmarks/results.json (about 15 minutes,
# and an estimated 15 more for the latency rows timed with the CPU throttled 4x).
# Installs the `bench` extra first (altair and vl-convert-python: the Vega-Lite comparison).
# ARGS narrows it, e.g. make bench ARGS="--only latency,widgets --out /tmp/bench.json"
# make bench ARGS="--pages all": every latency page against the goal (about 100 minutes).
bench: install chromium
	$(PY) -m pip install --quiet -e ".[test,bench]"
	$(PY) benchmarks/bench.py $(ARGS)

benchmarks: bench

# make experiments ARGS=--fast for a smoke run; see python -m rnnviz.experiments --help
experiments: install
	$(PY) -m rnnviz.experiments $(ARGS)

checkpoints: install
	$(PY) -m rnnviz.charlm.train
	$(PY) -m rnnviz.captioning.train

# The Python by ruff; the JavaScript by oxlint (.oxlintrc.json) and oxfmt (.oxfmtrc.json).
# The front end is linted as it ships, one module: static/chart/ joined
# (rnnviz/front_end.py) and then offline.js, as the HTML export's page script is, so
# a name one file uses and another defines is checked (a lint error's line is in JOINED_JS).
STATIC_JS := rnnviz/widgets/static
JOINED_JS := $(JUPYTER_STATE)/lint/page.js
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@mkdir -p $(dir $(JOINED_JS))
	$(PY) -c "from rnnviz.front_end import chart_source; print(chart_source())" > $(JOINED_JS)
	cat $(STATIC_JS)/offline.js >> $(JOINED_JS)
	$(VENV)/bin/oxlint -c .oxlintrc.json --deny-warnings $(JOINED_JS) $(STATIC_JS)/chart_loader.js
	$(VENV)/bin/oxfmt --check $(STATIC_JS)/chart $(STATIC_JS)/chart_loader.js $(STATIC_JS)/offline.js

clean:
	rm -rf $(VENV) $(JUPYTER_STATE) screenshots site
