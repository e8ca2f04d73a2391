"""Production: gunicorn + PostgreSQL + Redis (docker-compose.yml). Every secret from the environment."""

from .base import *

DEBUG = False
PRODUCTION = True  # refuses `load_demo` (opske/management/commands/load_demo.py)
SECRET_KEY = env("DJANGO_SECRET_KEY")
SANDBOXES_ENABLED = env.bool("SANDBOXES_ENABLED", default=False)
# Persistent database sessions: a new PostgreSQL backend per request costs milliseconds, and the
# hot paths' prepared statements (opske/rawrows.py) live as long as the session. Needs session-level
# connections (no transaction-pooling PgBouncer in between).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_CONFIG)
