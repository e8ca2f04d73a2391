"""Settings shared by every environment.

Every value that varies between machines comes from the environment through django-environ;
`.env.example` lists each key. The embedded default (no DATABASE_URL, no REDIS_URL) is SQLite with
tasks run inline and the registry sandboxes served in-process.
"""

import datetime
import os
from pathlib import Path

import environ

from opske.siteurl import interop_base_url_from_env, site_url_from_env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
# The audit chain's HMAC key (opske/audit/chain.py), kept outside the database; derived from
# SECRET_KEY when unset.
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Public base URL of the portal, used in e-mails, OAuth redirect URIs and PDFs: SITE_URL, else
# http://127.0.0.1:$PORT (the port `make run` serves on; 8000 by default).
SITE_URL = site_url_from_env(os.environ)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "django_fsm",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Project apps, lowest layer first (see STYLE.md "Which way imports run").
    "opske",
    "accounts",
    "interop",
    "calls",
    "applications",
    "evaluation",
    "evaluation.points",
    "evaluation.comparative",
    "operations",
    "verification",
    "payments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "opske.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "opske.middleware.GreekFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff two-factor (issue 11): django-otp marks the verified session, ours closes every other
    # page to a staff session that has not passed the code step.
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.StaffSecondFactorMiddleware",
    "opske.input_guard.InputGuardMiddleware",
    "opske.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last (django-axes): a locked-out login answers with accounts.lockout.lockout_response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opske.urls"
WSGI_APPLICATION = "opske.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opske.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"


# Password logins (staff, the admin) go through django-axes first: failures are counted per username
# and address, and after AXES_FAILURE_LIMIT the login is locked for AXES_COOLOFF_MINUTES (issue 11).
def _origins(*urls: str) -> list[str]:
    from urllib.parse import urlsplit

    return [f"{u.scheme}://{u.netloc}" for u in map(urlsplit, urls) if u.scheme and u.netloc]


# Content-Security-Policy (django-csp, issue 11): scripts only from the portal's own static files
# (htmx, opske.js: no inline script or handler anywhere), nothing framed or framing, forms post only
# here (and to the TAXISnet login). Inline style attributes stay allowed (the design system and a few
# templates use them); they cannot run code. The API's Swagger page loads its UI from a CDN: excluded.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/docs/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        # A logout posts here and is redirected to TAXISnet's logout: its origin may follow a form.
        "form-action": ["'self'", *_origins(env("GSIS_OAUTH_URL", default=""))],
    },
}
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Staff two-factor (accounts.two_factor): a TOTP code after the password for every staff account,
# always; there is no switch to turn it off.
OTP_TOTP_ISSUER = "ΟΠΣΚΕ"
OTP_TOTP_THROTTLE_FACTOR = 1

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Greek first, English on request. Message ids are Greek, so a missing English string falls
# back to Greek, never to a blank.
LANGUAGE_CODE = "el"
LANGUAGES = [("el", "Ελληνικά"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Athens"
# Dates are typed day first (31/12/2025); one list for every form (opske/dates.py).

USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = []
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Cache (also holds sandbox state: in-memory alone, Redis when REDIS_URL is set) ---------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "opske"}}

# --- Celery -------------------------------------------------------------------------------
# Without a broker every task runs inline (eager) and the `tick` command stands in for beat.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Enqueueing must never hold up a request (issue 11: with Redis down, creating a draft took 19 s).
# The portal reads no task results (durable state is in the database, and what a lost task owes
# is swept from its outbox), so results are not kept by default: the Redis result backend would
# otherwise subscribe to every sent task and retry its connection 20 times when Redis is down.
# A publish is retried once, briefly; a broker that does not answer in a second is taken as down.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_BEAT_SCHEDULE = {
    "beat-tick": {"task": "opske.tasks.beat_tick", "schedule": 60.0},
    "sweep-deadlines": {"task": "opske.tasks.sweep_deadlines", "schedule": 60.0},
    "sweep-outbox": {"task": "opske.tasks.sweep_outbox", "schedule": 120.0},
    "retry-registry-waits": {"task": "interop.tasks.retry_registry_waits", "schedule": 60.0},
    # Guidance Ο.3 §4.2.2: monthly (desk checks) and six-monthly (on-the-spot) risk runs; the task
    # runs only the periods not yet done, so an hourly beat is enough and a repeat is a no-op.
    "risk-runs-due": {"task": "verification.tasks.risk_runs_due", "schedule": 3600.0},
    "purge-idempotency-records": {
        "task": "applications.tasks.purge_idempotency_records",
        "schedule": 86400.0,
    },
}

# --- E-mail -------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ΟΠΣΚΕ <noreply@opske.example.gr>")

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "opske.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "opske.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ΟΠΣΚΕ API",
    "DESCRIPTION": "State-aid management portal. Errors are {code, message, fields}.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # opske.ids.IdConverter: the `<id:>` of every path, 1-18 digits.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999}},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "opske.api.document_error_responses",
    ],
}

# --- Payment orders (payments/services/orders.py) ------------------------------------------
# The paying service's account: the debtor (Dbtr / DbtrAcct) of every pain.001 the portal exports.
# The demo account is a Bank of Greece one (bank code 010, BIC BNGRGRAA), as a public body's is.
# payments/demo_recoveries.py: a paid history and a clawback on the ΚΥΑ 7066 demo operation. It
# takes that operation's only position, which the two-month-claim demo needs open, so it is off
# unless asked for (DEMO_RECOVERY_HISTORY=true before `make run`).
DEMO_RECOVERY_HISTORY = env.bool("DEMO_RECOVERY_HISTORY", default=False)
PRODUCTION = False  # opske.settings.production sets it: no demo data there

PAYMENT_DEBTOR = {
    "name": env("PAYMENT_DEBTOR_NAME", default="ΥΠΗΡΕΣΙΑ ΠΛΗΡΩΜΩΝ ΚΡΑΤΙΚΩΝ ΕΝΙΣΧΥΣΕΩΝ"),
    "iban": env("PAYMENT_DEBTOR_IBAN", default="GR5701000230000000000470123"),
    "bic": env("PAYMENT_DEBTOR_BIC", default="BNGRGRAA"),
}

# --- Registries (interop) -----------------------------------------------------------------
# The registry sandboxes are part of the portal in development and tests; production points each
# registry at the state's endpoint through its own *_URL key and turns the sandboxes off.
SANDBOXES_ENABLED = env.bool("SANDBOXES_ENABLED", default=True)
INTEROP_BASE_URL = interop_base_url_from_env(os.environ, SITE_URL)
INTEROP_DEFAULT_TIMEOUT = env.float("INTEROP_TIMEOUT", default=10.0)
INTEROP_MAX_ATTEMPTS = env.int("INTEROP_MAX_ATTEMPTS", default=3)
# At TAXISnet login AADE gets one try this long; then the login goes on with the last known record
# and the refresh is background work (interop.identity.LoginAadeClient).
INTEROP_LOGIN_AADE_TIMEOUT = env.float("INTEROP_LOGIN_AADE_TIMEOUT", default=3.0)
INTEROP_CACHE_SECONDS = env.int("INTEROP_CACHE_SECONDS", default=3600)
# A registry still failing after this long puts the case into "waiting for registry".
INTEROP_WAITING_AFTER_SECONDS = env.int("INTEROP_WAITING_AFTER_SECONDS", default=300)
INTEROP = {
    # name: url (None = INTEROP_BASE_URL/<name>), credentials, timeout in seconds
    "gsis": {
        "url": env("GSIS_OAUTH_URL", default=None),
        "client_id": env("GSIS_CLIENT_ID", default="opske-sandbox"),
        "client_secret": env("GSIS_CLIENT_SECRET", default="sandbox-secret"),
    },
    "aade": {
        "url": env("AADE_RGWS_URL", default=None),
        "username": env("AADE_RGWS_USERNAME", default="OPSKE_SPECIAL"),
        "password": env("AADE_RGWS_PASSWORD", default="sandbox-pass"),
        "afm_called_by": env("AADE_RGWS_CALLED_BY", default=""),
    },
    "ergani": {
        "url": env("ERGANI_URL", default=None),
        "username": env("ERGANI_USERNAME", default="opske"),
        "password": env("ERGANI_PASSWORD", default="sandbox-pass"),
    },
    "deminimis": {
        "url": env("DEMINIMIS_URL", default=None),
        "token": env("DEMINIMIS_TOKEN", default="sandbox-token"),
    },
    "dypa": {"url": env("DYPA_URL", default=None), "token": env("DYPA_TOKEN", default="sandbox-token")},
    "idika": {"url": env("IDIKA_URL", default=None), "token": env("IDIKA_TOKEN", default="sandbox-token")},
    "clearance": {
        "url": env("CLEARANCE_URL", default=None),
        "token": env("CLEARANCE_TOKEN", default="sandbox-token"),
    },
    "gemi": {
        "url": env("GEMI_URL", default=None),
        "api_key": env("GEMI_API_KEY", default="sandbox-key"),
        "per_minute": env.int("GEMI_RATE_PER_MINUTE", default=8),
    },
    "diavgeia": {
        "url": env("DIAVGEIA_URL", default=None),
        "username": env("DIAVGEIA_USERNAME", default="opske"),
        "password": env("DIAVGEIA_PASSWORD", default="sandbox-pass"),
        "organization_id": env("DIAVGEIA_ORG_ID", default="99999999"),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "zeep": {"level": "WARNING"}},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Documents uploaded with an application (applications.attachments): PDF/JPEG/PNG up to this size.
APPLICATION_ATTACHMENT_MAX_MB = env.int("APPLICATION_ATTACHMENT_MAX_MB", default=10)
# With a broker, receipts and submission notices are recorded by one task per this many seconds
# (per web process) instead of one message per submission; 0 = one task per submission.
APPLICATIONS_RECEIPT_BATCH_SECONDS = env.float("APPLICATIONS_RECEIPT_BATCH_SECONDS", default=1.0)
# How long an API write's Idempotency-Key answer is kept for replay (days).
API_IDEMPOTENCY_DAYS = env.float("API_IDEMPOTENCY_DAYS", default=7)
