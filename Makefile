# The two commands of the README:
#   make serve   set everything up, build both languages, serve http://127.0.0.1:8000
#   make test    set everything up and run every test (browser tests included)
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: install serve build test system-deps bench experiments clean

# Python packages: rnnbook (editable) with its docs and test extras, pinned in
# pyproject.toml. torch is the CPU build (torch==2.13.0).
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

serve: install
	$(BIN)/mkdocs serve --strict -a 127.0.0.1:8000

build: install
	$(BIN)/mkdocs build --strict

# Debian packages the browser tests need: chromium and a Hangul font.
system-deps:
	bash scripts/system-deps.sh

test: install system-deps
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/bench_rnn.py

# The experiments chapter's trainings (adding problem, RNN/LSTM/GRU, several
# lengths and seeds) -> bench/adding_problem.json, read by the page.
experiments: install
	$(BIN)/python bench/record_experiments.py

clean:
	rm -rf site $(VENV) test-artifacts
