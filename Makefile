# Peerpath: `make run` to try it, `make test` to test it. See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The address printed and put in links (verification, emails) follows HOST and PORT unless
# SITE_URL is set: `PORT=8100 make run` prints http://127.0.0.1:8100/verify/...
DEMO_SITE_URL = $(or $(SITE_URL),http://$(HOST):$(PORT))

.PHONY: audit demo-code run serve test test-fast install install-dev check-system migrate seed worker beat lint format lock clean \
	bench bench-learning bench-quiz bench-openbadges bench-certificates bench-roster bench-verify \
	bench-growth bench-learners bench-gunicorn profile soak probe

run: check-system install migrate seed serve

serve:
	SITE_URL=$(DEMO_SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

check-system:
	@bin/check-system

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Stamp files make a second `make run` skip installing when the lock has not changed.
$(VENV)/.installed-base: requirements/base.lock | $(PY)
	$(PIP) install --quiet --require-hashes -r requirements/base.lock
	@touch $@

$(VENV)/.installed-dev: requirements/dev.lock | $(PY)
	$(PIP) install --quiet --require-hashes -r requirements/dev.lock
	@touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base

install-dev: $(VENV)/.installed-dev node_modules/.installed

node_modules/.installed: package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: accessibility scans will be skipped (install nodejs and npm)."; \
	fi

migrate: install
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py sync_roles

seed: install
	SITE_URL=$(DEMO_SITE_URL) $(PY) manage.py seed_demo

# The suite runs on every core (pytest-xdist). Each file's tests stay on one worker, except the
# long fuzz and access-matrix files, whose tests are shared out; the longest go first
# (tests/conftest.py: pytest_xdist_make_scheduler, pytest_collection_modifyitems).
PYTEST_WORKERS ?= auto
PYTEST_DIST := -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder
test: install-dev
	$(VENV)/bin/pytest $(PYTEST_DIST) $(PYTEST_ARGS)

# The edit-run loop: everything but the browser, slow (PDF tools, real workers), fault,
# fuzz, access-matrix and black-box probe tests, which `make test` and CI run. The test
# database is kept between runs (new migrations are still applied); `make test-fast
# PYTEST_ARGS=--create-db` builds it afresh.
test-fast: install-dev
	PEERPATH_TEST_KEEP_DB=1 $(VENV)/bin/pytest $(PYTEST_DIST) --reuse-db \
		-m "not browser and not slow" --ignore=tests/faults \
		--ignore=tests/fuzz --ignore=tests/security/test_access_matrix.py \
		--ignore=tests/security/test_probe.py $(PYTEST_ARGS)

# Benchmarks (not tests). `make bench` runs every scenario as one suite on PostgreSQL and
# Redis (DATABASE_URL, REDIS_URL) and writes bench/results/<time>.json, .html and charts;
# BENCH_ARGS="--quick" for a short run, "--only learners,certificates" for some scenarios.
# Each bench-<name> runs one scenario: bench/results/<time>-<name>.json. Benchmarks install the
# development lock too: locust (the learners and soak scenarios) is only there.
bench: install-dev
	$(PY) -m bench.suite $(BENCH_ARGS)

bench-learners: install-dev
	$(PY) -m bench.learners $(BENCH_ARGS)

bench-gunicorn: install-dev
	$(PY) -m bench.gunicorn_sweep $(BENCH_ARGS)

# The black-box security probe (tests/security/probe.py): production settings under gunicorn,
# two providers, hosts and employers, every way in; writes var/probe/<time>.json. Needs Redis.
probe: install-dev
	$(PY) -m tests.security.probe

# 100 learners for 10 minutes (SOAK_SECONDS to shorten); errors and memory over time.
SOAK_SECONDS ?= 600
soak: install-dev
	$(PY) -m bench.soak --seconds $(SOAK_SECONDS) $(BENCH_ARGS)

# In-process profile of the learner's pages and the two practicum pages (cProfile):
# var/profile/<label>-<page>.txt with the queries of one request and the top functions. PROFILE_LABEL=before names the files.
PROFILE_LABEL ?= now
profile: install-dev
	$(PY) -m bench.profile_pages --label $(PROFILE_LABEL) $(BENCH_ARGS)

bench-learning: install-dev
	$(PY) -m bench.learning $(BENCH_ARGS)

bench-quiz: install-dev
	$(PY) -m bench.quiz $(BENCH_ARGS)

bench-openbadges: install-dev
	$(PY) -m bench.openbadges $(BENCH_ARGS)

demo-code: install
	$(PY) manage.py demo_code

bench-certificates: install-dev
	$(PY) -m bench.certificates $(BENCH_ARGS)

bench-roster: install-dev
	$(PY) -m bench.roster $(BENCH_ARGS)

bench-verify: install-dev
	$(PY) -m bench.verify $(BENCH_ARGS)

# Not part of `make bench`: it wants PostgreSQL and takes ten minutes or more.
bench-growth: install-dev
	$(PY) -m bench.growth $(BENCH_ARGS)

worker: install
	$(VENV)/bin/celery -A lms worker --loglevel=INFO --concurrency=$${CELERY_CONCURRENCY:-2}

beat: install
	$(VENV)/bin/celery -A lms beat --loglevel=INFO --schedule=var/celerybeat-schedule

# Supply chain: pip-audit over both lock files (needs PyPI's per-release JSON or OSV to answer;
# exit 2 says "not audited", never "clean") and the maintenance of every direct dependency.
audit: install-dev
	@mkdir -p var
	$(PY) bin/audit-deps --json var/audit.json

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-pin dependencies after editing pyproject.toml.
lock: | $(PY)
	$(PIP) install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --strip-extras --generate-hashes --no-emit-index-url --no-emit-find-links -o requirements/base.lock pyproject.toml
	$(VENV)/bin/pip-compile --quiet --strip-extras --generate-hashes --no-emit-index-url --no-emit-find-links --extra dev -o requirements/dev.lock pyproject.toml

clean:
	rm -rf $(VENV) node_modules var db.sqlite3
