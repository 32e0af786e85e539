"""Django settings: everything comes from the environment through :mod:`ungpho.platform.env`."""

from __future__ import annotations

from pathlib import Path

from ungpho.core import validate
from ungpho.core.vietnam_time import VIETNAM_ZONE_NAME
from ungpho.platform import env

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = env.data_dir()

DEBUG = env.env_bool("DEBUG", False)
SECRET_KEY = env.secret_key(DATA_DIR / "secret_key")
ALLOWED_HOSTS = env.env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = [
    f"{scheme}://{host}" for host in ALLOWED_HOSTS if host != "*" for scheme in ("http", "https")
]

DATABASES = {"default": env.database_from_url(env.env_str("DATABASE_URL"),
                                              sqlite_path=DATA_DIR / "ungpho.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MQTT = env.mqtt_from_url(env.env_str("MQTT_URL"))
WORKER_NAME = env.worker_name()
MQTT_GROUP = env.mqtt_group()
globals().update(env.email_from_url(env.env_str("EMAIL_URL"), mail_dir=DATA_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.env_str("EMAIL_FROM", "ungpho@localhost")

WORKER_POLL_S = env.env_float("UNGPHO_WORKER_POLL_S", 2.0, minimum=0.05)
OUTBOX_LEASE_S = env.env_float("UNGPHO_OUTBOX_LEASE_S", 300.0, minimum=0.5)
# Notification channels and acknowledgement (docs/incident-notifications.md).
# The site's public address for links in messages, CAP and Atom (alerts.links.public_url).
BASE_URL = env.env_str("UNGPHO_BASE_URL")
SMS_GATEWAY_URL = env.env_str("UNGPHO_SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = env.env_str("UNGPHO_SMS_GATEWAY_TOKEN", "")
HTTP_CHANNEL_TIMEOUT_S = env.env_float("UNGPHO_HTTP_TIMEOUT_S", 10.0, minimum=0.1)
ACK_TIMEOUT_S = env.env_float("UNGPHO_ACK_TIMEOUT_S", 600.0, minimum=1.0)
# Station files: the drop folder the worker watches, and where it moves what it took in.
DROP_DIR = env.optional_dir("UNGPHO_DROP_DIR")
ARCHIVE_DIR = DATA_DIR / "archive"
REJECTED_DIR = DATA_DIR / "rejected"
INGEST_CHUNK = int(env.env_float("UNGPHO_INGEST_CHUNK", 20000, minimum=1))
# Dead letters (faults app): how much of an input a letter keeps.
DEADLETTER_MAX_BYTES = int(env.env_float("UNGPHO_DEADLETTER_MAX_BYTES", 1 << 20, minimum=1024))
# The audit log: its HMAC key, kept outside the database, and the file its head is anchored to
# (docs/audit.md).
AUDIT_KEY, AUDIT_KEY_FILE = env.audit_key(DATA_DIR / "audit_key")
AUDIT_ANCHOR_FILE = env.path_or("UNGPHO_AUDIT_ANCHOR_FILE", DATA_DIR / "audit-anchors.jsonl")
AUDIT_ANCHOR_S = env.env_float("UNGPHO_AUDIT_ANCHOR_S", 60.0, minimum=1.0)
# What a request and a value may be (ungpho.platform.http_input, ungpho.core.validate): the
# largest body read (the API answers 413 over it), and the times accepted anywhere.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env.env_float("UNGPHO_MAX_BODY_BYTES", 2621440, minimum=1024))
TIME_MIN, TIME_MAX = env.time_window(validate.DEFAULT_WINDOW.earliest,
                                     validate.DEFAULT_WINDOW.latest)
validate.time_window_set(TIME_MIN, TIME_MAX)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ungpho.accounts",
    "ungpho.audit",
    "ungpho.faults",
    "ungpho.geo",
    "ungpho.preparedness",
    "ungpho.monitoring",
    "ungpho.incidents",
    "ungpho.alerts",
    "ungpho.public",
    "ungpho.web",
    "ninja",  # Swagger UI of /api/docs from the package's own files: offline, under the CSP
]

MIDDLEWARE = [
    # First, so it compresses every response, the static files' too (its docstring: BREACH).
    "ungpho.web.middleware.CompressionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ungpho.web.middleware.content_security_policy",
    "ungpho.platform.http_input.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ungpho.web.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ungpho.urls"
ASGI_APPLICATION = "ungpho.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ungpho.incidents.views.notifications.inbox_badge",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "duty-desk"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first; English on request. Stored times are aware UTC, shown in Vietnam's time.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = VIETNAM_ZONE_NAME

STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Failures go to the console and to a size-rotated file in the data dir (docs/operations.md):
# ungpho's own records, Django's request errors (500s with their traceback) and uvicorn's.
LOG_FILE = DATA_DIR / "log" / "ungpho.log"
LOG_MAX_BYTES = env.env_int("UNGPHO_LOG_MAX_BYTES", 10 << 20, minimum=1024)
LOG_BACKUPS = env.env_int("UNGPHO_LOG_BACKUPS", 5, minimum=1)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "file": {"class": "ungpho.platform.logs.SharedRotatingFileHandler", "formatter": "plain",
                 "filename": str(LOG_FILE), "maxBytes": LOG_MAX_BYTES,
                 "backupCount": LOG_BACKUPS},
    },
    "loggers": {
        "ungpho": {"handlers": ["console", "file"], "level": "INFO"},
        # django.request: every 500 with its traceback.
        "django": {"handlers": ["console", "file"], "level": "ERROR"},
        "uvicorn.error": {"handlers": ["console", "file"], "level": "INFO"},
        # The connection pool: a server it cannot reach.
        "psycopg": {"handlers": ["console", "file"], "level": "WARNING"},
        "uvicorn.access": {"handlers": ["console"], "level": "INFO"},
    },
}
