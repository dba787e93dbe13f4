"""Settings for Skills Map, driven by environment variables.

Two modes, chosen by DJANGO_ENV:
- "development" (the default): zero set-up. SQLite under DATA_DIR, a secret key generated once
  and kept in DATA_DIR, hosts limited to this machine.
- "production": fails closed. SECRET_KEY and ALLOWED_HOSTS must be given, DEBUG must be off,
  and the HTTPS-only cookie and header settings are on.

Every variable is listed with its default in the README.
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}"
    )
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production")

DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))


def _make_data_dir() -> None:
    """DATA_DIR holds the database, the key and mail with reset links: owner-only (0700)."""
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = DATA_DIR.stat()
    # One an earlier version made 0755 is tightened, if it is ours to change.
    if info.st_uid == os.getuid() and info.st_mode & 0o077:
        DATA_DIR.chmod(0o700)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        if PRODUCTION and (len(key) < 50 or len(set(key)) < 5):
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production")
    # Development: make one once and keep it, so sessions survive a restart.
    _make_data_dir()
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Created 0600 in one step: never readable by others, not even for a moment.
        fd = os.open(key_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_urlsafe(50))
        except BaseException:
            key_file.unlink()  # an empty key would stop every later start
            raise
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _is_loopback(host: str) -> bool:
    """Whether an ALLOWED_HOSTS entry can only be this machine (localhost, 127.0.0.0/8, [::1])."""
    name = host.strip().lower().removeprefix("[").removesuffix("]")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production")
# Development mode serving other machines would mean cookies without Secure, no HSTS and
# password-reset links printed to the log. (The test client's "testserver" is added by Django's
# test set-up after these settings load, so it never reaches this check.)
if not PRODUCTION and (remote := [host for host in ALLOWED_HOSTS if not _is_loopback(host)]):
    raise ImproperlyConfigured(
        f"ALLOWED_HOSTS names {', '.join(remote)}, not this machine: set "
        "DJANGO_ENV=production to serve other machines (development mode is for loopback only)"
    )
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
    "skillmap",
    "audits",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # High up, so even a response made by a middleware below (a bad Host's 400) carries them.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    # Pages are private and unstored unless a view says otherwise (people's ratings are on them).
    "config.middleware.PrivateByDefaultMiddleware",
    "config.middleware.NoindexTokenLinksMiddleware",
    # Before anything reads a body (CSRF, forms): a too-large one is never read.
    "config.middleware.RequestBodyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A logged-out owner following a link to their audit is asked to log in, then comes back.
    "audits.accounts.LogInToSeeMiddleware",
    "config.middleware.ErrorPageMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# One engine for the site and the admin: Django's, with its built-in partials for the htmx
# fragments ("page.html#name") and its default cached loader.
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
                # This browser's audits (for the home and start pages), the log-in link's `next`.
                "audits.context_processors.this_browser",
            ],
        },
    },
]

# Storage: SQLite under DATA_DIR unless DATABASE_URL names another database.
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 600)
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        DATABASES = {
            "default": dj_database_url.parse(
                DATABASE_URL,
                conn_max_age=CONN_MAX_AGE,
                conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
            )
        }
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
else:
    _make_data_dir()
    DATABASES = {
        "default": {
            # Django's SQLite backend, creating the database file 0600 (config/sqlite/).
            "ENGINE": "config.sqlite",
            "NAME": str(DATA_DIR / "skillmap.sqlite3"),
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # A web server's SQLite: readers never block the writer (WAL), a write
                # transaction takes the lock up front (IMMEDIATE) so it cannot deadlock on
                # upgrade, and a busy writer is waited for rather than failing at once.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_NAME") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "map" holds fragments drawn from the map alone (the anonymous map pages, a question's radios),
# keyed by the map's content digest, so a new map misses them. Always this process's memory:
# a page reads dozens of them, too many for a round trip each. (The map's own values are kept
# by skillmap.guide's function cache, not here.)
MAP_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "skillmap-map",
    "TIMEOUT": None,
    # Per map content: the map pages and the fragments drawn from it (a question's radios in
    # six states, the map pages' content for signed-in visitors): about 100 entries.
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "map": MAP_CACHE,
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "map": MAP_CACHE,
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login brute force (the site's login and the admin's): ten failures for one username from one
# address lock that pair out for an hour; a success clears the count.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The address lock-outs are keyed on is the one the rate limits use (the client behind
# TRUSTED_PROXY_COUNT proxies, an IPv6 client's /64), not axes' own REMOTE_ADDR.
AXES_CLIENT_IP_CALLABLE = "audits.ratelimit.client_ip"
# Behind N reverse proxies that append to X-Forwarded-For, the client is the Nth address from
# the right; 0 (the default) trusts only the socket's peer address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "audits:history"
LOGOUT_REDIRECT_URL = "skillmap:home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and DEBUG serve from the finders; a deployed app serves the collected, hashed files.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Requests: a whole audit form is a few kilobytes; a form over 64 KiB is refused with a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 64 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
# Any body over this is refused with a 413 from its Content-Length, before it is read
# (config.middleware.RequestBodyMiddleware).
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_BYTES", 1024 * 1024)
if MAX_REQUEST_BODY_BYTES < 1:
    raise ImproperlyConfigured("MAX_REQUEST_BODY_BYTES must be a positive number of bytes")

# Per-client limits on writes (audits/ratelimit.py): "count/period", period s, m, h or d.
RATE_LIMIT_ENABLED = env_bool("RATE_LIMIT_ENABLED", True)
RATE_LIMITS = {
    "save": os.environ.get("RATE_LIMIT_SAVE", "120/m"),  # rating saves, target changes
    "start": os.environ.get("RATE_LIMIT_START", "30/h"),  # new audits, copies, completions
    "signup": os.environ.get("RATE_LIMIT_SIGNUP", "10/h"),
    "password_reset": os.environ.get("RATE_LIMIT_PASSWORD_RESET", "5/h"),
    # Log-in attempts from one client across all usernames (the site's and the admin's); the
    # lock-out above is per username.
    "login": os.environ.get("RATE_LIMIT_LOGIN", "20/h"),
    # Links followed from outside the site: the re-audit calendar file and unsubscribe links.
    "links": os.environ.get("RATE_LIMIT_LINKS", "30/h"),
    # New share links and rate-me links; revoking and deleting count as saves.
    "share": os.environ.get("RATE_LIMIT_SHARE", "20/h"),
    # Outside ratings submitted through rate-me links, per client.
    "outside": os.environ.get("RATE_LIMIT_OUTSIDE", "10/h"),
    # New cohorts and new invitation links; joining a cohort through an invitation.
    "cohort": os.environ.get("RATE_LIMIT_COHORT", "10/h"),
    "cohort_join": os.environ.get("RATE_LIMIT_COHORT_JOIN", "20/h"),
}

# Security headers, on in every mode; the HTTPS-only ones in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Features no page uses, refused outright (Permissions-Policy: camera=(), …).
PERMISSIONS_POLICY = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
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
]
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "manifest-src": [CSP.SELF],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000)  # two years
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (see the README).
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Mail (password resets). Django 6.1's MAILERS: printed to the console by default, written to
# files under DATA_DIR/mail, or sent over SMTP, chosen by MAIL_BACKEND.
MAILERS: dict[str, dict[str, Any]]
MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp" if PRODUCTION else "console")
if MAIL_BACKEND == "console":
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
elif MAIL_BACKEND == "file":
    MAILERS = {
        "default": {
            # Django's, with the folder 0700 and its files 0600 (config/mail.py).
            "BACKEND": "config.mail.PrivateFileEmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "mail")},
        }
    }
elif MAIL_BACKEND == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("SMTP_HOST", "localhost"),
                "port": env_int("SMTP_PORT", 587),
                "username": os.environ.get("SMTP_USERNAME", ""),
                "password": os.environ.get("SMTP_PASSWORD", ""),
                "use_tls": env_bool("SMTP_USE_TLS", True),
                "timeout": env_int("SMTP_TIMEOUT", 10),
            },
        }
    }
else:
    raise ImproperlyConfigured(
        f"MAIL_BACKEND must be 'console', 'file' or 'smtp', not {MAIL_BACKEND!r}"
    )
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Skills Map <noreply@localhost>")
# The site's own address, for links in mail sent outside a request (re-audit reminders).
# In development it follows PORT, the port `make run` serves on.
SITE_URL = os.environ.get(
    "SITE_URL", "" if PRODUCTION else f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Live share, rate-me, unsubscribe and reset tokens never reach a log (config/logs.py).
    "filters": {"redact_tokens": {"()": "config.logs.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
