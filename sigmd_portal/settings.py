"""Settings for SIgMD Portal: one module, every knob read from the environment.

The defaults give the embedded development setup (SQLite under var/, Celery tasks run
in-process, e-mail to the console). Production sets DJANGO_DEBUG=0 and real URLs.
A malformed value fails loudly at start-up with ImproperlyConfigured.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=str(int(default))).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1 (or true/false), not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.str(name, default=str(default)).strip()
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_url(name: str, default: str | None, *, schemes: set[str]) -> str | None:
    raw = env.str(name, default=default or "").strip()
    if not raw:
        return None
    scheme, sep, rest = raw.partition("://")
    if not sep or scheme not in schemes or (not rest and scheme not in {"consolemail"}):
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(f"{name} must be a URL starting with one of {allowed}://")
    return raw


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-for-the-embedded-setup-never-use-in-production"  # noqa: S105 — only with DEBUG on

ALLOWED_HOSTS = [
    h.strip() for h in env.str("DJANGO_ALLOWED_HOSTS", default="localhost,127.0.0.1").split(",") if h.strip()
]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name at least one host")
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in env.str("DJANGO_CSRF_TRUSTED_ORIGINS", default="").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "allauth.mfa",
    "django_permissions_policy",
    "simple_history",
    "csp",
    "sigmd_portal",
    "accounts",
    "diary",
    "care",
    "education",
    "pwa",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "sigmd_portal.middleware.CrossOriginResourcePolicyMiddleware",
    "sigmd_portal.middleware.HealthDataNoStoreMiddleware",
    "sigmd_portal.json_limits.JSONLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sigmd_portal.compression.PublicPageGZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.CodeAttemptsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The API refuses query parameters a view does not take, as it refuses unknown fields.
    "sigmd_portal.query_parameters.UnknownQueryParametersMiddleware",
]

ROOT_URLCONF = "sigmd_portal.urls"
WSGI_APPLICATION = "sigmd_portal.wsgi.application"
ASGI_APPLICATION = "sigmd_portal.asgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'sigmd.sqlite3'}",
    schemes={"sqlite", "postgres", "postgresql", "pgsql", "psql"},
)
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60)
# A persistent connection the server ended meanwhile is replaced before a request uses it; on
# PostgreSQL the check asks the socket first and costs no round trip (sigmd_portal/db/base.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if USING_POSTGRES:
    DATABASES["default"]["ENGINE"] = "sigmd_portal.db"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file (not :memory:) for tests too, so a worker thread sees the same data; one per
    # process, so two test runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Redis: broker and shared cache ---------------------------------------------------
REDIS_URL = env_url("REDIS_URL", None, schemes={"redis", "rediss"})

if REDIS_URL:
    # A Redis outage must not take requests down: the cache falls back to a per-process memory
    # cache (rate limits hold per process) and short timeouts keep a dead Redis from stalling us.
    CACHES = {
        "default": {
            "BACKEND": "sigmd_portal.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # A real cache even when embedded: a dummy cache would switch rate limits off.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -----------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TIMEZONE = "UTC"
# Longest countdown any task uses (retry backoff caps at 10 minutes); the visibility timeout
# must exceed it or Redis would hand an unacknowledged task to a second worker.
CELERY_MAX_COUNTDOWN_SECONDS = 600
# Two queues, taken in strict order by every worker (Redis transport's "priority" strategy):
# evaluations of entries that may raise an urgent alert, and deliveries, never wait behind a
# backlog of routine work (a threshold change, a night's replay). Production may also run a small
# worker on the urgent queue alone (docker/compose.yaml: worker-urgent).
SIGMD_URGENT_QUEUE = "urgent"
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue(SIGMD_URGENT_QUEUE), Queue(CELERY_TASK_DEFAULT_QUEUE))
CELERY_TASK_ROUTES = {"care.tasks.deliver": {"queue": SIGMD_URGENT_QUEUE}}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "queue_order_strategy": "priority"}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up quickly: the outbox row is already committed and the sweep re-sends it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# The daily digest of routine alerts goes out at this hour (UTC) and covers the 24 hours before it.
SIGMD_DIGEST_HOUR = env_int("SIGMD_DIGEST_HOUR", 7)
if SIGMD_DIGEST_HOUR > 23:
    raise ImproperlyConfigured("SIGMD_DIGEST_HOUR must be an hour, 0 to 23")
# The nightly re-evaluation and pruning run at this hour (UTC), before the morning digest.
SIGMD_NIGHTLY_HOUR = env_int("SIGMD_NIGHTLY_HOUR", 2)
if SIGMD_NIGHTLY_HOUR > 23:
    raise ImproperlyConfigured("SIGMD_NIGHTLY_HOUR must be an hour, 0 to 23")
# A delivery whose task died with its worker (unacknowledged until the visibility timeout) is
# re-sent by the sweep once it is this old; the row lock and status check prevent a second send.
SIGMD_DELIVERY_SWEEP_AGE = timedelta(seconds=env_int("SIGMD_DELIVERY_SWEEP_AGE_SECONDS", 45, minimum=1))
SIGMD_DELIVERY_SWEEP_INTERVAL = timedelta(
    seconds=env_int("SIGMD_DELIVERY_SWEEP_INTERVAL_SECONDS", 15, minimum=1)
)
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "record-worker-heartbeat": {
        "task": "sigmd_portal.tasks.record_worker_heartbeat",
        "schedule": timedelta(minutes=1),
    },
    "sweep-evaluation-outbox": {
        "task": "care.tasks.sweep_evaluation_outbox",
        "schedule": timedelta(minutes=1),
    },
    "sweep-pending-deliveries": {
        "task": "care.tasks.sweep_pending_deliveries",
        "schedule": SIGMD_DELIVERY_SWEEP_INTERVAL,
    },
    "escalate-unacknowledged-alerts": {
        "task": "care.tasks.escalate_unacknowledged_alerts",
        "schedule": timedelta(minutes=1),
    },
    "send-routine-digests": {
        "task": "care.tasks.send_routine_digests",
        "schedule": crontab(hour=SIGMD_DIGEST_HOUR, minute=0),
    },
    # Thrush reaching 30 days, a course reaching 60, an 18th birthday: alerts with nothing new logged.
    "reevaluate-profiles": {
        "task": "care.tasks.reevaluate_profiles",
        "schedule": crontab(hour=SIGMD_NIGHTLY_HOUR, minute=15),
    },
    "prune-pipeline": {
        "task": "care.tasks.prune_pipeline",
        "schedule": crontab(hour=SIGMD_NIGHTLY_HOUR, minute=45),
    },
    # Rendered PDFs must not outlive SIGMD_REPORT_JOB_RETENTION by much: every 15 minutes.
    "prune-reports": {
        "task": "reports.tasks.prune_reports",
        "schedule": timedelta(minutes=15),
    },
}

# --- E-mail -----------------------------------------------------------------------------
EMAIL_URL = env_url(
    "EMAIL_URL",
    "consolemail://",
    schemes={
        "consolemail",
        "filemail",
        "smtp",
        "smtps",
        "smtp+tls",
        "smtp+ssl",
        "memorymail",
        "dummymail",
    },
)
globals().update(env.email_url_config(EMAIL_URL))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="SIgMD Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Web Push --------------------------------------------------------------------------
VAPID_PUBLIC_KEY = env.str("VAPID_PUBLIC_KEY", default="")
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="")
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default="mailto:care@localhost")
if bool(VAPID_PUBLIC_KEY) != bool(VAPID_PRIVATE_KEY):
    raise ImproperlyConfigured("Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither")
WEB_PUSH_ENABLED = bool(VAPID_PUBLIC_KEY)
# Push endpoints are accepted only on these push services' hosts (or their subdomains), so a
# subscription can never make the server send requests elsewhere: FCM (Chrome, Edge on Android),
# Mozilla autopush (Firefox), Apple (Safari), Windows Push Notification Services (Edge).
SIGMD_PUSH_SERVICE_HOSTS = env.list(
    "SIGMD_PUSH_SERVICE_HOSTS",
    default=["fcm.googleapis.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com"],
)

# --- Accounts (django-allauth, headless) ------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[SIgMD Portal] "
HEADLESS_ONLY = True
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": "/app/#/verify/{key}",
    "account_reset_password": "/app/#/password-reset",
    "account_reset_password_from_key": "/app/#/password-reset/{key}",
    "account_signup": "/app/#/signup",
}
HEADLESS_SERVE_SPECIFICATION = True
# allauth's session tokens, found with one session load per request (accounts/sessions.py).
HEADLESS_TOKEN_STRATEGY = "accounts.sessions.TokenStrategy"  # noqa: S105 — a class path, not a secret
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "SIgMD Portal"
LOGIN_URL = "/app/#/login"

# TOTP secrets and recovery-code seeds are encrypted at rest with these Fernet keys
# (comma-separated; the first encrypts, all decrypt, so a key is rotated by putting a new one
# first and running `manage.py rotate_mfa_keys`). Generate one with
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.
SIGMD_MFA_KEYS = [k.strip() for k in env.str("SIGMD_MFA_KEYS", default="").split(",") if k.strip()]
if not SIGMD_MFA_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("SIGMD_MFA_KEYS is required when DJANGO_DEBUG=0")
    SIGMD_MFA_KEYS = ["ZGV2LW9ubHktbWZhLWtleS1uZXZlci1pbi1wcm9kdWM="]  # embedded setup only
try:
    from cryptography.fernet import Fernet

    for _key in SIGMD_MFA_KEYS:
        Fernet(_key)
except ValueError:
    raise ImproperlyConfigured(
        "SIGMD_MFA_KEYS must be Fernet keys (32 url-safe base64-encoded bytes), comma-separated"
    ) from None

# --- Sessions (browser cookie and X-Session-Token alike) --------------------------------------
# Clinicians: signed out after 30 minutes without a request, and after 12 hours in any case.
# Families: a sliding window, renewed by use.
SIGMD_CLINICIAN_IDLE_SECONDS = env_int("SIGMD_CLINICIAN_IDLE_SECONDS", 1800, minimum=60)
SIGMD_CLINICIAN_MAX_AGE_SECONDS = env_int("SIGMD_CLINICIAN_MAX_AGE_SECONDS", 43200, minimum=60)
SIGMD_FAMILY_SESSION_DAYS = env_int("SIGMD_FAMILY_SESSION_DAYS", 30, minimum=1)
SESSION_COOKIE_AGE = SIGMD_FAMILY_SESSION_DAYS * 86400
# Sessions live in the database and are read through a copy in Redis that lives at most this
# long (accounts/session_store.py): one Redis GET per request instead of a query, and the
# database alone while Redis is away.
SESSION_ENGINE = "accounts.session_store"
SIGMD_SESSION_CACHE_SECONDS = env_int("SIGMD_SESSION_CACHE_SECONDS", 60, minimum=1)

# --- Client address and wrong-code limits -------------------------------------------------------
# How many reverse proxies in front of gunicorn append to X-Forwarded-For (0: none, trust nothing).
# One function reads it (sigmd_portal/client_ip.py); allauth asks it through the adapter.
SIGMD_TRUSTED_PROXY_COUNT = env_int("SIGMD_TRUSTED_PROXY_COUNT", 0)
# Wrong invitation or sharing codes allowed per hour: per account, per address, and across the
# whole code space (so neither many accounts nor many addresses buy an attacker more guesses).
SIGMD_WRONG_CODES_PER_ACCOUNT = env_int("SIGMD_WRONG_CODES_PER_ACCOUNT", 10, minimum=1)
SIGMD_WRONG_CODES_PER_ADDRESS = env_int("SIGMD_WRONG_CODES_PER_ADDRESS", 20, minimum=1)
SIGMD_WRONG_CODES_IN_TOTAL = env_int("SIGMD_WRONG_CODES_IN_TOTAL", 500, minimum=1)

# --- Request bodies -------------------------------------------------------------------------
# Every JSON body is bounded in size and in nesting depth; beyond either it is a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SIGMD_MAX_BODY_BYTES", 1_000_000, minimum=1024)
SIGMD_MAX_JSON_DEPTH = 32

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.MaySeeHealthData"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["sigmd_portal.json_limits.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "sigmd_portal.api.SigmdAutoSchema",
    # Every list is a cursor page: {"next", "previous", "results"}, 50 by default, ?page_size= ≤ 200.
    "DEFAULT_PAGINATION_CLASS": "sigmd_portal.pagination.CursorPage",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "sigmd_portal.throttles.AnonRateThrottle",
        "sigmd_portal.throttles.UserRateThrottle",
    ],
    "NUM_PROXIES": SIGMD_TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("SIGMD_THROTTLE_ANON", default="120/min"),
        "user": env.str("SIGMD_THROTTLE_USER", default="600/min"),
        "invitation_code": env.str("SIGMD_THROTTLE_INVITATION_CODE", default="10/hour"),
        # The share page and its PDF together, per client address (a hospital's NAT included).
        "share_link": env.str("SIGMD_THROTTLE_SHARE_LINK", default="30/min"),
    },
    # The one place where errors (the domain's included) become JSON {"code", "detail"}.
    "EXCEPTION_HANDLER": "sigmd_portal.exceptions.exception_handler",
    # OPTIONS answers 405: the schema at /api/schema/ describes the API, and DRF's metadata
    # introspection fails on views without a queryset.
    "DEFAULT_METADATA_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SIgMD Portal API",
    "DESCRIPTION": (
        "Infection diary, education and care-team alerts for selective IgM deficiency. "
        "Authenticate with django-allauth headless (`/_allauth/`): the app client sends "
        "`X-Session-Token`; the browser client uses the session cookie and CSRF."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models share a field name (`kind`, `route`): name each choice set after what it is.
    "ENUM_NAME_OVERRIDES": {
        "InfectionKindEnum": "diary.models.InfectionKind",
        "TreatmentKindEnum": "diary.models.TreatmentKind",
        "DeliveryKindEnum": "care.models.DeliveryKind",
        "TreatmentRouteEnum": "diary.models.Route",
        "InfusionRouteEnum": "diary.models.InfusionRoute",
    },
}

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production (DEBUG off, after collectstatic): every file under a hashed name, the PWA's module
# imports rewritten to hashed names too, gzip and Brotli copies beside them (sigmd_portal/storage.py).
# WhiteNoise serves a hashed name with `max-age=315360000, public, immutable` and anything else
# with `max-age=60, public`. The embedded DEBUG mode serves the plain names from the finders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "sigmd_portal.storage.StaticStorage"
    },
}

# --- Security -------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Nothing here needs a sensor, a camera or a payment sheet; pages may not ask for them.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
SIGMD_CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Product knobs -----------------------------------------------------------------------
SIGMD_EVALUATION_SWEEP_AGE = timedelta(seconds=env_int("SIGMD_EVALUATION_SWEEP_AGE_SECONDS", 60))
# Routine writes are evaluated this long after the first of them, together (urgent ones at once).
SIGMD_EVALUATION_GATHER_SECONDS = env_int("SIGMD_EVALUATION_GATHER_MS", 250) / 1000
# A failing evaluation is retried with backoff, then parked for an operator after this many attempts.
SIGMD_EVALUATION_MAX_ATTEMPTS = env_int("SIGMD_EVALUATION_MAX_ATTEMPTS", 8, minimum=1)
# Processed outbox rows and finished deliveries are deleted after this many days.
SIGMD_PIPELINE_RETENTION = timedelta(days=env_int("SIGMD_PIPELINE_RETENTION_DAYS", 30, minimum=1))
# A visit summary rendered by the worker (its PDF is health data) is deleted this long after it
# was asked for; within it a doctor reloading a share link's PDF gets the same one.
SIGMD_REPORT_JOB_RETENTION = timedelta(minutes=env_int("SIGMD_REPORT_JOB_RETENTION_MINUTES", 60, minimum=5))
# A share link that expired or was revoked this long ago is deleted (its uses stay in the access log).
SIGMD_SHARE_LINK_RETENTION = timedelta(days=env_int("SIGMD_SHARE_LINK_RETENTION_DAYS", 90, minimum=1))
SIGMD_SITE_URL = env.str("SIGMD_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
