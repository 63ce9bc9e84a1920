"""KVÅ-guiden settings: one module, read from the environment.

Defaults give a working local site on SQLite. Production sets SECRET_KEY, DEBUG=0,
ALLOWED_HOSTS and DATABASE_URL (postgres://…).
"""

import datetime
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def mailer_from_env(debug: bool) -> dict:
    """The default mailer from EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS
    and EMAIL_TIMEOUT (the names operators know; Django 6.1 reads them as MAILERS).

    Without EMAIL_HOST a development site prints mails on the console; a production site gets an SMTP
    mailer without a host, so every send fails and is recorded as not sent (catalog.checks warns at
    start) rather than disappearing into a console nobody reads."""
    host = os.environ.get("EMAIL_HOST", "")
    if not host and debug:
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    port = os.environ.get("EMAIL_PORT", "")
    options = {
        "host": host,
        # Unset: 25, or 587 with EMAIL_USE_TLS (Django's choice).
        "port": int(port) if port else None,
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        # A coordinator's request waits at most this long for the mail server.
        "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
    }
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}


def database_from_url(url: str) -> dict:
    """Turn sqlite:///path or postgres://user:pass@host:port/name?opt=v into DATABASES['default']."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///db.sqlite3 is relative to the project, sqlite:////abs/path is absolute.
        name = path[1:] if path.startswith("/") and not path.startswith("//") else path[1:]
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name if Path(name).is_absolute() else BASE_DIR / name,
            # Writers take the lock when their transaction begins (no "database is locked" halfway
            # through a save), wait up to 20 s for it, and WAL lets readers go on meanwhile.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
            "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"DATABASE_URL must start with sqlite:// or postgres://, not {parts.scheme!r}://")


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-local-development-only"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "catalog",
]

MIDDLEWARE = [
    "kvaguide.accesslog.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files keep its own pre-compressed files) and before the session and
    # CSRF middleware, so it sees whether the response carries a token or a session (BREACH).
    "kvaguide.compression.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it can turn a locked-out login into the Swedish lock-out page.
    "axes.middleware.AxesMiddleware",
]

# django-axes checks every login before Django's own backend does (see catalog.editorial.accounts).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "kvaguide.urls"
WSGI_APPLICATION = "kvaguide.wsgi.application"

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
            "builtins": ["django_htmx.templatetags.django_htmx"],
        },
    },
]

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
# Swedish for the few strings Django 6.1's own Swedish lacks ("- Select an option -", the admin's
# time-zone note): locale/sv/LC_MESSAGES/*.po, compiled to .mo with `make messages`.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# No inline script anywhere: htmx and our own JavaScript are files under 'self', so no nonce is
# needed (and rendered pages can be served again from the page cache).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# HTTPS hardening is on whenever the site is not in DEBUG; turn it off explicitly for a
# plain-HTTP production run on loopback (make serve) with HTTPS=0.
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SESSION_COOKIE_HTTPONLY = True

# "Föreslå en ändring": suggestions from one address per hour, and days a closed one is kept.
SUGGESTIONS_PER_HOUR = int(os.environ.get("SUGGESTIONS_PER_HOUR", "5"))
SUGGESTION_RETENTION_DAYS = int(os.environ.get("SUGGESTION_RETENTION_DAYS", "90"))

# E-mail: replies to suggestions (catalog.suggestions.replies) go out through MAILERS["default"].
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "KVÅ-guiden <kva-guiden@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAILERS = {"default": mailer_from_env(DEBUG)}
# Where a person's answer to a reply goes (Reply-To), when it should not go to DEFAULT_FROM_EMAIL.
SUGGESTION_REPLY_TO = env_list("SUGGESTION_REPLY_TO", [])

# Live classes (/klassrum/, catalog.training.classroom): a class ends when the trainer ends it or after
# CLASSROOM_IDLE_HOURS without a move, and it and its answer counts are deleted
# CLASSROOM_RETENTION_HOURS after it ended. Answers per minute from one phone and from one address
# (a whole class may share one address behind a hospital's NAT), and unknown join codes per minute.
CLASSROOM_IDLE_HOURS = float(os.environ.get("CLASSROOM_IDLE_HOURS", "4"))
CLASSROOM_RETENTION_HOURS = float(os.environ.get("CLASSROOM_RETENTION_HOURS", "3"))
CLASSROOM_ANSWERS_PER_MINUTE = int(os.environ.get("CLASSROOM_ANSWERS_PER_MINUTE", "10"))
CLASSROOM_ANSWERS_PER_ADDRESS_MINUTE = int(os.environ.get("CLASSROOM_ANSWERS_PER_ADDRESS_MINUTE", "400"))
CLASSROOM_MISSES_PER_MINUTE = int(os.environ.get("CLASSROOM_MISSES_PER_MINUTE", "20"))
# How often a phone and the projector ask for news (htmx polling; bench/classroom.py measures them).
CLASSROOM_PHONE_POLL_SECONDS = float(os.environ.get("CLASSROOM_PHONE_POLL_SECONDS", "2"))
CLASSROOM_PROJECTOR_POLL_SECONDS = float(os.environ.get("CLASSROOM_PROJECTOR_POLL_SECONDS", "1"))

# Login lock-out (django-axes, see catalog.editorial.accounts). Failures are counted per user name and
# address (AXES_FAILURE_LIMIT) and per address alone (LOGIN_FAILURES_PER_ADDRESS, higher), so a
# guesser locks out only what they guess from, never a colleague at another address.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURES_PER_USER", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "catalog.editorial.accounts.LockoutHandler"
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "catalog.editorial.accounts.login_name"
AXES_LOCKOUT_CALLABLE = "catalog.editorial.accounts.locked_out"
AXES_ENABLE_ADMIN = False
# Failed attempts older than the cool-off are deleted by axes on every login; successful logins
# are not logged (Django keeps each user's last login).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or behind TRUSTED_PROXIES proxies (default 1) the address the
# outermost trusted proxy put into X-Forwarded-For. The last proxy is REMOTE_ADDR itself, so the
# header holds TRUSTED_PROXIES - 1 proxy addresses after the client's; whatever a client wrote in
# front of those is ignored.
if BEHIND_PROXY:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = max(0, int(os.environ.get("TRUSTED_PROXIES", "1")) - 1)
    AXES_IPWARE_PROXY_ORDER = "left-most"
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# How often a process checks whether its caches (search index, wizard tree, rendered pages) are
# stale. Each check is one query; after an edit, every process finds it within this many seconds.
CONTENT_CHECK_SECONDS = float(os.environ.get("CONTENT_CHECK_SECONDS", "1"))

# Searches without hits: at most this many distinct queries, none older than this many days
# (catalog.models.search.SearchMiss.prune, run whenever a new query is recorded).
SEARCH_MISS_LIMIT = int(os.environ.get("SEARCH_MISS_LIMIT", "5000"))
SEARCH_MISS_DAYS = int(os.environ.get("SEARCH_MISS_DAYS", "365"))

# "Vad letar klinikerna efter?" (catalog.usage): counts per ISO week, kept USAGE_WEEKS weeks (deleted by
# `manage.py prune_usage`); each process writes its counts together once the oldest has waited
# USAGE_FLUSH_SECONDS, so counting costs a page view no query.
USAGE_WEEKS = int(os.environ.get("USAGE_WEEKS", "26"))
USAGE_FLUSH_SECONDS = float(os.environ.get("USAGE_FLUSH_SECONDS", "60"))

# FHIR (/fhir/): the base of the canonical URLs of the ValueSets and own CodeSystems. Canonical URLs
# must not change with the host that answers, so production sets the address it publishes.
FHIR_CANONICAL_BASE = os.environ.get("FHIR_CANONICAL_BASE", "https://kvaguiden.vgregion.se/fhir")
FHIR_PUBLISHER = os.environ.get("FHIR_PUBLISHER", "KVÅ-guiden, Västra Götalandsregionen")

# The per-process page cache (catalog.caching.pagecache): a bound in pages and in bytes, per worker.
PAGE_CACHE_MAX_PAGES = int(os.environ.get("PAGE_CACHE_MAX_PAGES", "1000"))
PAGE_CACHE_MAX_BYTES = int(os.environ.get("PAGE_CACHE_MAX_MB", "32")) * 1024 * 1024

# One JSON access-log line per request to stderr, written by the app (kvaguide.accesslog), not the server.
ACCESS_LOG = env_bool("ACCESS_LOG", not DEBUG)

# Structured (JSON) logs in production, readable lines while developing.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "kvaguide.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # axes logs every successful login at INFO; failures and lock-outs are warnings.
    "loggers": {
        "axes": {"level": "WARNING"},
    },
}
