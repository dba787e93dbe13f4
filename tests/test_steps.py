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


def test_every_skill_has_at_least_three_seeded_steps() -> None:
    for skill in Skill.objects.all():
        assert skill.steps.count() >= 3, skill.slug
    assert Step.objects.count() == 73


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
    assert len(skill_map.steps) == 73
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


def test_the_data_migration_adds_the_steps_to_a_map_seeded_before_them() -> None:
    Step.objects.all().delete()
    before = MapRevision.current_state()[0]

    class Editor:
        pass

    editor: Any = Editor()
    editor.connection = connection
    content.forwards(apps, editor)
    content.forwards(apps, editor)  # again: nothing doubled

    assert Step.objects.count() == 73
    assert MapRevision.current_state()[0] == before + 2
    for skill in Skill.objects.all():
        assert skill.steps.count() >= 3


def test_the_data_migration_keeps_a_step_staff_have_edited() -> None:
    step = Step.objects.get(skill__slug="reading-papers", position=1)
    Step.objects.filter(pk=step.pk).update(title="Staff's own title")
    editor: Any = type("Editor", (), {"connection": connection})()

    content.forwards(apps, editor)

    assert Step.objects.get(pk=step.pk).title == "Staff's own title"
    assert Step.objects.count() == 73


def test_track_editors_edit_steps_inline_on_the_skill(editor: User, editor_client: Client) -> None:
    skill = Skill.objects.get(slug="reading-papers")
    assert editor.has_perm("skillmap.change_step")
    html = editor_client.get(f"/admin/skillmap/skill/{skill.pk}/change/").content.decode()
    assert 'id="steps-group"' in html
    assert "Read Keshav" in html
