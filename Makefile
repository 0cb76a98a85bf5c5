# The two commands: `make run` (demo site on http://127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run serve test lint format test-postgres bench browser clean check-python migrate demo messages messages-compile

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "). Set PYTHON=/path/to/python3.11.")'

$(VENV)/.runtime: pyproject.toml | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Translations: `make messages` re-extracts every marked string into locale/es (needs
# gettext's xgettext); the .mo files are compiled from the committed .po in pure Python.
# Both go through scripts/messages.py, which also holds the translation checks of `lint`.
messages: $(VENV)/.dev
	$(BIN)/python scripts/messages.py extract

messages-compile: $(VENV)/.runtime
	$(BIN)/python scripts/messages.py compile

migrate: $(VENV)/.runtime messages-compile
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (log in as admin@example.org / demo-admin-2026; in Spanish: lucia@example.org / demo-member-2026)"
	HOST=$(HOST) PORT=$(PORT) $(MANAGE) runserver $(HOST):$(PORT)

browser:
	@if [ -x /usr/bin/chromium ] || [ -n "$$CHROMIUM_PATH" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Chromium: run 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH)."; \
		exit 1; \
	fi

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	@# Translations: no empty or fuzzy Spanish entry, no broken placeholder; gettext's own
	@# format check where msgfmt exists; the catalogs hold exactly the marked strings.
	$(BIN)/python scripts/messages.py check
	@if command -v msgfmt >/dev/null; then \
		for po in locale/*/LC_MESSAGES/*.po; do msgfmt --check-format -o /dev/null "$$po" || exit 1; done; \
	else echo "msgfmt not installed (apt-get install gettext): skipping its format check"; fi
	$(BIN)/python scripts/messages.py uptodate

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: $(VENV)/.dev browser lint messages-compile
	$(MANAGE) makemigrations --check --dry-run > /dev/null || (echo "Models changed without a migration: run 'make makemigrations'." && exit 1)
	$(BIN)/pytest -m "not bench and not postgres" -p no:cacheprovider $(PYTEST_ARGS)

# The same suite (browser tests aside) against a real PostgreSQL server started for it.
test-postgres: $(VENV)/.dev messages-compile
	scripts/with-postgres.sh $(BIN)/pytest -m "not bench and not e2e" -p no:cacheprovider $(PYTEST_ARGS)

bench: $(VENV)/.dev messages-compile
	$(BIN)/pytest -m bench tests/bench -p no:cacheprovider -s $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache
