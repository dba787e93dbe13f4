from datetime import date
from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from audits.reminders import send_due


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be a date as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Email each re-audit reminder that is due, exactly once (also when runs overlap). "
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
        sent, failures = send_due(today, settings.SITE_URL)
        for failure in failures:
            self.stderr.write(f"not sent, will retry on the next run: {failure}")
        self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''} due by {today}.")
        if failures:
            raise CommandError(f"{len(failures)} reminder(s) could not be sent")
