"""Steps name the tracks they serve: stored, edited in their own admin page, carried into the
map's values and snapshots (older snapshots read as "every track"), and every link reviewed."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from audits.models import Audit
from skillmap.guide import build_map, current_guide
from skillmap.models import MapRevision, Skill, Step, Track
from skillmap.values import SkillMap
from skillmap.values import Step as StepValue
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db

REVISED = importlib.import_module("skillmap.migrations.0010_literacy_and_step_tracks_content")
CHANGELIST = "/admin/skillmap/step/"
CHECKED_LINKS = Path(__file__).parent / "data" / "checked_links.txt"
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "skills_map.json"


def _step(**fields: Any) -> StepValue:
    return StepValue(
        **{
            "id": 1,
            "skill": "reading-papers",
            "title": "Read",
            "done_when": "Read.",
            "kind": "read",
            "hours": 1,
            "position": 1,
            **fields,
        }
    )


# --- The values ------------------------------------------------------------------------------


def test_a_step_naming_no_track_serves_every_track() -> None:
    assert _step().serves("policy-and-governance")
    named = _step(tracks=("policy-and-governance", "field-building-and-comms"))
    assert named.serves("policy-and-governance")
    assert named.serves("field-building-and-comms")
    assert not named.serves("research-engineer")


@pytest.mark.parametrize(
    ("low", "high", "rating", "remedial"),
    [
        (1, 2, 3, True),
        (1, 3, 3, False),
        (None, None, 5, False),
        (3, None, 1, False),
        (1, 3, 4, True),
    ],
)
def test_a_step_is_remedial_only_for_ratings_above_its_range(
    low: int | None, high: int | None, rating: int, remedial: bool
) -> None:
    assert _step(min_rating=low, max_rating=high).remedial_for(rating) is remedial


def test_the_tracks_reach_the_map_and_round_trip_through_a_snapshot() -> None:
    step = Step.objects.get(skill__slug="reading-papers", position=1)
    step.tracks.set(Track.objects.filter(slug__in=["interpretability", "research-scientist"]))
    skill_map = build_map()
    frozen = skill_map.step(step.pk)
    assert frozen is not None
    # In the map's track order, whatever order they were ticked in.
    assert frozen.tracks == ("research-scientist", "interpretability")
    stored = json.loads(json.dumps(skill_map.to_dict()))
    assert SkillMap.from_dict(stored) == skill_map


def test_a_snapshot_stored_before_steps_named_tracks_reads_as_every_track() -> None:
    stored = json.loads(json.dumps(current_guide().map.to_dict()))
    for step in stored["steps"]:
        del step["tracks"]
    older = SkillMap.from_dict(stored)
    assert older.steps
    assert all(s.tracks == () and s.serves("policy-and-governance") for s in older.steps)


def test_a_completed_audit_keeps_its_steps_tracks_when_the_map_changes(
    owner: User, make_audit: Callable[..., Audit]
) -> None:
    skill_map = current_guide().map
    track = skill_map.track("research-scientist")
    assert track is not None
    audit = make_audit(
        owner=owner,
        ratings=dict.fromkeys((s.slug for s in skill_map.questions_for(track)), 2),
        complete=True,
    )
    step = Step.objects.get(pk=audit.plan["steps"][0]["id"])
    before = audit.taken().guide.map.step(step.pk)
    step.tracks.set([Track.objects.get(slug="policy-and-governance")])
    MapRevision.bump()

    again = Audit.objects.get(pk=audit.pk).taken().guide.map.step(step.pk)
    assert again == before
    assert current_guide().map.step(step.pk).tracks == ("policy-and-governance",)  # type: ignore[union-attr]


def test_changing_a_steps_tracks_changes_the_maps_digest() -> None:
    first = current_guide().digest
    step = Step.objects.exclude(tracks__slug="interpretability").first()
    assert step is not None
    step.tracks.add(Track.objects.get(slug="interpretability"))
    MapRevision.bump()
    assert current_guide().digest != first


# --- The admin ------------------------------------------------------------------------------


def test_the_steps_page_lists_skill_tracks_hours_and_ratings(editor_client: Client) -> None:
    step = Step.objects.get(skill__slug="reading-papers", position=1)
    step.tracks.set(Track.objects.filter(slug__in=["policy-and-governance", "interpretability"]))
    html = editor_client.get(CHANGELIST).content.decode()
    assert f"{Step.objects.count()} steps" in html
    for heading in ("Title", "Skill", "Serves", "Hours", "Ratings"):
        assert f">{heading}</a>" in html or f">{heading}</span>" in html, heading
    row = html[html.index(f'value="{step.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Reading papers" in row or step.skill.name in row
    assert "Interpretability, Policy and Governance" in row
    assert "1–2" in row
    assert "Every track" in html  # the steps that name none


def test_the_steps_page_searches_titles_and_done_when(editor_client: Client) -> None:
    step = Step.objects.get(skill__slug="reading-papers", position=1)
    Step.objects.filter(pk=step.pk).update(
        title="Read a zebra paper", done_when="You can explain the okapi result."
    )
    for word in ("zebra", "okapi"):
        html = editor_client.get(CHANGELIST, {"q": word}).content.decode()
        assert "1 step" in html and "Read a zebra paper" in html, word


def test_the_steps_page_filters_by_skill_and_by_track_served(editor_client: Client) -> None:
    papers = Skill.objects.get(slug="reading-papers")
    policy = Track.objects.get(slug="policy-and-governance")
    named = Step.objects.get(skill=papers, position=1)
    named.tracks.set([policy])
    other = Step.objects.get(skill=papers, position=2)
    other.tracks.set([Track.objects.get(slug="interpretability")])
    open_to_all = Step.objects.filter(tracks__isnull=True).first()
    assert open_to_all is not None

    by_skill = editor_client.get(CHANGELIST, {"skill__id__exact": papers.pk}).content.decode()
    assert f"{papers.steps.count()} steps" in by_skill

    serving = editor_client.get(CHANGELIST, {"serves": policy.slug})
    shown = {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', serving.text)}
    assert named.pk in shown and open_to_all.pk in shown
    assert other.pk not in shown
    assert shown == set(Step.objects.serving(policy).values_list("pk", flat=True))

    every = editor_client.get(CHANGELIST, {"serves": "every"}).text
    shown = {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', every)}
    assert named.pk not in shown and open_to_all.pk in shown

    assert editor_client.get(CHANGELIST, {"serves": "no-such-track"}).status_code == 200


def test_a_track_editor_sets_a_steps_tracks_and_pages_follow_at_once(
    editor: User, editor_client: Client
) -> None:
    assert editor.has_perms(["skillmap.change_step", "skillmap.view_step"])
    step = Step.objects.filter(tracks__isnull=True).first()
    assert step is not None
    url = f"/admin/skillmap/step/{step.pk}/change/"
    data = form_data(editor_client, url, "step_form")
    assert "tracks" not in data  # none ticked: every track
    policy, fields = (
        Track.objects.get(slug=s) for s in ("policy-and-governance", "field-building-and-comms")
    )
    data["tracks"] = [str(policy.pk), str(fields.pk)]
    before = (MapRevision.current_state()[0], current_guide().digest)

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(step.tracks.values_list("slug", flat=True)) == {policy.slug, fields.slug}
    guide = current_guide()
    assert guide.revision == before[0] + 1 and guide.digest != before[1]
    frozen = guide.map.step(step.pk)
    assert frozen is not None and frozen.tracks == (policy.slug, fields.slug)


def test_the_step_form_shows_its_words_in_text_areas_with_where_they_show(
    editor_client: Client,
) -> None:
    step = Step.objects.get(skill__slug="reading-papers", position=1)
    html = editor_client.get(f"/admin/skillmap/step/{step.pk}/change/").content.decode()
    for name in ("title", "done_when"):
        match = re.search(rf'<textarea name="{name}" cols="(\d+)"', html)
        assert match and int(match.group(1)) >= 80, name
    assert "Shown as the step’s heading in a person’s six-week plan" in html
    assert "Shown under the title in the plan" in html
    # Seven tracks, each a checkbox with its own label.
    assert html.count('type="checkbox" name="tracks"') == Track.objects.count()
    assert "None ticked: every track." in html


def test_the_skills_inline_steps_have_their_tracks_too(editor_client: Client) -> None:
    skill = Skill.objects.get(slug="reading-papers")
    html = editor_client.get(f"/admin/skillmap/skill/{skill.pk}/change/").content.decode()
    assert 'name="steps-0-tracks"' in html


STEPS_CHANGELIST_QUERIES = 10


def test_the_steps_page_asks_the_same_few_questions_however_many_steps_name_tracks(
    editor_client: Client, django_assert_num_queries: Any
) -> None:
    # The session, the user, their own and their group's permissions, the skills and the tracks
    # for the filters, the count (twice: filtered and total), the steps with their skills, and
    # their tracks (one prefetch for the whole page).
    editor_client.get(CHANGELIST)  # warm: content types and the like
    with django_assert_num_queries(STEPS_CHANGELIST_QUERIES):
        assert editor_client.get(CHANGELIST).status_code == 200
    tracks = list(Track.objects.all())
    for n, step in enumerate(Step.objects.all()):
        step.tracks.set(tracks[: 1 + n % len(tracks)])
    with django_assert_num_queries(STEPS_CHANGELIST_QUERIES):
        assert editor_client.get(CHANGELIST).status_code == 200


# --- Links ----------------------------------------------------------------------------------


def _checked_links() -> dict[str, str]:
    """The links the content review opened and checked, each with its evidence note."""
    checked: dict[str, str] = {}
    for line in CHECKED_LINKS.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        url, _, evidence = line.partition(" ")
        assert evidence.strip(), f"{url}: no note of what the review found there"
        checked[url] = evidence.strip()
    return checked


def test_every_steps_link_is_one_the_review_checked() -> None:
    checked = _checked_links()
    fixture = json.loads(FIXTURE.read_text())
    in_fixture = {row["fields"]["url"] for row in fixture if row["model"] == "skillmap.step"} - {""}
    in_database = set(Step.objects.exclude(url="").values_list("url", flat=True))
    in_migration = {s["url"] for s in REVISED.STEPS} - {""}
    assert in_fixture, "the seed has no linked steps"
    assert in_migration == in_fixture
    assert not in_fixture - set(checked), "links in the seed that no review checked"
    assert not in_database - set(checked), "links in the database that no review checked"
    for url in in_fixture:
        assert url.startswith("https://"), url


STEP_CHANGE_QUERIES = 9


def test_a_steps_page_asks_a_fixed_number_of_questions(
    editor_client: Client, django_assert_num_queries: Any
) -> None:
    # The session, the user, the step with its tracks (one prefetch), their own and their
    # group's permissions, and the choices: skills, tracks, and the steps it may build on.
    step = Step.objects.filter(tracks__isnull=False).first()
    assert step is not None
    url = f"/admin/skillmap/step/{step.pk}/change/"
    editor_client.get(url)
    with django_assert_num_queries(STEP_CHANGE_QUERIES):
        assert editor_client.get(url).status_code == 200
