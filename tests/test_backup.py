"""`manage.py backup` and `manage.py restore`: a round trip gives back every audit exactly,
they work while gunicorn is taking writes, and they fail clearly when they cannot work."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import redis
from django.core.management import CommandError, call_command
from django.db import connection

from audits.management.commands import backup as backup_command
from tests.servers import (
    SKILLS,
    Browser,
    Database,
    app_server,
    base_env,
    engine,
    fresh_database,
    manage,
    write_artifact,
)

pytestmark = pytest.mark.backup

# Run inside `manage.py shell`: the ORM, against the test's own fresh database.
DUMP = """
import datetime, json, uuid
from django.contrib.auth.models import User
from audits.models import Audit, Rating

def _plain(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()  # to the microsecond, unlike dumpdata
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(repr(value))

print("DUMP" + json.dumps({
    "users": list(User.objects.order_by("pk").values()),
    "audits": list(Audit.objects.order_by("pk").values()),
    "ratings": list(Rating.objects.order_by("pk").values()),
}, default=_plain))
"""

MAKE = (
    """
from django.contrib.auth.models import User
from skillmap.guide import current_guide
from audits.models import Audit
from skillmap.models import Skill, Track

guide = current_guide()
skill_ids = {s.slug: s.id for s in Skill.objects.all()}

def make(owner, track, ratings, complete=False):
    audit = Audit.objects.create(owner=owner, track=Track.objects.get(slug=track))
    audit.save_ratings({skill_ids[s]: (v, n) for s, (v, n) in ratings.items()})
    if complete:
        audit.complete(guide)
    return audit

alice = User.objects.create_user("alice", "alice@example.com", "correct horse 42")
bob = User.objects.create_user("bob", "", "battery staple 42")
User.objects.create_user("carol", "carol@example.com", "no audits yet 42")
full = {
    "python-and-pytorch": (4, "Shipped a training loop"),
    "deep-learning-and-transformers": (3, ""),
    "reading-papers": (2, "Slow — “abstract first”"),
    "career-and-communication": (5, ""),
    "math-you-actually-need": (3, "Linear algebra ok"),
    "experiments-and-rigour": (3, ""),
    "portfolio-and-applications": (4, "A site, two write-ups"),
}
make(alice, "research-scientist", full, complete=True)
make(alice, "research-engineer", {"reading-papers": (1, "todo"), "python-and-pytorch": (5, "")})
done = make(bob, "interpretability", {k: (6 - v, n) for k, (v, n) in full.items()}, True)
done.copy_for(bob).save_ratings({skill_ids["reading-papers"]: (4, "Better now")})
make(None, "policy-and-governance", {"career-and-communication": (2, "anonymous")})
"""
    + DUMP
)

CHANGE = (
    """
from django.contrib.auth.models import User
from audits.models import Audit, Rating
from skillmap.models import Skill, Track

User.objects.filter(username="bob").delete()
alice_open = Audit.objects.get(owner__username="alice", completed_at__isnull=True)
alice_open.save_ratings({Skill.objects.get(slug="reading-papers").id: (5, "changed")})
Audit.objects.filter(completed_at__isnull=False).update(snapshot={"tampered": True})
Rating.objects.filter(audit__owner=None).delete()
Audit.objects.create(owner=None, track=Track.objects.get(slug="research-engineer"))
"""
    + DUMP
)

WRITE_AFTER = """
from audits.models import Audit
from skillmap.models import Skill, Track
fresh = Audit.objects.create(owner=None, track=Track.objects.get(slug="interpretability"))
fresh.save_ratings({Skill.objects.get(slug="reading-papers").id: (3, "")})
print("WROTE", fresh.pk, fresh.ratings.get().pk)
"""


def shell(db: Database, script: str) -> str:
    return str(manage(db.env, "shell", "--no-imports", "--command", script).stdout)


def dump_of(output: str) -> dict[str, list[dict[str, Any]]]:
    line = next(line for line in output.splitlines() if line.startswith("DUMP"))
    return json.loads(line.removeprefix("DUMP"))


def backup_name(tmp_path: Path, name: str) -> Path:
    return tmp_path / (f"{name}.sqlite3" if engine() == "sqlite" else f"{name}.dump")


@pytest.fixture(autouse=True)
def _pg_client_tools() -> None:
    if engine() == "postgresql":
        for tool in ("pg_dump", "pg_restore"):
            assert shutil.which(tool) or Path("/usr/bin", tool).exists(), (
                f"{tool} is missing: install PostgreSQL's client tools "
                "(apt-get install postgresql-client) to test backups on PostgreSQL"
            )


def test_round_trip_gives_back_every_audit_and_rating(tmp_path: Path) -> None:
    archive = backup_name(tmp_path, "backup")
    with fresh_database(tmp_path / "live") as db:
        before = dump_of(shell(db, MAKE))
        assert [len(before[k]) for k in ("users", "audits", "ratings")] == [3, 5, 24]
        assert sum(a["snapshot"] is not None for a in before["audits"]) == 2

        result = manage(db.env, "backup", str(archive))
        assert "Backed up" in result.stdout and archive.is_file()
        size = archive.stat().st_size

        changed = dump_of(shell(db, CHANGE))
        assert changed != before

        refused = manage(db.env, "restore", str(archive), check=False)
        assert refused.returncode != 0
        assert "--yes" in refused.stderr and "2 users and 4 audits" in refused.stderr
        assert dump_of(shell(db, DUMP)) == changed  # refusing touched nothing

        restored = manage(db.env, "restore", "--yes", str(archive))
        assert "now has 5 audits" in restored.stdout
        output = shell(db, DUMP + WRITE_AFTER)
        assert dump_of(output) == before
        # New rows get new keys: the sequences came back with the data (PostgreSQL).
        new_audit, new_rating = map(int, output.split("WROTE ")[1].split())
        assert new_audit > max(a["id"] for a in before["audits"])
        assert new_rating > max(r["id"] for r in before["ratings"])

    # An empty database needs no --yes.
    with fresh_database(tmp_path / "empty") as empty:
        manage(empty.env, "restore", str(archive))
        assert dump_of(shell(empty, DUMP)) == before

    print(f"\nbackup round trip ({engine()}): {archive.name} is {size} bytes")
    write_artifact(f"backup-{engine()}", "round_trip", {"backup_bytes": size})


@pytest.mark.gunicorn
def test_backup_while_gunicorn_takes_writes(tmp_path: Path) -> None:
    with app_server(tmp_path, workers=3) as server:
        browsers = [Browser(server.base_url) for _ in range(4)]
        audits = [b.start_audit() for b in browsers]
        stop = threading.Event()
        statuses: list[int] = []
        failures: list[str] = []
        lock = threading.Lock()

        def write(index: int) -> None:
            deadline = time.monotonic() + 40
            for n in range(400):
                if stop.is_set() or time.monotonic() > deadline:
                    return
                slug = SKILLS[n % len(SKILLS)]
                try:
                    response = browsers[index].save(audits[index], {slug: (n % 5 + 1, f"w{n}")})
                except OSError as exc:
                    with lock:
                        failures.append(repr(exc))
                    continue
                with lock:
                    statuses.append(response.status)

        threads = [threading.Thread(target=write, args=(i,)) for i in range(len(browsers))]
        for thread in threads:
            thread.start()
        archives: list[Path] = []
        try:
            for round_ in range(2):
                _wait_for(lambda r=round_: len(statuses) >= 20 * (r + 1), timeout=20)
                archive = backup_name(tmp_path, f"live-{round_}")
                manage(server.env, "backup", str(archive))
                archives.append(archive)
            writes_during = len(statuses)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)

        assert not failures
        assert statuses and set(statuses) == {200}
        sizes = [a.stat().st_size for a in archives]
        for archive in archives:
            if engine() == "sqlite":
                _check_sqlite_backup(archive, audits)
            else:
                _check_pg_archive(archive)

        # Restoring is safe with the app up: it keeps serving, and serves the restored data.
        manage(server.env, "restore", "--yes", str(archives[-1]))
        if engine() == "sqlite":
            assert server.db.ratings() == Database("sqlite", {}, sqlite_path=archives[-1]).ratings()
        assert not server.db.duplicate_ratings()
        assert Browser(server.base_url).get("/healthz").status == 200
        # Every session is gone (the anonymous writers' audits went with them)...
        assert server.db.query("SELECT COUNT(*) FROM django_session") == [(0,)]
        for browser, public_id in zip(browsers, audits, strict=True):
            assert browser.save(public_id, {SKILLS[0]: (2, "after restore")}).status == 404
        # ...and new visitors write at once.
        newcomer = Browser(server.base_url)
        fresh = newcomer.start_audit()
        assert newcomer.save(fresh, {SKILLS[0]: (2, "after restore")}).status == 200
        assert server.db.ratings()[(fresh, SKILLS[0])] == (2, "after restore")
        assert "database is locked" not in server.output() + server.errors()

    print(
        f"\nbackup while serving ({engine()}): {len(statuses)} saves, "
        f"{writes_during} before the last backup finished, backups of {sizes} bytes"
    )
    write_artifact(
        f"backup-{engine()}",
        "while_serving",
        {"saves": len(statuses), "failures": len(failures), "backup_bytes": sizes},
    )


# A Redis database of its own: restore clears the whole cache, which is FLUSHDB on Redis.
RESTORE_REDIS = "redis://127.0.0.1:6379/13"
SESSIONS = """
from django.contrib.sessions.models import Session
from django.core.cache import cache
print("SESSIONS", Session.objects.count(), "CACHED", cache.get("marker"))
"""


def test_restore_asks_for_yes_over_any_user_data(tmp_path: Path) -> None:
    archive = backup_name(tmp_path, "backup")
    with fresh_database(tmp_path / "live") as db:
        manage(db.env, "backup", str(archive))  # the map, no user data
        for make, found in [
            (
                "from django.contrib.auth.models import User; User.objects.create_user('u')",
                "1 user",
            ),
            (
                "from django.contrib.auth.models import User; User.objects.all().delete();"
                "from importlib import import_module; from django.conf import settings;"
                "import_module(settings.SESSION_ENGINE).SessionStore().create()",
                "1 session",
            ),
        ]:
            shell(db, make)
            refused = manage(db.env, "restore", str(archive), check=False)
            assert refused.returncode == 1
            assert f"The database has {found};" in refused.stderr
            assert "--yes" in refused.stderr


def test_restore_clears_every_session_and_the_cache(tmp_path: Path) -> None:
    archive = backup_name(tmp_path, "backup")
    with fresh_database(tmp_path / "live") as db:
        env = {**db.env, "REDIS_URL": RESTORE_REDIS}  # cached_db sessions, a shared cache
        login = (
            "from importlib import import_module; from django.conf import settings;"
            "import_module(settings.SESSION_ENGINE).SessionStore().create()"
        )
        manage(env, "shell", "--no-imports", "--command", login)  # in the backup
        manage(env, "backup", str(archive))
        later = login + "; from django.core.cache import cache; cache.set('marker', 'stale')"
        manage(env, "shell", "--no-imports", "--command", later)  # after it
        before = manage(env, "shell", "--no-imports", "--command", SESSIONS).stdout
        assert "SESSIONS 2 CACHED stale" in before

        restored = manage(env, "restore", "--yes", str(archive))
        assert "Sessions and the cache are cleared" in restored.stdout
        after = manage(env, "shell", "--no-imports", "--command", SESSIONS).stdout
        redis.Redis.from_url(RESTORE_REDIS).flushdb()  # leave that Redis database empty
        assert "SESSIONS 0 CACHED None" in after


def _wait_for(condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the writers made no progress"
        time.sleep(0.05)


def _check_sqlite_backup(archive: Path, audits: list[str]) -> None:
    with archive.open("rb") as file:
        assert file.read(16) == b"SQLite format 3\x00"
    copy = sqlite3.connect(archive)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA foreign_key_check").fetchall() == []
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert copy.execute("SELECT COUNT(*) FROM audits_audit").fetchone() == (len(audits),)
        assert copy.execute("SELECT COUNT(*) FROM audits_rating").fetchone()[0] > 0
    finally:
        copy.close()
    assert not Path(f"{archive}-wal").exists()


def _check_pg_archive(archive: Path) -> None:
    listing = subprocess.run(
        [backup_command.pg_tool("pg_restore"), "--list", str(archive)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "TABLE DATA public audits_rating" in listing
    assert "TABLE DATA public audits_audit" in listing


# --- Failures are clear, and exit non-zero ---------------------------------------------------


def test_restore_of_a_missing_file_fails(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="There is no backup file at"):
        call_command("restore", str(tmp_path / "nope.sqlite3"), "--yes")


def test_restore_of_something_else_fails(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_text("not a backup\n" * 100)
    message = "is not an SQLite database" if engine() == "sqlite" else "pg_restore can read"
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(junk), "--yes")


def test_backup_into_a_missing_folder_fails(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "no" / "such" / "backup"))


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_other_database_engines_are_refused(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "vendor", "mysql")
    with pytest.raises(CommandError, match="SQLite and PostgreSQL; 'default' is mysql"):
        call_command(command, str(tmp_path / "backup"))


def test_missing_pg_tools_are_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(backup_command, "PG_TOOLS_DIR", tmp_path)
    with pytest.raises(CommandError, match=r"pg_dump was not found.*postgresql-client"):
        backup_command.pg_tool("pg_dump")


def test_commands_exit_non_zero_with_a_message(tmp_path: Path) -> None:
    env = base_env(tmp_path)  # SQLite under an empty DATA_DIR: no database file yet
    missing = manage(env, "backup", str(tmp_path / "b.sqlite3"), check=False)
    assert missing.returncode == 1
    assert "There is no SQLite database at" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert not (tmp_path / "b.sqlite3").exists()
    assert not (tmp_path / "data" / "skillmap.sqlite3").exists()  # and none was created
    nothing = manage(env, "restore", str(tmp_path / "b.sqlite3"), check=False)
    assert nothing.returncode == 1
    assert "There is no backup file at" in nothing.stderr
