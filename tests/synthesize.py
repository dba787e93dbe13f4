"""Fill the database with realistic synthetic users and audits, for benchmarks and the tests
that measure stored bytes; bench code, never loaded by the app. `make bench` runs it in the
served database through the harness (scripts/bench.py):

    manage.py shell --command "from tests.synthesize import synthesize; print(synthesize())"

It also makes one known account, BENCH_USERNAME / BENCH_PASSWORD, that the bench signs in as:
a fixed password, so only ever in a throwaway database.

Reproducible (one `random.Random(seed)` drives everything, UUIDs included) and fast: rows go in
with `bulk_create` in batches, one transaction per batch, and nothing is computed per row that
can be computed once (the password hash, the map's snapshot, each distinct summary).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import batched
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from audits import plans
from audits.models import Audit, Rating, Taken
from skillmap.guide import current_guide
from skillmap.models import MapSnapshot, Skill, Track

BENCH_USERNAME = "bench"
BENCH_PASSWORD = "bench-password-123"
USERNAME_PREFIX = "synth-"
COMPLETED_SHARE = 0.7
ANONYMOUS_SHARE = 0.1  # audits started without an account and never claimed
NOTE_SHARE = 0.15
YEAR = timedelta(days=365)
NOTES = (
    "Did the fast.ai course last spring.",
    "Shipped one model to production at work.",
    "Read the Attention paper twice; still shaky on the maths.",
    "Mentored two juniors this year.",
    "Mostly notebooks, no tests yet.",
    "Gave a talk at a local meetup.",
    "Linear algebra is fine, probability less so.",
    "Wrote a blog post reproducing a paper.",
)


def field_of(model: type[models.Model], name: str) -> Any:
    """A concrete field (not a reverse relation), by name."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


@contextmanager
def explicit_timestamps(*fields: Any) -> Iterator[None]:
    """Let bulk_create keep the timestamps we give: auto_now(_add) would stamp them all 'now'."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def synthesize(
    users: int = 10_000,
    audits: int = 50_000,
    bench_audits: int = 50,
    seed: int = 1,
    batch_size: int = 2_000,
) -> str:
    """Make `users` synthetic users and `audits` audits of theirs or anonymous (about 70%
    completed, with snapshots, summaries and plans), plus the bench user with `bench_audits`
    audits (at least 2: one in progress, one completed). Needs the map (manage.py seed) and no
    earlier synthetic data. Says what it made."""
    if users < 0 or audits < 0 or bench_audits < 2:
        raise ValueError("users and audits must be ≥ 0, bench_audits ≥ 2")
    if audits and not users:
        raise ValueError("audits need users to own them")
    User = get_user_model()
    if User.objects.filter(username=BENCH_USERNAME).exists():
        raise ValueError(f"User '{BENCH_USERNAME}' exists: synthesize into a fresh database")
    if not Track.objects.exists():
        raise ValueError("No skills map: run manage.py seed first")
    return _Synthesizer(seed, batch_size).run(users, audits, bench_audits)


class _Synthesizer:
    def __init__(self, seed: int, batch_size: int) -> None:
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.now = timezone.now()
        self.guide = current_guide()
        self.tracks = list(Track.objects.order_by("position", "id"))
        self.skills = list(Skill.objects.order_by("position", "id"))
        self.map_snapshot = MapSnapshot.objects.for_content(self.guide.content())
        self.summaries: dict[tuple[str, tuple[int, ...]], tuple[dict[str, Any], Any]] = {}

    def run(self, users: int, audits: int, bench_audits: int) -> str:
        started = time.perf_counter()
        User = get_user_model()
        owner_ids = self._make_users(users)
        bench = User.objects.create_user(BENCH_USERNAME, password=BENCH_PASSWORD)
        User.objects.filter(pk=bench.pk).update(date_joined=self.now - YEAR)
        user_seconds = time.perf_counter() - started

        # Some people audit often, most once or twice: owners drawn with a long-tailed weight.
        weights = [self.rng.paretovariate(1.5) for _ in owner_ids]
        owners: list[int | None] = []
        if owner_ids:
            owners = list(self.rng.choices(owner_ids, weights=weights, k=audits))
        owners = [None if self.rng.random() < ANONYMOUS_SHARE else o for o in owners]
        # The bench user's first audit is in progress and its second completed, whatever the
        # seed, so a benchmark always has one of each.
        plan: list[tuple[int | None, bool | None]] = [(o, None) for o in owners]
        plan += [(bench.pk, False), (bench.pk, True)]
        plan += [(bench.pk, None)] * (bench_audits - 2)
        made, completed, ratings = self._make_audits(plan)

        seconds = time.perf_counter() - started
        return (
            f"synthesize: {len(owner_ids) + 1} users ({user_seconds:.1f}s), {made} audits "
            f"({completed} completed, {bench_audits} owned by '{BENCH_USERNAME}'), "
            f"{ratings} ratings in {seconds:.1f}s"
        )

    def _summary(self, track_slug: str, values: tuple[int, ...]) -> tuple[dict[str, Any], Any]:
        """What Audit.complete stores beside the snapshot: the summary and the six-week plan."""
        # Only 5^skills rating combinations per track exist, so most summaries repeat.
        key = (track_slug, values)
        if key not in self.summaries:
            ratings = {s.slug: v for s, v in zip(self.skills, values, strict=True)}
            taken = Taken(self.guide, track_slug, ratings, {})
            summary, assessment = taken.summary(), taken.assessment()
            assert summary is not None and assessment is not None
            self.summaries[key] = (summary, plans.build(self.guide.map, assessment))
        return self.summaries[key]

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _moment(self, after: datetime | None = None) -> datetime:
        if after is None:
            return self.now - timedelta(seconds=self.rng.uniform(0, YEAR.total_seconds()))
        return min(self.now, after + timedelta(minutes=self.rng.expovariate(1 / 90)))

    def _make_users(self, count: int) -> list[int]:
        User = get_user_model()
        password = make_password(None)  # unusable, and hashed once
        users = [
            User(
                username=f"{USERNAME_PREFIX}{i:06d}",
                email=f"{USERNAME_PREFIX}{i:06d}@example.invalid",
                password=password,
                date_joined=self._moment(),
            )
            for i in range(count)
        ]
        ids: list[int] = []
        for batch in batched(users, self.batch_size):
            with transaction.atomic():
                ids += [u.pk for u in User.objects.bulk_create(batch)]
        return ids

    def _make_audits(self, plan: list[tuple[int | None, bool | None]]) -> tuple[int, int, int]:
        rng = self.rng
        track_weights = [rng.uniform(0.5, 2.0) for _ in self.tracks]
        rows: list[tuple[Audit, list[tuple[int, int, str]]]] = []
        for owner_id, want_complete in plan:
            track = rng.choices(self.tracks, weights=track_weights)[0]
            created = self._moment()
            done = rng.random() < COMPLETED_SHARE if want_complete is None else want_complete
            skill_level = rng.randint(1, 5)
            values = tuple(max(1, min(5, skill_level + rng.randint(-2, 2))) for _ in self.skills)
            notes = {s.slug: rng.choice(NOTES) for s in self.skills if rng.random() < NOTE_SHARE}
            finished = self._moment(after=created) if done else None
            audit = Audit(
                public_id=self._uuid(),
                owner_id=owner_id,
                track_id=track.pk,
                created_at=created,
                updated_at=finished or self._moment(after=created),
                completed_at=finished,
            )
            if done:
                audit.map_snapshot = self.map_snapshot
                audit.snapshot = Audit.own_snapshot(
                    track.slug,
                    {s.slug: v for s, v in zip(self.skills, values, strict=True)},
                    notes,
                )
                audit.summary, audit.plan = self._summary(track.slug, values)
            ratings = [
                (s.pk, v, notes.get(s.slug, "")) for s, v in zip(self.skills, values, strict=True)
            ]
            rows.append((audit, ratings))
        # Inserted oldest first, so ids rise with created_at as they would in real life.
        rows.sort(key=lambda row: row[0].created_at)

        timestamps = [field_of(Audit, "created_at"), field_of(Audit, "updated_at")]
        made = completed = rated = 0
        with explicit_timestamps(*timestamps):
            for batch in batched(rows, self.batch_size):
                with transaction.atomic():
                    Audit.objects.bulk_create([a for a, _ in batch])
                    rated += self._insert_ratings(batch)
                made += len(batch)
                completed += sum(1 for a, _ in batch if a.completed_at)
        return made, completed, rated

    def _insert_ratings(self, batch: tuple[tuple[Audit, list[tuple[int, int, str]]], ...]) -> int:
        """Five ratings an audit are most of the rows; a plain executemany is ~5× the ORM's speed.

        Values still go through each field's own adaptation, so this works on any backend.
        """
        fields = [field_of(Rating, name) for name in ("audit", "skill", "value", "note")]
        stamp = field_of(Rating, "updated_at")
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(Rating._meta.db_table),
            ", ".join(quote(str(f.column)) for f in [*fields, stamp]),
            ", ".join(["%s"] * (len(fields) + 1)),
        )
        params = [
            (audit.pk, skill_id, value, note, stamp.get_db_prep_save(audit.updated_at, connection))
            for audit, ratings in batch
            for skill_id, value, note in ratings
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        return len(params)
