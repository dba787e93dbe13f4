"""Bringing people back: the re-audit date's calendar entry and the reminder email.

Links carry nothing about the person but the audit's unguessable public id: the calendar's link
to audit again is the audit's own page, and the unsubscribe token signs that id (salted, with a
timestamp) and never names the user.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import icalendar
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audits import plans
from audits.accounts import PlainTextEmail
from audits.models import REMINDER_ATTEMPTS, Audit
from skillmap.validators import one_line

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "audits.reminders.unsubscribe"
# An unsubscribe link keeps working this long after its email was sent.
UNSUBSCRIBE_MAX_AGE = timedelta(days=90)


# --- The calendar entry ---------------------------------------------------------------------


def calendar(audit: Audit, again_url: str) -> bytes:
    """One all-day event on the re-audit date. Its UID names the audit alone, so a second
    download updates the event in a calendar rather than adding another."""
    day = audit.reaudit_on
    assert audit.completed_at is not None and day is not None
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Skills Map//Re-audit//EN")
    cal.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"reaudit-{audit.public_id}@skills-map")
    event.add("dtstamp", audit.completed_at)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", f"Re-audit your skills: {audit.track.name} (Skills Map)")
    event.add(
        "description",
        "Six weeks since your Skills Map audit. Rate yourself again, starting from your last "
        f"ratings, and see what moved: {again_url}",
    )
    event.add("url", again_url)
    event.add("transp", "TRANSPARENT")
    cal.add_component(event)
    return cal.to_ical()


# --- The reminder email ---------------------------------------------------------------------


def claim(audit: Audit) -> bool:
    """Take this reminder for sending: one conditional UPDATE, so of any number of overlapping
    runs exactly one gets it."""
    return bool(
        Audit.objects.filter(pk=audit.pk, remind=True, reminded_at__isnull=True).update(
            reminded_at=timezone.now()
        )
    )


def release(audit: Audit) -> int:
    """Give a claimed reminder back (its sending failed) and count the failure: the next run
    tries it again, until REMINDER_ATTEMPTS. The failures so far."""
    Audit.objects.filter(pk=audit.pk).update(
        reminded_at=None, reminder_failures=F("reminder_failures") + 1
    )
    return audit.reminder_failures + 1


def unsubscribe_token(audit: Audit) -> str:
    return signing.dumps(str(audit.public_id), salt=UNSUBSCRIBE_SALT, compress=True)


def audit_for_token(token: str) -> Audit | None:
    """The audit an unsubscribe token was made for; None if tampered with, expired or gone."""
    try:
        public_id = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    return Audit.objects.filter(public_id=public_id, owner__isnull=False).first()


def any_on_for_owner(audit: Audit) -> bool:
    """Whether any audit of this audit's owner still has its reminder on."""
    return Audit.objects.filter(owner_id=audit.owner_id, remind=True).exists()


def turn_off_for_owner(audit: Audit) -> int:
    """Unsubscribe: reminders off for every audit of this audit's owner."""
    return Audit.objects.filter(owner_id=audit.owner_id, remind=True).update(remind=False)


def message(audit: Audit, site_url: str) -> EmailMessage:
    taken = audit.taken()
    assessment = taken.assessment()
    plan = (
        plans.read(audit.plan, taken.guide.map, assessment, done=audit.ticks())
        if audit.plan and assessment is not None
        else None
    )
    base = site_url.rstrip("/")
    unsubscribe = base + reverse("audits:unsubscribe", args=[unsubscribe_token(audit)])
    context: dict[str, Any] = {
        "audit": audit,
        "track": audit.track.name,
        "assessment": assessment,
        "plan": plan,
        "again_url": base + reverse("audits:again", args=[audit.public_id]),
        "unsubscribe_url": unsubscribe,
    }
    assert audit.owner is not None
    # Long lines, so List-Unsubscribe goes out as <https://…> (RFC 2369, 8058), not folded
    # into encoded words a mail client may not read as a link.
    return PlainTextEmail(
        subject=f"Time to re-audit: {one_line(audit.track.name)}",
        body=render_to_string("audits/email/reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[audit.owner.email],
        headers={
            # RFC 8058: mail clients offer a one-click unsubscribe that POSTs to this link.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


@dataclass
class Run:
    """What one run did: how many it sent, and which failed (to be tried again, or given up)."""

    sent: int = 0
    failed: list[str] = field(default_factory=list)
    given_up: list[str] = field(default_factory=list)


def send_due(today: date, site_url: str) -> Run:
    """Send every reminder due by `today` that no other run has claimed. Each failure is
    logged as an error, naming the audit."""
    run = Run()
    for audit in Audit.objects.reminders_due(today):
        if not claim(audit):
            continue
        try:
            message(audit, site_url).send()
        except Exception as exc:  # noqa: BLE001 - one bad address must not stop the rest
            failures = release(audit)
            last = failures >= REMINDER_ATTEMPTS
            logger.error(
                "Re-audit reminder for audit %s not sent (attempt %d of %d%s): %s",
                audit.public_id,
                failures,
                REMINDER_ATTEMPTS,
                ", given up" if last else "",
                exc,
            )
            (run.given_up if last else run.failed).append(f"{audit.public_id}: {exc}")
            continue
        run.sent += 1
    return run
