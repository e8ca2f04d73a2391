"""The test suite: PostgreSQL when DATABASE_URL is set (CI), tasks inline unless a test starts a worker."""

from .base import *

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "opske-test"}}
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/opske-test-media")  # noqa: S108
INTEROP_DEFAULT_TIMEOUT = 5.0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["root"]["level"] = "WARNING"
WHITENOISE_AUTOREFRESH = True
DEMO_RECOVERY_HISTORY = (
    False  # payments/demo_recoveries.py: keeps the grevena position open for other journeys
)
