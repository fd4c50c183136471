# The two commands: `make run` (embedded, no servers needed) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test install lint format bench lock

$(VENV)/.installed: requirements/dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.lock
	touch $@

# axe-core for the accessibility tests (skipped, with a reason, where npm is missing).
node_modules/.installed: package-lock.json
	if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund && touch $@; fi

install: $(VENV)/.installed node_modules/.installed

run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py sync_education
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/mypy .
	npm run --silent lint
	npm run --silent format:check

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the lock files after changing pyproject.toml (needs uv).
lock:
	uv pip compile pyproject.toml --python-version 3.11 -o requirements/base.lock
	uv pip compile pyproject.toml --python-version 3.11 --extra dev -o requirements/dev.lock

# The production shape (gunicorn, PostgreSQL, Redis, a Celery worker, wrk) beside its baselines;
# then the in-process micro-benchmarks. Needs Redis running and PostgreSQL installed (the bench
# starts a cluster of its own in var/bench-pg; BENCH_PG=postgres://... uses another instead).
bench: install
	command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk postgresql-client)
	$(PY) bench/prod.py
	$(PY) bench/micro.py
