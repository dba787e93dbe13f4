"""The reminder as it goes out: List-Unsubscribe as one <https://…> (not encoded words), a
reminder that keeps failing reported and then given up (not tried for ever in silence), and mail
kept by the file backend readable by its owner only."""

from __future__ import annotations

import io
import logging
import os
import re
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from audits import reminders
from audits.models import REMINDER_ATTEMPTS, Audit
from tests.conftest import MakeAudit
from tests.servers import base_env, manage
from tests.test_reminders import DUE, mail_dir, reminded  # noqa: F401 - a fixture


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- List-Unsubscribe -----------------------------------------------------------------------


@pytest.mark.django_db
def test_list_unsubscribe_goes_out_as_one_https_link(
    mail_dir: Path,  # noqa: F811
    owner: User,
    make_audit: MakeAudit,
) -> None:
    reminded(owner, make_audit)
    call_command("send_reminders", "--date", DUE.isoformat(), stdout=io.StringIO())

    (sent,) = mail_dir.iterdir()
    raw = sent.read_bytes()
    headers = raw.split(b"\n\n", 1)[0]
    found = re.search(rb"^List-Unsubscribe: (.*)$", headers, re.MULTILINE)
    assert found is not None, headers.decode()
    value = found.group(1)
    # Unfolded, unencoded: the whole link on the header's own line (RFC 2369 and 8058).
    assert value.startswith(b"<https://skills.example/reminders/unsubscribe/"), value
    assert re.fullmatch(rb"<https://skills\.example/reminders/unsubscribe/[^\s<>]+/>", value)
    assert b"=?utf-8?" not in headers
    assert b"\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n" in headers + b"\n"


# --- A reminder that keeps failing ----------------------------------------------------------


def _fail(self: Any, *args: Any, **kwargs: Any) -> int:
    raise OSError("550 mailbox unavailable")


@pytest.mark.django_db
def test_a_reminder_that_keeps_failing_is_reported_then_given_up(
    mail_dir: Path,  # noqa: F811
    owner: User,
    make_audit: MakeAudit,
    monkeypatch: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    audit = reminded(owner, make_audit)
    monkeypatch.setattr(reminders.EmailMessage, "send", _fail)
    caplog.set_level(logging.ERROR, logger="audits.reminders")
    attempts = REMINDER_ATTEMPTS

    for day in range(attempts):
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(CommandError, match="1 reminder"):
            today = DUE + timedelta(days=day)
            call_command("send_reminders", "--date", today.isoformat(), stdout=out, stderr=err)
        last = day == attempts - 1
        counted = "0 failed (to retry), 1 given up" if last else "1 failed (to retry), 0 given up"
        assert counted in out.getvalue()
        assert str(audit.public_id) in err.getvalue()
        assert ("given up after 5 attempts" in err.getvalue()) is last
        record = caplog.records[-1]
        assert record.levelno == logging.ERROR
        assert str(audit.public_id) in record.getMessage()
        assert f"attempt {day + 1} of {attempts}" in record.getMessage()
        assert record.getMessage().endswith("550 mailbox unavailable")
        stored = Audit.objects.get(pk=audit.pk)
        assert (stored.reminder_failures, stored.reminded_at) == (day + 1, None)
    assert "given up" in caplog.records[-1].getMessage()

    # Given up: the next run does not try it, and says nothing is wrong.
    caplog.clear()
    out = io.StringIO()
    call_command("send_reminders", "--date", (DUE + timedelta(days=9)).isoformat(), stdout=out)
    assert "Sent 0 reminders" in out.getvalue()
    assert "0 failed (to retry), 0 given up" in out.getvalue()
    assert caplog.records == []
    assert Audit.objects.reminders_due(DUE + timedelta(days=9)).count() == 0


@pytest.mark.django_db
def test_switching_the_reminder_on_again_gives_it_new_attempts(
    owner_client: Client, owner: User, make_audit: MakeAudit
) -> None:
    audit = reminded(owner, make_audit)
    Audit.objects.filter(pk=audit.pk).update(reminder_failures=REMINDER_ATTEMPTS)
    assert Audit.objects.reminders_due(DUE).count() == 0

    owner_client.post(f"/audits/{audit.public_id}/reminder/", {"on": "1"})

    assert Audit.objects.get(pk=audit.pk).reminder_failures == 0
    assert list(Audit.objects.reminders_due(DUE)) == [audit]


# --- The file backend's mail is private -----------------------------------------------------


@pytest.fixture
def _ordinary_umask() -> Iterator[None]:
    # The usual 022, inherited by the subprocess: without the fix the mail comes out 0644.
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("_ordinary_umask")
def test_mail_written_by_the_file_backend_is_owner_only(tmp_path: Path) -> None:
    env = {**base_env(tmp_path), "MAIL_BACKEND": "file"}
    folder = tmp_path / "data" / "mail"
    manage(env, "sendtestemail", "someone@example.com")
    (written,) = folder.iterdir()
    assert (mode(folder), mode(written)) == (0o700, 0o600)
    assert b"someone@example.com" in written.read_bytes()

    # A folder an earlier version left readable is tightened; new files are private in it.
    folder.chmod(0o755)
    written.unlink()
    manage(env, "sendtestemail", "someone@example.com")
    (written,) = folder.iterdir()
    assert (mode(folder), mode(written)) == (0o700, 0o600)


@pytest.mark.django_db
def test_the_backend_appends_each_message_of_a_connection_to_one_file(
    settings: Any, tmp_path: Path
) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "config.mail.PrivateFileEmailBackend",
            "OPTIONS": {"file_path": str(tmp_path / "mail")},
        }
    }
    messages = [
        mail.EmailMessage(f"Subject {n}", "Body", "from@example.com", ["to@example.com"])
        for n in range(3)
    ]
    assert mail.mailers["default"].send_messages(messages) == 3
    (written,) = (tmp_path / "mail").iterdir()
    assert re.findall(r"^Subject: (.+)$", written.read_text(), re.MULTILINE) == [
        "Subject 0",
        "Subject 1",
        "Subject 2",
    ]
    assert mode(written) == 0o600
