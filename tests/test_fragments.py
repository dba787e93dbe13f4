"""What the signed-in pages keep in the map's cache is drawn from the map alone: a question's
radios (keyed by the map's digest, the skill and the chosen number) and the content of the map
pages. Each visitor still sees their own choices, notes, messages and nav, and a change to the
map shows at once, because the digest in every key changes with it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client

from skillmap.guide import current_guide
from skillmap.models import MapRevision, SkillLevel, Track
from tests.conftest import MakeAudit

pytestmark = pytest.mark.django_db

SKILL = "reading-papers"


def checked(html: str, skill: str = SKILL) -> list[str]:
    """The values of the checked radios of one question."""
    return re.findall(rf'name="rating-{skill}" value="(\d)" id="[^"]+" checked', html)


def fragment_keys(prefix: str) -> list[str]:
    return [k for k in caches["map"]._cache if prefix in k]  # type: ignore[attr-defined]


def test_each_person_sees_their_own_choice_and_note(
    owner_client: Client, other_client: Client, owner: User, other_user: User, make_audit: MakeAudit
) -> None:
    mine = make_audit(owner=owner)
    theirs = make_audit(owner=other_user)
    skill_id = current_guide().map.skill(SKILL).id  # type: ignore[union-attr]
    mine.save_ratings({skill_id: (2, "my own note")})
    theirs.save_ratings({skill_id: (4, "")})

    first = owner_client.get(mine.get_absolute_url()).content.decode()
    second = other_client.get(theirs.get_absolute_url()).content.decode()
    again = owner_client.get(mine.get_absolute_url()).content.decode()

    assert fragment_keys(":reading-papers:"), "the radios were drawn into the map's cache"
    assert checked(first) == ["2"] and checked(again) == ["2"]
    assert checked(second) == ["4"]
    assert "my own note" in first and "my own note" not in second
    # An unrated question has nothing checked, whoever drew its radios first.
    assert checked(first, "python-and-pytorch") == checked(second, "python-and-pytorch") == []


def test_a_refused_post_checks_nothing_it_cannot_name(
    owner_client: Client, owner: User, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    response = owner_client.post(audit.get_absolute_url(), {f"rating-{SKILL}": "9"})
    assert response.status_code == 400
    assert checked(response.content.decode()) == []


def test_a_new_description_shows_at_once(
    owner_client: Client, owner: User, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    assert owner_client.get(audit.get_absolute_url()).status_code == 200
    level = SkillLevel.objects.get(skill__slug=SKILL, rating=3)
    level.description = "Reads a methods section and reproduces its table"
    level.save()
    MapRevision.bump()  # as the admin's save does

    html = owner_client.get(audit.get_absolute_url()).content.decode()
    assert "Reads a methods section and reproduces its table" in html


@pytest.mark.parametrize("path", ["/", "/tracks/research-engineer/"])
def test_signed_in_map_pages_keep_each_visitors_own_parts(
    path: str, owner_client: Client, other_client: Client, owner: User, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    owner_client.post(audit.get_absolute_url(), {f"rating-{SKILL}": "3"})  # leaves a message
    first = owner_client.get(path).content.decode()
    second = other_client.get(path).content.decode()

    assert fragment_keys("template.cache.map-"), "the map's part was kept for everyone"
    assert "Your audits" in first and "Your audits" in second  # each their own signed-in nav
    assert "Your ratings are saved." in first and "Your ratings are saved." not in second
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', h) for h in (first, second)]
    assert all(tokens) and tokens[0].group(1) != tokens[1].group(1)  # type: ignore[union-attr]
    anonymous = Client().get(path).content.decode()
    assert "Log in" in anonymous and "Your audits" not in anonymous


@pytest.mark.parametrize("path", ["/", "/tracks/research-engineer/"])
def test_a_renamed_track_shows_at_once_when_signed_in(path: str, owner_client: Client) -> None:
    assert "Research Engineer" in owner_client.get(path).content.decode()
    track = Track.objects.get(slug="research-engineer")
    track.name = "Research Engineering, renamed"
    track.save()
    MapRevision.bump()

    assert "Research Engineering, renamed" in owner_client.get(path).content.decode()
