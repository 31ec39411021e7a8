# Quick start: `make run` (app + worker + beat with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run setup test bench lint messages clean oidc-provider

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-ldap.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@# LDAP sign-on only where python-ldap can be built (deploy/sso.md); the rest runs without it.
	if [ -f /usr/include/ldap.h ] && [ -f /usr/include/sasl/sasl.h ] && command -v gcc >/dev/null; then \
	  $(BIN)/pip install --quiet -r requirements-ldap.txt; \
	else echo "LDAP sign-on not installed: needs libldap2-dev libsasl2-dev gcc (deploy/sso.md)"; fi
	touch $@

setup: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py load_demo_registers
	$(BIN)/python manage.py load_demo_schemes

run: setup
	@echo "Open http://127.0.0.1:$(PORT)/ and log in with one of the demo logins above."
	PATH="$(CURDIR)/$(BIN):$$PATH" DJANGO_SETTINGS_MODULE=config.settings.dev \
		SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} \
		$(BIN)/honcho -f Procfile.dev start -p $(PORT)

test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/djlint templates --lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

# The OpenID Connect provider the single sign-on tests start (tests/oidc/provider.mjs): the npm
# packages of its lock file. Without it (or node) those tests are skipped, except in CI.
oidc-provider: tests/oidc/node_modules/.package-lock.json
tests/oidc/node_modules/.package-lock.json: tests/oidc/package-lock.json
	npm ci --prefix tests/oidc --no-audit --no-fund

# Benchmarks, not part of `make test` (bench/README.md): the provincial data set made afresh in
# a database of their own (its name must end in _bench), every operation timed with its
# baseline and SQL floor, one table printed and bench/results/latest.json written.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/worktracker_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/1
BENCH_SCALE ?= 1
# The HTTP row's load generator is wrk, from Debian's packages: it spends a fraction of the CPU a
# Python one would, on the two cores the server under test has.
bench: $(VENV)/.installed
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk)
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) \
	  $(BIN)/python -m bench.suite --scale $(BENCH_SCALE) $(BENCH_ARGS)

messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --no-obsolete --no-location --ignore=.venv
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles
