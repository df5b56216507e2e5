# The two commands: `make demo` (fresh machine -> running portal with demo data on SQLite at
# http://127.0.0.1:8000) and `make test` (the whole suite, on PostgreSQL by default).
PY := .venv/bin/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
DEMO_ENTERPRISES ?= 3000
# The suite runs in two processes (pytest-xdist), each on its own test database: 2 cores, and
# most of a test's time is PostgreSQL's or Chromium's. `make test TEST_WORKERS=0` runs it in one.
TEST_WORKERS ?= 2
PYTEST_ARGS ?= $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS))

.PHONY: setup demo demo-data run test bench messages

setup:
	bash scripts/setup.sh

demo: setup demo-data run

demo-data:
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data --enterprises $(DEMO_ENTERPRISES) --if-empty

run:
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	.venv/bin/lint-imports --no-cache
	DB_CONN_MAX_AGE=0 DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(PY) bench/run.py

# Every catalogue at once: each app's <app>/locale/ and the project's locale/ (scripts/messages.py
# says which msgid goes where), then compiled.
messages:
	$(PY) scripts/messages.py
	$(PY) manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules
