# lrnn-circuits: `make report` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: all install test report bench verify clean

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
	@echo "report written to report/index.html"

bench: $(STAMP)
	$(PY) -m pip install -q -e '.[test,bench]'
	$(PY) benchmarks/bench_build.py
	$(PY) benchmarks/bench_ir.py
	$(PY) benchmarks/bench_lrnn.py

clean:
	rm -rf $(VENV) report out build *.egg-info .pytest_cache .hypothesis
