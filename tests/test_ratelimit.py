"""Saves, starts, sign-ups and password resets are limited per client; reads never are."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings

from audits.models import Audit, Rating
from tests.conftest import ALL_FOUR, session_client_with

pytestmark = pytest.mark.django_db

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

MakeAudit = Callable[..., Audit]
SMALL = {"save": "2/m", "start": "2/h", "signup": "1/h", "password_reset": "1/d"}
limits = override_settings(RATE_LIMITS=SMALL, RATE_LIMIT_ENABLED=True)
HX = {"HX-Request": "true"}


def assert_too_many(response: TestResponse, retry_after: int) -> None:
    html = response.content.decode()
    assert response.status_code == 429
    # A live save gets the note for its panel (tests/test_htmx_errors.py), a page the page.
    if response.wsgi_request.headers.get("HX-Request"):
        assert "<strong>Too many requests.</strong> This change wasn't saved." in html
        assert "<html" not in html
    else:
        assert "<h1>Too many requests</h1>" in html
    assert "Back to the skills map" in html
    assert response["Retry-After"] == str(retry_after)
    assert "Content-Security-Policy" in response


def form_url(audit: Audit) -> str:
    return f"/audits/{audit.public_id}/"


def rating(audit: Audit, slug: str = "reading-papers") -> int | None:
    return (
        Rating.objects.filter(audit=audit, skill__slug=slug).values_list("value", flat=True).first()
    )


# --- Saves ----------------------------------------------------------------------------------


@limits
def test_the_save_after_the_limit_is_429_and_changes_nothing(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    url = f"/audits/{audit.public_id}/"

    assert owner_client.post(url, {"rating-reading-papers": "2"}).status_code == 302
    assert owner_client.post(url, {"rating-reading-papers": "3"}, headers=HX).status_code == 200
    audit.refresh_from_db()
    before = audit.updated_at

    response = owner_client.post(url, {"rating-reading-papers": "5", "note-reading-papers": "x"})
    assert_too_many(response, retry_after=60)
    assert_too_many(
        owner_client.post(url, {"rating-reading-papers": "5"}, headers=HX), retry_after=60
    )
    assert_too_many(
        owner_client.post(f"{url}track/", {"track": "interpretability"}), retry_after=60
    )

    audit.refresh_from_db()
    assert rating(audit) == 3
    assert Rating.objects.get(audit=audit).note == ""
    assert audit.track.slug == "research-scientist"
    assert audit.updated_at == before


@limits
def test_target_changes_count_as_saves(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    url = f"/audits/{audit.public_id}/track/"
    assert owner_client.post(url, {"track": "interpretability"}).status_code == 302
    assert owner_client.post(url, {"track": "research-engineer"}).status_code == 302
    assert_too_many(owner_client.post(url, {"track": "research-scientist"}), retry_after=60)
    audit.refresh_from_db()
    assert audit.track.slug == "research-engineer"


@limits
def test_another_signed_in_person_is_not_limited(
    owner: User,
    owner_client: Client,
    other_user: User,
    other_client: Client,
    make_audit: MakeAudit,
) -> None:
    mine, theirs = make_audit(owner=owner), make_audit(owner=other_user)
    for value in "123":
        owner_client.post(f"/audits/{mine.public_id}/", {"rating-reading-papers": value})
    assert rating(mine) == 2

    # Same address (the test client's 127.0.0.1), different account: counted apart.
    response = other_client.post(f"/audits/{theirs.public_id}/", {"rating-reading-papers": "4"})
    assert response.status_code == 302
    assert rating(theirs) == 4


@limits
def test_anonymous_saves_are_limited_per_address(make_audit: MakeAudit) -> None:
    audit = make_audit()
    url = f"/audits/{audit.public_id}/"
    here = session_client_with(audit)
    for value in "12":
        assert here.post(url, {"rating-reading-papers": value}).status_code == 302
    assert_too_many(here.post(url, {"rating-reading-papers": "5"}), retry_after=60)
    assert rating(audit) == 2

    # The same browser session from another address is another client.
    there = session_client_with(audit)
    there.defaults["REMOTE_ADDR"] = "198.51.100.7"
    assert there.post(url, {"rating-reading-papers": "4"}).status_code == 302
    assert rating(audit) == 4


@limits
def test_rejected_posts_count_too(owner: User, owner_client: Client, make_audit: MakeAudit) -> None:
    audit = make_audit(owner=owner, ratings={"reading-papers": 1})
    url = f"/audits/{audit.public_id}/"
    assert owner_client.post(url, {"rating-reading-papers": "9"}).status_code == 400
    assert owner_client.post(url, {"rating-nope": "3"}).status_code == 400
    assert_too_many(owner_client.post(url, {"rating-reading-papers": "4"}), retry_after=60)
    assert rating(audit) == 1


# --- Starts ---------------------------------------------------------------------------------


@limits
def test_starting_audits_is_limited_per_address(anon_client: Client) -> None:
    for _ in range(2):
        assert anon_client.post("/audits/new/", {"track": "interpretability"}).status_code == 302
    assert Audit.objects.count() == 2

    assert_too_many(
        anon_client.post("/audits/new/", {"track": "interpretability"}), retry_after=3600
    )
    assert Audit.objects.count() == 2

    elsewhere = Client(REMOTE_ADDR="203.0.113.50")
    assert elsewhere.post("/audits/new/", {"track": "interpretability"}).status_code == 302
    assert Audit.objects.count() == 3


@limits
def test_copies_and_completions_share_the_start_limit(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    done = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    ready = make_audit(owner=owner, ratings=ALL_FOUR)
    assert owner_client.post(f"/audits/{done.public_id}/copy/").status_code == 302
    assert owner_client.post("/audits/new/", {"track": "interpretability"}).status_code == 302
    count = Audit.objects.count()

    assert_too_many(owner_client.post(f"/audits/{done.public_id}/copy/"), retry_after=3600)
    assert_too_many(owner_client.post(f"/audits/{ready.public_id}/complete/"), retry_after=3600)
    assert Audit.objects.count() == count
    ready.refresh_from_db()
    assert not ready.is_complete


@limits
def test_a_limit_in_one_scope_leaves_the_others_alone(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    for _ in range(3):
        owner_client.post("/audits/new/", {"track": "interpretability"})
    response = owner_client.post(f"/audits/{audit.public_id}/", {"rating-reading-papers": "4"})
    assert response.status_code == 302
    assert rating(audit) == 4


# --- Accounts -------------------------------------------------------------------------------


def signup_data(name: str) -> dict[str, str]:
    password = "a long and unusual passphrase 9281"
    return {"username": name, "password1": password, "password2": password}


@limits
def test_signups_are_limited_per_address() -> None:
    client = Client(REMOTE_ADDR="203.0.113.60")
    assert client.post("/account/signup/", signup_data("first")).status_code == 302

    again = Client(REMOTE_ADDR="203.0.113.60")  # a fresh session, same address
    assert_too_many(again.post("/account/signup/", signup_data("second")), retry_after=3600)
    assert not User.objects.filter(username="second").exists()

    elsewhere = Client(REMOTE_ADDR="203.0.113.61")
    assert elsewhere.post("/account/signup/", signup_data("third")).status_code == 302
    assert User.objects.filter(username="third").exists()


@limits
def test_password_resets_are_limited_per_address(
    owner: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    client = Client(REMOTE_ADDR="203.0.113.70")
    data = {"email": owner.email}
    assert client.post("/account/password_reset/", data).status_code == 302
    assert len(mailoutbox) == 1

    assert_too_many(client.post("/account/password_reset/", data), retry_after=86400)
    assert len(mailoutbox) == 1

    elsewhere = Client(REMOTE_ADDR="203.0.113.71")
    assert elsewhere.post("/account/password_reset/", data).status_code == 302
    assert len(mailoutbox) == 2


# --- Reads, and switching it off ------------------------------------------------------------


@limits
def test_reads_are_never_limited(owner: User, owner_client: Client, make_audit: MakeAudit) -> None:
    audit = make_audit(owner=owner)
    for _ in range(3):  # use up the save limit
        owner_client.post(f"/audits/{audit.public_id}/", {"rating-reading-papers": "2"})
    for _ in range(4):
        owner_client.post("/audits/new/", {"track": "interpretability"})

    for url in (
        f"/audits/{audit.public_id}/",
        "/audits/new/",
        "/audits/new/?track=interpretability",
        "/account/",
        "/audits/",
    ):
        for _ in range(5):
            assert owner_client.get(url).status_code == 200, url
    assert owner_client.head("/audits/").status_code == 200

    anon = Client(REMOTE_ADDR="203.0.113.80")
    for _ in range(3):
        anon.post("/account/signup/", {"username": "x", "password1": "a", "password2": "b"})
        anon.post("/account/password_reset/", {"email": "x@example.com"})
    for url in ("/account/signup/", "/account/password_reset/", "/account/login/", "/"):
        for _ in range(5):
            assert anon.get(url).status_code == 200, url


@override_settings(RATE_LIMITS=SMALL, RATE_LIMIT_ENABLED=False)
def test_switched_off_nothing_is_limited(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    for value in "12345":
        response = owner_client.post(
            f"/audits/{audit.public_id}/", {"rating-reading-papers": value}
        )
        assert response.status_code == 302
    assert rating(audit) == 5
    for _ in range(5):
        assert owner_client.post("/audits/new/", {"track": "interpretability"}).status_code == 302
    anon = Client(REMOTE_ADDR="203.0.113.90")
    for n in range(3):
        assert anon.post("/account/signup/", signup_data(f"user{n}")).status_code == 302
        anon.logout()


@override_settings(RATE_LIMITS={**SMALL, "save": ""})
def test_a_scope_with_no_rate_is_not_limited(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    for value in "12345":
        response = owner_client.post(
            f"/audits/{audit.public_id}/", {"rating-reading-papers": value}
        )
        assert response.status_code == 302
    assert rating(audit) == 5
