"""A completed audit whose target's requirements changed says so, and can be re-scored."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from skillmap.models import Level, MapRevision, Requirement, Track
from tests.conftest import ALL_FOUR

pytestmark = pytest.mark.django_db


def results(client: Client, audit, query: str = "") -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/audits/{audit.public_id}/results/{query}")
    assert response.status_code == 200
    return response.content.decode()


def compare_rows(html: str) -> dict[str, list[str]]:
    table = html.split('<table class="compare-table">')[1].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        cells = [
            re.sub(r"\s+", " ", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def test_an_unchanged_map_says_nothing(owner: User, owner_client: Client, make_audit) -> None:  # type: ignore[no-untyped-def]
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    Track.objects.filter(slug="policy-and-governance").update(name="Policy")  # another track
    MapRevision.bump()
    html = results(owner_client, audit)
    assert "The map has changed since this audit" not in html
    assert "against=today" not in html


def test_a_changed_target_is_flagged_and_rescored_on_request(
    owner: User,
    owner_client: Client,
    make_audit,  # type: ignore[no-untyped-def]
) -> None:
    # Research Scientist, Research "Very high" (5); reading-papers rated 2: a gap of 3.
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    cell = Requirement.objects.get(track__slug="research-scientist", bucket__slug="research")
    cell.label = "Medium"
    cell.level = Level.objects.get(slug="medium")
    cell.save()
    MapRevision.bump()

    html = results(owner_client, audit)
    assert "The map has changed since this audit" in html
    assert f'href="/audits/{audit.public_id}/results/?against=today"' in html
    assert "Gap of 3: this is your six-week focus." in html  # as it was scored
    assert "compare-table" not in html

    html = results(owner_client, audit, "?against=today")
    rows = compare_rows(html)
    assert rows["Research Skills"] == ["Very high (5)", "3", "Medium (3)", "1"]
    # Technical at its weakest question (transformers, 3) against High (4), then and now.
    assert rows["Technical Skills"] == ["High (4)", "1", "High (4)", "1"]
    assert rows["Domain knowledge"] == ["Math, heavy (4)", "1", "Math, heavy (4)", "1"]
    assert "Against today’s map, Research Scientist ranks" in html
    assert "Gap of 3: this is your six-week focus." in html  # the original stays


def test_a_target_no_longer_on_the_map_is_explained(
    owner: User,
    owner_client: Client,
    make_audit,  # type: ignore[no-untyped-def]
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    Track.objects.filter(slug="research-scientist").update(slug="scientist")
    MapRevision.bump()
    html = results(owner_client, audit, "?against=today")
    assert "Research Scientist is no longer on the map" in html
    assert "Gap of 3: this is your six-week focus." in html


def test_another_user_cannot_see_the_comparison(
    owner: User,
    other_client: Client,
    make_audit,  # type: ignore[no-untyped-def]
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    response = other_client.get(f"/audits/{audit.public_id}/results/?against=today")
    assert response.status_code == 404
