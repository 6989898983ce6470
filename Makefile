# Palabre — one Makefile drives everything. `make help` lists the targets.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
EN_PO := src/palabre/locale/en/LC_MESSAGES/django.po

.DEFAULT_GOAL := help
.PHONY: help install demo test test-postgres lint format messages bench vendor clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements/constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install Palabre with its development tools

demo: $(STAMP) ## migrate the SQLite database, load the demo and serve it (Ctrl-C to stop)
	$(BIN)/palabre demo

test: $(STAMP) ## run the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
	@scripts/ensure-chromium
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(STAMP) ## run the suite on the local PostgreSQL (127.0.0.1)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/palabre} $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff, format check, mypy, import-linter, architecture rules, migrations check, djlint, translations, dependency audit
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports
	$(BIN)/python scripts/check-architecture
	DJANGO_SETTINGS_MODULE=palabre.test_settings $(BIN)/palabre manage makemigrations --check --dry-run
	$(BIN)/djlint --lint src/palabre
	scripts/check-translations
	BIN=$(BIN) scripts/audit-dependencies

format: $(STAMP) ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

messages: $(STAMP) ## extract messages (msgids are English; translate fr/…/django.po), compile them
	cd src/palabre && ../../$(BIN)/palabre manage makemessages -l fr -l en --no-obsolete
	msgfilter --keep-header -i $(EN_PO) -o $(EN_PO) sed -e d && msgen $(EN_PO) -o $(EN_PO) \
	  && msgattrib --clear-fuzzy $(EN_PO) -o $(EN_PO)
	cd src/palabre && ../../$(BIN)/palabre manage compilemessages
	cd src/palabre_analysis && xgettext --language=Python --keyword=_ --keyword=ngettext:1,2 \
	    --from-code=UTF-8 --package-name=palabre_analysis -o locale/palabre_analysis.pot $$(find . -name "*.py" | sort) \
	  && sed -i 's/charset=CHARSET/charset=UTF-8/' locale/palabre_analysis.pot \
	  && msgmerge -q --no-fuzzy-matching --backup=none -U locale/fr/LC_MESSAGES/palabre_analysis.po locale/palabre_analysis.pot \
	  && msgfmt --check -o locale/fr/LC_MESSAGES/palabre_analysis.mo locale/fr/LC_MESSAGES/palabre_analysis.po

vendor: ## refresh the vendored front-end files (Leaflet) from the npm registry (needs Node.js)
	./scripts/vendor-static

bench: $(STAMP) ## run the benchmarks under bench/, results in bench/results/ (BENCH_SIZES=…)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/consultation_pages.py
	$(BIN)/python bench/synthesis_scale.py
	$(BIN)/python bench/synthesis_quality.py
	$(BIN)/python bench/synthesis_webapp.py
	$(BIN)/python bench/synthesis_reading_room.py
	$(BIN)/python bench/budget_scale.py
	$(BIN)/python bench/opinions_polis.py
	$(BIN)/python bench/opinions_scale.py
	$(BIN)/python bench/opinion_votes_load.py
	$(BIN)/python bench/opinion_votes_restart.py

clean: ## remove the virtual environment and local data
	rm -rf $(VENV) var
