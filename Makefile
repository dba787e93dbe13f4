# Skills Map. `make run` serves the app; `make test` runs the whole suite.
# Both start from nothing but Python >= 3.12: they make a private uv, then install the
# pinned packages from uv.lock into .venv.

SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 8000
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help run serve test test-fast test-postgres lint format typecheck bench observatory lighthouse clean

help:
	@echo "make run    serve the app on http://127.0.0.1:$(PORT) (PORT=... to change)"
	@echo "make test   run the whole test suite (DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make test-fast  the suite without browser, gunicorn, backup and fuzz tests"
	@echo "make lint   ruff, ruff format --check, import-linter, makemigrations --check"

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || { \
	  echo "Skills Map needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) -V 2>&1)."; \
	  echo "Run with PYTHON=/path/to/python3.12 (or newer)."; exit 1; }
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"
	@touch $@

run: $(VENV)/.synced
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed
	$(PY) manage.py collectstatic --noinput --verbosity 0
	PORT=$(PORT) $(VENV)/bin/gunicorn --config gunicorn.conf.py

test: $(VENV)/.synced
	$(PY) -m pytest $(PYTEST_ARGS)

# The edit loop: everything but the browser, gunicorn, backup and fuzz tests (see pyproject).
test-fast: $(VENV)/.synced
	$(PY) -m pytest -m "not browser and not gunicorn and not backup and not fuzz" $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: $(VENV)/.synced
	$(VENV)/bin/mypy audits skillmap config

clean:
	rm -rf $(VENV) $(TOOLS) staticfiles .pytest_cache

# The production settings must pass Django's deployment checks with no warnings.
check-deploy: $(VENV)/.synced
	DJANGO_ENV=production SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	  ALLOWED_HOSTS=skillmap.example $(PY) manage.py check --deploy --fail-level WARNING

# Load-test the app under gunicorn with wrk (SQLite, plus PostgreSQL when DATABASE_URL is set):
# `make bench`, or smaller: `make bench BENCH_ARGS="--users 1000 --audits 5000 --duration 4"`.
# wrk comes from Debian's package, installed here when missing and we may (root with apt-get).
bench: $(VENV)/.synced
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make bench: wrk is missing; installing Debian's package"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -qq wrk >/dev/null || \
	      { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; \
	  else \
	    echo "make bench needs wrk: install it (Debian: sudo apt-get install wrk) and retry."; \
	    exit 1; \
	  fi; }
	$(PY) scripts/bench.py $(BENCH_ARGS)
.PHONY: bench

# MDN HTTP Observatory against the app under gunicorn behind TLS (prints grade and score).
observatory: $(VENV)/.synced
	scripts/observatory.sh

# Lighthouse 12.2.3 against /, an audit form and a results page (prints the four scores).
lighthouse: $(VENV)/.synced
	scripts/lighthouse.sh
