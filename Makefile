# The two commands: `make run` (app on demo data) and `make test` (every check and test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PORT ?= 8501

.PHONY: setup system-deps run demo test lint bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

system-deps:
	bash scripts/system-deps.sh

demo: setup
	$(BIN)/python -m data seed --demo --if-empty

run: demo
	$(BIN)/streamlit run app.py --server.port $(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

test: setup system-deps lint
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
