# joinedup: `make run` serves the demo, `make test` runs the whole suite. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export JOINEDUP_DEBUG ?= true

.PHONY: install run test test-postgres lint bench bench-scale bench-identity browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[dev]'
	touch $@

# The DfE Children in Need census validator pins pandas < 2 and rich < 14, which joinedup's own
# environment cannot share: it gets an environment of its own, called as a separate process.
CIN_VENV := .venv-cin
$(CIN_VENV)/.installed: Makefile
	$(PYTHON) -m venv $(CIN_VENV)
	$(CIN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CIN_VENV)/bin/python -m pip install --quiet 'csc-validator-be-cin==0.1.13' 'numpy==1.26.4'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed $(CIN_VENV)/.installed node_modules/.installed

browser:
	@scripts/ensure-chromium

run: install
	@mkdir -p var
	@$(BIN)/python scripts/retire-old-demo-database
	$(BIN)/joinedup migrate --noinput
	$(BIN)/joinedup demo --if-empty
	@$(BIN)/joinedup demo-sign-ins
	@$(BIN)/joinedup demo-family-sign-ins
	@# A background worker beside the web server, stopped with it.
	$(BIN)/joinedup worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
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

# 10k and 1M people on PostgreSQL side by side, a load test of `joinedup serve` and the
# partnership-health rebuild at 1M. Builds its two databases the first time (about 12 minutes).
bench-scale: install
	$(BIN)/python benchmarks/scale.py $(BENCH_ARGS)

bench-identity: install
	$(BIN)/python -m pip install --quiet --editable '.[dev,bench]'
	$(BIN)/python benchmarks/identity/run.py --suite --records $(or $(RECORDS),1000000)

clean:
	rm -rf $(VENV) $(CIN_VENV) node_modules var test-artifacts
