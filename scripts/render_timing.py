"""How long the busiest signed-in pages take inside one process, without a server or network.

`.venv/bin/python scripts/render_timing.py [--iterations 300]` makes a throwaway SQLite database
(migrated and seeded) in a temporary DATA_DIR, signs a user in with Django's test client, and
requests the audit form, an htmx rating save and the results page many times each. It prints,
in milliseconds, the wall-clock median, 10th and 90th percentile, the median CPU time of the
process, and each page's size. Settings are the development defaults with DEBUG off, so the
template engine runs as in production (its cached loader, no debug annotations); static URLs
are unhashed, as in the tests. Run it from two checkouts to compare them on one machine;
`--dump DIR` writes each page's HTML there, to diff one checkout's pages against another's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATED_SKILL = "python-and-pytorch"
TRACK = "research-scientist"


def timed(call: Callable[[], Any], iterations: int, warmup: int) -> tuple[list[float], list[float]]:
    """Milliseconds per call, wall-clock and this process's CPU time, after `warmup` calls that
    are not counted. CPU time leaves out the time other processes had the core (the machine
    may be busy), so it compares two runs more steadily than the wall clock."""
    for _ in range(warmup):
        call()
    wall, cpu = [], []
    for _ in range(iterations):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--dump", type=Path, help="write each page's HTML to this directory")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="render-timing-")
    try:
        measure(args, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def measure(args: argparse.Namespace, data_dir: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATA_DIR=data_dir,
        STATIC_ROOT=data_dir,  # nothing collected: static URLs come from the finders
        DEBUG="false",
        RATE_LIMIT_ENABLED="false",  # hundreds of saves a minute from one account
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    # Static URLs from the finders, as in the tests: nothing has been collected.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from audits.models import Audit, Rating
    from skillmap.guide import current_guide
    from skillmap.models import Skill, Track

    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0)
    user = User.objects.create_user("timing", password="timing-password-123")

    def rated_audit() -> Audit:
        audit = Audit.objects.create(owner=user, track=Track.objects.get(slug=TRACK))
        for index, skill in enumerate(Skill.objects.order_by("position", "id")):
            Rating.objects.create(audit=audit, skill=skill, value=index % 5 + 1)
        return audit

    in_progress = rated_audit()
    completed = rated_audit()
    completed.complete(current_guide())

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    form_url = in_progress.get_absolute_url()
    results_url = f"/audits/{completed.public_id}/results/"
    saves = iter(range(10**9))

    def get(url: str) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return call

    def save() -> Any:
        # Encoded as a browser encodes a form (htmx sends no multipart bodies).
        response = client.post(
            form_url,
            f"rating-{RATED_SKILL}={next(saves) % 5 + 1}",
            content_type="application/x-www-form-urlencoded",
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200, response.status_code
        return response

    pages = {
        "audit form GET": get(form_url),
        "rating save (htmx)": save,
        "results GET": get(results_url),
    }
    engine = settings.TEMPLATES[0]["BACKEND"].rsplit(".", 1)[-1]
    print(f"{ROOT} (site templates: {engine}), {args.iterations} iterations each, in ms")
    print(f"{'page':<22}{'median':>8}{'p10':>8}{'p90':>8}{'cpu med':>9}{'bytes':>9}")
    for name, call in pages.items():
        wall, cpu = timed(call, args.iterations, args.warmup)
        wall.sort()
        body = call().content
        p10, p90 = wall[len(wall) // 10], wall[len(wall) * 9 // 10]
        median, cpu_median = statistics.median(wall), statistics.median(cpu)
        print(f"{name:<22}{median:>8.2f}{p10:>8.2f}{p90:>8.2f}{cpu_median:>9.2f}{len(body):>9}")
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            (args.dump / (name.split()[0] + "-" + name.split()[1] + ".html")).write_bytes(body)


if __name__ == "__main__":
    main()
