# The README's commands. Each installs what it needs first, into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1:8000
# Only the project's own strings: not the installed packages, the benchmarks or the tests.
# Every language in settings.LANGUAGES but English, the language of the source strings.
CATALOGUES := -l da -l sv -l nb -l fi
I18N_IGNORE := --ignore=.venv --ignore=var --ignore=bench --ignore=tests --ignore=static/vendor \
	--ignore='*.egg-info'

.PHONY: install run test lint bench bench-10k bench-search worker beat messages

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@mkdir -p var/staticfiles
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo_data
	@echo "The network:  http://$(HOST)/"
	@echo "Admin:        http://$(HOST)/admin/"
	@echo "Emails sent:  $(CURDIR)/var/mail/"
	$(PY) manage.py runserver $(HOST)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

test: lint
	$(PY) -m pytest

# Collects every marked string into locale/<language>/LC_MESSAGES/django.po, compiles the .mo.
# Translate the new and fuzzy entries, then run it again; commit both the .po and the .mo.
messages: $(STAMP)
	$(PY) manage.py makemessages $(CATALOGUES) --add-location=file $(I18N_IGNORE)
	$(PY) manage.py compilemessages $(CATALOGUES) $(I18N_IGNORE)

# Group sizes for `make bench`, e.g. make bench BENCH_MEMBERS="1000 10000".
BENCH_MEMBERS ?= 1000

bench: $(STAMP)
	$(PY) -m bench.fanout --members $(BENCH_MEMBERS)

# 1,000 and then 10,000 members, with a summary table: about 15 minutes on two cores.
bench-10k: $(STAMP)
	$(PY) -m bench.fanout --members 1000 10000

bench-search: $(STAMP)
	$(PY) -m bench.search

worker: $(STAMP)
	$(VENV)/bin/celery -A network worker -l info

beat: $(STAMP)
	$(VENV)/bin/celery -A network beat -l info --schedule var/celerybeat-schedule
