"""Settings fail closed in production, in one readable line, and pass Django's deploy checks."""

from __future__ import annotations

import os
import resource
import secrets
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PROJECT = Path(settings.BASE_DIR)


def manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY"}
        and key not in {"ALLOWED_HOSTS", "DJANGO_ENV", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environ.update(DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def production(**overrides: str) -> dict[str, str]:
    env = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48)[:64],
        "ALLOWED_HOSTS": "skills.example.org",
    }
    env.update(overrides)
    return env


def test_production_passes_the_deploy_checks(tmp_path: Path) -> None:
    env = production(SECRET_KEY=secrets.token_hex(32))
    assert len(env["SECRET_KEY"]) == 64
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("change", "mentions"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "a" * 64}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
        ({"DEBUG": "true"}, "DEBUG"),
        ({"DEBUG": "perhaps"}, "DEBUG"),
        ({"DJANGO_ENV": "staging"}, "DJANGO_ENV"),
    ],
)
def test_bad_production_settings_fail_in_one_line(
    tmp_path: Path, change: dict[str, str], mentions: str
) -> None:
    env = production()
    env.update(change)
    env = {key: value for key, value in env.items() if value}
    result = manage(tmp_path, "check", "--deploy", **env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("skillmap: configuration error: ")
    assert mentions in lines[0]
    assert result.stdout == ""


def test_missing_secret_key_in_production(tmp_path: Path) -> None:
    env = production()
    del env["SECRET_KEY"]
    result = manage(tmp_path, "check", "--deploy", **env)
    assert result.returncode == 1
    assert result.stderr == (
        "skillmap: configuration error: SECRET_KEY must be set when DJANGO_ENV=production\n"
    )


def test_missing_allowed_hosts_in_production(tmp_path: Path) -> None:
    env = production()
    del env["ALLOWED_HOSTS"]
    result = manage(tmp_path, "check", "--deploy", **env)
    assert result.returncode == 1
    assert result.stderr == (
        "skillmap: configuration error: ALLOWED_HOSTS must be set when DJANGO_ENV=production\n"
    )


def test_debug_with_production(tmp_path: Path) -> None:
    result = manage(tmp_path, "check", "--deploy", **production(DEBUG="true"))
    assert result.returncode == 1
    assert result.stderr == (
        "skillmap: configuration error: DEBUG must be off when DJANGO_ENV=production\n"
    )


@pytest.mark.parametrize(
    "hosts",
    ["skills.example.org", "127.0.0.1,skills.example.org", "*", "0.0.0.0", "192.168.1.10", "::"],
)
def test_development_mode_refuses_to_serve_other_machines(tmp_path: Path, hosts: str) -> None:
    # Not production: cookies without Secure, no HSTS, reset links printed to the log.
    result = manage(tmp_path, "check", ALLOWED_HOSTS=hosts)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("skillmap: configuration error: ALLOWED_HOSTS names ")
    assert "127.0.0.1" not in lines[0]
    assert "set DJANGO_ENV=production" in lines[0]


def test_development_mode_serves_any_name_for_this_machine(tmp_path: Path) -> None:
    hosts = "127.0.0.1,localhost,[::1],127.0.0.2,app.localhost,.localhost"
    result = manage(tmp_path, "check", ALLOWED_HOSTS=hosts)
    assert result.returncode == 0, result.stderr


def test_development_needs_no_set_up(tmp_path: Path) -> None:
    result = manage(tmp_path, "check")
    assert result.returncode == 0, result.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_data_dir_is_made_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "new" / "data"
    result = manage(data, "check")  # DATA_DIR=data, which does not exist yet
    assert result.returncode == 0, result.stderr
    assert data.stat().st_mode & 0o777 == 0o700
    assert (data / "secret_key").stat().st_mode & 0o777 == 0o600


def _no_file_writes() -> None:
    # Any write to a file fails (EFBIG): the key file can be created but not filled.
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    os.umask(0o022)


def test_the_secret_key_is_never_readable_by_others(tmp_path: Path) -> None:
    # Interrupted between creating the key file and writing it, the key must already be
    # private: it is created 0600 in one step, not written and then chmod-ed.
    environ = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    environ.update(DATA_DIR=str(tmp_path), DJANGO_ENV="development")
    environ.pop("ALLOWED_HOSTS", None)
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.SECRET_KEY"],
        cwd=PROJECT,
        env={**environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_no_file_writes,
    )
    assert result.returncode != 0  # it could not write the key
    key = tmp_path / "secret_key"
    assert not key.exists() or key.stat().st_mode & 0o777 == 0o600
    assert not key.exists(), "an empty key file would stop every later start"


@pytest.mark.parametrize(("value", "expected"), [(None, True), ("false", False)])
def test_postgresql_connections_are_health_checked_unless_turned_off(
    tmp_path: Path, value: str | None, expected: bool
) -> None:
    env = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"}
    if value is not None:
        env["CONN_HEALTH_CHECKS"] = value
    code = (
        "from django.conf import settings as s; print(s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    result = manage(tmp_path, "shell", "--no-imports", "--command", code, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(expected)
