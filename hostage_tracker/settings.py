"""Settings, read from the environment (12-factor).

With no DATABASE_URL the app runs on an embedded SQLite file and runs Celery tasks in-process,
so `make run` works anywhere Python does; with DATABASE_URL (PostgreSQL) and REDIS_URL it runs the
real stack. DEBUG is off unless asked for, and then a real SECRET_KEY is mandatory.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from hostage_tracker.env import env_bool, env_float, env_float_list, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105 - DEBUG only
SECRET_KEY = env_str("SECRET_KEY") or (_DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off "
        "(for example: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "core.problems.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_countries",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    # The project's own apps: core (access policy, users, the plumbing every app shares), the cases
    # themselves, the partners who read them, the alerts that tell people what changed, and the lists
    # delivered through a channel, matched against the registry; interchange formats (PFIF).
    "core",
    "partners",
    "cases",
    "alerts",
    "lists",
    "interchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.middleware.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.actors.ActorMiddleware",
    # Every page needs a login, except the login page, /healthz and the API (which answers 401 itself).
    "core.middleware.LoginRequiredExceptAPIMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# A Content Security Policy on every response: scripts only from this server (or with the
# response's nonce), no plugins, no <base>, no framing; styles may be inline (the API docs' Swagger UI
# and the admin set style attributes from their scripts).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

ROOT_URLCONF = "hostage_tracker.urls"
WSGI_APPLICATION = "hostage_tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "alerts.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "hostage_tracker.sqlite3",
            # IMMEDIATE makes a write transaction take the lock up front, so two writers queue
            # instead of one failing half-way with "database is locked".
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files (served by WhiteNoise: no CDN, the app must run air-gapped) -----------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Security ----------------------------------------------------------------------------------
# TLS ends at a reverse proxy in production; `make run` and the tests serve plain HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The orchestrator's health probe speaks plain HTTP to the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if SECURE_SSL_REDIRECT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = SECURE_SSL_REDIRECT
CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if SECURE_SSL_REDIRECT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_SSL_REDIRECT)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_SSL_REDIRECT)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Webhook URLs must be https to a public address (against SSRF) unless this is on.
WEBHOOK_ALLOW_LOCAL = env_bool("WEBHOOK_ALLOW_LOCAL", False)

# --- Celery (Redis broker); without REDIS_URL tasks run in-process ----------------------------
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Messages are acknowledged on receipt. The Delivery row with its lease is the record of what is
# owed, and the sweep hands out again whatever a dead worker held; late acks add nothing, and kombu
# putting unacknowledged messages back on a connection that is gone killed running workers when
# Redis restarted.
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A web request must not hang on a broker that is down: fail fast, the outbox sweep catches up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 1}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker whose broker is gone keeps trying (every 30 s at most) however long the outage lasts,
# instead of exiting after 100 tries.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_PUBLISH_RETRY = False
# Celery's consumer, but one that survives Redis dying while it holds reserved messages.
CELERY_WORKER_CONSUMER = "hostage_tracker.worker:Consumer"

# --- Alerts ----------------------------------------------------------------------------------------
# The sweep re-dispatches events and due deliveries the broker lost; it is what makes delivery certain.
ALERT_SWEEP_SECONDS = env_float("ALERT_SWEEP_SECONDS", 5.0)
# An event younger than this is left to its own on-commit dispatch.
ALERT_SWEEP_GRACE_SECONDS = env_float("ALERT_SWEEP_GRACE_SECONDS", 3.0)
PROOF_OF_LIFE_CHECK_SECONDS = env_int("PROOF_OF_LIFE_CHECK_SECONDS", 900)
CELERY_BEAT_SCHEDULE = {
    "alerts-sweep": {"task": "alerts.tasks.alerts_sweep", "schedule": ALERT_SWEEP_SECONDS},
    # "No proof of life for N days": idempotent, so running it often costs only the query.
    "proof-of-life-check": {"task": "alerts.tasks.proof_of_life_check", "schedule": PROOF_OF_LIFE_CHECK_SECONDS},
}
# Seconds a receiver gets to answer; a lease must outlast it, so a dead worker's delivery is retried.
WEBHOOK_TIMEOUT = env_float("WEBHOOK_TIMEOUT", 15.0)
DELIVERY_LEASE_SECONDS = env_float("DELIVERY_LEASE_SECONDS", 60.0)
# Waits after each failed attempt (Standard Webhooks' example schedule, about three days in all).
WEBHOOK_RETRY_SCHEDULE = env_float_list(
    "WEBHOOK_RETRY_SCHEDULE", [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
)
# After a partner rotates its signing secret, the old one signs too for this long.
WEBHOOK_SECRET_OVERLAP_HOURS = env_float("WEBHOOK_SECRET_OVERLAP_HOURS", 24.0)
if DELIVERY_LEASE_SECONDS <= WEBHOOK_TIMEOUT:
    raise ImproperlyConfigured("DELIVERY_LEASE_SECONDS must be longer than WEBHOOK_TIMEOUT")

# The field history is to read: no revert from the admin (core.admin.HistoryAdmin refuses it too).
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Interchange: who we are in the records other systems read (PFIF record ids and authors).
PFIF_DOMAIN = env_str("PFIF_DOMAIN", "hostage-tracker.local")
ORGANISATION_NAME = env_str("ORGANISATION_NAME", "Hostage Case Tracker")
# Every answer to a partner (and every webhook delivered) is logged with what it disclosed. Off
# only to measure what the log costs (make bench).
DISCLOSURE_LOG = env_bool("DISCLOSURE_LOG", True)

# --- Cache (throttling); Redis when there is one. Redis down fails open (see core.throttling).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- REST API v1 -----------------------------------------------------------------------------------
# Tokens are stored as HMAC-SHA256 digests keyed with this; by default derived from SECRET_KEY
# (rotating SECRET_KEY then invalidates every token: set API_TOKEN_KEY to keep them).
API_TOKEN_KEY = env_str("API_TOKEN_KEY") or f"api-token:{SECRET_KEY}"
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "1200/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partners.authentication.BearerTokenAuthentication",
        "partners.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.RolePermission"],
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.ApiJsonRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.ApiJsonParser"],
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.PrincipalRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"principal": API_THROTTLE_RATE},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
    # `format=` is not a parameter of this API: an unknown parameter is a 400 like any other.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hostage Case Tracker API",
    "DESCRIPTION": (
        "REST API v1 for partner systems. Authenticate with `Authorization: Bearer <token>`. "
        "Errors are RFC 9457 problem details. Every GET answers with a strong ETag; send it back in "
        "If-None-Match to get 304. Partner tokens are read-only and see only detainees who hold one "
        "of their nationalities. The change feed's events, and the bodies of webhooks (Standard Webhooks: "
        "headers webhook-id, webhook-timestamp, webhook-signature), are the `Event` component: a union "
        "discriminated by `type`, each type with its own `data`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs need a role (or a partner token), like every endpoint they describe.
    "SERVE_PERMISSIONS": ["core.permissions.RolePermission"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": ["cases.api.schema.postprocess"],
}

# --- Email (Django 6.1 MAILERS) ------------------------------------------------------------------
# Without EMAIL_HOST: printed to the console under DEBUG, else relayed through a local MTA.
_email_host = env_str("EMAIL_HOST", "" if DEBUG else "localhost")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email_host,
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER") or None,
            "password": env_str("EMAIL_HOST_PASSWORD") or None,
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": env_int("EMAIL_TIMEOUT", 15),
        },
    }
    if _email_host
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "hostage-tracker@localhost")

# --- Logging: to stdout; secrets and personal data are never logged ---------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Tasks run in-process without a broker: a "succeeded" line for every 5-second sweep is noise.
    "loggers": {"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {},
}

# --- Domain settings -------------------------------------------------------------------------------
# Countries are ISO 3166-1 alpha-2 codes; django-countries keeps the list current.
COUNTRIES_FIRST = ["IL", "RU", "US", "TH"]
