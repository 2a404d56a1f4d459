# The README's commands. Each sets up .venv first (Python 3.10+ as $(PYTHON)).
#   make setup          only set up .venv (then `. .venv/bin/activate`; the student commands are in the README)
#   make demo           grade solutions/ (full marks) and the untouched exercises/ (0), printing the tables
#   make demo-mistakes  (instructors) grade a sample submission with one typical mistake per exercise
#   make test           what CI runs: lint, then every test of the kit (both tiers)
#   make test-fast      the fast tier alone (-m "not slow")
#   make test-slow      the slow tier (-m slow: real nbgrader end to end, fresh virtualenvs, whole classes)
#   make test-all       every test
#   make lint           ruff check, ruff format --check, mypy
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS_STAMP := $(VENV)/.installed-extras

.PHONY: setup demo demo-mistakes test test-fast test-slow test-all lint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# The tests also run the real nbgrader end to end and a local Ray instance: optional extras, installed for them.
$(EXTRAS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,nbgrader,ray]'
	touch $(EXTRAS_STAMP)

setup: $(STAMP)
	@echo "ready: run  . $(BIN)/activate  then  autograder next"

# Shows what grading looks like without showing students the typical mistakes and their fixes.
demo: $(STAMP)
	$(BIN)/autograder grade solutions --format table
	$(BIN)/autograder grade exercises --format table

demo-mistakes: $(STAMP)
	$(BIN)/python tests/mutants.py build/buggy-submission
	$(BIN)/autograder grade build/buggy-submission --format table

PYTEST := $(BIN)/python -m pytest --durations=25

lint: $(EXTRAS_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy autograder

test-fast: $(EXTRAS_STAMP)
	$(PYTEST) -m "not slow"

test-slow: $(EXTRAS_STAMP)
	$(PYTEST) -m slow

test-all: $(EXTRAS_STAMP)
	$(PYTEST)

test: lint test-all
