"""The app under gunicorn as `make run` starts it: a worker killed mid-request loses nothing
that was committed, the master replaces it, the access log goes to stdout, and a forwarded
scheme is trusted only behind a declared TLS proxy."""

from __future__ import annotations

import http.client
import os
import re
import signal
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from tests.servers import (
    BASE_DIR,
    SKILLS,
    Browser,
    Server,
    app_server,
    engine,
    fresh_database,
    write_artifact,
)

pytestmark = pytest.mark.gunicorn

WORKERS = 3
CLIENTS = 6
KILLS = 3
POSTS = 300  # per client, at most
TIME_LIMIT = 40.0


@dataclass
class Write:
    """One save a client sent, in the order it sent them, and whether it was acknowledged."""

    skill: str
    value: int
    note: str
    outcome: str  # "2xx", "no answer" (connection lost) or the status code


def wait_for_workers(server: Server, gone: int, timeout: float = 20) -> set[int]:
    """Wait until the master again has its full set of workers, without `gone`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = server.workers()
        if len(workers) == WORKERS and gone not in workers:
            return workers
        time.sleep(0.05)
    raise AssertionError(f"gunicorn did not replace worker {gone}: {server.workers()}")


def pick_busy_worker(server: Server, timeout: float = 3) -> int:
    """A worker in the middle of a request, if one can be caught within `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = server.busy_workers()
        if busy:
            return min(busy)
        time.sleep(0.005)
    return min(server.workers())


def wait_until_all_busy(server: Server, timeout: float = 10) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = server.busy_workers()
        if len(busy) == WORKERS:
            return busy
        time.sleep(0.01)
    raise AssertionError(f"only {server.busy_workers()} of {server.workers()} are busy")


def test_killed_worker_loses_no_acknowledged_write(tmp_path: Path) -> None:
    with app_server(tmp_path, workers=WORKERS) as server:
        browsers = [Browser(server.base_url, timeout=20) for _ in range(CLIENTS)]
        audits = [b.start_audit() for b in browsers]
        sent: list[list[Write]] = [[] for _ in range(CLIENTS)]
        done = [0] * CLIENTS
        stop = threading.Event()
        deadline = time.monotonic() + TIME_LIMIT

        def work(i: int) -> None:
            # Sequential within a client, so its own audit's writes have a known order.
            for n in range(POSTS):
                if stop.is_set() or time.monotonic() > deadline:
                    return
                skill = SKILLS[(n * 2 + i) % len(SKILLS)]
                write = Write(skill, (n + i) % 5 + 1, f"c{i}-w{n}", "no answer")
                try:
                    response = browsers[i].save(audits[i], {skill: (write.value, write.note)})
                    ok = response.status == 200
                    write.outcome = "2xx" if ok else str(response.status)
                except (OSError, http.client.HTTPException):
                    # The killed worker's request: reset, closed unanswered, or cut off
                    # mid-response (a bad status line); it may or may not have committed.
                    pass
                sent[i].append(write)
                done[i] += 1

        threads = [threading.Thread(target=work, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        killed: list[int] = []
        try:
            for k in range(KILLS):
                target = 30 * (k + 1)
                while sum(done) < target and time.monotonic() < deadline:
                    time.sleep(0.02)
                if k == 1:
                    # Once for certain mid-request: every worker is stuck waiting for the
                    # database (on PostgreSQL, inside its transaction) when one is killed.
                    with server.db.holding_writes():
                        caught = wait_until_all_busy(server)
                        victim = min(caught)
                        os.kill(victim, signal.SIGKILL)
                else:
                    # And at whatever point the load happens to be.
                    victim = pick_busy_worker(server)
                    os.kill(victim, signal.SIGKILL)
                killed.append(victim)
                wait_for_workers(server, gone=victim)
            # Let the replacements take some of the load before stopping.
            target = sum(done) + 30
            while sum(done) < target and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)

        writes = [w for client in sent for w in client]
        lost = [w for w in writes if w.outcome == "no answer"]
        bad = [w for w in writes if w.outcome not in {"2xx", "no answer"}]
        stored = server.db.ratings()  # fails on two rows for one (audit, skill)
        duplicates = server.db.duplicate_ratings()
        figures = {
            "database": engine(),
            "workers": WORKERS,
            "clients": CLIENTS,
            "workers_killed": len(killed),
            "requests": len(writes),
            "acknowledged": len(writes) - len(lost) - len(bad),
            "no_answer": len(lost),
            "errors": len(bad),
            "rows": len(stored),
            "duplicate_rows": len(duplicates),
        }
        print(f"\nworker killed mid-request ({engine()}): {figures}")
        write_artifact(f"gunicorn-{engine()}", "killed_worker", figures)

        assert len(killed) == KILLS
        assert not bad, [(w.note, w.outcome) for w in bad[:5]]
        # A sync worker serves one request at a time: a kill can cost at most that one, and
        # the kill made while every worker was waiting on the database cost exactly one.
        assert 1 <= len(lost) <= KILLS
        assert duplicates == []
        for i, public_id in enumerate(audits):
            for skill in SKILLS:
                mine = [w for w in sent[i] if w.skill == skill]
                acked = [n for n, w in enumerate(mine) if w.outcome == "2xx"]
                assert acked, f"client {i} never saved {skill}"
                # The last acknowledged write is stored, unless a later write that got no
                # answer was committed before its worker died; nothing older may show.
                allowed = {(w.value, w.note) for w in mine[acked[-1] :]}
                assert stored[(public_id, skill)] in allowed, (i, skill, mine[acked[-1] :])
        assert len(stored) == CLIENTS * len(SKILLS)
        # The master is still serving, with its full set of workers.
        assert Browser(server.base_url).get("/healthz").status == 200
        assert len(server.workers()) == WORKERS
        assert "database is locked" not in server.output() + server.errors()


def test_access_log_on_stdout_and_health_check(tmp_path: Path) -> None:
    # The server is started exactly as the Makefile's `run` target starts it.
    assert re.search(
        r"^\s*PORT=\$\(PORT\) \$\(VENV\)/bin/gunicorn --config gunicorn\.conf\.py\s*$",
        (BASE_DIR / "Makefile").read_text(),
        re.MULTILINE,
    )
    with app_server(tmp_path, workers=2) as server:
        health = Browser(server.base_url).get("/healthz")
        assert health.status == 200
        assert health.headers["Content-Type"] == "application/json"
        assert '"status": "ok"' in health.body
        assert Browser(server.base_url).get("/tracks/research-scientist/").status == 200

        pattern = re.compile(r'"GET /tracks/research-scientist/ HTTP/1\.[01]" 200 \d+')
        deadline = time.monotonic() + 10
        while not pattern.search(server.output()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pattern.search(server.output()), server.output()[-2000:]
        assert '"GET /healthz HTTP/1.1" 200' in server.output()
        # Access lines go to stdout; stderr is gunicorn's own log.
        assert "GET /tracks/" not in server.errors()
        assert "Booting worker" in server.errors()


def refused_post_status(server: Server, headers: dict[str, str]) -> int:
    """A POST with a valid CSRF token that the form refuses (400), sent with `headers`."""
    browser = Browser(server.base_url)
    browser.get("/audits/new/")
    # __Host-csrftoken in production, csrftoken in development.
    token = next(v for k, v in browser.cookies.items() if k.endswith("csrftoken"))
    response = browser.request(
        "POST", "/audits/new/", {"track": "no-such-track"}, {"X-CSRFToken": token, **headers}
    )
    return response.status


HTTPS = {"X-Forwarded-Proto": "https"}


def test_a_forwarded_scheme_is_trusted_only_behind_a_declared_tls_proxy(tmp_path: Path) -> None:
    # The test's requests come from 127.0.0.1, which FORWARDED_ALLOW_IPS lists by default. A
    # request gunicorn takes for HTTPS gets Django's HTTPS-only Referer check: a 403 here.
    production = {"DJANGO_ENV": "production", "SECURE_SSL_REDIRECT": "false"}
    cases = [
        ("development", {}, 400),
        ("production, no BEHIND_TLS_PROXY", production, 400),
        ("production, BEHIND_TLS_PROXY", {**production, "BEHIND_TLS_PROXY": "true"}, 403),
    ]
    seen = {}
    with fresh_database(tmp_path, collect_static=True) as db:
        for name, env, claimed_https in cases:
            with app_server(tmp_path, workers=1, db=replace(db, env={**db.env, **env})) as server:
                seen[name] = (refused_post_status(server, {}), refused_post_status(server, HTTPS))
            assert seen[name] == (400, claimed_https), (name, seen)
