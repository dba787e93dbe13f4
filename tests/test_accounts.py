"""Accounts: sign up, log in and out, passwords, claiming this browser's audits, lockout."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from audits import accounts
from audits.models import Audit, Rating
from tests.conftest import ALL_FOUR, PASSWORD, MakeAudit, session_client_with

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 7391"
AUDIT_ID = re.compile(r"/audits/([0-9a-f-]{36})/")
LOCKED_OUT = "Too many failed log-ins"


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    # Dozens of log-ins per test; the production hasher's cost is not what is under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client: Client, username: str, password: str, url: str = "/account/login/") -> Any:
    return client.post(url, {"username": username, "password": password})


def sign_up(client: Client, username: str = "newcomer", password: str = PASSWORD) -> Any:
    return client.post(
        "/account/signup/",
        {"username": username, "email": "", "password1": password, "password2": password},
    )


def is_logged_in(client: Client) -> bool:
    return client.get("/audits/").status_code == 200


def take_audit_anonymously(client: Client, ratings: dict[str, int] = ALL_FOUR) -> Audit:
    """The anonymous journey with JavaScript off: start, rate, complete."""
    response = client.post("/audits/new/", {"track": "research-scientist"})
    assert response.status_code == 302
    audit = Audit.objects.get(public_id=AUDIT_ID.search(response.url).group(1))  # type: ignore[union-attr]
    saved = client.post(
        audit.get_absolute_url(), {f"rating-{slug}": v for slug, v in ratings.items()}
    )
    assert saved.status_code == 302
    completed = client.post(audit.get_absolute_url(), {"action": "finish"})
    assert completed.status_code == 302
    assert completed.url == reverse("audits:results", args=[audit.public_id])
    audit.refresh_from_db()
    assert audit.is_complete
    assert audit.owner is None
    return audit


# --- Sign up --------------------------------------------------------------------------------


def test_signup_page_has_the_form(anon_client: Client) -> None:
    response = anon_client.get("/account/signup/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("username", "email", "password1", "password2"):
        assert f'name="{name}"' in html


def test_sign_up_with_username_only_logs_in(anon_client: Client) -> None:
    response = sign_up(anon_client)
    assert response.status_code == 302
    assert response.url == "/audits/"
    user = User.objects.get(username="newcomer")
    assert user.email == ""
    assert user.check_password(PASSWORD)
    assert is_logged_in(anon_client)


def test_sign_up_with_an_email(anon_client: Client) -> None:
    response = anon_client.post(
        "/account/signup/",
        {
            "username": "withmail",
            "email": "withmail@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="withmail").email == "withmail@example.com"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "This password is too common."),
        ("x7!kQ", "This password is too short."),
        ("40817263950", "This password is entirely numeric."),
    ],
)
def test_weak_passwords_are_refused(anon_client: Client, password: str, message: str) -> None:
    response = sign_up(anon_client, password=password)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()
    assert not is_logged_in(anon_client)


def test_a_taken_username_is_refused(anon_client: Client, owner: User) -> None:
    response = sign_up(anon_client, username="owner")
    assert response.status_code == 400
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username="owner").count() == 1


def test_signup_when_logged_in_goes_to_history(owner_client: Client) -> None:
    response = owner_client.get("/account/signup/")
    assert response.status_code == 302
    assert response.url == "/audits/"


# --- Log in and out -------------------------------------------------------------------------


def test_log_in_rotates_the_session_key(anon_client: Client, owner: User) -> None:
    anon_client.post("/audits/new/", {"track": "research-scientist"})  # a session exists now
    before = anon_client.cookies["sessionid"].value
    assert before
    response = log_in(anon_client, "owner", PASSWORD)
    assert response.status_code == 302
    assert response.url == "/audits/"
    after = anon_client.cookies["sessionid"].value
    assert after != before
    assert is_logged_in(anon_client)
    # The old key is worthless: a browser holding it is not logged in.
    stale = Client()
    stale.cookies["sessionid"] = before
    assert stale.get("/audits/").status_code == 302


def test_log_in_with_a_wrong_password_fails(anon_client: Client, owner: User) -> None:
    response = log_in(anon_client, "owner", "not the password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert not is_logged_in(anon_client)


def test_log_in_honours_a_safe_next(anon_client: Client, owner: User) -> None:
    response = anon_client.post(
        "/account/login/", {"username": "owner", "password": PASSWORD, "next": "/account/"}
    )
    assert response.status_code == 302
    assert response.url == "/account/"


def test_log_out_is_post_only(owner_client: Client) -> None:
    response = owner_client.get("/account/logout/")
    assert response.status_code == 405
    assert is_logged_in(owner_client)


def test_log_out_ends_the_session(anon_client: Client, owner: User) -> None:
    log_in(anon_client, "owner", PASSWORD)
    cookie = anon_client.cookies["sessionid"].value
    assert is_logged_in(anon_client)
    response = anon_client.post("/account/logout/")
    assert response.status_code == 302
    assert response.url == "/"
    assert not is_logged_in(anon_client)
    # Replaying the old cookie (a copy kept elsewhere) no longer opens the audits.
    replay = Client()
    replay.cookies["sessionid"] = cookie
    response = replay.get("/audits/")
    assert response.status_code == 302
    assert response.url.startswith("/account/login/")


# --- Passwords ------------------------------------------------------------------------------


def test_change_password(anon_client: Client, owner: User) -> None:
    log_in(anon_client, "owner", PASSWORD)
    assert anon_client.get("/account/password_change/").status_code == 200
    wrong = anon_client.post(
        "/account/password_change/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert "Your old password was entered incorrectly" in wrong.content.decode()
    response = anon_client.post(
        "/account/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == "/account/password_change/done/"
    # Still logged in here, and the new password is the one that works.
    assert is_logged_in(anon_client)
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert log_in(Client(), "owner", PASSWORD).status_code == 200
    assert log_in(Client(), "owner", NEW_PASSWORD).status_code == 302


def test_change_password_needs_login(anon_client: Client) -> None:
    response = anon_client.get("/account/password_change/")
    assert response.status_code == 302
    assert response.url.startswith("/account/login/")


def test_reset_a_forgotten_password_by_email(
    anon_client: Client, owner: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    response = anon_client.post("/account/password_reset/", {"email": "owner@example.com"})
    assert response.status_code == 302
    assert response.url == "/account/password_reset/done/"
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["owner@example.com"]
    link = re.search(r"https?://[^/\s]+(/account/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert link, message.body

    # The link swaps its token for a session and lands on the new-password form.
    page = anon_client.get(link.group(1), follow=True)
    assert page.status_code == 200
    assert page.redirect_chain[-1][0].endswith("/set-password/")
    assert "Choose a new password" in page.content.decode()
    done = anon_client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert done.url == "/account/reset/done/"

    assert log_in(Client(), "owner", PASSWORD).status_code == 200
    fresh = Client()
    assert log_in(fresh, "owner", NEW_PASSWORD).status_code == 302
    assert is_logged_in(fresh)
    # A used link is spent.
    again = anon_client.get(link.group(1), follow=True)
    assert "This reset link has expired or was already used." in again.content.decode()


def test_reset_for_an_unknown_email_sends_nothing_and_says_the_same(
    anon_client: Client, owner: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    response = anon_client.post(
        "/account/password_reset/", {"email": "nobody@example.com"}, follow=True
    )
    assert response.status_code == 200
    assert "If an account has that address" in response.content.decode()
    assert mailoutbox == []


# --- Anonymous first: an audit taken before signing up is kept -------------------------------


def test_results_invite_an_anonymous_visitor_to_keep_the_audit(anon_client: Client) -> None:
    audit = take_audit_anonymously(anon_client)
    html = anon_client.get(reverse("audits:results", args=[audit.public_id])).content.decode()
    assert "Keep this audit." in html
    assert 'href="/account/signup/"' in html
    assert 'href="/account/login/"' in html


def test_results_do_not_invite_a_logged_in_owner(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    html = owner_client.get(reverse("audits:results", args=[audit.public_id])).content.decode()
    assert "Keep this audit." not in html


def test_signing_up_claims_this_browsers_audits(anon_client: Client) -> None:
    audit = take_audit_anonymously(anon_client)
    unfinished = Audit.objects.get(
        public_id=AUDIT_ID.search(  # type: ignore[union-attr]
            anon_client.post("/audits/new/", {"track": "research-engineer"}).url
        ).group(1)
    )
    # Another browser's anonymous audit is not this visitor's to take.
    elsewhere = Client()
    theirs = take_audit_anonymously(elsewhere)

    response = sign_up(anon_client)
    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    audit.refresh_from_db()
    unfinished.refresh_from_db()
    theirs.refresh_from_db()
    assert audit.owner == user
    assert unfinished.owner == user
    assert theirs.owner is None
    assert accounts.SESSION_AUDITS not in anon_client.session

    history = anon_client.get("/audits/")
    html = history.content.decode()
    assert "2 audits from this browser moved to your account." in html
    assert reverse("audits:results", args=[audit.public_id]) in html
    assert reverse("audits:audit", args=[unfinished.public_id]) in html
    assert str(theirs.public_id) not in html
    # The other browser still has its audit.
    assert elsewhere.get(reverse("audits:results", args=[theirs.public_id])).status_code == 200


def test_logging_in_claims_this_browsers_audits(anon_client: Client, owner: User) -> None:
    audit = take_audit_anonymously(anon_client)
    theirs = take_audit_anonymously(Client())
    response = log_in(anon_client, "owner", PASSWORD)
    assert response.status_code == 302
    audit.refresh_from_db()
    theirs.refresh_from_db()
    assert audit.owner == owner
    assert theirs.owner is None
    html = anon_client.get("/audits/").content.decode()
    assert "1 audit from this browser moved to your account." in html
    assert reverse("audits:results", args=[audit.public_id]) in html
    assert str(theirs.public_id) not in html


def test_a_session_cannot_claim_someone_elses_audit(
    anon_client: Client, other_user: User, make_audit: MakeAudit, owner: User
) -> None:
    """A session that somehow lists an owned audit's id does not move it at login."""
    owned = make_audit(owner=other_user, ratings=ALL_FOUR, complete=True)
    client = session_client_with(owned)
    log_in(client, "owner", PASSWORD)
    owned.refresh_from_db()
    assert owned.owner == other_user


# --- Private caching and the back button ----------------------------------------------------


def test_after_logout_the_back_button_shows_nothing(anon_client: Client) -> None:
    audit = take_audit_anonymously(anon_client)
    results_url = reverse("audits:results", args=[audit.public_id])
    sign_up(anon_client)
    results = anon_client.get(results_url)
    assert results.status_code == 200
    assert "private" in results["Cache-Control"]
    assert "no-store" in results["Cache-Control"]

    anon_client.post("/account/logout/")
    # Logged out, the audit's pages show nothing of it: the way to log in and come back.
    for url in (results_url, audit.get_absolute_url()):
        response = anon_client.get(url)
        assert response.status_code == 302
        assert response.url == "/account/login/?next=" + url
    history = anon_client.get("/audits/")
    assert history.status_code == 302
    assert history.url == "/account/login/?next=/audits/"


@pytest.mark.parametrize(
    "page",
    ["audit", "results", "delete", "history", "progress", "export_json", "export_csv"],
)
def test_pages_with_someones_ratings_are_never_cached(
    owner: User, owner_client: Client, make_audit: MakeAudit, page: str
) -> None:
    done = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    open_audit = make_audit(owner=owner, ratings=ALL_FOUR)
    args = {
        "audit": [open_audit.public_id],
        "results": [done.public_id],
        "delete": [done.public_id],
    }
    response = owner_client.get(reverse(f"audits:{page}", args=args.get(page)))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_an_anonymous_audit_is_never_cached_either(make_audit: MakeAudit) -> None:
    audit = make_audit(ratings=ALL_FOUR)
    client = session_client_with(audit)
    for response in (
        client.get(audit.get_absolute_url()),
        client.post(
            audit.get_absolute_url(), {"rating-reading-papers": "4"}, HTTP_HX_REQUEST="true"
        ),
    ):
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
    client.post(audit.get_absolute_url(), {"action": "finish"})
    results = client.get(reverse("audits:results", args=[audit.public_id]))
    assert results.status_code == 200
    assert "no-store" in results["Cache-Control"]


@pytest.mark.parametrize("url", ["/account/", "/account/signup/", "/account/delete/"])
def test_account_pages_are_private(owner_client: Client, anon_client: Client, url: str) -> None:
    client = anon_client if url == "/account/signup/" else owner_client
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


# --- Lockout --------------------------------------------------------------------------------


def fail_times(client: Client, username: str, times: int, url: str = "/account/login/") -> None:
    for _ in range(times):
        assert log_in(client, username, "wrong password", url).status_code == 200


def test_ten_wrong_passwords_lock_the_username_from_that_address(
    owner: User, other_user: User
) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    fail_times(client, "owner", 9)
    tenth = log_in(client, "owner", "wrong password")
    assert tenth.status_code == 429
    # Even the right password is refused now, with a page that says why.
    eleventh = log_in(client, "owner", PASSWORD)
    assert eleventh.status_code == 429
    html = eleventh.content.decode()
    assert LOCKED_OUT in html
    assert "After 10 wrong passwords for this username" in html
    assert 'href="/account/password_reset/"' in html
    assert not is_logged_in(client)

    # Another username from the same address is not locked...
    neighbour = Client(REMOTE_ADDR="203.0.113.7")
    assert log_in(neighbour, "other", PASSWORD).status_code == 302
    assert is_logged_in(neighbour)
    # ...nor the same username from another address.
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    assert log_in(elsewhere, "owner", PASSWORD).status_code == 302


def test_nine_wrong_passwords_do_not_lock_and_a_success_resets_the_count(owner: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.8")
    fail_times(client, "owner", 9)
    assert log_in(client, "owner", PASSWORD).status_code == 302
    client.post("/account/logout/")
    fail_times(client, "owner", 9)
    assert log_in(client, "owner", PASSWORD).status_code == 302


def test_the_admin_login_is_locked_out_too(editor: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    fail_times(client, "editor", 9, url="/admin/login/")
    assert log_in(client, "editor", "wrong password", "/admin/login/").status_code == 429
    response = log_in(client, "editor", PASSWORD, "/admin/login/")
    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still not in
    # The lock is on the username, wherever it logs in.
    assert log_in(client, "editor", PASSWORD).status_code == 429


def test_behind_a_proxy_the_lock_is_on_the_client_not_the_proxy(owner: User) -> None:
    proxy = "10.0.0.1"  # every request arrives from the proxy, which appends the client
    with override_settings(TRUSTED_PROXY_COUNT=1):
        client_a = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
        fail_times(client_a, "owner", 9)
        assert log_in(client_a, "owner", "wrong password").status_code == 429
        assert log_in(client_a, "owner", PASSWORD).status_code == 429

        # The same username, through the same proxy, from another client: not locked.
        client_b = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8")
        assert log_in(client_b, "owner", PASSWORD).status_code == 302
        assert is_logged_in(client_b)

        # A forged X-Forwarded-For does not get A out: the proxy's entry is the one read.
        forged = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7")
        assert log_in(forged, "owner", PASSWORD).status_code == 429


def test_an_ipv6_client_is_locked_out_by_its_64(owner: User) -> None:
    fail_times(Client(REMOTE_ADDR="2001:db8:1:2::a"), "owner", 9)
    # A new address in the same /64 is the same client.
    assert log_in(Client(REMOTE_ADDR="2001:db8:1:2:ffff::1"), "owner", "nope").status_code == 429
    assert log_in(Client(REMOTE_ADDR="2001:db8:1:2::b"), "owner", PASSWORD).status_code == 429
    # The next /64 is someone else.
    assert log_in(Client(REMOTE_ADDR="2001:db8:1:3::a"), "owner", PASSWORD).status_code == 302


# --- Deleting the account -------------------------------------------------------------------


def test_delete_account_page_asks_for_the_password(owner_client: Client) -> None:
    response = owner_client.get("/account/delete/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="password"' in html
    assert "Delete my account" in html


def test_delete_account_needs_login(anon_client: Client) -> None:
    response = anon_client.post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith("/account/login/")


def test_delete_account_with_a_wrong_password_deletes_nothing(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    response = owner_client.post("/account/delete/", {"password": "not it"})
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=owner.pk).exists()
    assert Audit.objects.filter(pk=audit.pk).exists()
    assert Rating.objects.filter(audit=audit).count() == len(ALL_FOUR)
    assert is_logged_in(owner_client)


def test_delete_account_deletes_the_user_and_every_audit_and_logs_out(
    owner: User,
    other_user: User,
    owner_client: Client,
    make_audit: MakeAudit,
) -> None:
    kept = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    open_audit = make_audit(owner=owner, ratings={"reading-papers": 3})
    theirs = make_audit(owner=other_user, ratings=ALL_FOUR, complete=True)
    response = owner_client.post("/account/delete/", {"password": PASSWORD}, follow=True)
    # The map, with the message: a visitor with a message waiting gets their own render, not
    # the page every anonymous visitor shares.
    assert response.redirect_chain == [("/", 302)]
    assert "Your account and all its audits are deleted." in response.content.decode()
    assert "private" in response["Cache-Control"]
    # Said once, where it was landed on; not again on some later page, nor in the shared page.
    assert "are deleted" not in owner_client.get("/").content.decode()
    assert "are deleted" not in Client().get("/").content.decode()
    assert not User.objects.filter(pk=owner.pk).exists()
    assert not Audit.objects.filter(pk__in=[kept.pk, open_audit.pk]).exists()
    assert not Rating.objects.filter(audit_id__in=[kept.pk, open_audit.pk]).exists()
    assert Audit.objects.filter(pk=theirs.pk).exists()
    assert Rating.objects.filter(audit=theirs).count() == len(ALL_FOUR)
    assert not is_logged_in(owner_client)


# --- What a person sees on the way in and out -----------------------------------------------


def test_logging_out_says_so_on_the_page_it_lands_on(anon_client: Client, owner: User) -> None:
    log_in(anon_client, "owner", PASSWORD)

    response = anon_client.post("/account/logout/", follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert "You’re logged out." in response.content.decode()
    # Once: the map every visitor shares does not carry it.
    assert "You’re logged out." not in anon_client.get("/").content.decode()


def test_the_reset_mail_is_the_apps_own_and_its_link_survives_a_copy(
    anon_client: Client, owner: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    anon_client.post("/account/password_reset/", {"email": "owner@example.com"})

    message = mailoutbox[0]
    assert message.subject == "Reset your Skills Map password"
    assert message.body.startswith("Hello owner,\n\nSomeone (we hope you) asked to reset")
    assert "-- Skills Map" in message.body
    assert "team" not in message.body  # not Django's "The 127.0.0.1:8000 team"
    # As printed by the console backend (and sent): plain lines, no quoted-printable "="
    # soft breaks, so the whole link is on one line and works when copied.
    printed = message.message().as_string()
    assert "Content-Transfer-Encoding: 7bit" in printed
    assert "quoted-printable" not in printed
    link = re.search(r"http://testserver/account/reset/[^\s]+/", printed)
    assert link is not None
    assert anon_client.get(link.group(0).removeprefix("http://testserver")).status_code == 302


def test_sign_up_puts_each_error_under_its_own_field_and_focuses_it(anon_client: Client) -> None:
    response = anon_client.post(
        "/account/signup/",
        {"username": "newcomer", "password1": "password", "password2": "password"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    chunks = html.split('<div class="field">')[1:]
    fields = {re.search(r'<label for="id_(\w+)">', c).group(1): c for c in chunks}  # type: ignore[union-attr]
    assert "This password is too common." in fields["password1"]
    assert "This password is too common." not in fields["password2"]
    assert "error" not in fields["username"]
    # The password is focused, and says which error describes it; Username is left alone.
    password = re.search(r'<input type="password" name="password1"[^>]*>', html)
    assert password is not None
    assert "autofocus" in password.group(0)
    assert 'aria-invalid="true"' in password.group(0)
    assert "id_password1_error" in password.group(0)
    assert 'id="id_password1_error"' in html
    username = re.search(r'<input type="text" name="username"[^>]*>', html)
    assert username is not None and "autofocus" not in username.group(0)


def test_a_mismatch_is_still_said_under_the_confirmation(anon_client: Client) -> None:
    response = anon_client.post(
        "/account/signup/",
        {"username": "newcomer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
    )

    html = response.content.decode()
    confirmation = html.split('<label for="id_password2">')[1].split('<div class="field">')[0]
    assert "The two password fields didn’t match." in confirmation
    assert re.search(r'<input type="password" name="password2"[^>]*autofocus', html)
