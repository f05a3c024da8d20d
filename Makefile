# aftersales — `make run` and `make test` are all a fresh clone needs (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VENDOR := src/aftersales/web/static/vendor/.built
HOST   ?= 127.0.0.1
PORT   ?= 8000
# bash with pipefail, so a failing command piped through grep still fails the target.
SHELL := bash
.SHELLFLAGS := -o pipefail -c

.PHONY: run test test-sqlite test-postgres bench lint format setup db messages clean

setup: $(STAMP) $(VENDOR)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || (echo "需要 Python ≥ 3.11 / Python ≥ 3.11 required"; exit 1)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip 2>&1 | { grep -v '^WARNING: Location' || true; }
	$(BIN)/pip install -q -e '.[dev]' 2>&1 | { grep -v '^WARNING: Location' || true; }
	$(BIN)/python -c 'import aftersales, django, gunicorn, pytest_django, whitenoise'  # ninja needs settings to import
	touch $(STAMP)

$(VENDOR): package.json package-lock.json scripts/vendor_frontend.sh
	./scripts/vendor_frontend.sh
	touch $(VENDOR)

db: setup
	$(BIN)/aftersales migrate --noinput -v 0
	$(BIN)/aftersales seed_demo --if-empty

run: db
	$(BIN)/aftersales serve --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	cd src && ../$(BIN)/lint-imports --config ../pyproject.toml
	$(BIN)/mypy
	$(BIN)/python scripts/check_type_ignores.py
	$(BIN)/aftersales makemigrations --check --dry-run -v 0
	$(BIN)/python scripts/check_messages.py

format: setup
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

messages: setup
	$(BIN)/python scripts/check_messages.py || true

# The whole suite once on SQLite, and once more on PostgreSQL when AFTERSALES_TEST_POSTGRES_URL
# is set (.ci/run sets it after starting a throw-away cluster).
test: lint test-sqlite test-postgres

test-sqlite: setup
	AFTERSALES_DATABASE_URL= $(BIN)/pytest -q -n 2 --dist loadfile

test-postgres: setup
	@if [ -n "$$AFTERSALES_TEST_POSTGRES_URL" ]; then \
	  echo "== PostgreSQL: $$AFTERSALES_TEST_POSTGRES_URL"; \
	  AFTERSALES_DATABASE_URL=$$AFTERSALES_TEST_POSTGRES_URL AFTERSALES_AUDIT_KEY=$${AFTERSALES_AUDIT_KEY:-test-audit-key} \
	    $(BIN)/pytest -q -n 2 --dist loadfile; \
	else echo "== PostgreSQL run skipped: AFTERSALES_TEST_POSTGRES_URL is not set (.ci/run sets it)"; fi

# Its own databases (var/bench/, AFTERSALES_BENCH_POSTGRES_URL), built on first use and cached.
bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules src/aftersales/web/static/vendor var
