# Two commands on a fresh machine with Python 3.11 and make:
#   make demo   install, generate the demo workbooks (Hà Giang 2016-2020, then Tuyên Quang's
#               commune workbooks of 2025Q3-2026Q2), run the pipeline, print the headline figures
#   make test   install, lint, run every test: unit → integration → e2e
SHELL := /bin/bash
PYTHON ?= python3
NTM_HOME ?= $(CURDIR)/var
export NTM_HOME
# Imports run twice as fast with bytecode; this machine sets PYTHONDONTWRITEBYTECODE.
export UV_COMPILE_BYTECODE := 1
export UV_LINK_MODE := copy

TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
DBT_SOURCES := $(shell find dbt_project -path dbt_project/target -prune -o -path dbt_project/logs -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print 2>/dev/null)

.PHONY: install browser postgres demo run test test-unit test-integration test-e2e lint format ui clean \
	clean-data help bench

help:
	@echo "make demo   - install, write demo workbooks to \$$NTM_HOME/landing, run, print figures"
	@echo "make test   - install, lint, then the tests level by level (unit, integration, e2e)"
	@echo "make test-unit, test-integration, test-e2e - one level (tests/unit ...)"
	@echo "make ui     - serve the Dagster UI on http://127.0.0.1:3000"
	@echo "make lint   - ruff"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --compile-bytecode
	@touch $@

dbt_project/target/manifest.json: $(VENV)/.installed $(DBT_SOURCES)
	$(BIN)/ntm prepare

install: $(VENV)/.installed dbt_project/target/manifest.json

# Hà Giang 2016-2020 (district workbooks), then the new era: Tuyên Quang's commune workbooks of
# 2025Q3-2026Q2 in the same landing folder, run and printed with the latest quarter's province
# row. The second run's exit status is not the demo's: the 2016-2020 figures stand either way.
demo: install
	@mkdir -p "$(NTM_HOME)/landing"
	$(BIN)/ntm demo-data --out "$(NTM_HOME)/landing"
	$(BIN)/ntm run --received-from-mtime
	$(BIN)/ntm demo-data --province 08 --quarters 2025Q3:2026Q2 --out "$(NTM_HOME)/landing"
	-$(BIN)/ntm run --received-from-mtime

run: install
	$(BIN)/ntm run

# The UI test drives Debian's headless Chromium; CI runs as root and installs it here.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "The browser test needs Debian's chromium: sudo apt-get install chromium"; exit 1; fi; }

# Tests start their own throwaway PostgreSQL cluster (tests/support/postgres.py) with the server
# programs initdb and pg_ctl: on the PATH or Debian's /usr/lib/postgresql/<version>/bin. CI runs as
# root and installs Debian's postgresql here when they are missing (its cluster is not used).
# As root the cluster runs as Debian's `postgres` user, which the package creates.
PG_FOUND = { command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; } \
	&& { [ "$$(id -u)" != 0 ] || id -u postgres >/dev/null 2>&1; }
postgres:
	@$(PG_FOUND) || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "The PostgreSQL tests need Debian's postgresql: sudo apt-get install postgresql"; exit 1; fi; }

# The tests by level, fastest first (tests/conftest.py marks each test by its folder); each level
# prints its 15 slowest tests. The unit level needs no dbt manifest: not even a `dbt parse`.
PYTEST := $(BIN)/pytest --durations=15

test-unit: $(VENV)/.installed
	$(PYTEST) tests/unit

test-integration: install postgres
	$(PYTEST) tests/integration

test-e2e: install browser postgres
	$(PYTEST) tests/e2e

# Lint, then unit → integration → e2e, in this order: the first failing level stops the run.
test: lint
	@$(MAKE) --no-print-directory test-unit
	@$(MAKE) --no-print-directory test-integration
	@$(MAKE) --no-print-directory test-e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

ui: install
	$(BIN)/ntm ui

clean-data:
	rm -rf "$(NTM_HOME)"

clean: clean-data
	rm -rf $(VENV) $(TOOLS) dbt_project/target dbt_project/logs

# National-scale benchmark (not part of the tests): writes bench/RESULTS.md; ~20-25 min on 2 cores.
bench: install
	$(BIN)/python bench/run.py
