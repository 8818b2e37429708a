"""Settings shared by every deployment.

Network-specific choices (name, contact address, countries, languages, coalescing
window, retention) are settings so that a sibling network can run the same code.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = False

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "phonenumber_field",
    "django_countries",
    "network",
    "diagnoses",
    "outbox",
    "members",
    "contactlists",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "network.urls"
WSGI_APPLICATION = "network.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "network.context_processors.network",
            ],
        },
    },
    {
        # Plain-text emails and their subjects: a name such as O'Connor or a group such as
        # "A & B" is written as it is, not as HTML (O&#x27;Connor, A &amp; B).
        "NAME": "plain_text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {"autoescape": False},
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "da"
LANGUAGES = [
    ("da", _("Danish")),
    ("en", _("English")),
    ("sv", _("Swedish")),
    ("nb", _("Norwegian Bokmål")),
    ("fi", _("Finnish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# The network itself: a sibling network changes these, not the code.
NETWORK_NAME = env("NETWORK_NAME", default="Contact Network for Rare Diagnoses")
NETWORK_CONTACT_EMAIL = env("NETWORK_CONTACT_EMAIL", default="secretariat@example.org")
NETWORK_ALLOWED_COUNTRIES = env.list(
    "NETWORK_ALLOWED_COUNTRIES", default=["DK", "SE", "NO", "GL", "FO"]
)
NETWORK_SITE_URL = env("NETWORK_SITE_URL", default="http://127.0.0.1:8000")
# Shown to reviewers beside each diagnosis' prevalence judgement.
NETWORK_RARITY_RULE = env(
    "NETWORK_RARITY_RULE",
    default=(
        "At most about 1,000 people in Denmark (the EU definition: at most 5 in 10,000), "
        "and serious enough to need special effort in treatment or social support."
    ),
)
# How long a confirmation link in the sign-up email stays valid.
NETWORK_CONFIRMATION_MAX_AGE = env.int("NETWORK_CONFIRMATION_MAX_AGE", default=14 * 24 * 3600)
# Changes to one group within this many seconds go out as one list version.
CONTACT_LIST_COALESCE_SECONDS = env.int("CONTACT_LIST_COALESCE_SECONDS", default=180)

# The outbox of every email the network sends (outbox/services.py).
# Attempts per email before it is marked failed and shown to staff.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# The first retry comes after this many seconds, each later one after twice as long.
OUTBOX_FIRST_RETRY_SECONDS = env.int("OUTBOX_FIRST_RETRY_SECONDS", default=30)
# A sender claims one email at a time for this long; a claim that runs out belongs to a
# sender that died or hung, and the sweep takes the email back. Longer than the longest
# send (8 x EMAIL_TIMEOUT), which a system check makes sure of.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=600)
# How long a sender waits for a restarting database before its task gives up and retries.
OUTBOX_DATABASE_PATIENCE = env.int("OUTBOX_DATABASE_PATIENCE", default=60)
# Seconds an SMTP server may take for any one step before the attempt counts as failed.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)


def email_settings(url: str) -> dict:
    """EMAIL_URL as Django's email settings. A `?timeout=` on the URL becomes EMAIL_TIMEOUT,
    the setting Django's SMTP backend reads (django-environ files it under OPTIONS)."""
    config = env.email_url_config(url)
    options = config.pop("OPTIONS", {})
    if "TIMEOUT" in options:
        config["EMAIL_TIMEOUT"] = int(options.pop("TIMEOUT"))
    return config


DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=NETWORK_CONTACT_EMAIL)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: a task is acknowledged only once it finished, so a worker that dies
# mid-task leaves it for another worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish while Redis is down must fail fast: the change is already in the
# database and the sweep sends it once Redis is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A Redis that accepts connections but never answers must not hang a request either.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 2, "socket_connect_timeout": 2}
CELERY_BEAT_SCHEDULE = {
    "sweep-contact-lists": {"task": "contactlists.tasks.sweep", "schedule": crontab(minute="*")},
    "sweep-outbox": {"task": "outbox.tasks.sweep", "schedule": crontab(minute="*")},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"celery.app.trace": {"level": "WARNING"}, "kombu": {"level": "WARNING"}},
}
