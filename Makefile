# The two commands a newcomer needs: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install migrate demo lint bench browser-test messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Idempotent: adds what is missing of the demo data set and prints the demo logins.
demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	@echo "Serving http://127.0.0.1:8000/ : log in with a demo login above (Ctrl-C stops the server)."
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite: unit, service, view, API and browser tests (browser tests skip only if chromium is absent).
test: install
	$(BIN)/python -m pytest -n 2

lint: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: install
	$(BIN)/python -m bench

# Recompile the translations after editing locale/*/LC_MESSAGES/django.po.
messages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
