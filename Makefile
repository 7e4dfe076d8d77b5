# The README's two commands: `make demo` (main job on the example park) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
YEAR ?= 2024

.PHONY: install demo test lint bench clean

$(BIN)/greenpark: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(BIN)/greenpark

install: $(BIN)/greenpark

demo: install
	$(BIN)/greenpark example example-park --force
	$(BIN)/greenpark assess example-park --year $(YEAR)

test: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: install
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) example-park out test-artifacts
