# Two commands for a new user:  `make run` (set up + demo data + serve on SQLite) and `make test`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PY := .venv/bin/python

# The tests run against real PostgreSQL and Redis (as in CI); override the URLs to point elsewhere.
TEST_DATABASE_URL ?= postgres://$(shell whoami)@127.0.0.1:5432/vaelgklogt
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
# The shared cache the tests use (charts, the API's rate counters), as in production; CI uses Redis db 13.
TEST_CACHE_URL ?= redis://127.0.0.1:6379/13

.PHONY: setup system run test lint format messages bench bench-quick

# What reports need from Debian (system-packages.txt): installed when run as root, otherwise named.
system:
	@bash scripts/system-packages.sh

setup:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen

run: setup system
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo --reports
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

test: setup
	DEBUG=false TESTING=true SECURE_SSL_REDIRECT=false SECRET_KEY=test-only-secret-key ALLOWED_HOSTS=localhost,127.0.0.1,testserver \
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) CACHE_URL=$(TEST_CACHE_URL) CACHE_KEY_PREFIX=vk-test-$$$$ DJANGO_ALLOW_ASYNC_UNSAFE=true \
	$(PY) -m pytest $(PYTEST_ARGS)

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

messages:
	DEBUG=true $(PY) manage.py makemessages -l en -l da --ignore=.venv --ignore=staticfiles
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv

# The benchmark (bench/run.py): on PostgreSQL, gunicorn + a load generator on loopback; figures to bench/results.json.
# It creates and seeds its own databases (vk_bench_demo, vk_bench_region) on the server below.
BENCH_POSTGRES_URL ?= postgres://$(shell whoami)@127.0.0.1:5432
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/14
# region (the page budgets) or national (3 million values: the status function and one hospital's status page)
BENCH_SCALE ?= region

bench: setup
	$(PY) -m bench.run --scale $(BENCH_SCALE) --postgres $(BENCH_POSTGRES_URL) --broker $(BENCH_BROKER_URL) $(BENCH_ARGS)

bench-quick: setup
	$(PY) -m bench.run --quick --postgres $(BENCH_POSTGRES_URL) --broker $(BENCH_BROKER_URL) $(BENCH_ARGS)
