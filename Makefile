# Two commands a newcomer needs: `make preview` and `make test`. Each sets up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STACK  ?= dev

.PHONY: setup preview test lint types unit clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt --config-settings editable_mode=compat -e ".[dev]"
	touch $@

preview: setup
	$(BIN)/python -m offline preview --stack $(STACK)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: setup
	$(BIN)/mypy $(wildcard components stack_config offline audit handlers) policy_pack/smartpost_policies __main__.py

unit: setup
	$(BIN)/pytest -n 2 --dist loadfile

test: lint types unit

clean:
	rm -rf $(VENV)
