"""The README's PostgreSQL line on a fresh machine: `migrate` (what `make run` runs first)
creates the database the URL names, or says in one line how to create it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

PROJECT = Path(settings.BASE_DIR)
# The server the suite's PostgreSQL run uses, or the README's local one.
SERVER = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres")
if not SERVER.scheme.startswith("postgres"):
    SERVER = urlsplit("postgres://postgres@127.0.0.1:5432/postgres")


def _admin_connection():  # type: ignore[no-untyped-def]
    import psycopg

    try:
        return psycopg.connect(
            host=SERVER.hostname,
            port=SERVER.port or 5432,
            user=SERVER.username or "postgres",
            password=SERVER.password,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server at {SERVER.hostname}:{SERVER.port}: {exc}")


def url(user: str, name: str) -> str:
    password = f":{SERVER.password}" if SERVER.password and user == SERVER.username else ""
    return f"postgres://{user}{password}@{SERVER.hostname}:{SERVER.port or 5432}/{name}"


def migrate(database_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
    }
    env.update(DATA_DIR=str(tmp_path), DATABASE_URL=database_url)
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def fresh_name() -> Iterator[str]:
    """A database name no server has yet; dropped afterwards if it came to exist."""
    name = f"wtux_fresh_{secrets.token_hex(4)}"
    yield name
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrate_creates_a_database_that_does_not_exist_yet(
    fresh_name: str, tmp_path: Path
) -> None:
    user = SERVER.username or "postgres"
    with _admin_connection() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [fresh_name])
        assert exists.fetchone() is None

    result = migrate(url(user, fresh_name), tmp_path)

    assert result.returncode == 0, result.stderr[-2000:]
    assert f'skillmap: created the PostgreSQL database "{fresh_name}"' in result.stderr
    assert "Traceback" not in result.stderr
    assert "Applying skillmap.0001_initial... OK" in result.stdout
    # Again, on the database that now exists: nothing to create.
    again = migrate(url(user, fresh_name), tmp_path)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "created" not in again.stderr


def test_without_the_right_to_create_it_says_how_in_one_line(
    fresh_name: str, tmp_path: Path
) -> None:
    role = f"wtux_nocreate_{secrets.token_hex(4)}"
    with _admin_connection() as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
    try:
        result = migrate(url(role, fresh_name), tmp_path)
    finally:
        with _admin_connection() as admin:
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')
    if result.returncode == 0 or "password authentication failed" in result.stderr:
        pytest.skip("this server does not let a new role log in without a password (not trust)")

    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        f'skillmap: database error: the database "{fresh_name}" does not exist and could not '
        "be created (permission denied to create database); create it with `createdb -h "
    )
    assert f"-U {role} {fresh_name}`" in lines[0]
    assert result.stdout == ""


def test_a_server_that_is_not_there_is_one_line(tmp_path: Path) -> None:
    result = migrate("postgres://postgres@127.0.0.1:1/skillmap", tmp_path)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("skillmap: database error: ")
    assert "127.0.0.1" in lines[0] and "Connection refused" in lines[0]
