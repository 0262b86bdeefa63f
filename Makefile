# reclaim: developer entry points.
#
#   make          list the targets
#   make test     set everything up (uv, .venv, PostgreSQL) and run the tests
#
# Every target that runs project code depends on `setup`, which is idempotent
# and takes well under a second when nothing needs doing.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTEST_ARGS ?=
PYTEST_WORKERS ?= 2
BENCH_ARGS ?=
DEMO_ARGS ?=

# `setup` may install uv itself, possibly somewhere not on PATH, so resolve it
# lazily (recursive `=`, evaluated when a recipe runs, i.e. after `setup`).
UV = $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
# --locked: never rewrite uv.lock behind anyone's back; fail if it is stale.
RUN = $(UV) run --locked

.PHONY: help setup lint test demo example bench format clean

help: ## List the targets (this message)
	@echo "Usage: make <target> [PYTEST_ARGS='...'] [BENCH_ARGS='...']"
	@echo
	@awk 'BEGIN { FS = ":.*## " } /^[a-zA-Z0-9_-]+:.*## / { printf "  %-8s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
	@echo
	@echo "make test starts PostgreSQL via scripts/start-postgres unless RECLAIM_TEST_POSTGRES_URL is set."

setup: ## Install uv if missing and sync .venv with uv.lock (scripts/bootstrap)
	@scripts/bootstrap

lint: setup ## Run ruff (lint + format check), mypy and import-linter
	@status=0; \
	for cmd in "ruff check src tests" "ruff format --check src tests" "mypy" "lint-imports"; do \
	  echo "lint: $$cmd"; \
	  $(RUN) $$cmd || { echo "lint: FAILED: $$cmd"; status=1; }; \
	done; \
	exit $$status

test: setup ## Start PostgreSQL if needed and run pytest (PYTEST_ARGS=... for extra options)
	@if [[ -z "$${RECLAIM_TEST_POSTGRES_URL:-}" ]]; then \
	  echo "test: starting PostgreSQL (scripts/start-postgres)"; \
	  RECLAIM_TEST_POSTGRES_URL="$$(scripts/start-postgres | tail -n 1)"; \
	  if [[ "$$RECLAIM_TEST_POSTGRES_URL" != postgresql* ]]; then \
	    echo "test: scripts/start-postgres did not print a database URL" >&2; exit 1; \
	  fi; \
	fi; \
	export RECLAIM_TEST_POSTGRES_URL; \
	echo "test: RECLAIM_TEST_POSTGRES_URL=$$RECLAIM_TEST_POSTGRES_URL"; \
	echo "test: pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)"; \
	$(RUN) pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

demo: setup ## Simulate the demo council's year and write its year-end report (DEMO_ARGS=...)
	@$(RUN) reclaim demo $(DEMO_ARGS)

example: setup ## Run the small bundled example end to end (init, import, bill, pay, check)
	@$(RUN) reclaim example

bench: setup ## Run the benchmarks (BENCH_ARGS=... for options)
	@$(RUN) reclaim bench $(BENCH_ARGS)

format: setup ## Reformat the code and apply safe lint fixes
	@$(RUN) ruff format src tests && $(RUN) ruff check --fix src tests

clean: ## Remove caches and build output (keeps .venv and bench-results/)
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist
	find src tests -type d -name __pycache__ -prune -exec rm -rf {} +
