from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.db import transaction

from skillmap.models import Bucket, Level, MapRevision, Passage, Skill, Track

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "skills_map.json"


class Command(BaseCommand):
    help = (
        "Load the guide's skills map if the database has none. Never overwrites: once staff "
        "have the map, their edits are what the app shows."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if any(m.objects.exists() for m in (Track, Bucket, Level, Skill, Passage)):
            self.stdout.write("The skills map is already in the database; nothing loaded.")
            return
        with transaction.atomic():
            call_command("loaddata", FIXTURE, verbosity=0)
            MapRevision.bump()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the guide's skills map: {Track.objects.count()} tracks, "
                f"{Bucket.objects.count()} buckets."
            )
        )
