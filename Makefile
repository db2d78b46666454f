# make run  — set up everything (virtualenv, database, reference + demo data) and serve on 127.0.0.1:5000
# make check — ruff and the fast tests (SQLite, in parallel): a few minutes, for use while working
# make test — install test tools (and Debian's chromium) and run the whole suite on SQLite, then on PostgreSQL
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := FLASK_APP=wsgi.py $(BIN)/flask
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run setup check test test-postgres lint audit format chromium redis axe assets clean serve load load-hosts load-50k

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) reference load
	$(FLASK) demo load
	$(FLASK) search rebuild

run: setup
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production-style serving: gunicorn with WEB_CONCURRENCY workers (default 4) on GUNICORN_BIND (127.0.0.1:8000).
serve: setup
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# Load test: its own gunicorn (4 workers) and fresh data on a loopback port; 50 users for 60 s (see scripts/load_test.py).
load: $(VENV)/.installed-dev
	$(BIN)/python scripts/load_test.py $(LOAD_ARGS)

# The same through two app hosts (two gunicorns, each with its own search index) on one database and one Redis.
load-hosts: $(VENV)/.installed-dev redis
	$(BIN)/python scripts/load_test.py --hosts 2 $(LOAD_ARGS)

# The same load test on a directory of 50,000 generated organisations, searched with tantivy (slow to prepare).
load-50k: $(VENV)/.installed-dev
	SEARCH_ENGINE=tantivy $(BIN)/python scripts/load_test.py --organisations 50000 $(LOAD_ARGS)

# Debian's chromium at /usr/bin/chromium (installed with apt-get as root or through sudo), unless CHROMIUM names
# another Chromium binary for the browser tests.
chromium:
	@[ -x "$${CHROMIUM:-/usr/bin/chromium}" ] || { \
	  echo "Installing Debian's chromium for browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Debian's redis-server: the tests start a throwaway one (tests/redis_server.py) for the shared rate limits.
redis:
	@command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || { \
	  echo "Installing Debian's redis-server for the shared-state tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }

# axe-core (accessibility rules) for tests/browser/test_accessibility.py; pinned, kept out of git under .cache/.
AXE_VERSION := 4.14.1
AXE_JS := .cache/axe-core-$(AXE_VERSION)/axe.min.js

$(AXE_JS):
	mkdir -p $(@D)
	cd $(@D) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null \
	  && tar -xzf axe-core-$(AXE_VERSION).tgz --strip-components=1 package/axe.min.js \
	  && rm axe-core-$(AXE_VERSION).tgz

axe: $(AXE_JS)

# Every pytest run spreads over PYTEST_WORKERS processes (pytest-xdist; auto: one per CPU; 1 runs in one process).
# The quick check: lint and format, then the suite without its slow parts (marked `slow` by tests/conftest.py's SLOW
# list: browser, gunicorn ops/load/faults, security probes, backups, the ORUK conformance walk, the matching
# evaluation, the demo loads: make test runs them).
# The full runs hand each test module whole to one worker (--dist loadscope: a module's fixtures are built once), in
# collection order (--no-loadscope-reorder), which tests/conftest.py starts with the slow parts so that none is left
# running alone at the end.
PYTEST_WORKERS ?= auto
DIST := --dist loadscope --no-loadscope-reorder
check: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) -m "not slow"

test: $(VENV)/.installed-dev chromium redis axe
	$(BIN)/ruff check .
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(DIST)
	$(MAKE) --no-print-directory test-postgres

# The suite again on a throwaway PostgreSQL cluster (schema from the migrations), stopped and deleted afterwards;
# skipped with a visible message when no PostgreSQL server binaries are installed. It runs only the tests that use
# the test database: tests/conftest.py marks `no_test_database` every test that neither uses the template database
# (the `app`/`database_url` fixtures copy it) nor imports tests/databases.py to build one, such as pure functions,
# the search engines' own tests, tests/browser and the gunicorn tests (which serve their own SQLite site); they
# would only repeat the SQLite run. `pytest -m no_test_database --collect-only -q` lists them.
test-postgres: $(VENV)/.installed-dev redis
	scripts/with_postgres.sh $(BIN)/pytest -n $(PYTEST_WORKERS) $(DIST) -m "not no_test_database"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Security audit: bandit (offline; medium/high findings fail unless explained with '# nosec BXXX  # reason') and
# pip-audit --strict. pip-audit needs its online vulnerability service: when it cannot reach it, this target says
# plainly that the dependency audit was NOT run; a vulnerability it does report fails the target.
audit: $(VENV)/.installed-dev
	$(BIN)/bandit -r marketplace -q --severity-level medium
	@out="$$($(BIN)/pip-audit -r requirements.txt --strict --progress-spinner off 2>&1)"; status=$$?; echo "$$out"; \
	if [ $$status -ne 0 ] && grep -qiE "could not be audited|connection|resolve|timed out|network|unreachable" <<<"$$out"; then \
	  echo "pip-audit NOT RUN: it needs its vulnerability service, which is not reachable from here"; \
	else exit $$status; fi

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

assets:
	bash scripts/build_assets.sh

clean:
	rm -rf $(VENV) instance search_index/* test-artifacts .pytest_cache .ruff_cache .cache
