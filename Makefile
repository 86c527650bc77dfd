# joinedup: `make run` serves the demo, `make test` runs the whole suite. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export JOINEDUP_DEBUG ?= true

.PHONY: install run test test-postgres lint bench bench-identity browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

browser:
	@scripts/ensure-chromium

run: install
	@mkdir -p var
	@$(BIN)/python scripts/retire-old-demo-database
	$(BIN)/joinedup migrate --noinput
	$(BIN)/joinedup demo --if-empty
	@$(BIN)/joinedup demo-sign-ins
	@$(BIN)/joinedup demo-family-sign-ins
	$(BIN)/joinedup runserver 127.0.0.1:$(PORT)

test: install browser
	JOINEDUP_DEBUG=false $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install browser
	JOINEDUP_DEBUG=false DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(BIN)/pytest -m "not spark" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/run.py

bench-identity: install
	$(BIN)/python benchmarks/identity/run.py --records $(or $(RECORDS),1000000)

clean:
	rm -rf $(VENV) node_modules var test-artifacts
