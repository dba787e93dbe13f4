"""gunicorn settings for Skills Map (`make run`, and production)."""

import multiprocessing
import os
import sys
from typing import Any

# Fail at start with one line, not a traceback per worker, when the configuration is wrong.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
try:
    from django.conf import settings as _django_settings

    _django_settings.SECRET_KEY  # noqa: B018
except Exception as exc:  # ImproperlyConfigured, or a settings module that will not import
    sys.exit(f"skillmap: configuration error: {exc}")

wsgi_app = "config.wsgi:application"
bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
# gunicorn's logger with the tokens of share, rate-me, unsubscribe and reset links redacted.
logger_class = "config.logs.AccessLogger"
capture_output = True
# Forwarded headers are trusted only from these proxies (the README's production section).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# A forwarded scheme is trusted exactly when Django trusts it (BEHIND_TLS_PROXY in production,
# which sets SECURE_PROXY_SSL_HEADER), and only that one header. gunicorn's default trusts three
# scheme headers from any listed address, so a request that merely claimed HTTPS was treated
# as HTTPS (and got Django's HTTPS-only Referer check) with no TLS proxy declared.
_ssl_header = getattr(_django_settings, "SECURE_PROXY_SSL_HEADER", None)
secure_scheme_headers = (
    {_ssl_header[0].removeprefix("HTTP_").replace("_", "-"): _ssl_header[1]} if _ssl_header else {}
)


def when_ready(server: Any) -> None:
    """Say once, at start, when each worker counts the rate limits on its own (no Redis to
    share the counters): a client then gets up to that many times each limit."""
    workers = server.cfg.workers
    if (
        getattr(_django_settings, "PRODUCTION", False)
        and getattr(_django_settings, "RATE_LIMIT_ENABLED", False)
        and not getattr(_django_settings, "REDIS_URL", "")
        and workers > 1
    ):
        server.log.warning(
            "Rate limits are counted per worker: with %d workers and no REDIS_URL a client "
            "gets up to %d times each limit. Set REDIS_URL to count them once for all.",
            workers,
            workers,
        )
