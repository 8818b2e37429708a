# The README's commands. Each installs what it needs first, into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
# Names what is installed: a change to pyproject.toml or uv.lock makes the next command reinstall.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml uv.lock | cksum | cut -d' ' -f1)
# uv installs the exact versions in uv.lock and checks every file against its hash there. It
# must not fetch a Python of its own: the one in .venv is the one.
export UV_PYTHON_DOWNLOADS := never
HOST ?= 127.0.0.1:8000
# Only the project's own strings: not the installed packages, the benchmarks or the tests.
# Every language in settings.LANGUAGES but English, the language of the source strings.
CATALOGUES := -l da -l sv -l nb -l fi
I18N_IGNORE := --ignore=.venv --ignore=var --ignore=bench --ignore=tests --ignore=static/vendor \
	--ignore='*.egg-info'

.PHONY: install lock run test lint bench bench-10k bench-search bench-import bench-scale worker beat messages

# uv itself, as a pip requirement: the version and the hashes that uv.lock gives it.
UV_REQUIREMENT := import tomllib; \
	uv = next(p for p in tomllib.load(open("uv.lock", "rb"))["package"] if p["name"] == "uv"); \
	print("uv==" + uv["version"], *("--hash=" + wheel["hash"] for wheel in uv["wheels"]))

# pip brings uv into .venv once; from then on uv keeps itself at the locked version like
# any other package.
$(UV):
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(PYTHON) -c '$(UV_REQUIREMENT)' | $(PY) -m pip install --quiet --no-deps --require-hashes -r /dev/stdin

# --locked: refuses a uv.lock that no longer matches pyproject.toml (`make lock` updates it).
$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --all-extras --quiet
	@mkdir -p var/staticfiles
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# Every dependency at its newest release that pyproject.toml allows, written to uv.lock.
lock: | $(UV)
	$(UV) lock --upgrade

# The embedded mode writes health data under var/ (the database, every email): its files are
# made readable by their owner only, as settings/local.py keeps var/ itself.
PRIVATE := umask 077 &&

# The links in its emails, and the host names it answers to, follow HOST unless the
# environment sets them.
run: export NETWORK_SITE_URL ?= http://$(HOST)
run: export ALLOWED_HOSTS ?= 127.0.0.1,localhost,$(firstword $(subst :, ,$(HOST)))
run: $(STAMP)
	$(PRIVATE) $(PY) manage.py migrate --noinput -v0
	$(PRIVATE) $(PY) manage.py setup_roles >/dev/null
	$(PRIVATE) $(PY) manage.py load_demo_data
	@echo "The network:  http://$(HOST)/"
	@echo "Admin:        http://$(HOST)/admin/"
	@if [ -n "$$EMAIL_URL" ]; then \
		echo "Emails:       sent through the SMTP server that EMAIL_URL names"; \
	else \
		echo "Emails:       written as files to $(CURDIR)/var/mail/"; \
	fi
	@if [ -n "$$REDIS_URL" ]; then \
		echo "Tasks:        queued in Redis; nothing is sent until a worker runs: start"; \
		echo "              'make worker' and 'make beat' in two more terminals"; \
	fi
	$(PRIVATE) $(PY) manage.py runserver $(HOST)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
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

bench-import: $(STAMP)
	$(PY) -m bench.import_spreadsheet

# Every staff page, the public pages and an approval at 10,000 and then 1,000,000 members.
bench-scale: $(STAMP)
	$(PY) -m bench.scale

worker: $(STAMP)
	$(PRIVATE) $(VENV)/bin/celery -A network worker -l info

beat: $(STAMP)
	$(PRIVATE) $(VENV)/bin/celery -A network beat -l info --schedule var/celerybeat-schedule
