# The README's two commands. Both set up .venv first (Python 3.10+ as $(PYTHON)).
#   make demo   grade solutions/ and a sample buggy submission, printing the tables
#   make test   run the kit's own tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/autograder grade solutions --format table
	$(BIN)/python tests/mutants.py build/buggy-submission
	$(BIN)/autograder grade build/buggy-submission --format table

test: $(STAMP)
	$(BIN)/python -m pytest
