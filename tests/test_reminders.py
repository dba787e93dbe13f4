"""Coming back: the re-audit calendar file, "audit again", the reminder switch, the
send_reminders command (exactly once, also when runs overlap) and its unsubscribe link."""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from django.contrib.auth.models import User
from django.core import signing
from django.core.management import CommandError, call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client

from audits import reminders
from audits.management.commands import send_reminders
from audits.models import Audit
from tests.conftest import MakeAudit, session_client_with
from tests.test_plan_pages import scientist_ratings

COMPLETED = datetime(2026, 1, 10, 9, tzinfo=UTC)
DUE = date(2026, 2, 21)  # six weeks on


def ics_url(audit: Audit) -> str:
    return f"/audits/{audit.public_id}/re-audit.ics"


def completed_on(audit: Audit, when: datetime = COMPLETED) -> Audit:
    Audit.objects.filter(pk=audit.pk).update(completed_at=when)
    return Audit.objects.get(pk=audit.pk)


@pytest.fixture
def done_audit(owner: User, make_audit: MakeAudit) -> Audit:
    return completed_on(make_audit(owner=owner, ratings=scientist_ratings(), complete=True))


# --- The calendar file ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_ics_is_one_all_day_event_on_the_date_the_page_shows(
    owner_client: Client, done_audit: Audit
) -> None:
    page = owner_client.get(f"/audits/{done_audit.public_id}/results/").content.decode()
    shown = re.search(r'Re-audit on <strong><time datetime="([\d-]+)">', page)
    assert shown is not None

    response = owner_client.get(ics_url(done_audit))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    assert "attachment" in response["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    start = event.decoded("dtstart")
    assert isinstance(start, date) and not isinstance(start, datetime)  # all day
    assert start.isoformat() == shown.group(1) == DUE.isoformat()
    assert event.decoded("dtend") == start + timedelta(days=1)
    assert "Re-audit your skills: Research Scientist" in str(event["summary"])
    url = str(event["url"])
    assert url == f"http://testserver/audits/{done_audit.public_id}/again/"
    # Nothing about the person: no username, no email, only the audit's public id.
    text = response.content.decode()
    assert "owner" not in text and "example.com" not in text


@pytest.mark.django_db
def test_the_ics_uid_is_stable_per_audit(
    owner_client: Client, done_audit: Audit, owner: User, make_audit: MakeAudit
) -> None:
    def uid(audit: Audit) -> str:
        calendar = icalendar.Calendar.from_ical(owner_client.get(ics_url(audit)).content)
        return str(next(iter(calendar.walk("VEVENT")))["uid"])

    other = make_audit(owner=owner, ratings=scientist_ratings(), complete=True)
    assert uid(done_audit) == uid(done_audit) != uid(other)
    assert (
        owner_client.get(ics_url(done_audit)).content
        == owner_client.get(ics_url(done_audit)).content
    )


@pytest.mark.django_db
def test_the_ics_works_for_an_anonymous_audit_and_its_link_leads_to_audit_again(
    make_audit: MakeAudit,
) -> None:
    audit = make_audit(ratings=scientist_ratings(), complete=True)
    browser = session_client_with(audit)

    response = browser.get(ics_url(audit))
    assert response.status_code == 200
    event = next(iter(icalendar.Calendar.from_ical(response.content).walk("VEVENT")))
    again = browser.get(str(event["url"]).removeprefix("http://testserver"))

    html = again.content.decode()
    assert again.status_code == 200
    assert f'action="/audits/{audit.public_id}/copy/"' in html
    assert "Audit again from these ratings" in html
    # Following the link made nothing; the button does.
    assert Audit.objects.count() == 1
    assert browser.post(f"/audits/{audit.public_id}/copy/").status_code == 302
    assert Audit.objects.count() == 2


@pytest.mark.django_db
def test_an_open_audit_has_no_calendar_file(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=scientist_ratings())
    assert owner_client.get(ics_url(audit)).status_code == 404


@pytest.mark.django_db
def test_the_ics_and_unsubscribe_links_are_rate_limited(
    settings: Any, owner_client: Client, done_audit: Audit
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "links": "2/h"}
    assert [owner_client.get(ics_url(done_audit)).status_code for _ in range(3)] == [200, 200, 429]
    client = Client()
    url = f"/reminders/unsubscribe/{reminders.unsubscribe_token(done_audit)}/"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.django_db
def test_calendar_and_again_query_counts(
    owner_client: Client, done_audit: Audit, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(3):  # session, user, the audit with its track
        assert owner_client.get(ics_url(done_audit)).status_code == 200
    with django_assert_num_queries(3):
        assert owner_client.get(f"/audits/{done_audit.public_id}/again/").status_code == 200


# --- The reminder switch --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_reminder_is_off_by_default_and_switches_on_and_off(
    owner_client: Client, done_audit: Audit, django_assert_num_queries: Any
) -> None:
    url = f"/audits/{done_audit.public_id}/reminder/"
    assert done_audit.remind is False
    page = owner_client.get(f"/audits/{done_audit.public_id}/results/").content.decode()
    assert "Email me a reminder that day" in page

    # session, user, the audit, the confirmed address, the update
    with django_assert_num_queries(5):
        response = owner_client.post(url, {"on": "1"})
    assert response.status_code == 302 and response["Location"].endswith("#reminder")
    assert Audit.objects.get(pk=done_audit.pk).remind is True
    page = owner_client.get(response["Location"]).content.decode()
    assert "We’ll email owner@example.com on 21 February 2026." in page

    owner_client.post(url, {"on": "0"})
    assert Audit.objects.get(pk=done_audit.pk).remind is False
    assert owner_client.post(url, {"on": "maybe"}).status_code == 400


@pytest.mark.django_db
def test_no_reminder_without_an_email_address(
    owner: User, owner_client: Client, done_audit: Audit
) -> None:
    User.objects.filter(pk=owner.pk).update(email="")
    page = owner_client.get(f"/audits/{done_audit.public_id}/results/").content.decode()
    assert "no email address" in page and "Email me a reminder" not in page

    owner_client.post(f"/audits/{done_audit.public_id}/reminder/", {"on": "1"})

    assert Audit.objects.get(pk=done_audit.pk).remind is False


# --- send_reminders -------------------------------------------------------------------------


@pytest.fixture
def mail_dir(settings: Any, tmp_path: Path) -> Path:
    """The app's file mail backend (MAIL_BACKEND=file), writing under a temporary folder."""
    folder = tmp_path / "mail"
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(folder)},
        }
    }
    settings.SITE_URL = "https://skills.example"
    return folder


def sent_mail(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return [
        message
        for log in sorted(folder.iterdir())
        for message in log.read_text().split("-" * 79)
        if message.strip()
    ]


def reminded(owner: User, make_audit: MakeAudit, when: datetime = COMPLETED) -> Audit:
    audit = completed_on(make_audit(owner=owner, ratings=scientist_ratings(), complete=True), when)
    Audit.objects.filter(pk=audit.pk).update(remind=True)
    return Audit.objects.get(pk=audit.pk)


@pytest.mark.django_db(transaction=True)
def test_each_due_reminder_is_sent_once_across_two_runs(
    seeded_transactional: None,
    mail_dir: Path,
    owner: User,
    other_user: User,
    make_audit: MakeAudit,
) -> None:
    due = reminded(owner, make_audit)
    also_due = reminded(other_user, make_audit, COMPLETED - timedelta(days=3))
    reminded(owner, make_audit, COMPLETED + timedelta(days=1))  # due a day later
    completed_on(make_audit(owner=owner, ratings=scientist_ratings(), complete=True))  # off

    call_command("send_reminders", "--date", DUE.isoformat())
    call_command("send_reminders", "--date", DUE.isoformat())

    mails = sent_mail(mail_dir)
    assert len(mails) == 2
    assert sorted(re.findall(r"^To: (\S+)", "\n".join(mails), flags=re.M)) == [
        "other@example.com",
        "owner@example.com",
    ]
    assert Audit.objects.filter(reminded_at__isnull=False).count() == 2
    assert {due.pk, also_due.pk} == set(
        Audit.objects.filter(reminded_at__isnull=False).values_list("pk", flat=True)
    )
    call_command("send_reminders", "--date", (DUE + timedelta(days=1)).isoformat())
    assert len(sent_mail(mail_dir)) == 3


@pytest.mark.django_db(transaction=True)
def test_overlapping_runs_send_each_reminder_once(
    seeded_transactional: None, mail_dir: Path, owner: User, make_audit: MakeAudit, monkeypatch: Any
) -> None:
    """Run A claims its first reminder, and while it is sending that one, run B starts and runs
    to the end in another thread (another database connection): both see all three due."""
    audits = [reminded(owner, make_audit, COMPLETED + timedelta(minutes=n)) for n in range(3)]
    send = reminders.EmailMessage.send
    overlap: list[threading.Thread] = []

    def run_b() -> None:
        try:
            call_command("send_reminders", "--date", DUE.isoformat())
        finally:
            connection.close()  # this thread's own connection

    senders: list[str] = []

    def send_while_b_runs(self: Any, *args: Any, **kwargs: Any) -> int:
        if not overlap:  # run A's first send: start run B now, and let it finish
            overlap.append(threading.Thread(target=run_b, name="run-b"))
            overlap[0].start()
            overlap[0].join(timeout=60)
        senders.append(threading.current_thread().name)
        return send(self, *args, **kwargs)

    monkeypatch.setattr(reminders.EmailMessage, "send", send_while_b_runs)
    call_command("send_reminders", "--date", DUE.isoformat())

    assert overlap and not overlap[0].is_alive()
    # Run B sent the two A had not claimed yet; A sent only the one it had claimed.
    assert sorted(senders) == ["MainThread", "run-b", "run-b"]
    mails = sent_mail(mail_dir)
    assert len(mails) == len(audits) == 3
    assert Audit.objects.filter(reminded_at__isnull=False).count() == 3


@pytest.mark.django_db
def test_the_email_names_the_track_the_focus_cells_the_open_steps_and_its_links(
    mail_dir: Path, owner_client: Client, owner: User, make_audit: MakeAudit
) -> None:
    audit = reminded(owner, make_audit)
    ticked = audit.plan["steps"][0]["id"]  # type: ignore[index]
    owner_client.post(f"/audits/{audit.public_id}/steps/{ticked}/", {"done": "1"})
    audit = Audit.objects.select_related("owner", "track", "map_snapshot").get(pk=audit.pk)

    message = reminders.message(audit, "https://skills.example")

    body = message.body
    assert message.subject == "Time to re-audit: Research Scientist"
    assert message.to == ["owner@example.com"]
    assert "against Research Scientist" in body
    assert "- Research Skills (needs Very high): you 2, target 5" in body
    assert "Steps still open in your plan (suggested by Skills Map):" in body
    titles = re.findall(r"^\d+\. (.+) \(\d+ h\)", body, flags=re.M)
    assert len(titles) == len(audit.plan["steps"]) - 1  # type: ignore[index]
    assert f"https://skills.example/audits/{audit.public_id}/again/" in body
    unsubscribe = re.search(r"https://skills.example(/reminders/unsubscribe/[^/\s]+/)", body)
    assert unsubscribe is not None
    assert (
        message.extra_headers["List-Unsubscribe"]
        == f"<https://skills.example{unsubscribe.group(1)}>"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # No personal data in the links: the token signs the audit's public id, nothing else.
    token = unsubscribe.group(1).split("/")[-2]
    assert signing.loads(token, salt=reminders.UNSUBSCRIBE_SALT) == str(audit.public_id)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["tomorrow", "2026-02-30", "21/02/2026", ""])
def test_a_bad_date_is_an_error_and_a_non_zero_exit(
    mail_dir: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CommandError, match="--date must be a date as YYYY-MM-DD"):
        call_command("send_reminders", "--date", value) if value else send_reminders._day(value)
    command: BaseCommand = send_reminders.Command()
    with pytest.raises(SystemExit) as exit_:
        command.run_from_argv(["manage.py", "send_reminders", "--date", value or "x"])
    assert exit_.value.code != 0
    assert "--date must be a date as YYYY-MM-DD" in capsys.readouterr().err
    assert sent_mail(mail_dir) == []


@pytest.mark.django_db
def test_a_failed_send_is_given_back_for_the_next_run(
    mail_dir: Path, owner: User, make_audit: MakeAudit, monkeypatch: Any
) -> None:
    audit = reminded(owner, make_audit)

    def fail(self: Any, *args: Any, **kwargs: Any) -> int:
        raise OSError("mail server down")

    monkeypatch.setattr(reminders.EmailMessage, "send", fail)
    with pytest.raises(CommandError, match="could not be sent"):
        call_command("send_reminders", "--date", DUE.isoformat())
    assert Audit.objects.get(pk=audit.pk).reminded_at is None
    monkeypatch.undo()

    call_command("send_reminders", "--date", DUE.isoformat())
    assert len(sent_mail(mail_dir)) == 1


# --- Unsubscribe ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_unsubscribe_works_logged_out_and_turns_off_every_reminder_of_that_user(
    owner: User, other_user: User, make_audit: MakeAudit, django_assert_num_queries: Any
) -> None:
    first, second = reminded(owner, make_audit), reminded(owner, make_audit)
    someone_else = reminded(other_user, make_audit)
    url = f"/reminders/unsubscribe/{reminders.unsubscribe_token(first)}/"
    client = Client(enforce_csrf_checks=True)  # a mail client posts with no CSRF token

    with django_assert_num_queries(2):  # the audit the token names, whether any reminder is on
        page = client.get(url)
    assert page.status_code == 200 and "Stop reminder emails" in page.content.decode()
    assert Audit.objects.get(pk=first.pk).remind is True  # following the link changes nothing

    with django_assert_num_queries(2):  # the audit, the update
        done = client.post(url)

    assert done.status_code == 200 and "no more re-audit reminders" in done.content.decode()
    assert not Audit.objects.filter(pk__in=[first.pk, second.pk], remind=True).exists()
    assert Audit.objects.get(pk=someone_else.pk).remind is True


@pytest.mark.django_db
def test_unsubscribe_says_when_reminders_are_already_off(
    owner: User, make_audit: MakeAudit, django_assert_num_queries: Any
) -> None:
    audit = reminded(owner, make_audit)
    url = f"/reminders/unsubscribe/{reminders.unsubscribe_token(audit)}/"
    client = Client(enforce_csrf_checks=True)
    client.post(url)

    with django_assert_num_queries(2):  # the audit the token names, whether any reminder is on
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Your reminders are already off" in html
    assert "Stop reminder emails" not in html  # no button that would do nothing
    # A second one-click post from a mail client says the same.
    again = client.post(url).content.decode()
    assert "Your reminders are already off" in again and "no more re-audit" not in again


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["tampered", "expired", "another salt", "garbage"])
def test_a_bad_unsubscribe_token_is_a_clear_page_and_changes_nothing(
    owner: User, make_audit: MakeAudit, monkeypatch: Any, how: str
) -> None:
    audit = reminded(owner, make_audit)
    token = reminders.unsubscribe_token(audit)
    if how == "tampered":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif how == "expired":
        monkeypatch.setattr(reminders, "UNSUBSCRIBE_MAX_AGE", timedelta(seconds=-1))
    elif how == "another salt":
        token = signing.dumps(str(audit.public_id), salt="something.else")
    else:
        token = "not-a-token"

    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/reminders/unsubscribe/{token}/")
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert Audit.objects.get(pk=audit.pk).remind is True
