"""A completed audit's snapshot: one owner writes it (Audit.complete), one reads it
(Audit.taken); the map in it is stored once per distinct content and shared."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum, TextField
from django.db.models.functions import Cast, Length
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from audits.models import Audit
from skillmap import values
from skillmap.guide import Guide, current_guide
from skillmap.models import MapSnapshot
from tests.conftest import ALL_FOUR, MakeAudit, fresh_process
from tests.synthesize import synthesize
from tests.test_scoring import skill_maps

migration = importlib.import_module("audits.migrations.0007_one_map_snapshot_per_content")

ratings_strategy = st.dictionaries(st.sampled_from(list(ALL_FOUR)), st.integers(1, 5))
notes_strategy = st.dictionaries(st.sampled_from(list(ALL_FOUR)), st.text(max_size=30))


@settings(max_examples=200, deadline=None)
@given(
    skill_map=skill_maps(),
    ratings=ratings_strategy,
    notes=notes_strategy,
    honest=st.text(max_size=40),
)
def test_old_and_new_style_snapshots_read_the_same(
    skill_map: values.SkillMap, ratings: dict[str, int], notes: dict[str, str], honest: str
) -> None:
    track = skill_map.tracks[0].slug if skill_map.tracks else "gone"
    # Old style: the whole map inside each audit's snapshot, as JSON stored it.
    legacy = json.loads(
        json.dumps(
            {
                "map": skill_map.to_dict(),
                "revision": 3,
                "honest_point": honest,
                "track": track,
                "ratings": ratings,
                "notes": {slug: note for slug, note in notes.items() if note},
            }
        )
    )
    content, own = migration.split_legacy(legacy)

    # What the migration makes of it is what Audit.complete writes for the same audit today.
    guide = Guide(map=skill_map, passages={"honest_point": honest}, revision=3)
    assert json.loads(json.dumps(guide.content())) == content
    assert Audit.own_snapshot(track, ratings, notes) == own
    assert migration.digest_of(content) == MapSnapshot.digest_of(content)

    # And it reads back exactly as the old snapshot read: the same values, the same scores.
    snapshot = MapSnapshot(content=content, digest=MapSnapshot.digest_of(content))
    migrated = Audit(snapshot=own, map_snapshot=snapshot)
    taken = migrated.taken()
    assert taken.guide.map == values.SkillMap.from_dict(legacy["map"])
    assert taken.guide.passages.get("honest_point", "") == legacy["honest_point"]
    assert (taken.track, taken.ratings, taken.notes) == (
        legacy["track"],
        legacy["ratings"],
        legacy["notes"],
    )


@pytest.mark.django_db
def test_audits_completed_against_the_same_map_share_one_copy(
    make_audit: MakeAudit,
) -> None:
    first = make_audit(ratings=ALL_FOUR, complete=True)
    second = make_audit(track="interpretability", ratings=ALL_FOUR, complete=True)
    assert first.map_snapshot_id == second.map_snapshot_id
    assert MapSnapshot.objects.count() == 1
    stored = MapSnapshot.objects.get()
    assert stored.digest == MapSnapshot.digest_of(stored.content) == current_guide().digest


@pytest.mark.django_db
def test_stored_bytes_per_completed_audit(capsys: Any) -> None:
    """On `synthesize` data: the bytes a completed audit stores (its own snapshot and summary,
    and its share of the map snapshots), against a full copy of the map in each."""
    synthesize(users=200, audits=1000, seed=7)
    completed = Audit.objects.filter(completed_at__isnull=False)
    count = completed.count()

    def size(field: str) -> Any:
        return Sum(Length(Cast(field, TextField())))

    own = completed.aggregate(bytes=size("snapshot") + size("summary"))["bytes"]
    shared = MapSnapshot.objects.aggregate(bytes=size("content"))["bytes"]
    after = (own + shared) / count
    a_map_each = len(json.dumps(current_guide().content(), ensure_ascii=False)) + own / count
    with capsys.disabled():
        print(
            f"\nstored per completed audit ({count} on synthesize data): "
            f"{after:.0f} bytes; with a copy of the map each: {a_map_each:.0f} bytes"
        )
    assert after <= 1536
    assert a_map_each > 4 * after


@pytest.mark.django_db
def test_a_snapshots_content_is_read_once_per_process(
    owner: Any, owner_client: Any, make_audit: MakeAudit
) -> None:
    """Pages that read completed audits join their snapshot by name; its content is loaded only
    by a process that has not built its map yet (Audit.taken keeps it in the map's cache)."""
    first = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    second = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    pages = [
        f"/audits/{first.public_id}/results/",
        f"/audits/progress/?a={first.public_id}&b={second.public_id}",
        "/audits/export.json",
    ]

    def content_reads(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(url).status_code == 200, url
        return sum('"content"' in q["sql"] for q in captured.captured_queries)

    fresh_process()  # a fresh process
    assert content_reads(pages[0]) == 1
    assert [content_reads(url) for url in pages] == [0, 0, 0]
