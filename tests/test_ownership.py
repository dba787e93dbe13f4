"""Every view that takes an audit id answers only to the audit's owner (or its browser)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from audits.models import Audit, Cohort, CohortInvite, Membership, Rating
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


# --- Cohorts --------------------------------------------------------------------------------
# A cohort's pages answer only to its organisers; everyone else, its members too, gets the
# same 404 as for an audit that is not theirs, and changes nothing.


@dataclass(frozen=True)
class CohortCall:
    name: str
    method: str
    organiser_status: int
    data: dict[str, str] = field(default_factory=dict)
    htmx: bool = False

    def send(self, client: Client, cohort: Cohort) -> Any:
        url = reverse(f"audits:{self.name}", args=[cohort.public_id])
        headers = {"HX-Request": "true"} if self.htmx else {}
        if self.method == "get":
            return client.get(url, headers=headers)
        return client.post(url, self.data, headers=headers)


COHORT_CALLS = [
    CohortCall("cohort", "get", 200),
    CohortCall("cohort", "get", 200, htmx=True),
    CohortCall("cohort_export", "get", 200),
    CohortCall("cohort_invite", "post", 201, {"days": "7"}),
    CohortCall("cohort_invite", "post", 201, {"days": "7"}, htmx=True),
    CohortCall("cohort_invite_revoke", "post", 302),
    CohortCall("cohort_invite_revoke", "post", 200, htmx=True),
    CohortCall("cohort_organisers", "post", 302, {"username": "other"}),
    CohortCall("cohort_delete", "get", 200),
    CohortCall("cohort_delete", "post", 302),
]


def cohort_call_id(call: CohortCall) -> str:
    return f"{call.method.upper()} {call.name}{' htmx' if call.htmx else ''}"


def cohort_state() -> tuple[list[dict[str, Any]], ...]:
    return (
        list(Cohort.objects.order_by("pk").values()),
        list(CohortInvite.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
        list(Cohort.co_organisers.through.objects.order_by("pk").values()),
    )


@pytest.fixture
def cohort(owner: User, other_user: User) -> Cohort:
    made = Cohort.objects.create(owner=owner, name="Fellows")
    made.new_invite()
    return made


@pytest.mark.parametrize("call", COHORT_CALLS, ids=cohort_call_id)
def test_the_organiser_can_use_their_cohort(
    call: CohortCall, cohort: Cohort, clients: dict[str, Client]
) -> None:
    assert call.send(clients["owner"], cohort).status_code == call.organiser_status


@pytest.mark.parametrize("intruder", ["other user", "member", "anonymous"])
@pytest.mark.parametrize("call", COHORT_CALLS, ids=cohort_call_id)
def test_nobody_else_can_touch_a_cohort(
    call: CohortCall,
    intruder: str,
    cohort: Cohort,
    other_user: User,
    clients: dict[str, Client],
    make_audit: MakeAudit,
) -> None:
    client = clients["other user" if intruder == "member" else intruder]
    if intruder == "member":
        make_audit(owner=other_user, ratings=ALL_FOUR, complete=True)
        Membership.objects.create(cohort=cohort, user=other_user, named=True)
    before = cohort_state()
    response = call.send(client, cohort)
    assert response.status_code == 404
    assert cohort_state() == before
    assert str(cohort.public_id) not in response.content.decode()
    assert "Fellows" not in response.content.decode()


@pytest.mark.parametrize("intruder", ["owner", "other user", "anonymous"])
@pytest.mark.parametrize("call", ["cohort_membership", "cohort_leave"])
def test_a_membership_answers_only_to_its_member(
    call: str, intruder: str, cohort: Cohort, editor: User, clients: dict[str, Client]
) -> None:
    Membership.objects.create(cohort=cohort, user=editor)
    before = cohort_state()
    url = reverse(f"audits:{call}", args=[cohort.public_id])
    assert clients[intruder].get(url).status_code in (404, 405)
    assert clients[intruder].post(url, {"shares": "nothing"}).status_code == 404
    assert cohort_state() == before
