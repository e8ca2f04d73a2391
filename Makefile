# One way to run things (STYLE.md practice 12). See README.md.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Every recipe (demo loader, tick, runserver) derives SITE_URL/INTEROP_BASE_URL from this one port
# (opske/siteurl.py), unless SITE_URL is set explicitly.
export PORT
STAMP := $(VENV)/.installed
PG_URL := postgres://postgres@127.0.0.1:5432/opske

.PHONY: install run test bench lint format worker beat tick migrate demo clean messages schema

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PY) not found)"; exit 1; }
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

# Embedded default: SQLite, tasks inline, sandboxes in-process, `tick` standing in for beat.
run: demo
	@echo "ΟΠΣΚΕ on http://127.0.0.1:$(PORT)/  (demo logins: README.md)"
	@trap 'kill 0' EXIT; \
	  if [ -z "$$REDIS_URL" ]; then $(BIN)/python manage.py tick --loop --every 30 & fi; \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Tests: DATABASE_URL when set, else PostgreSQL on 127.0.0.1:5432 when reachable, else SQLite.
test: install
	@if [ -z "$$DATABASE_URL" ]; then \
	  if $(BIN)/python -c "import psycopg2; psycopg2.connect('$(PG_URL)', connect_timeout=2).close()" 2>/dev/null \
	     || $(BIN)/python -c "import psycopg2; psycopg2.connect('postgres://postgres@127.0.0.1:5432/postgres', connect_timeout=2).close()" 2>/dev/null; then \
	    export DATABASE_URL=$(PG_URL); echo "Tests use PostgreSQL at 127.0.0.1:5432"; \
	  else echo "NOTICE: PostgreSQL not reachable: tests use SQLite (concurrency tests skip)."; fi; \
	else echo "Tests use DATABASE_URL ($${DATABASE_URL%%@*}@…)"; fi; \
	$(BIN)/pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m tests.bench

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: install
	$(BIN)/celery -A opske worker --loglevel=INFO --concurrency=$${CONCURRENCY:-2}

beat: install
	$(BIN)/celery -A opske beat --loglevel=INFO --schedule=$${BEAT_SCHEDULE_FILE:-/tmp/opske-celerybeat-schedule}

tick: install
	$(BIN)/python manage.py tick

# The English catalogue: extract every msgid, list what still needs translating, compile the .mo.
messages: install
	$(BIN)/python manage.py makemessages -l en --no-obsolete -i '.venv/*' -i 'staticfiles/*' -i 'media/*'
	$(BIN)/python scripts/untranslated_messages.py || true
	msgfmt --check -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# The API's committed contract (openapi.yaml), generated on PostgreSQL (its integer bounds are the
# production database's); tests/test_api_schema.py fails when the code and this file differ.
schema: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(BIN)/python manage.py spectacular --file openapi.yaml --validate --fail-on-warn
