"""What the README's production section promises for several app servers, exercised for real:
a shared Redis for cache, sessions and rate limits, and HTTPS recognised behind a TLS proxy."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client, override_settings

from tests.conftest import PASSWORD

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parent.parent


def redis_settings() -> dict[str, Any]:
    """As settings.py sets them with REDIS_URL: the default cache in Redis, the map's own copy
    still in each process."""
    return {
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            },
            "map": settings.MAP_CACHE,
        },
        "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
    }


@pytest.mark.django_db
def test_with_redis_a_login_on_one_server_holds_on_another(owner: User) -> None:
    with override_settings(**redis_settings()):
        caches["default"].set("ping", "pong")  # a real Redis must answer, or this fails
        assert caches["default"].get("ping") == "pong"
        server_a, server_b = Client(), Client()  # two app servers: same database, same Redis
        response = server_a.post("/account/login/", {"username": "owner", "password": PASSWORD})
        assert response.status_code == 302
        cookie = server_a.cookies[settings.SESSION_COOKIE_NAME].value
        server_b.cookies[settings.SESSION_COOKIE_NAME] = cookie
        assert server_b.get("/audits/").status_code == 200  # signed in there too
        assert caches["default"].get(f"django.contrib.sessions.cached_db{cookie}") is not None
        server_b.post("/account/logout/")
        assert server_a.get("/audits/").status_code == 302  # logged out everywhere


@pytest.mark.django_db
def test_with_redis_rate_limits_are_counted_once_for_all_servers(owner: User) -> None:
    limits = {**settings.RATE_LIMITS, "signup": "2/h"}
    with override_settings(**redis_settings(), RATE_LIMITS=limits):
        statuses = []
        for n in range(3):
            server = Client(REMOTE_ADDR="203.0.113.9")  # a new server each time, one client
            form = {"username": f"new{n}", "password1": "x", "password2": "y"}
            statuses.append(server.post("/account/signup/", form).status_code)
        assert statuses == [400, 400, 429]


def _production_probe(tmp_path: Path, **env: str) -> str:
    code = (
        "from django.test import RequestFactory;"
        "r = RequestFactory().get('/', HTTP_X_FORWARDED_PROTO='https', "
        "HTTP_HOST='skillmap.example');"
        "print(r.is_secure())"
    )
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "BEHIND_TLS_PROXY"}
    }
    environ.update(
        DJANGO_ENV="production",
        SECRET_KEY="s" * 10 + uuid.uuid4().hex * 2,
        ALLOWED_HOSTS="skillmap.example",
        DATA_DIR=str(tmp_path),
        **env,
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_behind_a_tls_proxy_forwarded_https_is_trusted(tmp_path: Path) -> None:
    assert _production_probe(tmp_path, BEHIND_TLS_PROXY="true") == "True"


def test_without_the_proxy_setting_a_forwarded_header_is_ignored(tmp_path: Path) -> None:
    assert _production_probe(tmp_path) == "False"
