# The two commands a newcomer needs: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run worker test install lock contract migrate demo lint bench browser-test messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Development and CI install the dev lock (runtime + test and lint tools, every transitive pin);
# production installs requirements.lock only (README, Production).
$(STAMP): requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $(STAMP)

install: $(STAMP)

# After editing requirements.txt or requirements-dev.txt: pin every transitive dependency again.
# The runtime lock first; the dev lock is constrained to it (-c requirements.lock in requirements-dev.txt).
lock: | $(BIN)/python
	$(BIN)/pip install --quiet pip-tools==7.6.2
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements.lock requirements.txt
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements-dev.lock requirements-dev.txt

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Idempotent: adds what is missing of the demo data set and prints the demo logins.
demo: migrate
	$(BIN)/python manage.py load_demo

# The background worker (purchase imports): the database queue, or Redis (RQ) when REDIS_URL is set.
WORKER = $(if $(REDIS_URL),$(BIN)/python manage.py rqworker --job-class django_tasks_rq.Job default,$(BIN)/python manage.py db_worker --no-reload)

# One worker beside the web server; it stops when the server stops.
run: demo
	@echo "Serving http://127.0.0.1:8000/ : log in with a demo login above (Ctrl-C stops the server and its worker)."
	@$(WORKER) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# One worker alone; start as many as the load needs (each a process of its own, on any machine).
worker: migrate
	$(WORKER)

# The whole suite: unit, service, view, API and browser tests (browser tests skip only if chromium is absent).
# PYTEST_ARGS narrows a run, e.g. PYTEST_ARGS='-m "not accessibility"' (.ci/run's PostgreSQL pass).
test: install
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The API contract: schemathesis against a server with the demo data (.ci/contract says what it excludes, why).
contract: install
	.ci/contract

lint: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# The measurement of issue 9 (README, Performance): SCALE=small|city|national, ARGS="--keep" to reuse the data.
# Its own database (bench/results/bench_$(SCALE).sqlite3, or bench_$(SCALE) on the PostgreSQL of DATABASE_URL);
# bench/requirements.txt holds its benchmark-only peer (django-import-export), never the application's.
SCALE ?= city
bench: install
	$(BIN)/pip install --quiet -r bench/requirements.txt
	$(BIN)/python -m bench --scale $(SCALE) $(ARGS)

# Recompile the translations after editing locale/*/LC_MESSAGES/django.po.
messages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
