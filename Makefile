# The README's two quick-start commands, and the checks CI runs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

demo: $(BIN)/python        ## install and audit the example bot (exits 1: it has findings)
	$(BIN)/pip install -q -e .
	$(BIN)/botwarden audit examples/bibliobot

test: $(BIN)/python        ## install and run the whole test suite
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python -m pytest

lint: $(BIN)/python        ## ruff and mypy --strict on src/
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/ruff check src tests examples benchmarks
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

bench: $(BIN)/python       ## benchmarks, against peer tools (outside CI; about an hour in all)
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/iam/bench_correctness.py
	$(BIN)/python benchmarks/iam/bench_correctness.py --cases benchmarks/iam/holdout
	$(BIN)/python benchmarks/iam/bench_speed.py
	bash benchmarks/runtime/setup.sh
	$(BIN)/python benchmarks/runtime/bench_decision.py
	$(BIN)/python benchmarks/runtime/bench_proxy.py
	$(BIN)/python benchmarks/stores/bench_budgets.py
	$(BIN)/python benchmarks/ledger/bench_ledger.py
	bash benchmarks/secrets/setup.sh
	$(BIN)/python benchmarks/secrets/bench_throughput.py
	$(BIN)/python benchmarks/secrets/bench_accuracy.py
	$(BIN)/python benchmarks/secrets/bench_fetch.py
	bash benchmarks/deps/setup.sh
	benchmarks/.bench-venv/bin/python benchmarks/deps/bench_pip_audit.py
	benchmarks/.bench-venv/bin/python benchmarks/deps/bench_vulndb.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist
