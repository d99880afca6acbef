# I LAG portal: `make run` for a development server, `make test` for the full suite.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.requirements.stamp
ASSETS_STAMP := node_modules/.package-lock.stamp
# Loading settings needs either DEBUG or a SECRET_KEY; these commands touch no secrets.
MANAGE := DEBUG=1 $(BIN)/python manage.py
MSG_IGNORE := --ignore=.venv --ignore=node_modules

.PHONY: venv assets run test lint format messages compilemessages system-deps clean

venv: $(VENV_STAMP)

# Reinstall only when a requirements file changed since the last install.
$(VENV_STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

assets: $(ASSETS_STAMP)

$(ASSETS_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

system-deps:
	scripts/system-deps.sh

# compilemessages fails outright when no locale directory exists yet (git keeps no empty dirs).
compilemessages: venv
	@if find . \( -path ./.venv -o -path ./node_modules \) -prune -o -name '*.po' -print \
		| grep -q .; then \
		echo "$(MANAGE) compilemessages $(MSG_IGNORE)"; \
		$(MANAGE) compilemessages $(MSG_IGNORE); \
	else \
		echo "compilemessages: no .po files yet"; \
	fi

# SQLite and in-process tasks: DATABASE_URL and CELERY_BROKER_URL are deliberately not set.
run: venv assets compilemessages
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:$${PORT:-8000}

# ruff, and the import contracts (pyproject.toml [tool.importlinter]): every app imports
# only the layers below it.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Throwaway PostgreSQL and Redis for the run; see scripts/with-services.sh. The tests run
# in parallel, one pytest-xdist worker per CPU core (at most 7: two Redis databases each,
# ilag/settings_test.py); `make test PYTEST_XDIST=` runs them in one process.
PYTEST_XDIST ?= -n auto --maxprocesses=7 --dist worksteal
test: system-deps venv assets compilemessages lint
	scripts/with-services.sh $(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# Page timings and query counts at 5 000 projects; see README «Benchmarks».
.PHONY: bench loadtest
bench: venv assets compilemessages
	scripts/with-services.sh $(BIN)/python scripts/bench_pages.py

# gunicorn and locust (50 users, 60 s) on loopback at 5 000 projects.
loadtest: venv assets compilemessages
	scripts/with-services.sh scripts/loadtest.sh

messages: venv
	$(MANAGE) makemessages -l nb -l nn --no-obsolete $(MSG_IGNORE)
	$(MANAGE) compilemessages $(MSG_IGNORE)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
	find locale -name '*.mo' -delete
