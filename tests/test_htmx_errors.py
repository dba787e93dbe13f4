"""Every HTMX endpoint's error answer is a note made for the panel it replaces: never a whole page
(skip link, nav, footer) swapped into the side of the audit."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from tests.conftest import ALL_FOUR, HX, PASSWORD, MakeAudit, session_client_with

pytestmark = pytest.mark.django_db

# The endpoints the audit page calls through htmx, and a post each accepts.
ENDPOINTS = {
    "save": ("", {"rating-reading-papers": "3"}),
    "change target": ("", {"track": "interpretability"}),
    "finish": ("", {"action": "finish"}),
}


def assert_fragment(response: Any, status: int) -> str:
    html = response.content.decode()
    assert response.status_code == status, html[:300]
    for whole_page in ("<html", "<nav", "<body", "skip-link", "site-footer", "<h1"):
        assert whole_page not in html, f"a whole page ({whole_page}) for the panel"
    assert 'role="alert"' in html
    return html


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_logged_out_in_another_tab_is_told_so_with_a_way_back(
    endpoint: str, owner: User, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    client = Client()
    client.force_login(owner)
    client.post("/account/logout/")  # the other tab
    suffix, data = ENDPOINTS[endpoint]

    response = client.post(f"/audits/{audit.public_id}/{suffix}", data, headers=HX)

    html = assert_fragment(response, 404)
    assert "You're logged out, so this rating wasn't saved." in html
    link = re.search(r'<a href="([^"]+)">Log in to continue</a>', html)
    assert link is not None
    assert link.group(1) == f"/account/login/?next=%2Faudits%2F{audit.public_id}%2F"
    # The live status line says it too, in place.
    assert 'id="panel-status"' in html and "Not saved: you're logged out." in html
    assert not audit.ratings.exists()


def test_the_login_link_brings_the_person_back_to_the_audit(
    owner: User, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    client = Client()
    html = client.post(f"/audits/{audit.public_id}/", {"rating-reading-papers": "3"}, headers=HX)
    link = re.search(r'<a href="([^"]+)">Log in', html.content.decode())
    assert link is not None

    page = client.get(link.group(1))
    token = re.search(r'name="next" value="([^"]+)"', page.content.decode())
    response = client.post(
        link.group(1).replace("&amp;", "&"),
        {"username": "owner", "password": PASSWORD, "next": token.group(1) if token else ""},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/audits/{audit.public_id}/"


def test_a_made_up_id_gets_the_same_answer(owner: User, make_audit: MakeAudit) -> None:
    """The note says nothing of whether an audit exists."""
    real = make_audit(owner=owner)
    made_up = uuid.uuid4()
    client = Client()

    answers = [
        client.post(f"/audits/{public_id}/", {"rating-reading-papers": "3"}, headers=HX)
        for public_id in (real.public_id, made_up)
    ]

    assert [a.status_code for a in answers] == [404, 404]
    first, second = (a.content.decode() for a in answers)
    assert first.replace(str(real.public_id), "ID") == second.replace(str(made_up), "ID")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_another_accounts_audit_is_a_panel_note(
    endpoint: str, owner: User, other_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    suffix, data = ENDPOINTS[endpoint]

    response = other_client.post(f"/audits/{audit.public_id}/{suffix}", data, headers=HX)

    html = assert_fragment(response, 404)
    assert "This audit isn't in your account, so this rating wasn't saved." in html


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_expired_form_is_a_panel_note(endpoint: str, owner: User, make_audit: MakeAudit) -> None:
    audit = make_audit(owner=owner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    client.get(f"/audits/{audit.public_id}/")
    suffix, data = ENDPOINTS[endpoint]

    response = client.post(
        f"/audits/{audit.public_id}/{suffix}", data, headers={**HX, "X-CSRFToken": "stale"}
    )

    html = assert_fragment(response, 403)
    assert "This form has expired." in html
    assert "wasn't saved" in html


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_too_many_is_a_panel_note(
    endpoint: str, owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR)
    suffix, data = ENDPOINTS[endpoint]
    url = f"/audits/{audit.public_id}/{suffix}"

    with override_settings(RATE_LIMITS={"save": "0/m", "start": "0/h"}, RATE_LIMIT_ENABLED=True):
        response = owner_client.post(url, data, headers=HX)

    html = assert_fragment(response, 429)
    assert "Too many requests." in html


@pytest.mark.parametrize("endpoint", ["save", "change target"])
def test_bad_input_is_the_panel_with_the_error(
    endpoint: str, owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    suffix = ENDPOINTS[endpoint][0]
    data = {"rating-reading-papers": "9"} if endpoint == "save" else {"track": "astronaut"}

    response = owner_client.post(f"/audits/{audit.public_id}/{suffix}", data, headers=HX)

    html = response.content.decode()
    assert response.status_code == 400
    assert "<html" not in html and "<nav" not in html
    assert '<h2 id="panel-heading">' in html
    assert 'class="error"' in html


@pytest.mark.parametrize("endpoint", ["save", "change target"])
def test_a_completed_audit_is_a_panel_note(
    endpoint: str, owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    suffix, data = ENDPOINTS[endpoint]

    response = owner_client.post(f"/audits/{audit.public_id}/{suffix}", data, headers=HX)

    html = assert_fragment(response, 409)
    assert "Completed audits are kept exactly as they were" in html


def test_a_body_too_large_is_a_panel_note(make_audit: MakeAudit) -> None:
    audit = make_audit()
    client = session_client_with(audit)
    body = "rating-reading-papers=3&note-reading-papers=" + "x" * (1024 * 1024)

    response = client.post(
        f"/audits/{audit.public_id}/",
        body,
        content_type="application/x-www-form-urlencoded",
        headers=HX,
    )

    html = assert_fragment(response, 413)
    assert "Request too large." in html
    audit.refresh_from_db()
    assert audit.ratings_by_slug() == {}


def test_without_htmx_the_error_pages_stay_whole_pages(owner: User, make_audit: MakeAudit) -> None:
    audit = make_audit(owner=owner)

    response = Client().post(f"/audits/{audit.public_id}/", {"rating-reading-papers": "3"})

    assert response.status_code == 404
    assert "<html" in response.content.decode()
    assert "<h1>Not found</h1>" in response.content.decode()
