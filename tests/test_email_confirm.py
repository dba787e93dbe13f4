"""Email when you want reminders: an address is added or changed on the account page and
confirmed by a link mailed to it (once, within three days, only the latest) before any
reminder goes to it."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client

from audits import accounts
from audits.models import Audit, EmailAddress
from tests.conftest import ALL_FOUR, PASSWORD, MakeAudit
from tests.test_reminders import DUE, mail_dir, reminded  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def page(response: Any) -> str:
    return response.content.decode()


def link_in(message: Any) -> str:
    found = re.search(r"http://testserver(/account/email/confirm/[^\s]+/)", message.body)
    assert found is not None, message.body
    return found.group(1)


def ask(client: Client, address: str) -> str:
    """Ask for `address` on the account page; the path of the link mailed to it."""
    mail.outbox.clear()
    response = client.post("/account/email/", {"email": address})
    assert response.status_code == 302
    (sent,) = mail.outbox
    assert sent.to == [address]
    return link_in(sent)


def test_a_new_address_waits_for_its_link(owner: User, owner_client: Client) -> None:
    link = ask(owner_client, "new@example.com")
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"  # unchanged until confirmed
    account = page(owner_client.get("/account/"))
    assert "Waiting for confirmation: <strong>new@example.com</strong>" in account

    # Opened (by a person or a mail scanner), it only shows a button.
    shown = Client().get(link)
    assert shown.status_code == 200
    assert "Confirm this address" in page(shown)
    assert EmailAddress.objects.get(user=owner).confirmed == "owner@example.com"

    done = Client().post(link)
    assert done.status_code == 200
    assert "Confirmed" in page(done)
    owner.refresh_from_db()
    assert owner.email == "new@example.com"
    assert accounts.reminder_address(owner) == "new@example.com"
    assert "Waiting for confirmation" not in page(owner_client.get("/account/"))


def test_a_link_works_once(owner_client: Client) -> None:
    link = ask(owner_client, "new@example.com")
    assert Client().post(link).status_code == 200
    again = Client().post(link)
    assert again.status_code == 400
    assert "used already, or a newer link was sent" in page(again)
    assert Client().get(link).status_code == 400


def test_a_superseded_link_is_refused(owner: User, owner_client: Client) -> None:
    first = ask(owner_client, "first@example.com")
    second = ask(owner_client, "second@example.com")
    assert Client().post(first).status_code == 400
    assert Client().post(second).status_code == 200
    owner.refresh_from_db()
    assert owner.email == "second@example.com"


def test_a_link_expires(owner: User, owner_client: Client, monkeypatch: Any) -> None:
    link = ask(owner_client, "new@example.com")
    monkeypatch.setattr(accounts, "CONFIRM_MAX_AGE", timedelta(seconds=-1))
    response = Client().post(link)
    assert response.status_code == 400
    assert "expired" in page(response)
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"


@pytest.mark.parametrize("token", ["nonsense", "a" * 80, "eyJ:bad:sig"])
def test_a_made_up_link_is_refused(token: str) -> None:
    response = Client().post(f"/account/email/confirm/{token}/")
    assert response.status_code == 400
    assert "not one we sent" in page(response)


def test_a_bad_address_is_refused_with_a_message(owner_client: Client) -> None:
    response = owner_client.post("/account/email/", {"email": "not an address"})
    assert response.status_code == 400
    assert "That is not an email address" in page(response)
    assert not mail.outbox


def test_changing_email_needs_log_in() -> None:
    response = Client().post("/account/email/", {"email": "x@example.com"})
    assert response.status_code == 302
    assert not mail.outbox


def test_unconfirmed_addresses_get_no_reminder(
    mail_dir: Path,  # noqa: F811
    owner: User,
    make_audit: MakeAudit,
) -> None:
    reminded(owner, make_audit)
    EmailAddress.objects.filter(user=owner).update(confirmed="", pending=owner.email)
    assert not Audit.objects.reminders_due(DUE).exists()
    call_command("send_reminders", "--date", DUE.isoformat(), stdout=io.StringIO())
    assert not mail_dir.exists() or not list(mail_dir.iterdir())
    # An address changed behind the confirmation's back (in the admin) is not confirmed either.
    EmailAddress.objects.filter(user=owner).update(confirmed="owner@example.com")
    User.objects.filter(pk=owner.pk).update(email="changed@example.com")
    assert not Audit.objects.reminders_due(DUE).exists()
    # Confirmed, it goes.
    User.objects.filter(pk=owner.pk).update(email="owner@example.com")
    call_command("send_reminders", "--date", DUE.isoformat(), stdout=io.StringIO())
    assert len(list(mail_dir.iterdir())) == 1


def test_asking_for_a_reminder_without_a_confirmed_address_says_how(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    EmailAddress.objects.filter(user=owner).update(confirmed="")
    response = owner_client.post(f"/audits/{audit.public_id}/reminder/", {"on": "1"}, follow=True)
    assert "no confirmed email address" in page(response)
    assert '<a href="/account/#email">your account page</a>' in page(response)
    assert not Audit.objects.get(pk=audit.pk).remind


def test_sign_up_with_an_email_mails_its_link(anon_client: Client) -> None:
    form = page(anon_client.get("/account/signup/"))
    assert "Only used to reset" not in form
    assert "reset a forgotten password and, if you switch them on" in form
    assert re.search(r'<input type="email" name="email"[^>]*autocomplete="email"', form)
    response = anon_client.post(
        "/account/signup/",
        {
            "username": "mailer",
            "email": "mailer@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="mailer")
    assert accounts.reminder_address(user) == ""  # not before the link is followed
    (sent,) = mail.outbox
    assert sent.to == ["mailer@example.com"]
    assert Client().post(link_in(sent)).status_code == 200
    assert accounts.reminder_address(user) == "mailer@example.com"


def test_the_account_page_offers_to_add_an_email(anon_client: Client) -> None:
    anon_client.post(
        "/account/signup/",
        {"username": "nomail", "email": "", "password1": PASSWORD, "password2": PASSWORD},
    )
    html = page(anon_client.get("/account/"))
    assert "Add an email" in html
    assert 'action="/account/email/"' in html
    assert not mail.outbox


# --- Upgrading: addresses given before confirmation existed ---------------------------------


@pytest.mark.django_db(transaction=True)
def test_existing_addresses_are_confirmed_by_the_upgrade(tmp_path: Path) -> None:
    """They were typed by the person at sign-up, and an owner who switched a reminder on asked
    for mail at that address: the upgrade must not silently stop those reminders."""
    from tests.servers import fresh_database, manage

    make_users = (
        "from django.contrib.auth.models import User; "
        "User.objects.create_user('with', 'with@example.com', 'x'); "
        "User.objects.create_user('without', '', 'x')"
    )
    with fresh_database(tmp_path, migrate_to=("audits", "0015")) as db:
        manage(db.env, "shell", "--no-imports", "--command", make_users)
        manage(db.env, "migrate", "--noinput", "--verbosity", "0")
        rows = db.query(
            "SELECT u.username, e.confirmed, e.pending FROM audits_emailaddress e "
            "JOIN auth_user u ON u.id = e.user_id"
        )
    assert rows == [("with", "with@example.com", "")]


def test_asking_for_links_is_limited(owner_client: Client, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": "2/h"}
    for n in range(2):
        asked = owner_client.post("/account/email/", {"email": f"a{n}@example.com"})
        assert asked.status_code == 302
    assert owner_client.post("/account/email/", {"email": "a3@example.com"}).status_code == 429
    assert len(mail.outbox) == 2


def test_the_link_is_kept_out_of_logs_and_search_engines(owner_client: Client) -> None:
    from config.logs import redact

    link = ask(owner_client, "new@example.com")
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in redact(f'"GET {link} HTTP/1.1" 200')
    assert Client().get(link)["X-Robots-Tag"] == "noindex"


def test_a_mail_server_that_is_down_is_said_not_a_500(
    anon_client: Client, monkeypatch: Any, caplog: Any
) -> None:
    def down(self: Any, fail_silently: bool = False) -> int:
        raise OSError("connection refused")

    monkeypatch.setattr(accounts.PlainTextEmail, "send", down)
    response = anon_client.post(
        "/account/signup/",
        {
            "username": "mailer",
            "email": "mailer@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "We couldn’t send the link just now" in page(response)
    again = anon_client.post("/account/email/", {"email": "other@example.com"}, follow=True)
    assert again.status_code == 200
    assert "We couldn’t send the link just now" in page(again)
    assert "not sent: connection refused" in caplog.text
