"""`manage.py restore <path>`: put a `manage.py backup` file back, replacing everything.

SQLite: SQLite's backup API copies the file into the live database in one write transaction,
so a running app sees either the old data or the restored data, never a mixture.
PostgreSQL: `pg_restore --clean --if-exists --no-owner --single-transaction`, likewise all or
nothing. Both refuse to overwrite a database that holds any user data (users, audits or
sessions) unless given --yes. Afterwards every session is deleted and the caches cleared: the
backup's sessions would bring back log-ins ended since it was taken, and cached pages would
show the replaced data.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper

from audits.management.commands.backup import (
    SQLITE_HEADER,
    check_sqlite,
    database,
    describe_size,
    pg_connection,
    pg_tool,
    run_tool,
    sqlite_file,
)
from audits.models import Audit
from config.sqlite.base import make_private

PG_HEADER = b"PGDMP"


def audit_count(alias: str) -> int:
    """Audits in the database now; 0 if it has no audits table yet."""
    try:
        return Audit.objects.using(alias).count()
    except DatabaseError:
        return 0


def user_data(alias: str) -> str:
    """What user data the database holds now, in words ("2 users and 4 audits"); "" if none."""
    found = []
    for name, model in (("user", User), ("audit", Audit), ("session", Session)):
        try:
            count = model._default_manager.using(alias).count()
        except DatabaseError:  # no such table yet
            count = 0
        if count:
            found.append(f"{count} {name}{'s' if count != 1 else ''}")
    return " and ".join([", ".join(found[:-1]), found[-1]] if len(found) > 1 else found)


class Command(BaseCommand):
    # System checks open the database (SQLite would create an empty file); these commands
    # look before they touch it.
    requires_system_checks: list[str] = []
    help = (
        "Replace the database's contents with a file written by `manage.py backup`. Refuses, "
        "unless given --yes, when the database already holds users, audits or sessions. "
        "Afterwards all sessions are deleted and the caches cleared."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="A file written by `manage.py backup`.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Go ahead even though the database has user data; it is replaced.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Which DATABASES entry to restore."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["database"]
        connection = database(alias)
        source = Path(options["path"]).expanduser()
        if not source.is_file():
            raise CommandError(f"There is no backup file at {source}.")
        with source.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
        if connection.vendor == "sqlite":
            if header.startswith(PG_HEADER):
                raise CommandError(f"{source} is a PostgreSQL dump; this database is SQLite.")
            check_sqlite(source)
            target = sqlite_file(connection)
            existing = user_data(alias) if target.exists() else ""
        else:
            if header == SQLITE_HEADER:
                raise CommandError(f"{source} is an SQLite backup; this database is PostgreSQL.")
            self.check_archive(source)
            existing = user_data(alias)
        if existing and not options["yes"]:
            raise CommandError(
                f"The database has {existing}; restoring {source} replaces all of its data. "
                "Run again with --yes to go ahead."
            )
        # Our own connection must hold nothing while the data is replaced under it.
        connection.close()
        if connection.vendor == "sqlite":
            self.restore_sqlite(source, sqlite_file(connection))
        else:
            self.restore_postgresql(connection, source)
        connection.close()
        # Everyone signs in again: the backup's sessions may include ones ended since (a
        # log-out, a password change), and the cache holds pages of the data just replaced.
        Session.objects.using(alias).all().delete()
        for cache_alias in settings.CACHES:
            caches[cache_alias].clear()
        restored = audit_count(alias)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {source} ({describe_size(source)}): the database now has "
                f"{restored} audit{'s' if restored != 1 else ''}. Sessions and the cache are "
                "cleared, so everyone signs in again."
            )
        )

    def restore_sqlite(self, source: Path, target: Path) -> None:
        if not target.parent.is_dir():
            raise CommandError(f"Cannot restore into {target}: {target.parent} does not exist.")
        make_private(target)  # a database restored into an empty DATA_DIR is 0600 too
        try:
            reader = sqlite3.connect(source)
            # The app's workers may be writing: wait for the lock, as they wait for each other.
            writer = sqlite3.connect(target, timeout=20)
            try:
                tables = {row[0] for row in reader.execute("SELECT name FROM sqlite_master")}
                if "django_migrations" not in tables:
                    raise CommandError(f"{source} is not a backup of this app's database.")
                # One step: the live database changes in a single write transaction.
                reader.backup(writer, pages=-1)
            finally:
                writer.close()
                reader.close()
        except sqlite3.Error as exc:
            raise CommandError(f"Could not restore {source} into {target}: {exc}") from None

    def check_archive(self, source: Path) -> None:
        pg_restore = pg_tool("pg_restore")
        try:
            run_tool([pg_restore, "--list", str(source)], dict(os.environ))
        except CommandError as exc:
            raise CommandError(f"{source} is not a backup pg_restore can read: {exc}") from None

    def restore_postgresql(self, connection: BaseDatabaseWrapper, source: Path) -> None:
        args, env = pg_connection(connection)
        run_tool(
            [
                pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                # All or nothing: a failed restore leaves the database as it was, and the
                # running app never sees half-restored tables.
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(source),
            ],
            env,
        )
