"""Settings for the supervision portal, read from the environment.

Two deployments: ``development`` (the default: DEBUG, SQLite, tasks in process, no HTTPS) and
``production`` (``PORTAL_DEPLOYMENT=production``): a missing secret or host list raises
``ImproperlyConfigured``; HTTPS settings are on unless an intranet without TLS says
``PORTAL_INSECURE_HTTP=1``. Every value may also be given as ``NAME_FILE`` (a path to read).
"""
from datetime import timedelta
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    """A setting from the environment, or from the file named by ``NAME_FILE``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = env(name)
    try:
        return int(value) if value not in (None, "") else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


DEPLOYMENT = env("PORTAL_DEPLOYMENT", "development")
if DEPLOYMENT not in {"development", "production"}:
    raise ImproperlyConfigured("PORTAL_DEPLOYMENT must be 'development' or 'production'")
PRODUCTION = DEPLOYMENT == "production"
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production")
    SECRET_KEY = "development-only-not-secret-" + "x" * 40

hosts = env("ALLOWED_HOSTS")
if hosts:
    ALLOWED_HOSTS = [h.strip() for h in hosts.split(",") if h.strip()]
elif PRODUCTION:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (comma separated)")
else:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver", "[::1]"]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in (env("CSRF_TRUSTED_ORIGINS") or "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "auditlog",
    "csp",
    # the portal, left to right (dependencies point left)
    "grid",
    "portal.accounts",
    "portal.jobs",
    # shared pieces every supervision app reuses (issue 4)
    "portal.rules",
    "portal.figures",
    "portal.submissions",
    "portal.attachments",
    "portal.sampling",
    "portal.documents",
    "portal.notifications",
    "enterprises",
    "inspections",
    "risk_reports",
    # the quarter frozen, statistics and the dashboard; then the notice (issue 10)
    "portal.assessments",
    "portal.notices",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageMiddleware",  # Chinese unless the user picked another language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "portal.accounts.middleware.PasswordChangeRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=env_int("DB_CONN_MAX_AGE", 60)
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    _options = []
    if env("DB_JIT", "off") == "off":
        # PostgreSQL's JIT compiles a plan whose estimated cost is high: every figure over a quarter's
        # scans is, and compiling took longer than running (10 s of JIT for a 7 s statement at the
        # seeds' scale, bench/README.md). The portal's statements are short-lived and re-planned each
        # time, so the compiled code is never reused: off unless DB_JIT=on.
        _options.append("-c jit=off")
    # The figures group tens of thousands of rows (a city's points by township and life): with
    # PostgreSQL's default 4 MB the sort spills to disk and takes twice as long (bench/README.md).
    # Per sort or hash of a statement, so a few connections' worth of it is all it ever uses.
    _options.append(f"-c work_mem={env('DB_WORK_MEM', '32MB')}")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(_options)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Password policy (length and character classes) and the first-login change: settings, not literals.
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 10)
PASSWORD_MIN_CLASSES = env_int("PASSWORD_MIN_CLASSES", 3)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
    {"NAME": "portal.accounts.validators.CharacterClassValidator",
     "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Lockout after LOGIN_FAILURE_LIMIT failures for LOGIN_LOCKOUT_MINUTES (django-axes).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
# Locked by account, not by address: township offices share one NAT'd intranet address, and an
# address lock would shut out the whole office. axes.W006 warns about exactly that choice.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.accounts.views.locked_out"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False

# Session timeout: idle sessions end after SESSION_IDLE_MINUTES.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Sign-ins, exports and audit reads are kept at least this long (RULES: ≥ 6 months).
ACCESS_LOG_RETENTION_DAYS = max(env_int("ACCESS_LOG_RETENTION_DAYS", 200), 183)

# Chinese whatever the browser's Accept-Language says; English only once the user picks it with the
# language switch, which keeps the choice in the language cookie for a year (portal/middleware.py).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION  # development and tests serve static files straight from the apps
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"  # never served directly: files go through scoped views
FONT_DIR = Path(env("PORTAL_FONT_DIR", BASE_DIR / "var" / "fonts"))
# The portal's address as people's phones reach it ("http://10.1.2.3:8000", "https://aq.example.gov.cn"),
# without a trailing slash: what a Changan code's QR encodes (risk_reports.qr). Empty: the address of
# the request that draws the QR (its Host header, checked against ALLOWED_HOSTS) — set it when the
# portal sits behind a proxy whose inner address a phone on the shop floor cannot reach.
PORTAL_BASE_URL = (env("PORTAL_BASE_URL") or "").strip().rstrip("/")
if PORTAL_BASE_URL and not PORTAL_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("PORTAL_BASE_URL must start with http:// or https:// (or be empty)")

# Uploads: the roster import refuses files over this size.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 10) * 1024 * 1024
# Workbooks made to be large are refused before they are read: by the rows of the first sheet and
# by the size of the file unpacked (a small .xlsx can unpack to gigabytes); a refused file lists its
# first IMPORT_MAX_ERRORS problems and how many more there are.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100000)
IMPORT_MAX_UNPACKED_MB = env_int("IMPORT_MAX_UNPACKED_MB", 100)
IMPORT_MAX_ERRORS = env_int("IMPORT_MAX_ERRORS", 1000)
# Imports up to this many rows run in the request; larger ones as a background job with progress.
IMPORT_SYNC_MAX_ROWS = env_int("IMPORT_SYNC_MAX_ROWS", 2000)
# A running background job that has not reported for this long is marked failed (its worker died).
JOB_STALE_MINUTES = env_int("JOB_STALE_MINUTES", 15)
IMPORT_PROGRESS_EVERY = 500
# Exports over this many rows run as a background job.
EXPORT_SYNC_MAX_ROWS = env_int("EXPORT_SYNC_MAX_ROWS", 2000)
# A quarter's snapshot still building after this many seconds is failed (a worker died): the previous
# one stays current and a new run may start (portal.assessments).
SNAPSHOT_TIMEOUT = env_int("SNAPSHOT_TIMEOUT", 1800)
# Attachments (photos, evidence): the size limit per file; files a rolled-back upload left behind are
# removed by a daily job once older than the grace period.
ATTACHMENT_MAX_MB = env_int("ATTACHMENT_MAX_MB", 10)
ATTACHMENT_ORPHAN_GRACE_HOURS = 24
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task taken by a worker that dies unacknowledged goes back to the queue after this many seconds
# (Redis' visibility timeout; the default hour suits production, the killed-worker test sets seconds).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_BEAT_SCHEDULE = {}  # filled in portal/celery.py from the apps' declared periodic jobs

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: DRF's browsable pages (jQuery-era templates with style attributes and inline handlers)
    # break under the Content-Security-Policy; Swagger UI at /api/v1/docs/ is the API's page for people.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # one error shape for every endpoint, documented on every operation (portal/api_common.py)
    "DEFAULT_SCHEMA_CLASS": "portal.api_common.PortalAutoSchema",
    "EXCEPTION_HANDLER": "portal.api_common.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "工贸行业安全生产监管平台 API",
    "DESCRIPTION": "Work-safety supervision portal: enterprises, regions and, later, every supervision record.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

AUDITLOG_INCLUDE_ALL_MODELS = False

# Content-Security-Policy (django-csp 4): the portal loads nothing from outside and runs no inline
# script, on* handler or style attribute (templates ask static/js/portal.js with data-* attributes).
# data: images are Bootstrap's own (the SVG arrows and check marks inside bootstrap.min.css).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    },
}

# HTTPS: on in production unless PORTAL_INSECURE_HTTP=1 (an intranet without TLS, documented in README).
INSECURE_HTTP = env_bool("PORTAL_INSECURE_HTTP", False)
if PRODUCTION and not INSECURE_HTTP:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
elif PRODUCTION and INSECURE_HTTP:
    # Explicitly chosen: plain HTTP on a closed intranet. Silence the HTTPS deploy checks only.
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]
SILENCED_SYSTEM_CHECKS = globals().get("SILENCED_SYSTEM_CHECKS", []) + ["axes.W006"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Senders of the e-mail / SMS copies of messages (portal.notifications.senders): dotted class paths,
# comma-separated. The default only logs (logger portal.notifications, level INFO).
NOTIFICATION_SENDERS = [path.strip() for path in env(
    "NOTIFICATION_SENDERS", "portal.notifications.senders.LogSender").split(",") if path.strip()]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
