# The two commands: `make demo` (fresh machine -> running portal with demo data on SQLite at
# http://127.0.0.1:8000) and `make test` (the whole suite, on PostgreSQL by default).
PY := .venv/bin/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
DEMO_ENTERPRISES ?= 3000

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
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(PY) bench/run.py

messages:
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=var
