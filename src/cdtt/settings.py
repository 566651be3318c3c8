"""Django settings. Every value comes from the environment through typed helpers;
SQLite is the embedded default, DATABASE_URL selects PostgreSQL."""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from cdtt.lib.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(envstr("CDTT_VAR_DIR", str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("CDTT_DEBUG", False)
SECRET_KEY = envstr("CDTT_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = envlist("CDTT_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CDTT_CSRF_TRUSTED_ORIGINS", [])
# A form refused for its CSRF token (an expired page, cookies off) answers the site's 403 page.
CSRF_FAILURE_VIEW = "cdtt.site.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "huey.contrib.djhuey",
    "cdtt.core",
    "cdtt.geo",
    "cdtt.audit",
    "cdtt.accounts",
    "cdtt.documents",
    "cdtt.figures",
    "cdtt.organizations",
    "cdtt.skills",
    "cdtt.registry",
    "cdtt.teams",
    "cdtt.schools",
    "cdtt.campaigns",
    "cdtt.training",
    "cdtt.practices",
    "cdtt.movements",
    "cdtt.offers",
    "cdtt.honours",
    "cdtt.media",
    "cdtt.privacy",
    "cdtt.directives",
    "cdtt.reports",
    "cdtt.portal",
    "cdtt.site",
]

MIDDLEWARE = [
    "cdtt.core.compression.ApiGZipMiddleware",  # first: it compresses what the others wrote
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cdtt.core.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # after authentication: marks the verified device
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "cdtt.core.csp.CSPMiddleware",  # django-csp's, the policy built once
    "cdtt.core.access.DenyByDefaultMiddleware",
]

ROOT_URLCONF = "cdtt.urls"
WSGI_APPLICATION = "cdtt.wsgi.application"

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
                "cdtt.site.context.navigation",
                "cdtt.core.context.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'cdtt.sqlite3'}",
        conn_max_age=envint("CDTT_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The app runs many small queries; JIT compilation only adds latency to them.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = "-c jit=off"
    # Parameters sent apart from the SQL: psycopg then prepares a statement the connection
    # runs repeatedly (after 5 runs), and PostgreSQL stops planning it anew every time; for
    # the small queries of a visit or a worklist the planning cost more than the execution.
    # Behind a pooler in transaction mode (PgBouncer < 1.21), set CDTT_DB_PREPARE=false.
    if envbool("CDTT_DB_PREPARE", True):
        options["server_side_binding"] = True
        options["prepare_threshold"] = 5
DATABASES["default"]["TEST"] = {"NAME": envstr("CDTT_TEST_DB_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("CDTT_PASSWORD_MIN_LENGTH", 8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock an account+address after repeated failures.
AXES_FAILURE_LIMIT = envint("CDTT_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("CDTT_LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = envbool("CDTT_LOGIN_THROTTLE", True)

# Optional two-factor login (TOTP) for province admins: the name authenticator apps show.
OTP_TOTP_ISSUER = envstr("CDTT_TOTP_ISSUER", "CDTT")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["cdtt.formats"]

STATIC_URL = "/static/"
# Answers compressed for the phones on a slow line (cdtt.core.compression): the API, the field
# app's shell and its scripts (the attendance module's too).
GZIP_PATHS = ["/api/", "/campaigns/field/", f"{STATIC_URL}field/", f"{STATIC_URL}training/"]
STATIC_ROOT = Path(envstr("CDTT_STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
# Uploads and generated files of background jobs (imports, exports) are deleted this many hours
# after they were written, whatever became of their job (a sweep of the job worker).
CDTT_FILE_RETENTION_HOURS = envint("CDTT_FILE_RETENTION_HOURS", 24)
# A list longer than this is exported by a background job (progress on the page, a file kept
# for download) rather than inside the request.
CDTT_EXPORT_BACKGROUND_ROWS = envint("CDTT_EXPORT_BACKGROUND_ROWS", 20_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("CDTT_MAX_REQUEST_BYTES", 2 * 1024 * 1024)

# Background jobs: huey, embedded on SQLite by default, Redis in production (CDTT_REDIS_URL).
_redis_url = envstr("CDTT_REDIS_URL")
HUEY = {
    "huey_class": "huey.RedisHuey" if _redis_url else "huey.SqliteHuey",
    "name": "cdtt",
    "immediate": envbool("CDTT_JOBS_IMMEDIATE", False),
    "results": True,
    # Periodic jobs' crontabs read Vietnam's time (settings.TIME_ZONE, which Django gives the
    # process), not UTC: "23:30" is 23:30 in Hà Nội.
    "utc": False,
    "consumer": {"workers": envint("CDTT_JOB_WORKERS", 2), "worker_type": "thread"},
}
if _redis_url:
    HUEY["url"] = _redis_url
else:
    HUEY["filename"] = str(VAR_DIR / "jobs.sqlite3")

# The cache holds what must cross processes and transactions, such as a running job's progress
# (written inside the job's transaction, read by the page): Redis in production, files here.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}

# E-mail (notifications): printed on the console unless a mail server is given.
EMAIL_HOST = envstr("CDTT_EMAIL_HOST", "")
EMAIL_BACKEND = envstr(
    "CDTT_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = envint("CDTT_EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("CDTT_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = envstr("CDTT_EMAIL_PASSWORD", "")
EMAIL_USE_SSL = envbool("CDTT_EMAIL_USE_SSL", False)
EMAIL_USE_TLS = envbool("CDTT_EMAIL_USE_TLS", not EMAIL_USE_SSL)
EMAIL_TIMEOUT = envint("CDTT_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = envstr("CDTT_EMAIL_FROM", "CDTT <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[CDTT] "
# The site's address as users reach it, for the links in e-mails.
SITE_URL = envstr("CDTT_SITE_URL", "http://127.0.0.1:8000")

# The map's tile layer; empty means the map shows only the communes' points.
MAP_TILE_URL = envstr("CDTT_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = envstr("CDTT_MAP_TILE_ATTRIBUTION", "")

# Keyed hash for personal identifiers (never stored in clear).
PII_HASH_KEY = envstr("CDTT_PII_HASH_KEY", SECRET_KEY)
API_TOKEN_DAYS = envint("CDTT_API_TOKEN_DAYS", 30)

SESSION_COOKIE_HTTPONLY = True
# A session ends after this many hours without a request (each request renews it) and when
# the browser closes: officers share office computers.
SESSION_COOKIE_AGE = envint("CDTT_SESSION_HOURS", 8) * 3600
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("CDTT_SESSION_BROWSER_CLOSE", True)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content security policy (django-csp): scripts and style sheets only from the site itself, no
# inline script, no eval (htmx runs with allowEval off). Inline style *attributes* stay allowed
# (style-src-attr): the progress bars set their width from server-side figures, and a style
# attribute cannot run code; <style> elements and style sheets from elsewhere stay refused.
# Images may come from the map's tile server when one is set.
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]) if MAP_TILE_URL.startswith("http") else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:", *([_tile_origin] if _tile_origin else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("CDTT_LOG_LEVEL", "WARNING")},
}

# Directives: a task is "due soon" within this many days of its deadline; the daily digest of
# overdue and due-soon tasks leaves at this time of day, Vietnam time (HH:MM).
CDTT_DUE_SOON_DAYS = envint("CDTT_DUE_SOON_DAYS", 7)
CDTT_DIGEST_TIME = envstr("CDTT_DIGEST_TIME", "07:00")
# A directive's file or a progress report's document: at most this many bytes.
CDTT_ATTACHMENT_MAX_BYTES = envint("CDTT_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)

# Personal data (Law 91/2025/QH15): the access log (views and exports of personal data) is kept
# this many days; a resident who moved out or died is anonymised this many days after the change.
# Applied every night by a periodic job and by `cdtt privacy retention`.
CDTT_ACCESS_LOG_RETENTION_DAYS = envint("CDTT_ACCESS_LOG_RETENTION_DAYS", 730)
CDTT_FORMER_RESIDENT_RETENTION_DAYS = envint("CDTT_FORMER_RESIDENT_RETENTION_DAYS", 1825)
