# The README's two commands: `make demo` runs the system, `make test` runs every test.
# Both bootstrap .venv on a fresh machine (Python 3.11+ needed, nothing else).

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# PostgreSQL run of the suite: set UNGPHO_TEST_POSTGRES_URL (CI does, see .ci/run).
PG_TEST_URL := $(UNGPHO_TEST_POSTGRES_URL)
# The suite runs on every core (pytest-xdist, a test database per worker); the tests that share
# a resource carry an xdist_group mark and run on one worker (tests/conftest.py). PYTEST_XDIST=
# runs it in one process.
PYTEST_XDIST ?= -n auto --dist loadgroup

.PHONY: demo test lint messages clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3.11 … python3.13)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The demo stays live: simulated stations drop a file every 5 minutes into the drop folder
# (as over FTP), which the worker of `ungpho serve` ingests.
DEMO_DROP := var/drop

demo: $(STAMP)
	$(BIN)/ungpho migrate
	$(BIN)/ungpho demo
	@echo "Mở / open http://127.0.0.1:8000/  (Ctrl+C để dừng / to stop)"
	$(BIN)/ungpho simulate --door file --out $(DEMO_DROP) --hours 0.1 --follow > var/simulate.log 2>&1 & \
	trap 'kill $$!' EXIT INT TERM; UNGPHO_DROP_DIR=$(DEMO_DROP) $(BIN)/ungpho serve

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy src/ungpho/core
	@echo "== test suite on SQLite =="
	$(BIN)/python -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)
	@if [ -n "$(PG_TEST_URL)" ]; then \
		echo "== test suite on PostgreSQL ($(PG_TEST_URL)) =="; \
		DATABASE_URL="$(PG_TEST_URL)" $(BIN)/python -m pytest -m "not browser" $(PYTEST_XDIST) \
			$(PYTEST_ARGS); \
	else \
		echo "PostgreSQL run skipped: set UNGPHO_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/ungpho to run the suite on PostgreSQL too."; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy src/ungpho/core

# Development time: refresh the .po files from the sources and compile them (needs gettext).
messages: $(STAMP)
	cd src/ungpho && ../../$(BIN)/django-admin makemessages -l vi -l en --no-obsolete \
		--settings=ungpho.settings -e html,txt,py
	cd src/ungpho && ../../$(BIN)/django-admin compilemessages --settings=ungpho.settings

clean:
	rm -rf $(VENV) var .pytest_cache
