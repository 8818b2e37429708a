"""Settings shared by every deployment.

Network-specific choices (name, contact address, countries, languages, coalescing
window, retention) are settings so that a sibling network can run the same code.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from . import languages

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = False

INSTALLED_APPS = [
    # django.contrib.admin, with the staff sign-in in front (network/admin_site.py).
    "network.admin_site.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "phonenumber_field",
    "django_countries",
    "network",
    "diagnoses",
    "accesslog",
    "outbox",
    "members",
    "contactlists",
    "selfservice",
    "overview",
    "founding",
    "misuse",
    "imports",
    "mailings",
    "meetups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "network.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A visitor's own language on arrival at an unprefixed page (network/middleware.py).
    "network.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes asks: it turns a sign-in refused for a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Every page, the admin's included, runs and styles only the app's own files: no inline
# script or style, nothing from another host, no plugin, no framing. Bootstrap draws its
# form controls' arrows and ticks with data: images. (network/middleware.py adds the
# Permissions-Policy and keeps pages out of caches.)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

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
# Argon2 hashes every new or changed password, and rehashes an older one at its owner's
# next sign-in; the others are Django's defaults, there to read hashes made before.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Staff sign in with a password and a second factor: a code from an authenticator app
# (TOTP) or a one-time recovery code (network/sign_in.py, django-two-factor-auth on
# django-otp). Production requires the second factor of every staff account to reach admin
# (settings/production.py). The embedded mode and the tests do not, so that the logins
# `make run` prints sign in with their password alone; set this to try it there.
STAFF_TWO_FACTOR_REQUIRED = env.bool("STAFF_TWO_FACTOR_REQUIRED", default=False)
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "admin:index"
# The staff admin site sends its own sign-in page on (network/admin_site.py): two_factor
# need not patch every AdminSite.
TWO_FACTOR_PATCH_ADMIN = False
# Admin shows no authenticator's secret key, not even to a superuser.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Axes refuses a locked account before any password is checked, and counts wrong ones.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After STAFF_SIGN_IN_FAILURES wrong passwords for one account, wherever they come from,
# the account is locked for STAFF_LOCKOUT_MINUTES, its right password included. Counted by
# user name alone: an attacker who changes address at every guess gets no more guesses. The
# price is that whoever knows a staff user name can lock that account for a while; the
# lockout page says whom to ask. (Counting by address as well would add no protection to
# the account, and would lock a whole office out behind one shared address.)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Axes warns of a lockout without the address: that, it says, lets an attacker change user
# agent to go on guessing. Not here: the wrong passwords for one user name are added up
# over every address and user agent they came from.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_FAILURE_LIMIT = env.int("STAFF_SIGN_IN_FAILURES", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("STAFF_LOCKOUT_MINUTES", default=60))
# A successful sign-in forgets earlier typos. A try while locked does not move the end of
# the lockout, which the lockout page gives.
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "network.sign_in.locked_out"
# Axes keeps the form of each failed sign-in with the password masked: the password field as
# two_factor's sign-in posts it. Its log line names the user name and the address, which
# axes would mask too: a failure that says neither is no use to whoever reads the log.
AXES_PASSWORD_FORM_FIELD = "auth-password"
AXES_SENSITIVE_PARAMETERS: list[str] = []

# A session ends SESSION_IDLE_SECONDS after its last request (each request saves it, moving
# its end), and when the browser closes. This holds for members signed in to self-service
# as well as for staff.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The languages the network's pages and emails are offered in, and the one a visitor gets
# before they choose (the one without a prefix in the address): NETWORK_LANGUAGES=da,en,sv
# and NETWORK_DEFAULT_LANGUAGE=da, checked by network/checks.py.
LANGUAGES = languages.offered(env.list("NETWORK_LANGUAGES", default=["da", "en", "sv", "nb", "fi"]))
LANGUAGE_CODE = env("NETWORK_DEFAULT_LANGUAGE", default="da")
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

# The network itself: a sibling network changes these, not the code. The name and the
# rarity rule are worded per language: NETWORK_NAME_DA, NETWORK_NAME_SV... where set, else
# NETWORK_NAME in every language, else the default below in the reader's language.
_worded_in = [code for code, _name in LANGUAGES]
NETWORK_NAME = languages.in_each_language(
    "NETWORK_NAME", _("Contact Network for Rare Diagnoses"), _worded_in
)
NETWORK_CONTACT_EMAIL = env("NETWORK_CONTACT_EMAIL", default="secretariat@example.org")
NETWORK_ALLOWED_COUNTRIES = env.list(
    "NETWORK_ALLOWED_COUNTRIES", default=["DK", "SE", "NO", "GL", "FO"]
)
NETWORK_SITE_URL = env("NETWORK_SITE_URL", default="http://127.0.0.1:8000")
# Shown to reviewers beside each diagnosis' prevalence judgement.
NETWORK_RARITY_RULE = languages.in_each_language(
    "NETWORK_RARITY_RULE",
    _(
        "At most about 1,000 people in Denmark (the EU definition: at most 5 in 10,000), "
        "and serious enough to need special effort in treatment or social support."
    ),
    _worded_in,
)
# The privacy page (/privacy/, linked from every page and email). The controller is the
# body responsible for the members' data: the network itself unless a deployment names
# its legal body; its postal address is shown as written (commas and all).
NETWORK_CONTROLLER_NAME = env("NETWORK_CONTROLLER_NAME", default=None) or NETWORK_NAME
NETWORK_CONTROLLER_ADDRESS = env("NETWORK_CONTROLLER_ADDRESS", default="")
# Where members write about their data: access, corrections, erasure, consents.
NETWORK_PRIVACY_CONTACT = env("NETWORK_PRIVACY_CONTACT", default=NETWORK_CONTACT_EMAIL)
# Where members may complain about how the network handles their data.
NETWORK_SUPERVISORY_AUTHORITY = env(
    "NETWORK_SUPERVISORY_AUTHORITY", default="Datatilsynet, www.datatilsynet.dk"
)
# A group of this many members could found its own association: the dashboard counts the
# groups this size or larger that have none.
NETWORK_ASSOCIATION_READY_MEMBERS = env.int("NETWORK_ASSOCIATION_READY_MEMBERS", default=15)
# How long a confirmation link in the sign-up email stays valid.
NETWORK_CONFIRMATION_MAX_AGE = env.int("NETWORK_CONFIRMATION_MAX_AGE", default=14 * 24 * 3600)
# The link to the network's closed online group (e.g. a secret Facebook group), sent to the
# members who consent to it when staff invite them; empty until the network has one.
NETWORK_ONLINE_GROUP_URL = env("NETWORK_ONLINE_GROUP_URL", default="")
# How long a member's sign-in link works (it works once in any case), in seconds.
MEMBER_SIGN_IN_MAX_AGE = env.int("MEMBER_SIGN_IN_MAX_AGE", default=3600)
# Changes to one group within this many seconds go out as one list version.
CONTACT_LIST_COALESCE_SECONDS = env.int("CONTACT_LIST_COALESCE_SECONDS", default=180)
# When someone sends the sign-up form again with an address that has applied for the same
# diagnosis, its owner is told by email, at most once in this many hours.
NETWORK_APPLIED_AGAIN_EMAIL_HOURS = env.int("NETWORK_APPLIED_AGAIN_EMAIL_HOURS", default=24)
# The medical consultant's case leaves out the country when fewer people than this with the
# diagnosis are known to the network (members/consultations.py).
CONSULTANT_COUNTRY_MIN_GROUP = env.int("CONSULTANT_COUNTRY_MIN_GROUP", default=5)

# Rate limits on the public forms (network/ratelimits.py), as django-ratelimit rates:
# "20/h" is twenty an hour, "5/d" five a day; an empty rate lifts a limit. Counted per
# visitor's address unless the name says otherwise. RATELIMITS="apply=30/h,search=100/h"
# in the environment changes some of them.
RATELIMITS = {
    # The sign-up form sent (its catalogue search button counts as a search).
    "apply": "20/h",
    # Applications sent with one email address: each emails that address.
    "apply-email": "5/d",
    # Catalogue searches: the sign-up form's search button, the associations page.
    "search": "60/h",
    # Reports of misuse of the contact lists.
    "report": "10/h",
    # Answers to the secretariat's question.
    "answer": "10/h",
    # Requests for a sign-in link (selfservice): per address, and per email address typed.
    "sign-in": "20/h",
    "sign-in-email": "5/h",
    # Requests for a new meetup registration link: per address, and per email address typed.
    "meetup-link": "20/h",
    "meetup-link-email": "5/h",
    **env.dict("RATELIMITS", default={}),
}
# A cache that does not answer lets the visitor through: the forms stay open in an outage.
# (Behind a proxy, production's RATELIMIT_IP_META_KEY names the header with the visitor's
# address.)
RATELIMIT_FAIL_OPEN = True

# Retention, in days (network/retention.py, run every night): what is kept no longer than
# its purpose needs. Applications never confirmed, counted from their submission.
RETENTION_UNCONFIRMED_DAYS = env.int("RETENTION_UNCONFIRMED_DAYS", default=30)
# Rejected, referred and closed applications, counted from the decision (or the closing).
RETENTION_DECIDED_DAYS = env.int("RETENTION_DECIDED_DAYS", default=180)
# An application whose question has waited this long for an answer is closed; it then
# counts as decided, and goes RETENTION_DECIDED_DAYS later.
RETENTION_UNANSWERED_DAYS = env.int("RETENTION_UNANSWERED_DAYS", default=90)
# A contact list version, with its emails, once a newer version replaced it this long ago.
RETENTION_OLD_LISTS_DAYS = env.int("RETENTION_OLD_LISTS_DAYS", default=90)
# The text (subject and body) of an email that went out, or will never go out, this long ago.
RETENTION_SENT_EMAIL_DAYS = env.int("RETENTION_SENT_EMAIL_DAYS", default=30)

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
# Email carries health data, so SMTP goes over TLS (smtp+tls:// or smtp+ssl://), and a
# system check (outbox.E004) stops start-up otherwise. Plain SMTP only to a relay on this
# machine that sends on over TLS itself, and only when this says so.
EMAIL_PLAIN_SMTP_TO_LOCAL_RELAY = env.bool("EMAIL_PLAIN_SMTP_TO_LOCAL_RELAY", default=False)


def database(variable: str, default: str | None = None) -> dict:
    """The database that a URL in the environment names. PostgreSQL's JIT compilation is
    off: it pays for long reports, but the planner's estimates for tables of a million rows
    switch it on for the short queries a page makes, and compiling costs each of them tens
    to hundreds of milliseconds (issue 17)."""
    config = env.db(variable) if default is None else env.db(variable, default=default)
    if config["ENGINE"] == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    return config


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
    # At night (Celery's clock is UTC), when nobody is reviewing or sending.
    "retention": {"task": "network.tasks.retention", "schedule": crontab(hour=2, minute=30)},
    "sweep-mailings": {"task": "mailings.tasks.sweep", "schedule": crontab(minute="*")},
    "meetup-reminders": {"task": "meetups.tasks.send_reminders", "schedule": crontab(minute=5)},
    # The dashboard's figures (overview.figures.OVERVIEW_COUNTED_EVERY).
    "count-network": {"task": "overview.tasks.count_network", "schedule": crontab(minute="*/10")},
    # The groups listed as ready for an association (founding.services.FLAGGED_EVERY).
    "flag-large-groups": {
        "task": "founding.tasks.flag_large_groups",
        "schedule": crontab(minute="*/10"),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "celery.app.trace": {"level": "WARNING"},
        "kombu": {"level": "WARNING"},
        # Each wrong password and each lockout, at WARNING; not every successful sign-in.
        "axes": {"level": "WARNING"},
    },
}
