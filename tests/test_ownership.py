"""Every view that takes an audit id answers only to the audit's owner (or its browser)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from audits.models import Audit, Rating
from tests.conftest import ALL_FOUR, MakeAudit, session_client_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    # Two users per test, ninety tests; the production hasher's cost is not what is under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Call:
    name: str
    method: str
    completed: bool  # the audit the call needs to do its job
    owner_status: int
    data: dict[str, str] = field(default_factory=dict)
    htmx: bool = False

    def send(self, client: Client, audit: Audit) -> Any:
        url = reverse(f"audits:{self.name}", args=[audit.public_id])
        headers = {"HX-Request": "true"} if self.htmx else {}
        if self.method == "get":
            return client.get(url, headers=headers)
        return client.post(url, self.data, headers=headers)


CALLS = [
    Call("audit", "get", completed=False, owner_status=200),
    Call("audit", "get", completed=True, owner_status=302),
    Call("audit", "post", completed=False, owner_status=302, data={"rating-reading-papers": "5"}),
    Call(
        "audit",
        "post",
        completed=False,
        owner_status=200,
        data={"rating-reading-papers": "5"},
        htmx=True,
    ),
    Call(
        "audit",
        "post",
        completed=False,
        owner_status=302,
        data={"track": "policy-and-governance"},
    ),
    Call(
        "audit",
        "post",
        completed=False,
        owner_status=200,
        data={"track": "research-engineer"},
        htmx=True,
    ),
    Call("audit", "post", completed=False, owner_status=302, data={"action": "finish"}),
    Call("results", "get", completed=True, owner_status=200),
    Call("copy", "post", completed=True, owner_status=302),
    Call("delete", "get", completed=True, owner_status=200),
    Call("delete", "post", completed=True, owner_status=302),
]


def call_id(call: Call) -> str:
    state = "completed" if call.completed else "open"
    return f"{call.method.upper()} {call.name}{' htmx' if call.htmx else ''} ({state})"


def db_state() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every audit and rating, every column: any write at all changes this."""
    return (
        list(Audit.objects.order_by("pk").values()),
        list(Rating.objects.order_by("pk").values()),
    )


@pytest.fixture
def clients(owner: User, other_user: User) -> dict[str, Client]:
    def logged_in(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return {"owner": logged_in(owner), "other user": logged_in(other_user), "anonymous": Client()}


def make(make_audit: MakeAudit, owner: User | None, call: Call) -> Audit:
    return make_audit(owner=owner, ratings=ALL_FOUR, complete=call.completed)


# --- An audit kept in an account ------------------------------------------------------------


@pytest.mark.parametrize("call", CALLS, ids=call_id)
def test_the_owner_can_use_their_audit(
    call: Call, owner: User, clients: dict[str, Client], make_audit: MakeAudit
) -> None:
    audit = make(make_audit, owner, call)
    response = call.send(clients["owner"], audit)
    assert response.status_code == call.owner_status
    assert response.status_code != 404


@pytest.mark.parametrize("intruder", ["other user", "anonymous", "anonymous, id in session"])
@pytest.mark.parametrize("call", CALLS, ids=call_id)
def test_nobody_else_can_touch_an_account_audit(
    call: Call,
    intruder: str,
    owner: User,
    clients: dict[str, Client],
    make_audit: MakeAudit,
) -> None:
    audit = make(make_audit, owner, call)
    # Claimed audits leave the session, but a stale session that still lists one gets nothing.
    client = session_client_with(audit) if intruder.endswith("in session") else clients[intruder]
    before = db_state()
    response = call.send(client, audit)
    if response.status_code == 302:
        # A page read logged out: the way to log in (the owner may be the one asking), and
        # nothing of the audit. Anyone signed in, and every write, gets the 404.
        assert intruder != "other user" and response.wsgi_request.method == "GET"
        assert response.url == "/account/login/?next=" + response.wsgi_request.path
    else:
        assert response.status_code == 404
    assert db_state() == before
    # A logged-out live save is told to log in, with a link back to the address the request
    # itself named: that echoes only what was sent, and a made-up id gets the same answer
    # (tests/test_htmx_errors.py), so it says nothing of whether the audit exists.
    body = re.sub(r'href="/account/login/\?next=[^"]*"', "", response.content.decode())
    assert str(audit.public_id) not in body


# --- An anonymous audit kept in a browser's session -----------------------------------------


@pytest.mark.parametrize("call", CALLS, ids=call_id)
def test_the_browser_can_use_its_anonymous_audit(call: Call, make_audit: MakeAudit) -> None:
    audit = make(make_audit, None, call)
    response = call.send(session_client_with(audit), audit)
    assert response.status_code == call.owner_status


@pytest.mark.parametrize("intruder", ["other user", "owner", "anonymous"])
@pytest.mark.parametrize("call", CALLS, ids=call_id)
def test_no_other_browser_can_touch_an_anonymous_audit(
    call: Call,
    intruder: str,
    clients: dict[str, Client],
    make_audit: MakeAudit,
) -> None:
    audit = make(make_audit, None, call)
    before = db_state()
    response = call.send(clients[intruder], audit)
    assert response.status_code == 404
    assert db_state() == before


def test_an_unknown_id_is_not_found(owner_client: Client) -> None:
    response = owner_client.get("/audits/00000000-0000-4000-8000-000000000000/")
    assert response.status_code == 404


# --- Staff ----------------------------------------------------------------------------------


def test_track_editors_cannot_read_audits_in_the_admin(
    editor_client: Client, owner: User, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    # They are staff, and may edit the map...
    assert editor_client.get("/admin/").status_code == 200
    assert editor_client.get("/admin/skillmap/track/").status_code == 200
    # ...but people's audits are not theirs to read.
    assert editor_client.get("/admin/audits/audit/").status_code == 403
    assert editor_client.get(f"/admin/audits/audit/{audit.pk}/change/").status_code == 403
    assert editor_client.get("/admin/audits/rating/").status_code in (403, 404)
    index = editor_client.get("/admin/").content.decode()
    assert "/admin/audits/audit/" not in index


def test_people_who_are_not_staff_get_the_admin_login(owner_client: Client) -> None:
    response = owner_client.get("/admin/audits/audit/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
