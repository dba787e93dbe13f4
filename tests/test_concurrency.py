"""Twenty visitors saving ratings at once, against gunicorn with several workers.

Every save must be answered 2xx (never a 5xx, never "database is locked"), and afterwards
each (audit, skill) has exactly one rating row holding the last write for it. Each write
carries a unique note, so the row shows exactly which write it came from, not only a 1–5
value that many writes share.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.servers import SKILLS, Browser, Server, app_server, engine, write_artifact

pytestmark = pytest.mark.gunicorn

CLIENTS = 20
POSTS = 25
WORKERS = 4
TIME_LIMIT = 45.0  # seconds for the concurrent phase, whatever the machine

Ratings = dict[str, tuple[int, str]]


@dataclass
class Tally:
    """What the clients saw, shared between their threads."""

    requests: int = 0
    statuses: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def save(self, browser: Browser, public_id: str, ratings: Ratings) -> bool:
        """One save; whether it was acknowledged (2xx)."""
        with self.lock:
            self.requests += 1
        started = time.monotonic()
        try:
            response = browser.save(public_id, ratings)
        except OSError as exc:
            with self.lock:
                self.errors.append(f"{public_id}: {exc!r}")
            return False
        with self.lock:
            self.latencies.append(time.monotonic() - started)
            self.statuses.append(response.status)
            if not 200 <= response.status < 300:
                self.errors.append(f"{public_id}: {response.status} {response.body[:300]!r}")
            elif "database is locked" in response.body:
                self.errors.append(f"{public_id}: 'database is locked' in a {response.status}")
        return 200 <= response.status < 300 and "database is locked" not in response.body


def some_ratings(rng: random.Random, tag: str, always: str | None = None) -> Ratings:
    """One to five skills (`always` among them), each with a value and a note naming this write."""
    chosen = set(rng.sample(SKILLS, k=rng.randint(1, len(SKILLS))))
    if always:
        chosen.add(always)
    return {slug: (rng.randint(1, 5), f"{tag}/{slug}") for slug in chosen}


def run_clients(work: Callable[[int], None]) -> float:
    """Run `work(i)` for every client in its own thread, all released at once; seconds taken."""
    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(i,), name=f"client-{i}") for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIME_LIMIT + 30)
    assert not any(t.is_alive() for t in threads), "a client is still running"
    return time.monotonic() - started


def check_and_report(
    name: str, server: Server, tally: Tally, expected: dict[tuple[str, str], tuple[int, str]]
) -> None:
    stored = server.db.ratings()  # fails on a second row for any (audit, skill)
    duplicates = server.db.duplicate_ratings()
    log = server.output() + server.errors()
    figures = {
        "database": engine(),
        "workers": WORKERS,
        "clients": CLIENTS,
        "requests": tally.requests,
        "responses_2xx": sum(200 <= s < 300 for s in tally.statuses),
        "errors": len(tally.errors),
        "rows": len(stored),
        "expected_rows": len(expected),
        "duplicate_rows": len(duplicates),
        "latency_ms_median": round(statistics.median(tally.latencies) * 1000, 1),
        "latency_ms_max": round(max(tally.latencies) * 1000, 1),
    }
    print(f"\n{name} ({engine()}): {figures}")
    write_artifact(f"concurrency-{engine()}", name, figures)

    assert tally.errors == [], tally.errors[:5]
    assert all(200 <= s < 300 for s in tally.statuses)
    assert "database is locked" not in log
    assert "Traceback" not in log, log[-3000:]
    assert duplicates == []
    assert stored == expected


def test_twenty_clients_share_one_audit(tmp_path: Path) -> None:
    """All twenty write the same audit at once; a final serialized round fixes the outcome."""
    with app_server(tmp_path, workers=WORKERS) as server:
        first = Browser(server.base_url)
        public_id = first.start_audit()
        # The audit belongs to the first browser's session: the others carry its cookies.
        browsers = [first] + [first.sharing_cookies() for _ in range(CLIENTS - 1)]
        tally = Tally()
        barrier = threading.Barrier(CLIENTS, timeout=30)
        deadline = time.monotonic() + TIME_LIMIT

        def work(i: int) -> None:
            rng = random.Random(i)
            barrier.wait()
            for n in range(POSTS - 1):
                if time.monotonic() > deadline:
                    return
                tally.save(browsers[i], public_id, some_ratings(rng, f"c{i}-p{n}"))

        seconds = run_clients(work)

        # The last round, one client after another, so the last write of each skill is known.
        expected: dict[tuple[str, str], tuple[int, str]] = {}
        for i, browser in enumerate(browsers):
            rng = random.Random(1000 + i)
            final = some_ratings(rng, f"c{i}-final", always=SKILLS[i % len(SKILLS)])
            if tally.save(browser, public_id, final):
                expected.update({(public_id, slug): v for slug, v in final.items()})
        assert len(expected) == len(SKILLS)
        print(f"\nshared audit: concurrent phase took {seconds:.1f}s")
        check_and_report("shared_audit", server, tally, expected)


def test_twenty_clients_each_with_their_own_audit(tmp_path: Path) -> None:
    with app_server(tmp_path, workers=WORKERS) as server:
        browsers = [Browser(server.base_url) for _ in range(CLIENTS)]
        tally = Tally()
        barrier = threading.Barrier(CLIENTS, timeout=30)
        deadline = time.monotonic() + TIME_LIMIT
        expected: dict[tuple[str, str], tuple[int, str]] = {}
        audits: list[str] = [""] * CLIENTS

        def work(i: int) -> None:
            rng = random.Random(i)
            barrier.wait()
            audits[i] = public_id = browsers[i].start_audit()  # creating is a write too
            mine: dict[tuple[str, str], tuple[int, str]] = {}
            for n in range(POSTS):
                if time.monotonic() > deadline:
                    break
                ratings = some_ratings(rng, f"c{i}-p{n}")
                # One client writes its audit in order: its last acknowledged write wins.
                if tally.save(browsers[i], public_id, ratings):
                    mine.update({(public_id, slug): v for slug, v in ratings.items()})
            with tally.lock:
                expected.update(mine)

        seconds = run_clients(work)
        assert all(audits) and len(set(audits)) == CLIENTS
        print(f"\nown audits: {seconds:.1f}s")
        check_and_report("own_audits", server, tally, expected)
