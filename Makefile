# Highlight: `make run` to try it, `make test` to test it. `make help` lists the rest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1:8000
export DEMO_PASSWORD ?= highlight-demo
# Without a SECRET_KEY (a developer's checkout) commands run as `make run` does, with DEBUG.
MANAGE = $(if $(SECRET_KEY),,DEBUG=1 )$(BIN)/python manage.py

.PHONY: help install system-deps run test bench soak worker beat backup restore schema lint audit format migrations lock clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# requirements.lock is what production runs (the Docker image installs it alone);
# requirements-dev.lock is the same pins and the test and lint tools.
$(INSTALLED): requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

install: $(INSTALLED) system-deps ## Create .venv and install the locked dependencies

system-deps: ## Install (as root) or name the Debian packages PDF rendering needs
	@scripts/system-deps

run: install ## Serve the demo on http://127.0.0.1:8000 (SQLite, tasks in-process)
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Highlight is at http://$(HOST)/  Sign in as any of these, password: $(DEMO_PASSWORD)"
	@echo "Brackenford Borough Council (demo): 3 programmes, 24 projects, reports to last month"
	@echo "  director       a director: reads everything, the dashboard, all PDFs and last"
	@echo "                 month's board packs (Documents)"
	@echo "  sophie.turner  project manager: her Depot relocation report (EAP-02) came back"
	@echo "                 with the sponsor's comment; the Market Hall report is overdue"
	@echo "  grace.adeyemi  sponsor: two of last month's Digital Services reports to approve"
	@echo "  pmo            the PMO: reopens reports, creates projects, configures (Settings)"
	@echo "The samples (2011-2024):"
	@echo "  liz.sanderson  project manager of SORPv.1"
	@echo "  joss.foster    sponsor of SORPv.1 (its August 2011 report awaits approval)"
	@echo "  keren.bailey   project manager of SIB (safeguarding; reports by workstream)"
	@echo "  clair.pyper    sponsor of SIB"
	@echo "  derek.james    sponsor of the CAP programme (culture action plan)"
	@echo "  robert.smyth   owner of the Performance and Projects risk register"
	@echo "  niki.maclean   posts the C&I updates of the SPSO business plan 2019-20"
	@echo "The demo asks nobody for an authenticator code (MFA_REQUIRED_FOR is empty here;"
	@echo "production asks staff and the PMO: README, Signing in)."
	@echo ""
	DEBUG=1 MFA_REQUIRED_FOR= PEOPLE_EMAIL_DOMAINS=example.org $(BIN)/python manage.py runserver $(HOST)

test: install ## Run the whole test suite (uses DATABASE_URL and REDIS_URL when set)
	@scripts/test-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install ## Time pages, PDFs and imports at scale: bench/results/latest.json (bench/README.md)
	$(BIN)/python bench/run.py

soak: install ## A month-end under load (Locust, gunicorn, Celery, PostgreSQL, Redis): bench/results/soak.json
	$(BIN)/python bench/soak.py

worker: install ## Start a Celery worker for every queue (needs REDIS_URL or CELERY_BROKER_URL)
	$(BIN)/celery -A config worker -Q default,pdf-large --loglevel=INFO --without-mingle --without-gossip

beat: install ## Start the Celery beat scheduler (schedule kept in the database)
	$(BIN)/celery -A config beat --loglevel=INFO

backup: install ## Back up the database and documents to backups/ (or FILE=path.tar.gz)
	$(MANAGE) backup $(if $(FILE),--output "$(FILE)")

restore: install ## Replace all data with a backup's: make restore FILE=backups/highlight-....tar.gz
	@test -n "$(FILE)" || { echo "Name the backup: make restore FILE=path"; exit 2; }
	$(MANAGE) restore "$(FILE)"

schema: install ## Write the API's OpenAPI schema to config/openapi.yaml (a test fails when it is stale)
	DEBUG=1 $(BIN)/python manage.py spectacular --validate --fail-on-warn --file config/openapi.yaml

lint: install ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

audit: install ## Known vulnerabilities in the locked dependencies (pip-audit) and bandit on the code
	$(BIN)/python scripts/audit_dependencies.py requirements-dev.lock
	$(BIN)/bandit -c pyproject.toml -q -r config projects risks businessplan reports scripts

format: install ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations: install ## Make migrations for model changes
	DEBUG=1 $(BIN)/python manage.py makemigrations

lock: ## Re-pin every dependency from pyproject.toml: requirements.lock (production) and requirements-dev.lock
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes --quiet -o requirements-dev.lock

clean: ## Remove the virtualenv, the SQLite database and generated files
	rm -rf $(VENV) db.sqlite3 media staticfiles
