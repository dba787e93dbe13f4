"""`manage.py backup <path>`: a consistent copy of the database, taken while the app runs.

SQLite is copied with SQLite's online backup API, which reads one consistent snapshot while
the app keeps writing (WAL readers never block the writer). PostgreSQL is dumped with
`pg_dump --format=custom`, which reads inside one transaction. `manage.py restore` reads both.
The backup file is created 0600, like the database it copies.
The helpers here are shared with the restore command.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient

from config.sqlite.base import make_private

ENGINES = ("sqlite", "postgresql")
SQLITE_HEADER = b"SQLite format 3\x00"
PG_TOOLS_DIR = Path("/usr/bin")


def database(alias: str) -> BaseDatabaseWrapper:
    """The connection for `alias`, if it is an engine these commands handle."""
    if alias not in connections.settings:
        raise CommandError(f"There is no database called {alias!r} in DATABASES.")
    connection = connections[alias]
    if connection.vendor not in ENGINES:
        raise CommandError(
            f"Backups work with SQLite and PostgreSQL; {alias!r} is {connection.vendor}."
        )
    return connection


def sqlite_file(connection: BaseDatabaseWrapper) -> Path:
    name = str(connection.settings_dict["NAME"] or "")
    if not name or connection.is_in_memory_db():  # type: ignore[attr-defined]
        raise CommandError(f"The SQLite database {name!r} is in memory, not in a file.")
    return Path(name)


def check_sqlite(path: Path) -> None:
    """Fail unless `path` is an intact SQLite database (header, then integrity_check)."""
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise CommandError(f"{path} is not an SQLite database.")
    try:
        check = sqlite3.connect(path)
        try:
            problems = [row[0] for row in check.execute("PRAGMA integrity_check")]
        finally:
            check.close()
    except sqlite3.Error as exc:
        raise CommandError(f"{path} cannot be read as an SQLite database: {exc}") from None
    if problems != ["ok"]:
        raise CommandError(f"{path} fails SQLite's integrity check: {'; '.join(problems[:5])}")


def pg_tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(PG_TOOLS_DIR))
    if not found:
        raise CommandError(
            f"{name} was not found on PATH or in {PG_TOOLS_DIR}. "
            "Install the PostgreSQL client tools (Debian: apt-get install postgresql-client)."
        )
    return found


def pg_connection(connection: BaseDatabaseWrapper) -> tuple[list[str], dict[str, str]]:
    """Command-line options naming the server and database, and the environment to run in.

    The password (and TLS settings) go in the environment, as libpq reads them, never on the
    command line where any user on the machine could read it from the process list.
    """
    settings_dict = connection.settings_dict
    args = ["--no-password"]
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    if settings_dict.get("NAME"):
        args += ["--dbname", str(settings_dict["NAME"])]
    # Django's own psql launcher maps PASSWORD and OPTIONS (sslmode, service, ...) to libpq's
    # variables; reuse it so these commands connect exactly as `manage.py dbshell` does.
    _, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    return args, {**os.environ, **(extra or {})}


def run_tool(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise CommandError(f"{Path(args[0]).name} failed (exit {result.returncode}): {detail}")


def partial_path(path: Path) -> Path:
    """Where a file is written before it is renamed into place, so a failure leaves none."""
    return path.with_name(f".{path.name}.partial-{os.getpid()}")


def describe_size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024:.1f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"


class Command(BaseCommand):
    # System checks open the database (SQLite would create an empty file); these commands
    # look before they touch it.
    requires_system_checks: list[str] = []
    help = (
        "Write a consistent copy of the database to PATH, safely while the app is serving. "
        "SQLite: SQLite's online backup API (the copy is itself an SQLite file). PostgreSQL: "
        "pg_dump --format=custom. Put it back with `manage.py restore PATH`."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="The file to write; replaced if it exists.")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Which DATABASES entry to copy."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        connection = database(options["database"])
        target = Path(options["path"]).expanduser()
        if target.is_dir():
            raise CommandError(f"{target} is a directory; give the backup file's name.")
        if not target.parent.is_dir():
            raise CommandError(f"Cannot write {target}: the folder {target.parent} does not exist.")
        partial = partial_path(target)
        # The copy holds password hashes and live sessions: owner-only (0600) from the start.
        partial.unlink(missing_ok=True)
        make_private(partial)
        try:
            if connection.vendor == "sqlite":
                source = self.backup_sqlite(connection, partial)
            else:
                source = self.backup_postgresql(connection, partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(
            self.style.SUCCESS(f"Backed up {source} to {target} ({describe_size(target)}).")
        )

    def backup_sqlite(self, connection: BaseDatabaseWrapper, partial: Path) -> str:
        source = sqlite_file(connection)
        if not source.is_file():
            raise CommandError(f"There is no SQLite database at {source}; nothing to back up.")
        try:
            # Opening read-write only so SQLite can use the WAL index; nothing is written.
            reader = sqlite3.connect(source, timeout=20)
            writer = sqlite3.connect(partial)
            try:
                reader.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                # pages=-1: the whole database in one step, under one read transaction, so the
                # copy is a single consistent moment however busy the app is.
                reader.backup(writer, pages=-1)
                # The copy is one self-contained file, not a WAL database needing its -wal.
                writer.execute("PRAGMA journal_mode=DELETE").fetchone()
            finally:
                writer.close()
                reader.close()
        except sqlite3.Error as exc:
            raise CommandError(f"Could not back up {source}: {exc}") from None
        check_sqlite(partial)
        return f"SQLite database {source}"

    def backup_postgresql(self, connection: BaseDatabaseWrapper, partial: Path) -> str:
        args, env = pg_connection(connection)
        run_tool([pg_tool("pg_dump"), "--format=custom", "--file", str(partial), *args], env)
        return f"PostgreSQL database {connection.settings_dict['NAME']!r}"
