"""`manage.py seed` loads the guide's map once, by natural keys, and never overwrites edits."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from skillmap.models import (
    Bucket,
    Level,
    MapRevision,
    Passage,
    Requirement,
    Skill,
    SkillLevel,
    Track,
)

pytestmark = pytest.mark.django_db

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "skills_map.json"
# The guide's map, and what Skills Map adds to measure every cell: seven questions and what each
# rating looks like for each of the twelve skills.
GUIDE_COUNTS = {
    "bucket": 4,
    "level": 5,
    "skill": 12,
    "skilllevel": 60,
    "track": 7,
    "requirement": 28,
    "passage": 5,
}


def counts() -> dict[str, int]:
    return {
        model._meta.model_name: model.objects.count()
        for model in (Bucket, Level, Skill, SkillLevel, Track, Requirement, Passage)
    }


def seed() -> str:
    out = StringIO()
    call_command("seed", stdout=out)
    return out.getvalue()


def test_seeding_an_empty_database_loads_the_guide_once() -> None:
    for model in (Requirement, Skill, Track, Bucket, Level, Passage):
        model.objects.all().delete()
    assert set(counts().values()) == {0}
    revision = MapRevision.current_state()[0]

    assert seed() == "Loaded the guide's skills map: 7 tracks, 4 buckets.\n"
    assert counts() == GUIDE_COUNTS
    assert MapRevision.current_state()[0] == revision + 1

    assert seed() == "The skills map is already in the database; nothing loaded.\n"
    assert counts() == GUIDE_COUNTS
    assert MapRevision.current_state()[0] == revision + 1


def test_seeding_again_changes_nothing() -> None:
    assert counts() == GUIDE_COUNTS
    seed()
    seed()
    assert counts() == GUIDE_COUNTS


def test_seeding_keeps_an_admin_edit() -> None:
    Requirement.objects.filter(track__slug="research-scientist", bucket__slug="domain").update(
        label="Math, very heavy"
    )
    Passage.objects.filter(slug="big_idea").update(body="An edited big idea.")
    seed()
    cell = Requirement.objects.get(track__slug="research-scientist", bucket__slug="domain")
    assert cell.label == "Math, very heavy"
    assert Passage.objects.get(slug="big_idea").body == "An edited big idea."


def _walk(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value, *(d for v in value.values() for d in _walk(v))]
    if isinstance(value, list):
        return [d for v in value for d in _walk(v)]
    return []


def test_fixture_uses_natural_keys_only() -> None:
    objects = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert all("pk" not in d for d in _walk(objects))
    by_model: dict[str, int] = {}
    for obj in objects:
        by_model[obj["model"]] = by_model.get(obj["model"], 0) + 1
    # And the steps the plans are made of: at least three for every skill.
    assert by_model.pop("skillmap.step") >= 3 * GUIDE_COUNTS["skill"]
    assert by_model == {f"skillmap.{name}": n for name, n in GUIDE_COUNTS.items()}
    requirement = next(o for o in objects if o["model"] == "skillmap.requirement")
    assert requirement["fields"]["track"] == ["research-scientist"]
    assert requirement["fields"]["bucket"] == ["technical"]
    assert requirement["fields"]["level"] == ["high"]


def test_loading_the_fixture_again_matches_rows_by_natural_key() -> None:
    ids = dict(Requirement.objects.values_list("label", "id").filter(label="Math, heavy"))
    call_command("loaddata", FIXTURE, verbosity=0)
    assert counts() == GUIDE_COUNTS
    assert dict(Requirement.objects.values_list("label", "id").filter(label="Math, heavy")) == ids
