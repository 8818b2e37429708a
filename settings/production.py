"""Production: everything comes from the environment, nothing has a default
that could leak. A missing variable stops start-up with its name.
"""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import database, email_settings, env

SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": database("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
CELERY_BROKER_URL = env("REDIS_URL")
# The cache holds the sign-in rate limits (selfservice), which every gunicorn process must
# count together: Redis, not each process's memory. A Redis that hangs fails fast.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_URL"),
        "KEY_PREFIX": "cache",
        "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
    }
}
# Behind a proxy every request comes from the proxy's address: name the header in which
# it passes the client's own (e.g. HTTP_X_REAL_IP), or the limit per IP counts everyone
# together.
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", default=None)
vars().update(email_settings(env("EMAIL_URL")))
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# The language a visitor chose says something about them too: only over HTTPS, never to
# scripts, and not with requests that other sites' pages make.
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Every staff account needs its second factor to reach admin (network/admin_site.py),
# whatever the environment says.
STAFF_TWO_FACTOR_REQUIRED = True
# Axes logs each wrong staff password with the client's address, taken from the header in
# which the proxy passes it, as for the rate limits. (It locks by user name, not address.)
if RATELIMIT_IP_META_KEY:
    AXES_IPWARE_META_PRECEDENCE_ORDER = (RATELIMIT_IP_META_KEY, "REMOTE_ADDR")
