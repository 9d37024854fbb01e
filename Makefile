# Madoguchi — two commands: `make run` and `make test`.
SHELL := /bin/bash
# The venv's interpreter: Debian's CPython 3.11 where there is one. Debian builds it with PGO
# and LTO, pyenv's default build with neither: on Debian's the intake API spends 5–14 % less
# CPU per application, a pure-Python loop 22 % less (docs/benchmarks.md).
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export MADOGUCHI_INSTANCE ?= $(CURDIR)/instance

RUN_DEBS := fonts-ipaexfont-gothic fonts-ipaexfont-mincho libharfbuzz-subset0 fontconfig
TEST_DEBS := $(RUN_DEBS) postgresql poppler-utils chromium
# bpmn-js (the case page's diagram viewer) comes from the npm registry; only its dist files are
# served, from webapp/static/vendor (git-ignored, like node_modules).
VENDOR := webapp/static/vendor/bpmn-js
BPMN_DIST := node_modules/bpmn-js/dist

.PHONY: run test bench lint catalogs i18n-extract system-deps-run system-deps-test assets clean

## make run: install everything, migrate the embedded SQLite database, load demo data, serve
## (gunicorn.conf.py: gthread, 1 worker, 8 threads, as tests/server/ run it).
run: system-deps-run $(VENV)/.installed catalogs assets
	MADOGUCHI_DEMO=1 $(BIN)/flask --app wsgi db upgrade
	MADOGUCHI_DEMO=1 $(BIN)/flask --app wsgi seed-demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (demo users: see README; password: demo)"
	MADOGUCHI_DEMO=1 MADOGUCHI_TIMER_THREAD=1 $(BIN)/gunicorn -c gunicorn.conf.py \
		--bind 127.0.0.1:$(PORT) wsgi:app

## make test: the same installation, then lint, catalogue check and the whole suite
## on SQLite and on a throw-away PostgreSQL server started by the test run.
test: system-deps-test $(VENV)/.installed catalogs assets lint
	$(BIN)/python scripts/i18n.py check
	$(BIN)/pytest -q -p no:cacheprovider

## make bench: the benchmarks in bench/ (not part of make test); prints result tables.
bench: system-deps-test $(VENV)/.installed catalogs assets
	$(BIN)/python -m bench

lint: $(VENV)/.installed
	$(BIN)/ruff check .

system-deps-run:
	@PYTHON=$(PYTHON) scripts/system-deps.sh $(RUN_DEBS)

system-deps-test:
	@PYTHON=$(PYTHON) scripts/system-deps.sh $(TEST_DEBS)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

## make assets: npm ci (when package-lock.json changed or node_modules is missing), then copy
## the bpmn-js viewer and its CSS to webapp/static/vendor. Installs Debian's npm if missing.
assets: $(VENDOR)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || scripts/system-deps.sh nodejs npm
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp $(BPMN_DIST)/bpmn-viewer.production.min.js $(BPMN_DIST)/assets/diagram-js.css \
		$(BPMN_DIST)/assets/bpmn-js.css node_modules/bpmn-js/LICENSE $(VENDOR)/
	touch $@

catalogs: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d webapp/translations

## After changing user-facing text: re-extract messages, then translate the new ja entries.
i18n-extract: $(VENV)/.installed
	$(BIN)/python scripts/i18n.py extract

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache node_modules webapp/static/vendor
