"""Data files are private: DATA_DIR is 0700; the SQLite database, its -wal and -shm files and
every backup are 0600, even where the umask would have made them readable by anyone."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import Browser, app_server, engine, fresh_database, manage

pytestmark = pytest.mark.backup


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _ordinary_umask() -> Iterator[None]:
    # The usual 022, inherited by every subprocess: without the fix files come out 0644.
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.gunicorn
def test_database_and_backup_files_are_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with fresh_database(tmp_path, collect_static=True) as db:
        if db.sqlite_path is not None:
            # `migrate` made them (and tightened the folder fresh_database made)...
            assert (mode(data), mode(db.sqlite_path)) == (0o700, 0o600)
            # ...now as an earlier version left them: a world-readable folder and database.
            data.chmod(0o755)
            db.sqlite_path.chmod(0o644)
        with app_server(tmp_path, workers=1, db=db) as server:
            browser = Browser(server.base_url)
            audit = browser.start_audit()
            assert browser.save(audit, {"reading-papers": (3, "private note")}).status == 200
            # While the app serves, with a write done: the WAL files exist, and are private.
            if db.sqlite_path is not None:
                files = [db.sqlite_path, *(Path(f"{db.sqlite_path}-{x}") for x in ("wal", "shm"))]
                assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
                assert mode(data) == 0o700

            archive = tmp_path / ("backup.sqlite3" if engine() == "sqlite" else "backup.dump")
            manage(db.env, "backup", str(archive))
            assert mode(archive) == 0o600
            # Replacing an existing, readable file gives a private one too.
            archive.chmod(0o644)
            manage(db.env, "backup", str(archive))
            assert mode(archive) == 0o600


def test_a_database_restored_into_an_empty_data_dir_is_owner_only(tmp_path: Path) -> None:
    with fresh_database(tmp_path / "live") as db:
        archive = tmp_path / ("backup.sqlite3" if engine() == "sqlite" else "backup.dump")
        manage(db.env, "backup", str(archive))
        if db.sqlite_path is None:  # PostgreSQL keeps its own files; the archive is ours
            assert mode(archive) == 0o600
            return
        env = {**db.env, "DATA_DIR": str(tmp_path / "new" / "data")}
        manage(env, "restore", str(archive))
        assert mode(tmp_path / "new" / "data") == 0o700
        assert mode(tmp_path / "new" / "data" / "skillmap.sqlite3") == 0o600
