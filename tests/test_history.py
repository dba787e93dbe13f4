"""A person's history of audits (/audits/), and deleting one audit."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit, Rating
from skillmap.guide import current_guide
from skillmap.models import Track
from tests.conftest import ALL_FOUR, MakeAudit, session_client_with

pytestmark = pytest.mark.django_db

# Research Scientist is hired on Research (target 5), measured by "Reading papers" alone.
GAP_OF_TWO = {**ALL_FOUR, "reading-papers": 3}
# session, user, the page's count, the page's audits (with their tracks), the person's done
# steps (for "N of M steps done").
HISTORY_QUERIES = 5
ROW_ID = re.compile(r"/audits/([0-9a-f-]{36})/delete/")


class _Tables(HTMLParser):
    """Cell texts as a screen reader reads them: the phone cards' repeated column names
    (aria-hidden) left out."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden or ("aria-hidden", "true") in attrs:
            self._hidden += tag != "br"
            return
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if self._hidden:
            self._hidden -= 1
            return
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._hidden:
            self._cell.append(data)


def tables(html: str | bytes) -> list[list[list[str]]]:
    """Every table in the page: its rows (header row first), each a list of cell texts."""
    parser = _Tables()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.tables


def assert_private(response: Any) -> None:
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def make_many(owner: User, count: int, **fields: Any) -> list[Audit]:
    """`count` audits, each a minute newer than the last; one insert."""
    track_id = Track.objects.get(slug="research-scientist").pk
    made = Audit.objects.bulk_create(
        Audit(owner=owner, track_id=track_id, **fields) for _ in range(count)
    )
    start = timezone.now() - timedelta(days=1)
    for i, audit in enumerate(made):
        Audit.objects.filter(pk=audit.pk).update(created_at=start + timedelta(minutes=i))
    return made


def test_history_needs_login(anon_client: Client) -> None:
    response = anon_client.get("/audits/")
    assert response.status_code == 302
    assert response.url == "/account/login/?next=/audits/"


def test_history_with_no_audits(owner_client: Client) -> None:
    response = owner_client.get("/audits/")
    assert response.status_code == 200
    assert "No audits yet." in response.content.decode()
    assert_private(response)


def test_history_lists_each_audit_with_its_verdict(
    owner: User, other_user: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    done = make_audit(owner=owner, ratings=GAP_OF_TWO, complete=True)
    open_audit = make_audit(owner=owner, track="research-engineer", ratings={"reading-papers": 2})
    theirs = make_audit(owner=other_user, ratings=ALL_FOUR, complete=True)
    Audit.objects.filter(pk=done.pk).update(created_at=timezone.now() - timedelta(days=40))
    done.refresh_from_db()

    response = owner_client.get("/audits/")
    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    header, *rows = tables(html)[0]
    assert header == ["Started", "Target track", "Status", "Headline", "Actions"]
    assert len(rows) == 2
    # Newest first: the open one was started today.
    newest, oldest = rows
    assert newest[1] == "Research Engineer"
    assert newest[2] == "In progress" + "1 of 7 rated"
    assert newest[3] == "—"
    assert oldest[0] == f"{done.created_at:%-d %b %Y}"
    assert oldest[1] == "Research Scientist"
    assert oldest[2].startswith(f"Completed {done.completed_at:%-d %b %Y}")  # type: ignore[str-format]
    assert oldest[2].endswith(" steps done") and "0 of " in oldest[2]
    assert oldest[3] == "Gap of 2 in Research"
    # Links: results for the completed one, the form for the open one, delete for both.
    assert reverse("audits:results", args=[done.public_id]) in html
    assert reverse("audits:audit", args=[open_audit.public_id]) in html
    assert ROW_ID.findall(html) == [str(open_audit.public_id), str(done.public_id)]
    # Nobody else's audits.
    assert str(theirs.public_id) not in html
    # And the way to the exports.
    assert 'href="/audits/export.json"' in html
    assert 'href="/audits/export.csv"' in html


def test_history_is_paginated_twenty_a_page_newest_first(owner: User, owner_client: Client) -> None:
    made = make_many(owner, 25)
    newest_first = [str(a.public_id) for a in reversed(made)]

    first = owner_client.get("/audits/")
    html = first.content.decode()
    assert ROW_ID.findall(html) == newest_first[:20]
    assert "Page 1 of 2" in html
    assert 'href="?page=2" rel="next"' in html

    second = owner_client.get("/audits/?page=2")
    assert second.status_code == 200
    html = second.content.decode()
    assert ROW_ID.findall(html) == newest_first[20:]
    assert "Page 2 of 2" in html
    assert 'href="?page=1" rel="prev"' in html

    # A page past the end, or not a number, shows a real page rather than an error.
    assert (
        ROW_ID.findall(owner_client.get("/audits/?page=9").content.decode()) == (newest_first[20:])
    )
    assert (
        ROW_ID.findall(owner_client.get("/audits/?page=x").content.decode()) == (newest_first[:20])
    )


@pytest.mark.parametrize("count", [1, 50])
def test_history_query_count_is_flat(
    owner: User,
    owner_client: Client,
    make_audit: MakeAudit,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    make_audit(owner=owner, ratings=GAP_OF_TWO, complete=True)
    make_many(owner, count - 1)
    current_guide()  # the map, as any page since the process started has built it
    # Open audits on the page: their ratings, and the map's revision for their questions.
    expected = HISTORY_QUERIES + (2 if count > 1 else 0)
    with django_assert_num_queries(expected):
        response = owner_client.get("/audits/")
    assert response.status_code == 200
    assert len(tables(response.content)[0]) == 1 + min(count, 20)
    assert "Gap of 2 in Research" in response.content.decode()


def test_history_says_how_far_each_open_audit_has_got(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    make_audit(owner=owner, track="policy-and-governance", ratings={"reading-papers": 2})
    make_audit(
        owner=owner, ratings={"reading-papers": 2, "python-and-pytorch": 3, "ops-and-people": 1}
    )
    make_audit(owner=owner, ratings=ALL_FOUR)

    rows = tables(owner_client.get("/audits/").content)[0][1:]

    # Newest first, the count on a line of its own. Only the target's questions count: an
    # optional answer (ops and people, for Research Scientist) is not one of them.
    assert [row[2] for row in rows] == [
        "In progress" + "7 of 7 rated",
        "In progress" + "2 of 7 rated",
        "In progress" + "1 of 9 rated",
    ]


def test_history_does_not_load_snapshots(
    owner: User,
    owner_client: Client,
    make_audit: MakeAudit,
    django_assert_num_queries: Any,
) -> None:
    """The page reads each audit's small summary, never its snapshot of the whole map."""
    make_audit(owner=owner, ratings=GAP_OF_TWO, complete=True)
    with django_assert_num_queries(HISTORY_QUERIES) as captured:
        owner_client.get("/audits/")
    listing = captured.captured_queries[-1]["sql"]
    assert "summary" in listing
    assert '"snapshot"' not in listing


# --- Deleting an audit ----------------------------------------------------------------------


def test_delete_asks_first(owner: User, owner_client: Client, make_audit: MakeAudit) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    url = reverse("audits:delete", args=[audit.public_id])
    response = owner_client.get(url)
    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    assert "<h1>Delete this audit?</h1>" in html
    assert f'<form method="post" action="{url}">' in html
    assert f'href="{reverse("audits:results", args=[audit.public_id])}">Keep it</a>' in html
    assert Audit.objects.filter(pk=audit.pk).exists()


def test_delete_removes_the_audit_and_its_ratings(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    kept = make_audit(owner=owner, ratings=ALL_FOUR)
    response = owner_client.post(reverse("audits:delete", args=[audit.public_id]), follow=True)
    assert response.redirect_chain == [("/audits/", 302)]
    assert "Your Research Scientist audit is deleted." in response.content.decode()
    assert not Audit.objects.filter(pk=audit.pk).exists()
    assert not Rating.objects.filter(audit_id=audit.pk).exists()
    assert Rating.objects.filter(audit=kept).count() == len(ALL_FOUR)
    assert ROW_ID.findall(response.content.decode()) == [str(kept.public_id)]
    # Gone means gone: its pages are not found.
    assert owner_client.get(reverse("audits:results", args=[audit.public_id])).status_code == 404


def test_an_anonymous_visitor_can_delete_their_own_audit(
    make_audit: MakeAudit,
) -> None:
    audit = make_audit(ratings=ALL_FOUR)
    client = session_client_with(audit)
    response = client.post(reverse("audits:delete", args=[audit.public_id]), follow=True)
    assert response.redirect_chain == [("/audits/new/", 302)]
    assert "Your Research Scientist audit is deleted." in response.content.decode()
    assert not Audit.objects.filter(pk=audit.pk).exists()
    assert not Rating.objects.filter(audit_id=audit.pk).exists()
