"""Settings for the test suite.

TEST_DATABASE_URL chooses the test database: PostgreSQL at 127.0.0.1:5432 unless it names
another, or SQLite when it asks for it (sqlite:///var/test.sqlite3). A PostgreSQL that does
not answer stops the run at its start (tests/conftest.py); on SQLite the tests that need
PostgreSQL, Redis and a worker skip, or fail under CI=true.
"""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import database, env

SECRET_KEY = "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DEBUG = False

DATABASES = {
    "default": database("TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/network")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A host that drops packets fails the first connection in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

# The tests read English: their assertions quote the English source strings, whatever the
# catalogues say. The Danish default (base.py) and each reader's own language have tests of
# their own: the `danish_site` fixture, tests/*/test_*_in_their_language.py, and
# tests/network/test_translations.py for the catalogue itself.
LANGUAGE_CODE = "en"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

REDIS_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
# Eager by default; the integration tests switch eagerness off and publish to Redis.
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CONTACT_LIST_COALESCE_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
