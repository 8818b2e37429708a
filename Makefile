# The README's commands. Each installs what it needs first, into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1:8000

.PHONY: install run test lint bench bench-search worker beat

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
	@echo "Secretariat:  http://$(HOST)/admin/"
	@echo "Emails sent:  $(CURDIR)/var/mail/"
	$(PY) manage.py runserver $(HOST)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

test: lint
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m bench.fanout

bench-search: $(STAMP)
	$(PY) -m bench.search

worker: $(STAMP)
	$(VENV)/bin/celery -A network worker -l info

beat: $(STAMP)
	$(VENV)/bin/celery -A network beat -l info --schedule var/celerybeat-schedule
