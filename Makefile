# Two commands for a newcomer (README, Quick start): `make demo` and `make test`.
# Everything they need is installed here, from the package registries only.

VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/yingji
PORT ?= 8000

.PHONY: setup setup-test demo test lint test-postgres test-sqlite test-clock services browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install -q -e .

setup-test: $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"

demo: setup
	$(BIN)/yingji demo --port $(PORT)

services:
	scripts/ensure-services.sh

browser:
	scripts/ensure-chromium.sh

# The whole suite on PostgreSQL with the real broker and MQTT, and beside it on SQLite
# (the embedded default) without the tests that need those services or a browser: the two
# passes share nothing (the SQLite one keeps its files under var/test-sqlite), and run
# side by side on two cores, which keeps CI inside its 90 minutes. Each pass's output is
# printed whole when it ends.
test: setup-test lint services browser
	$(MAKE) -j2 --output-sync=target test-postgres test-sqlite
	$(MAKE) test-clock

# Guardrails first: ruff (pyproject.toml) and the import contracts of ARCHITECTURE.md (.importlinter).
lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test-postgres:
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -p no:cacheprovider

test-sqlite:
	env -u DATABASE_URL -u BROKER_URL YINGJI_VAR_DIR=$(CURDIR)/var/test-sqlite $(BIN)/pytest -p no:cacheprovider -m "not browser and not services and not fuzz"

# The hazard tests once more with the clock moved years ahead (--today, tests/conftest.py):
# a date the code compares with today must be derived from today in the tests.
test-clock:
	env -u DATABASE_URL -u BROKER_URL $(BIN)/pytest -p no:cacheprovider -m "not browser and not services and not fuzz" --today 2031-03-15 tests/hazards
