"""Saves, starts, sign-ups and password resets are limited per client; reads never are."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from axes.helpers import get_client_ip_address
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, RequestFactory, override_settings

from audits.models import Audit, Rating
from audits.ratelimit import client_ip
from tests.conftest import ALL_FOUR, HX, PASSWORD, MakeAudit, session_client_with

pytestmark = pytest.mark.django_db

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

SMALL = {"save": "2/m", "start": "2/h", "signup": "1/h", "password_reset": "1/d", "login": "3/h"}
limits = override_settings(RATE_LIMITS=SMALL, RATE_LIMIT_ENABLED=True)


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
    assert_too_many(owner_client.post(url, {"track": "interpretability"}), retry_after=60)

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
    url = f"/audits/{audit.public_id}/"
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


# Starting while an audit is open asks first; these start afresh each time.
FRESH = {"track": "interpretability", "choice": "fresh"}


@limits
def test_starting_audits_is_limited_per_address(anon_client: Client) -> None:
    for _ in range(2):
        assert anon_client.post("/audits/new/", FRESH).status_code == 302
    assert Audit.objects.count() == 2

    assert_too_many(anon_client.post("/audits/new/", FRESH), retry_after=3600)
    assert Audit.objects.count() == 2

    elsewhere = Client(REMOTE_ADDR="203.0.113.50")
    assert elsewhere.post("/audits/new/", FRESH).status_code == 302
    assert Audit.objects.count() == 3


@limits
def test_copies_and_completions_share_the_start_limit(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    done = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    ready = make_audit(owner=owner, ratings=ALL_FOUR)
    assert owner_client.post(f"/audits/{done.public_id}/copy/").status_code == 302
    assert owner_client.post("/audits/new/", FRESH).status_code == 302
    count = Audit.objects.count()

    assert_too_many(owner_client.post(f"/audits/{done.public_id}/copy/"), retry_after=3600)
    finish = owner_client.post(f"/audits/{ready.public_id}/", {"action": "finish"})
    assert_too_many(finish, retry_after=3600)
    assert Audit.objects.count() == count
    ready.refresh_from_db()
    assert not ready.is_complete


@limits
def test_a_limit_in_one_scope_leaves_the_others_alone(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    for _ in range(3):
        owner_client.post("/audits/new/", FRESH)
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


def log_in(client: Client, username: str, url: str = "/account/login/") -> TestResponse:
    return client.post(url, {"username": username, "password": PASSWORD})


@limits
def test_log_ins_are_limited_per_address_across_usernames(owner: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.100")
    for name in ("alice", "bob", "carol"):  # one wrong guess each: no lock-out is near
        assert log_in(client, name).status_code == 200
    # Even the right password, for a username never tried, waits now.
    assert_too_many(log_in(client, "owner"), retry_after=3600)
    assert client.get("/audits/").status_code == 302  # not signed in

    # The admin's log-in shares the count; its page is refused too.
    assert_too_many(log_in(client, "owner", url="/admin/login/"), retry_after=3600)
    assert client.get("/account/login/").status_code == 200  # reading the form is never limited

    elsewhere = Client(REMOTE_ADDR="203.0.113.101")
    assert log_in(elsewhere, "owner").status_code == 302


@limits
def test_the_admin_log_in_is_limited_too(editor: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.102")
    for name in ("alice", "bob", "carol"):
        assert log_in(client, name, url="/admin/login/").status_code == 200
    assert_too_many(log_in(client, "editor", url="/admin/login/"), retry_after=3600)
    assert client.get("/admin/").status_code == 302


@limits
def test_an_ipv6_client_is_limited_by_its_64(owner: User) -> None:
    for host in ("a", "b", "c"):  # a fresh address in the same /64 for each try
        assert log_in(Client(REMOTE_ADDR=f"2001:db8:5:6::{host}"), "nobody").status_code == 200
    assert_too_many(log_in(Client(REMOTE_ADDR="2001:db8:5:6:7::1"), "owner"), retry_after=3600)
    assert log_in(Client(REMOTE_ADDR="2001:db8:5:7::1"), "owner").status_code == 302


@limits
def test_every_write_limit_counts_an_ipv6_64_as_one_client() -> None:
    first = Client(REMOTE_ADDR="2001:db8:9:9::1")
    assert first.post("/account/signup/", signup_data("first6")).status_code == 302
    again = Client(REMOTE_ADDR="2001:db8:9:9:abcd::2")
    assert_too_many(again.post("/account/signup/", signup_data("second6")), retry_after=3600)


# --- Who the client is ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "client"),
    [
        (0, "203.0.113.7", "", "203.0.113.7"),
        (0, "10.0.0.1", "203.0.113.7", "10.0.0.1"),  # no proxy declared: the header is ignored
        (1, "10.0.0.1", "203.0.113.7", "203.0.113.7"),
        (1, "10.0.0.1", "192.0.2.1, 203.0.113.7", "203.0.113.7"),  # the client's own entry
        (2, "10.0.0.2", "192.0.2.1, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (2, "10.0.0.2", "203.0.113.7", "10.0.0.2"),  # fewer entries than proxies
        (1, "10.0.0.1", "not an address", "10.0.0.1"),
        (1, "10.0.0.1", "", "10.0.0.1"),
        (0, "2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::"),  # an IPv6 client is its /64
        (0, "2001:DB8:1:2::", "", "2001:db8:1:2::"),
        (1, "10.0.0.1", "2001:db8:aa:bb:cc::1", "2001:db8:aa:bb::"),
        (0, "::ffff:203.0.113.7", "", "203.0.113.7"),
    ],
)
def test_one_client_address_for_rate_limits_and_lock_outs(
    proxies: int, remote: str, forwarded: str, client: str
) -> None:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().post("/account/login/", REMOTE_ADDR=remote, **headers)
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == client
        assert get_client_ip_address(request) == client  # what django-axes keys lock-outs on


# --- Reads, and switching it off ------------------------------------------------------------


@limits
def test_reads_are_never_limited(owner: User, owner_client: Client, make_audit: MakeAudit) -> None:
    audit = make_audit(owner=owner)
    for _ in range(3):  # use up the save limit
        owner_client.post(f"/audits/{audit.public_id}/", {"rating-reading-papers": "2"})
    for _ in range(4):
        owner_client.post("/audits/new/", FRESH)

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
        assert owner_client.post("/audits/new/", FRESH).status_code == 302
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
