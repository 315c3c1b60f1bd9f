# Two commands a newcomer needs: `make preview` and `make test`. Each sets up .venv first.
PYTHON       ?= python3
VENV         := .venv
BIN          := $(VENV)/bin
STACK        ?= dev
STACKS       := dev uat prod
PREVIEW_ARGS ?=

.PHONY: setup system-deps preview previews test lint types unit workflows diagrams bench clean

setup: $(VENV)/.installed system-deps

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt --config-settings editable_mode=compat -e ".[dev]"
	touch $@

# Graphviz's `dot` draws the architecture diagrams (the tests regenerate them); shellcheck lets
# actionlint check the workflows' shell steps. CI starts from a clean machine (root, or a GitHub runner
# with passwordless sudo): install them there with apt-get; elsewhere say what is missing.
system-deps:
	@missing=""; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	command -v shellcheck >/dev/null 2>&1 || missing="$$missing shellcheck"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="no"; fi; \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$sudo" != no ]; then \
	    echo "installing$$missing (apt-get)"; \
	    $$sudo apt-get update -qq >/dev/null && \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "missing system packages:$$missing (apt-get install$$missing, or brew install$$missing)" >&2; \
	    command -v dot >/dev/null 2>&1 || exit 1; \
	  fi; \
	fi

preview: setup
	$(BIN)/python -m offline preview --stack $(STACK) $(PREVIEW_ARGS)

previews: setup
	@for stack in $(STACKS); do $(BIN)/python -m offline preview --stack $$stack --no-tree || exit $$?; done

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The program, the pack, the tools. Each Pulumi program is its own `__main__`: one mypy run each.
types: setup
	$(BIN)/mypy $(wildcard components stack_config offline audit handlers) policy_pack/smartpost_policies policy_pack/gen_readme.py __main__.py
	$(BIN)/mypy policy_pack/__main__.py
	$(BIN)/mypy bootstrap/__main__.py benchmarks/run.py

unit: setup
	$(BIN)/pytest -n 2 --dist loadfile

test: lint types unit

# Also run by the tests (tests/test_workflows.py); here for a quick look while editing workflows.
workflows: setup
	$(BIN)/actionlint -no-color

# docs/architecture-<stack>.png and .json from the program (commit both; tests/test_diagram.py checks them).
diagrams: setup
	@for stack in $(STACKS); do $(BIN)/python -m offline diagram --stack $$stack || exit $$?; done

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV)
