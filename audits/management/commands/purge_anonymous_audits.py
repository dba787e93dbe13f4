"""`manage.py purge_anonymous_audits`: delete anonymous audits nobody can open any more.

An anonymous audit is reachable only from the browser session that lists it (SESSION_AUDITS).
It is deleted when both hold:

- it has not changed for SESSION_COOKIE_AGE: a session that listed it when it was last saved
  has expired since, unless the visitor kept using that session; and
- no unexpired session lists it: a session's expiry moves SESSION_COOKIE_AGE on each time it
  is saved, so a visitor who keeps coming back keeps an older audit.

Run it with `clearsessions`, on the same schedule; either order works, since expired sessions
are ignored here. Sessions are read from the database, where both session engines the app
uses (db, and cached_db with Redis) keep them.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from audits.accounts import SESSION_AUDITS
from audits.models import Audit

DATABASE_SESSIONS = {
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
}
BATCH = 500


def held_by_live_sessions() -> set[str]:
    """Public ids (as text) of the audits some unexpired session lists."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    held: set[str] = set()
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for data in live.values_list("session_data", flat=True).iterator():
        held.update(str(i) for i in store.decode(data).get(SESSION_AUDITS, []))
    return held


class Command(BaseCommand):
    help = (
        "Delete anonymous audits (no owner) that have not changed for SESSION_COOKIE_AGE and "
        "that no unexpired session lists, so nobody can open them again. Run it with "
        "`manage.py clearsessions`, on the same schedule (daily)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many would go; delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.SESSION_ENGINE not in DATABASE_SESSIONS:
            raise CommandError(
                f"Sessions must be kept in the database to see which audits they hold; "
                f"SESSION_ENGINE is {settings.SESSION_ENGINE!r}."
            )
        cutoff = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
        stale = Audit.objects.filter(owner=None, updated_at__lt=cutoff)
        held = held_by_live_sessions()
        doomed = [
            (pk, public_id)
            for pk, public_id in stale.values_list("pk", "public_id").iterator()
            if str(public_id) not in held
        ]
        if not options["dry_run"]:
            for start in range(0, len(doomed), BATCH):
                batch = doomed[start : start + BATCH]
                # The rule again, in the DELETE itself: one claimed by signing in since the
                # list was made stays.
                stale.filter(pk__in=[pk for pk, _ in batch]).delete()
        verb = "Would delete" if options["dry_run"] else "Deleted"
        days = settings.SESSION_COOKIE_AGE / 86400
        self.stdout.write(
            f"{verb} {len(doomed)} anonymous audit{'s' if len(doomed) != 1 else ''} unchanged "
            f"for {days:g} days and held by no live session."
        )
