# The README's two commands. Both set up .venv first (Python 3.10+ as $(PYTHON)).
#   make demo   grade solutions/ and a sample buggy submission, printing the tables
#   make test   run the kit's own tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS_STAMP := $(VENV)/.installed-extras

.PHONY: demo test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# The tests also run the real nbgrader end to end and a local Ray instance: optional extras, installed for them.
$(EXTRAS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,nbgrader,ray]'
	touch $(EXTRAS_STAMP)

demo: $(STAMP)
	$(BIN)/autograder grade solutions --format table
	$(BIN)/python tests/mutants.py build/buggy-submission
	$(BIN)/autograder grade build/buggy-submission --format table

test: $(EXTRAS_STAMP)
	$(BIN)/python -m pytest
