"""Steps: the map's concrete things to do per skill, seeded, edited in the admin, frozen in maps."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.test import Client

from skillmap.guide import build_map, current_guide
from skillmap.models import MapRevision, Skill, Step
from skillmap.values import SkillMap

pytestmark = pytest.mark.django_db

content = importlib.import_module("skillmap.migrations.0007_step_content")
revised = importlib.import_module("skillmap.migrations.0010_literacy_and_step_tracks_content")
SEEDED = 114  # 73 first seeded (0007), revised and joined by 41 (0009)


def test_every_skill_has_at_least_three_seeded_steps() -> None:
    for skill in Skill.objects.all():
        assert skill.steps.count() >= 3, skill.slug
    assert Step.objects.count() == SEEDED


def test_seeded_steps_are_the_apps_own_words_with_https_links_or_none() -> None:
    for step in Step.objects.all():
        assert step.title and step.done_when
        assert step.kind in Step.Kind.values
        assert step.hours >= 1
        assert step.url == "" or step.url.startswith("https://"), step.url
    # The two links the content review doubted are replaced by its fallbacks.
    urls = set(Step.objects.values_list("url", flat=True))
    assert "https://doi.org/10.1145/1273445.1273458" in urls
    assert not any("ccr.sigcomm.org" in u or "openphilanthropy.org" in u for u in urls)


@pytest.mark.parametrize(
    "fields",
    [
        {"hours": 0},
        {"min_rating": 0},
        {"max_rating": 6},
        {"min_rating": 4, "max_rating": 2},
    ],
    ids=["no hours", "rating 0", "rating 6", "range backwards"],
)
def test_the_database_refuses_bad_steps(fields: dict[str, int]) -> None:
    skill = Skill.objects.get(slug="reading-papers")
    with pytest.raises(IntegrityError), transaction.atomic():
        Step.objects.create(
            skill=skill,
            title="Do a thing",
            done_when="It is done.",
            kind="build",
            hours=fields.pop("hours", 1),
            position=99,
            **fields,
        )


def test_one_step_per_position_of_a_skill() -> None:
    step = Step.objects.filter(skill__slug="reading-papers").first()
    assert step is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Step.objects.create(
            skill=step.skill, title="x", done_when="y", kind="read", hours=1, position=step.position
        )


def test_steps_are_in_the_map_with_their_rating_ranges() -> None:
    skill_map = build_map()
    assert len(skill_map.steps) == SEEDED
    papers = skill_map.steps_for("reading-papers")
    assert [s.position for s in papers] == sorted(s.position for s in papers)
    first = papers[0]
    assert (first.min_rating, first.max_rating) == (1, 2)
    assert first.suits(2) and not first.suits(3)
    assert skill_map.step(first.id) == first


def test_the_map_round_trips_with_its_steps_and_older_maps_have_none() -> None:
    skill_map = current_guide().map
    assert SkillMap.from_dict(skill_map.to_dict()) == skill_map
    older = skill_map.to_dict()
    del older["steps"]
    assert SkillMap.from_dict(older).steps == ()


def _steps_as_seeded() -> list[tuple[Any, ...]]:
    return list(
        Step.objects.order_by("skill__slug", "position").values_list(
            "skill__slug", "position", "title", "done_when", "hours", "url", "needs_gpu", "weekly"
        )
    )


def _tracks_as_seeded() -> dict[tuple[str, int], set[str]]:
    served: dict[tuple[str, int], set[str]] = {}
    for skill, position, track in Step.tracks.through.objects.values_list(
        "step__skill__slug", "step__position", "track__slug"
    ):
        served.setdefault((skill, position), set()).add(track)
    return served


EDITOR: Any = type("Editor", (), {"connection": connection})()


def test_the_data_migrations_add_the_steps_to_a_map_seeded_before_them() -> None:
    seeded, served = _steps_as_seeded(), _tracks_as_seeded()
    Step.objects.all().delete()
    before = MapRevision.current_state()[0]

    content.forwards(apps, EDITOR)
    content.forwards(apps, EDITOR)  # again: nothing doubled
    assert Step.objects.count() == 73
    revised.forwards(apps, EDITOR)
    revised.forwards(apps, EDITOR)  # again: nothing moved or doubled

    assert MapRevision.current_state()[0] == before + 4
    # Exactly the seed's steps, in the seed's places, serving the seed's tracks.
    assert _steps_as_seeded() == seeded
    assert _tracks_as_seeded() == served
    for skill in Skill.objects.all():
        assert skill.steps.count() >= 3


def test_the_revision_keeps_a_step_staff_have_edited_and_one_they_added() -> None:
    Step.objects.all().delete()
    content.forwards(apps, EDITOR)
    edited = Step.objects.get(skill__slug="reading-papers", position=3)  # the reading log
    Step.objects.filter(pk=edited.pk).update(title="Staff's own title")
    added = Step.objects.create(
        skill=edited.skill,
        position=7,
        title="Staff's own step",
        done_when="x",
        kind="read",
        hours=1,
    )

    revised.forwards(apps, EDITOR)

    edited.refresh_from_db()
    assert edited.title == "Staff's own title"
    # It still moves to its new place and gets its tracks (none: it serves every track).
    assert edited.position == 5 and edited.weekly == 4
    added.refresh_from_db()
    assert added.position == edited.skill.steps.count()  # after every seeded one
    assert Step.objects.count() == SEEDED + 1


def test_track_editors_edit_steps_inline_on_the_skill(editor: User, editor_client: Client) -> None:
    skill = Skill.objects.get(slug="reading-papers")
    assert editor.has_perm("skillmap.change_step")
    html = editor_client.get(f"/admin/skillmap/skill/{skill.pk}/change/").content.decode()
    assert 'id="steps-group"' in html
    assert "Read Keshav" in html
