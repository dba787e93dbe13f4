#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def _first_line(exc: BaseException) -> str:
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), repr(exc))


def ensure_database() -> None:
    """Before `migrate` on PostgreSQL: create the database DATABASE_URL names if the server has
    none by that name yet, or stop in one line that says how to create it."""
    from django.db import DatabaseError, OperationalError, connection

    if connection.vendor != "postgresql":
        return
    name = connection.settings_dict["NAME"]
    try:
        connection.ensure_connection()
        return
    except OperationalError as exc:
        if f'database "{name}" does not exist' not in str(exc):
            raise  # the server is down, or refuses us: reported in one line by main()
    try:
        # Django's own way in without the database: the server's "postgres" database.
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    except DatabaseError as exc:
        where = connection.settings_dict
        command = " ".join(
            part
            for part in (
                "createdb",
                f"-h {where['HOST']}" if where.get("HOST") else "",
                f"-p {where['PORT']}" if where.get("PORT") else "",
                f"-U {where['USER']}" if where.get("USER") else "",
                name,
            )
            if part
        )
        sys.exit(
            f'skillmap: database error: the database "{name}" does not exist and could not be '
            f"created ({_first_line(exc)}); create it with `{command}`, then run this again"
        )
    print(f'skillmap: created the PostgreSQL database "{name}"', file=sys.stderr)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        settings.SECRET_KEY  # noqa: B018 - load settings now, to report bad config in one line
    except ImproperlyConfigured as exc:
        sys.exit(f"skillmap: configuration error: {exc}")
    import django
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    # A database that is missing or out of reach is one line, like a bad setting, not a
    # traceback of the driver's internals.
    try:
        if sys.argv[1:2] == ["migrate"]:
            django.setup()
            ensure_database()
        execute_from_command_line(sys.argv)
    except OperationalError as exc:
        sys.exit(f"skillmap: database error: {_first_line(exc)}")


if __name__ == "__main__":
    main()
