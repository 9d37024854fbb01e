# Madoguchi — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export MADOGUCHI_INSTANCE ?= $(CURDIR)/instance

RUN_DEBS := fonts-ipaexfont-gothic fonts-ipaexfont-mincho libharfbuzz-subset0 fontconfig
TEST_DEBS := $(RUN_DEBS) postgresql poppler-utils

.PHONY: run test bench lint catalogs i18n-extract system-deps-run system-deps-test clean

## make run: install everything, migrate the embedded SQLite database, load demo data, serve.
run: system-deps-run $(VENV)/.installed catalogs
	MADOGUCHI_DEMO=1 $(BIN)/flask --app wsgi db upgrade
	MADOGUCHI_DEMO=1 $(BIN)/flask --app wsgi seed-demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (demo users: see README; password: demo)"
	MADOGUCHI_DEMO=1 MADOGUCHI_TIMER_THREAD=1 $(BIN)/gunicorn --workers 1 --threads 8 \
		--bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

## make test: the same installation, then lint, catalogue check and the whole suite
## on SQLite and on a throw-away PostgreSQL server started by the test run.
test: system-deps-test $(VENV)/.installed catalogs lint
	$(BIN)/python scripts/i18n.py check
	$(BIN)/pytest -q -p no:cacheprovider

## make bench: the benchmarks in bench/ (not part of make test); prints result tables.
bench: system-deps-test $(VENV)/.installed catalogs
	$(BIN)/python -m bench

lint: $(VENV)/.installed
	$(BIN)/ruff check .

system-deps-run:
	@scripts/system-deps.sh $(RUN_DEBS)

system-deps-test:
	@scripts/system-deps.sh $(TEST_DEBS)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

catalogs: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d webapp/translations

## After changing user-facing text: re-extract messages, then translate the new ja entries.
i18n-extract: $(VENV)/.installed
	$(BIN)/python scripts/i18n.py extract

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache
