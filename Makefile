# Volunteer Hub: `make run` serves the demo hub, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app volunteer_hub
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint typecheck pytest install install-dev db seed scheduler bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

db: install
	$(FLASK) hub ensure-secret-key
	$(FLASK) db upgrade

seed: db
	$(FLASK) hub seed-demo

run: seed
	@echo "Serving Volunteer Hub on http://$(HOST):$(PORT) (the scheduler runs beside it; Ctrl-C stops both)"
	$(FLASK) hub scheduler & sched=$$!; \
	trap 'kill $$sched 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy

pytest: install-dev
	$(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the suite again on PostgreSQL"; \
		$(BIN)/pytest --db=postgresql; \
	else \
		echo "TEST_DATABASE_URL is not set: the PostgreSQL run was skipped"; \
	fi

test: lint typecheck pytest

bench: install-dev
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
