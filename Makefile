# hisguard: every target installs what it needs on a fresh Debian 12 machine (as root).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PY_PACKAGES := scanners reports lab
PYTEST_ARGS ?=

.PHONY: all deps venv test test-unit lint demo bench clean lab-down

all: test

deps:
	@scripts/install-debian-packages.sh

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev,postgres,pdf,roles]'
	@touch $@

venv: $(STAMP)

# The whole suite, lab included (the lab tests need root; they are skipped with a reason otherwise).
test: deps venv
	$(BIN)/pytest $(PYTEST_ARGS)

# Everything that needs no lab and no root.
test-unit: venv
	$(BIN)/pytest -m "not lab and not postgres" $(PYTEST_ARGS)

LINT_PY := $(PY_PACKAGES) hisguard/__init__.py hisguard/__main__.py tests bench lint roles/*/filter_plugins

lint: venv
	$(BIN)/ruff check $(LINT_PY)
	$(BIN)/ruff format --check $(LINT_PY)
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/yamllint -s .
	$(BIN)/ansible-lint
	$(BIN)/python lint/role_docs.py --check
	$(BIN)/python lint/shared_data.py
	$(BIN)/ansible-playbook -i inventories/lab/hosts.yml --syntax-check \
	  playbooks/harden.yml playbooks/rotate-portal-credentials.yml playbooks/schedule-scans.yml playbooks/scan.yml

# Scan the lab, report, harden, rescan: the main job end to end.
demo: deps venv
	scripts/demo.sh

bench: deps venv
	scripts/bench.sh

lab-down: venv
	$(BIN)/hisguard lab down

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
