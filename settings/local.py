"""The embedded default: SQLite, tasks run in-process, emails written to files.

Nothing to install or start; `make run` uses it.
"""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import VAR_DIR, database, email_settings, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-only-key-never-used-in-production-0123456789abcdef")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

DATABASES = {"default": database("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}

CELERY_BROKER_URL = env("REDIS_URL", default="memory://localhost/")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default="REDIS_URL" not in env)
CELERY_TASK_EAGER_PROPAGATES = True

if "EMAIL_URL" in env:
    vars().update(email_settings(env("EMAIL_URL")))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# Off the production path, plain SMTP is allowed: a developer's test sink, or the SMTP
# server that the integration tests and the benchmark start on this machine.
EMAIL_PLAIN_SMTP_TO_LOCAL_RELAY = env.bool("EMAIL_PLAIN_SMTP_TO_LOCAL_RELAY", default=True)

# The embedded mode keeps health data under var/: the database and every email written to
# var/mail. Only the owner may enter these folders, so each file in them is the owner's
# alone, also one written later and whatever mode it gets (`make run` gives them 0600 too).
for folder in (VAR_DIR, VAR_DIR / "mail"):
    folder.mkdir(mode=0o700, exist_ok=True)
    folder.chmod(0o700)
