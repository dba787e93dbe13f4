"""Django's SQLite backend, with the database file created owner-only (0600).

The database and its -wal and -shm files hold password hashes and live session keys. SQLite
creates a new database file with the umask's mode (0644 as a rule) and gives -wal and -shm the
mode of the database file, so creating that file 0600 before SQLite first opens it keeps all
three private; a file an earlier version left open to others is tightened.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base


def make_private(path: str | Path) -> None:
    """Create `path` empty and 0600 if it is missing; tighten it, -wal and -shm if not."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        for name in (str(path), f"{path}-wal", f"{path}-shm"):
            _tighten(name)
    except FileNotFoundError:  # no such folder: SQLite says so, in its own words
        pass


def _tighten(name: str) -> None:
    try:
        info = os.stat(name)
    except FileNotFoundError:
        return
    # Only our own files: chmod on someone else's would fail, and is theirs to decide.
    if info.st_uid == os.getuid() and info.st_mode & 0o077:
        os.chmod(name, 0o600)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        name = str(conn_params["database"])
        if not self.is_in_memory_db() and not name.startswith("file:"):
            make_private(name)
        return super().get_new_connection(conn_params)
