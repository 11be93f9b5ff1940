# Two commands on a fresh clone:
#   make run   set up everything and serve the site with demo content
#   make test  set up everything and run the whole test suite
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed-stamp
PIP_VERSION := 26.3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup install lock lint format clean

# The virtual environment is rebuilt whenever the declared or locked versions change.
$(STAMP): pyproject.toml constraints.txt
	@python=""; \
	for candidate in python3.13 python3.12 python3.14 python3 python; do \
	  if command -v $$candidate >/dev/null 2>&1 && \
	     $$candidate -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    python=$$candidate; break; \
	  fi; \
	done; \
	if [ -z "$$python" ]; then \
	  echo "error: no Python 3.12 or newer was found. Looked for python3.13, python3.12, python3.14," >&2; \
	  echo "python3 and python on PATH (each must be 3.12+ and include the venv module). Install one" >&2; \
	  echo "from https://www.python.org/downloads/, your system's packages (e.g. apt install python3.13" >&2; \
	  echo "python3.13-venv) or a version manager (pyenv install 3.13, uv python install 3.13), then" >&2; \
	  echo "run make again." >&2; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$($$python --version)"; \
	rm -rf $(VENV) && $$python -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "pip==$(PIP_VERSION)"
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt --group dev
	@touch $@

install: $(STAMP)

# Migrate, create the organizer account and demo content on the first run, collect static files.
setup: export DEBUG ?= true
# Links in pages, feeds and emails point at the address the site is served on.
setup: export SITE_URL ?= http://$(HOST):$(PORT)
setup: install
	@mkdir -p var/mail var/media
	$(MANAGE) migrate --noinput
	$(MANAGE) setup_site
	$(MANAGE) collectstatic --noinput --verbosity 0

# The web server and the background worker side by side; Ctrl-C stops both. A worker
# that exits anyway (killed, crashed) is started again a second later, as a process
# supervisor would.
run: export DEBUG ?= true
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: setup
	@echo "Serving on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	@( trap 'kill $$child 2>/dev/null; wait $$child 2>/dev/null; exit 0' TERM; \
	  while true; do \
	    $(MANAGE) run_worker & child=$$!; wait $$child; status=$$?; \
	    sleep 1 & wait $$!; \
	    echo "The worker exited (status $$status); starting it again." >&2; \
	  done ) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(MANAGE) runserver --skip-checks $(HOST):$(PORT)

test: export SECRET_KEY ?= test-only-secret-key-never-used-in-production
test: install
	$(MANAGE) check --fail-level WARNING
	$(PY) -m pytest

# The checks CI runs before the tests: ruff's lint rules, its formatting, and the
# import contracts in pyproject.toml (which module may import which).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Rewrite the code in the house style and apply ruff's safe fixes.
format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Median and 95th percentile search times over 5,000 posts, 1,000 talks, 500 sessions
# and 2,000 papers, built in a transaction that is rolled back: no data is left behind.
# On PostgreSQL: DATABASE_URL=postgres://… make bench-search
.PHONY: bench-search
bench-search: export SECRET_KEY ?= bench-only-secret-key-never-used-in-production
bench-search: install
	$(MANAGE) migrate --noinput --verbosity 0
	$(MANAGE) bench_search

# Announce a session to 10,000 subscribers through the real worker and a local SMTP
# sink, on a throwaway SQLite file (your database is not touched): total time,
# messages per second, the worker's peak memory and the SMTP connections it opened.
.PHONY: bench-announce
bench-announce: export SECRET_KEY ?= bench-only-secret-key-never-used-in-production
bench-announce: install
	$(MANAGE) bench_announce --subscribers $(or $(SUBSCRIBERS),10000)

# The citation reader over its corpus of 100 citations (MLA, APA, Chicago, Harvard, IEEE,
# Vancouver, BibTeX, DOIs, arXiv ids, publisher links): fields right per style and per field, and
# its speed. Then, when the importer's corpus of session posts is there, its recall and
# precision. Offline; no database is touched.
.PHONY: bench-citations
bench-citations: export SECRET_KEY ?= bench-only-secret-key-never-used-in-production
bench-citations: install
	$(MANAGE) bench_citations
	@if [ -f tests/meetups/hugo/test_corpus.py ]; then \
	  $(PY) -m pytest -q -s -p no:cacheprovider tests/meetups/hugo/test_corpus.py -k recall; \
	fi

# Requests per second of every kind of page next to a static file, with the page cache
# off and on: a site of 500 posts, 150 talks and 120 club sessions on a throwaway SQLite
# file (your database is not touched), gunicorn with 2 workers in production settings on
# 127.0.0.1, loaded by wrk (apt-get install wrk). DURATION=5 seconds per page, CACHE=both|off|on.
.PHONY: bench-pages
bench-pages: export SECRET_KEY ?= bench-only-secret-key-never-used-in-production
bench-pages: install
	$(MANAGE) bench_pages --seconds $(or $(DURATION),5) --cache $(or $(CACHE),both)

# What the browser tests need besides Python: axe-core from the npm registry (exact
# version, no dependencies), into the ignored .cache/. Chromium and Java come from the
# system's packages (apt install chromium default-jre-headless); without them those
# tests are skipped and say so.
AXE_VERSION := 4.14.1
AXE := .cache/axe/node_modules/axe-core/axe.min.js
.PHONY: axe
axe: $(AXE)
$(AXE):
	npm install --no-save --no-audit --no-fund --prefix .cache/axe axe-core@$(AXE_VERSION)

# Only the tests that drive Chromium: every public page through axe-core and the Nu
# HTML checker, and the visitor's, attendee's and organizer's journeys.
.PHONY: test-browser
test-browser: export SECRET_KEY ?= test-only-secret-key-never-used-in-production
test-browser: install $(AXE)
	$(PY) -m pytest -m browser

# Lighthouse's four scores for home, a post, a talk and a session, served by gunicorn
# in production settings (DEBUG off, compressed static files) on a throwaway database.
# Lighthouse (npm, versions in tools/lighthouse/package-lock.json) runs the system's
# Chromium, or CHROME_PATH.
LIGHTHOUSE := .cache/lighthouse/node_modules/.bin/lighthouse
.PHONY: lighthouse
lighthouse: export SECRET_KEY ?= bench-only-secret-key-never-used-in-production
lighthouse: install $(LIGHTHOUSE)
	$(MANAGE) lighthouse --lighthouse $(LIGHTHOUSE)
$(LIGHTHOUSE): tools/lighthouse/package.json tools/lighthouse/package-lock.json
	mkdir -p .cache/lighthouse
	cp tools/lighthouse/package.json tools/lighthouse/package-lock.json .cache/lighthouse/
	npm ci --no-audit --no-fund --prefix .cache/lighthouse
	@touch $@

# README screenshots (home, post, talk, series, session, admin; desktop and mobile,
# light and dark) from the browser tests, into docs/screenshots/.
.PHONY: screenshots
screenshots: export SECRET_KEY ?= test-only-secret-key-never-used-in-production
screenshots: export SCREENSHOTS_DIR = $(CURDIR)/docs/screenshots
screenshots: install
	@mkdir -p $(SCREENSHOTS_DIR)
	$(PY) -m pytest -q -p no:cacheprovider tests/browser/test_layout.py -k screenshot

# Re-resolve every transitive version from the groups in pyproject.toml.
lock:
	rm -rf .venv-lock && python3 -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet "pip==$(PIP_VERSION)"
	.venv-lock/bin/python -m pip install --quiet --group dev
	.venv-lock/bin/python -m pip freeze --exclude pip > constraints.txt
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) staticfiles
