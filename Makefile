# KVÅ-guiden: `make run` serves the site on SQLite, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := run
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/kvaguide

# The first Python 3.12+ on PATH, else the newest one pyenv has installed.
PYTHON_312 := $(shell for p in python3.13 python3.12 python3; do \
	  c=$$(command -v $$p 2>/dev/null) && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$c; exit; }; \
	done; \
	root=$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv); \
	for c in $$(ls -d $$root/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$c; exit; }; \
	done)

.PHONY: run serve browser test test-sqlite test-postgres venv lint format check-content clean bench-search bench-load mutation coordinator messages bench-fhir bench-describe bench-lighthouse bench-classroom

$(VENV)/.installed: requirements.txt
	@if [ -z "$(PYTHON_312)" ]; then echo "KVÅ-guiden needs Python 3.12 or newer; none was found on PATH or in pyenv." >&2; exit 1; fi
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then rm -rf $(VENV); $(PYTHON_312) -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_content
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production server on loopback: granian (SERVER=gunicorn for gunicorn; see kvaguide/serve.py and
# `make bench-load`), DEBUG off, static files collected and served by WhiteNoise, JSON logs with one
# access-log line per request (ACCESS_LOG=0 turns it off). SIGHUP restarts the workers gracefully.
# Behind a TLS-terminating proxy set HTTPS=1 BEHIND_PROXY=1 (secure cookies, HSTS, redirect).
WORKERS ?= 2
SERVER ?= granian
serve: venv
	DEBUG=0 HTTPS=$${HTTPS:-0} SECRET_KEY=$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')} \
	  $(PY) manage.py migrate --no-input
	DEBUG=0 SECRET_KEY=x $(PY) manage.py collectstatic --no-input --verbosity 0
	DEBUG=0 HTTPS=$${HTTPS:-0} SECRET_KEY=$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')} \
	  $(PY) manage.py load_content
	DEBUG=0 HTTPS=$${HTTPS:-0} SECRET_KEY=$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')} \
	  $(PY) -m kvaguide.serve --server $(SERVER) --workers $(WORKERS) --port $(PORT)

# The two databases' suites run side by side (each is one Python process; CI machines have two cores),
# each suite's output printed whole when it ends. `make test-sqlite` or `make test-postgres` runs one.
test: venv browser
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# The first (or another) coordinator account, in the database DATABASE_URL names (default: db.sqlite3):
#   make coordinator NAME=anna EMAIL=anna@example.se   (asks for the password; PASSWORD_ENV=VAR reads it from $$VAR)
coordinator: venv
	@if [ -z "$(NAME)" ]; then echo "Usage: make coordinator NAME=<användarnamn> [EMAIL=<e-post>]" >&2; exit 2; fi
	@$(PY) manage.py migrate --no-input --verbosity 0
	@$(PY) manage.py create_coordinator "$(NAME)" $(if $(EMAIL),--email "$(EMAIL)") $(if $(PASSWORD_ENV),--password-env "$(PASSWORD_ENV)")

# Swedish for the few admin strings Django's own translation lacks (locale/sv/LC_MESSAGES/*.po).
messages:
	cd locale/sv/LC_MESSAGES && for po in *.po; do msgfmt --check -o $${po%.po}.mo $$po; done

# Browser tests need Debian's Chromium; install it when it is missing and we may (CI runs as root).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium for the browser tests…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "No Chromium and no way to install it: the browser tests will be skipped." >&2; fi; }

test-sqlite: venv browser
	@echo "== tests on SQLite =="
	DATABASE_URL=sqlite:///db.sqlite3 $(PY) -m pytest

# Reaches the local PostgreSQL (starting it if it is installed but down); skips, saying so, only when no server can be had.
# Browser tests run on SQLite only, except those marked both_databases (the live class: several clients at once).
test-postgres: venv browser
	@echo "== tests on PostgreSQL =="
	@url="$${DATABASE_URL:-}"; case "$$url" in postgres*) ;; *) url="$(PG_URL)";; esac; \
	if ! $(PY) .ci/postgres.py "$$url"; then \
	  echo "SKIPPED: no PostgreSQL server could be reached at $$url; the PostgreSQL run did not happen."; exit 0; \
	fi; \
	DATABASE_URL="$$url" $(PY) -m pytest -m "not browser or both_databases"

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench-search: venv
	$(PY) bench/search.py

bench-load: venv
	$(PY) bench/load.py

# Mutation testing of the engines (not part of make test): scores per engine, survivors listed.
mutation: venv
	$(PY) mutation/run.py --survivors

bench-fhir: venv
	$(PY) bench/fhir.py

bench-describe: venv
	$(PY) bench/describe.py

# Lighthouse (mobile) on the eight point-of-care pages, against `make serve PORT=…` running elsewhere.
bench-lighthouse: venv
	$(PY) bench/lighthouse.py --base http://127.0.0.1:$(PORT)

# A live class under `make serve PORT=8129`: 40 phones answering within 10 s, the projector polling (bench/classroom.py).
bench-classroom: venv
	$(PY) bench/classroom.py

check-content: venv
	$(PY) manage.py load_content --check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
