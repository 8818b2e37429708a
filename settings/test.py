"""Settings for the test suite.

The suite runs on PostgreSQL when one answers (CI always has one); otherwise on
SQLite, and the tests that need PostgreSQL, Redis and a worker skip, or fail under CI=true.
"""

from __future__ import annotations

import socket

from .base import *  # noqa: F403
from .base import VAR_DIR, env

POSTGRES_URL = env("TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/network")


def _postgres_answers() -> bool:
    host, port = env.db_url_config(POSTGRES_URL)["HOST"], env.db_url_config(POSTGRES_URL)["PORT"]
    try:
        with socket.create_connection((host or "127.0.0.1", int(port or 5432)), timeout=1):
            return True
    except OSError:
        return False


SECRET_KEY = "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DEBUG = False

DATABASES = {
    "default": env.db_url_config(POSTGRES_URL)
    if _postgres_answers()
    else env.db_url_config(f"sqlite:///{VAR_DIR / 'test.sqlite3'}")
}

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
