"""The embedded default: SQLite, tasks run in-process, emails written to files.

Nothing to install or start; `make run` uses it.
"""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import VAR_DIR, email_settings, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-only-key-never-used-in-production-0123456789abcdef")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}

CELERY_BROKER_URL = env("REDIS_URL", default="memory://localhost/")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default="REDIS_URL" not in env)
CELERY_TASK_EAGER_PROPAGATES = True

if "EMAIL_URL" in env:
    vars().update(email_settings(env("EMAIL_URL")))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
