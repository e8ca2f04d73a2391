"""Development on one machine: `make run`."""

from .base import *

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A development key, never used in production (production.py requires DJANGO_SECRET_KEY).
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-only-not-secret")
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
