# lrnn-circuits: `make report` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: all install test report bench verify docs docs-serve clean

all: test

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# the suite in two worker processes, a test file per worker at a time (the machine has 2 cores)
test: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile

report: $(STAMP)
	$(VENV)/bin/lrnn-circuits report -o report
	@echo "report written to report/index.html (also report/report.md and report/figures/)"

bench: $(STAMP)
	$(PY) -m pip install -q -e '.[test,bench]'
	$(PY) benchmarks/bench_build.py
	$(PY) benchmarks/bench_ir.py
	$(PY) benchmarks/bench_lrnn.py

# the documentation site (mkdocs-material), built offline into site/; the hook reports/site.py generates the
# CLI and API reference and the figures. Built beside site/ and moved into place only when the build passed.
docs: $(STAMP)
	$(PY) -m pip install -q -e '.[docs]'
	rm -rf .site.tmp
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict -d .site.tmp || { rm -rf .site.tmp; exit 1; }
	rm -rf site && mv .site.tmp site
	@echo "site written to site/index.html"

docs-serve: $(STAMP)
	$(PY) -m pip install -q -e '.[docs]'
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs serve

clean:
	rm -rf $(VENV) report out site .site.tmp build *.egg-info .pytest_cache .hypothesis
