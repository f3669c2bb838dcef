# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
BIN := $(VENV)/bin
PYTHON = $(BIN)/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hostage_tracker
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: help run test lint format bench services chromium clean

help:
	@echo "make run    install, migrate, load the demo scenario and serve http://127.0.0.1:8000"
	@echo "make test   the whole suite against PostgreSQL, Redis, a Celery worker and Chromium"
	@echo "make bench  the performance figures of DESIGN.md on PostgreSQL"
	@echo "make lint   ruff check and format check"

$(VENV)/.created:
	@py=$$(scripts/find-python) && echo "Using $$py" && "$$py" -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.runtime: $(VENV)/.created pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

run: $(VENV)/.runtime
	@DEBUG=true SECURE_SSL_REDIRECT=false WEBHOOK_ALLOW_LOCAL=true scripts/run-demo

services:
	@scripts/ensure-services

chromium:
	@scripts/ensure-chromium

test: $(VENV)/.dev services chromium
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev services
	$(PYTHON) -m bench.run

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
