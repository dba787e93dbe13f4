from datetime import date
from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from audits.reminders import REMINDER_ATTEMPTS, send_due


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be a date as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Email each re-audit reminder that is due, exactly once (also when runs overlap). "
        f"One that fails is tried by {REMINDER_ATTEMPTS} runs, then given up. "
        "Run daily from cron or a systemd timer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="The day to treat as today, YYYY-MM-DD (default: today)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["date"]) if options["date"] else timezone.localdate()
        if not settings.SITE_URL:
            raise CommandError(
                "SITE_URL is not set: reminder emails need the site's address for their links."
            )
        run = send_due(today, settings.SITE_URL)
        for failure in run.failed:
            self.stderr.write(f"not sent, will retry on the next run: {failure}")
        for failure in run.given_up:
            self.stderr.write(f"not sent, given up after {REMINDER_ATTEMPTS} attempts: {failure}")
        self.stdout.write(
            f"Sent {run.sent} reminder{'s' if run.sent != 1 else ''} due by {today}; "
            f"{len(run.failed)} failed (to retry), {len(run.given_up)} given up."
        )
        if run.failed or run.given_up:
            raise CommandError(
                f"{len(run.failed) + len(run.given_up)} reminder(s) could not be sent"
            )
