"""The skills map (reference data staff edit) and people's audits of themselves against it."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from audits import scoring

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class SlugManager(models.Manager):
    """Fixtures refer to reference rows by slug, so they load into any database."""

    def get_by_natural_key(self, slug: str) -> Any:
        return self.get(slug=slug)


class Passage(models.Model):
    """A piece of the guide's prose, shown word for word (the big idea, how to read the table)."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()

    objects = SlugManager()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title or self.slug

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Bucket(models.Model):
    """One of the four clusters skills fall into."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    short_name = models.CharField(max_length=40, help_text="The matrix column heading.")
    description = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    objects = SlugManager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Level(models.Model):
    """How much of a bucket a track needs, and the 1–5 self-rating that meets it."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=40, unique=True)
    rank = models.PositiveSmallIntegerField(
        unique=True, help_text="1 is the lowest level. Also the level's weight in the fit rule."
    )
    meaning = models.CharField(max_length=300, blank=True)
    target = models.PositiveSmallIntegerField(
        help_text="The 1–5 self-rating that meets this level."
    )

    objects = SlugManager()

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__gte=1, target__lte=5), name="level_target_1_to_5"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="level_rank_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Skill(models.Model):
    """A concrete thing a person rates themselves on, in one bucket."""

    slug = models.SlugField(unique=True)
    bucket = models.ForeignKey(Bucket, on_delete=models.PROTECT, related_name="skills")
    name = models.CharField(max_length=100)
    question = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    objects = SlugManager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Track(models.Model):
    """A career track: a mix of the four buckets."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = SlugManager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def get_absolute_url(self) -> str:
        return reverse("audits:track", args=[self.slug])


class RequirementManager(models.Manager["Requirement"]):
    def get_by_natural_key(self, track_slug: str, bucket_slug: str) -> Requirement:
        return self.get(track__slug=track_slug, bucket__slug=bucket_slug)


class Requirement(models.Model):
    """One cell of the matrix: what a track asks of a bucket."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="requirements")
    bucket = models.ForeignKey(Bucket, on_delete=models.PROTECT, related_name="requirements")
    label = models.CharField(max_length=100, help_text="Exactly as the guide prints it.")
    level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requirements",
        help_text="Empty where the cell names an area rather than a level.",
    )
    rationale = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RequirementManager()

    class Meta:
        ordering = ["track__position", "bucket__position"]
        constraints = [
            models.UniqueConstraint(fields=["track", "bucket"], name="one_requirement_per_cell")
        ]

    def __str__(self) -> str:
        return f"{self.track} / {self.bucket}: {self.label}"

    def natural_key(self) -> tuple[str, str]:
        return (self.track.slug, self.bucket.slug)

    natural_key.dependencies = ["audits.track", "audits.bucket", "audits.level"]  # type: ignore[attr-defined]


class MapRevision(models.Model):
    """The published map: a counter bumped whenever staff change it, and the map it stands for.

    One row. Each request reads the number (one indexed query) and a process rebuilds its
    in-memory copy only when the number moves, from `content` (one more query) where the
    change was published with it (audits.reference.publish), else from the tables.
    """

    number = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)
    content = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="map_revision_singleton")]

    def __str__(self) -> str:
        return f"revision {self.number}"

    @classmethod
    def current(cls) -> int:
        number = cls.objects.filter(id=1).values_list("number", flat=True).first()
        return number or 0

    @classmethod
    def bump(cls, content: dict[str, Any] | None = None) -> None:
        """Move the number on (every process drops its copy), storing the new map if given."""
        with transaction.atomic():
            updated = cls.objects.filter(id=1).update(
                number=F("number") + 1, changed_at=timezone.now(), content=content
            )
            if not updated:
                cls.objects.get_or_create(id=1, defaults={"number": 1, "content": content})


class AuditQuerySet(models.QuerySet["Audit"]):
    def for_visitor(self, user: AbstractBaseUser | AnonymousUser, session_ids: list[str]) -> Any:
        """The audits this visitor may see: their own, or this browser's anonymous ones."""
        if user.is_authenticated:
            return self.filter(owner=user)
        return self.filter(owner=None, public_id__in=session_ids)


class Audit(models.Model):
    """One sitting of the self-audit, against a target track."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audits",
    )
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="audits")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    snapshot = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="The map and ratings as they were when completed; results render from it.",
    )

    summary = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="Headline and bucket scores at completion, for history and progress pages.",
    )

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="audit_owner_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True, snapshot__isnull=True)
                | Q(completed_at__isnull=False, snapshot__isnull=False),
                name="completed_audit_has_snapshot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.track} audit {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("audits:audit", args=[self.public_id])

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    def _lock(self) -> Audit:
        """Re-read this audit inside the caller's transaction, holding its row."""
        locked = (
            Audit.objects.select_for_update(of=("self",)).select_related("track").get(pk=self.pk)
        )
        if locked.is_complete:
            raise AuditClosed
        return locked

    def _touch_if_open(self, **changes: Any) -> bool:
        """Update this audit only if it is still open; whether it was.

        One conditional UPDATE both checks and takes the row's lock, so a concurrent
        `complete()` either waits for this transaction or makes it find the audit closed.
        """
        updated = Audit.objects.filter(pk=self.pk, completed_at__isnull=True).update(
            updated_at=timezone.now(), **changes
        )
        return bool(updated)

    def save_ratings(self, values: dict[int, tuple[int, str]]) -> None:
        """Store {skill id: (value, note)}: one upsert, so saving twice is the same as once."""
        # No savepoint: nothing in here recovers from an error, so a nested call needs none;
        # AuditClosed is raised after the block, so it never spoils a caller's transaction.
        with transaction.atomic(savepoint=False):
            still_open = self._touch_if_open()
            if still_open:
                Rating.objects.bulk_create(
                    [
                        Rating(audit=self, skill_id=skill_id, value=value, note=note)
                        for skill_id, (value, note) in values.items()
                    ],
                    update_conflicts=True,
                    unique_fields=["audit", "skill"],
                    update_fields=["value", "note", "updated_at"],
                )
        if not still_open:
            raise AuditClosed

    def change_track(self, track: Track) -> None:
        if not self._touch_if_open(track=track):
            raise AuditClosed
        self.track = track

    def ratings_by_slug(self) -> dict[str, tuple[int, str]]:
        rows = self.ratings.values_list("skill__slug", "value", "note")
        return {slug: (value, note) for slug, value, note in rows}

    def complete(self, snapshot: dict[str, Any], skill_slugs: list[str]) -> None:
        """Close the audit, keeping what it was scored against; every skill must be rated."""
        with transaction.atomic():
            # The target as it is now, not as this instance read it: another tab may have moved it.
            self.track = self._lock().track
            ratings = self.ratings_by_slug()
            missing = [slug for slug in skill_slugs if slug not in ratings]
            if missing:
                raise AuditIncomplete(missing)
            now = timezone.now()
            self.snapshot = {
                **snapshot,
                "track": self.track.slug,
                "ratings": {slug: value for slug, (value, _) in ratings.items()},
                "notes": {slug: note for slug, (_, note) in ratings.items() if note},
            }
            taken = scoring.SkillMap.from_dict(snapshot["map"])
            target = taken.track(self.track.slug)
            self.summary = (
                scoring.summary(scoring.assess(taken, target, self.snapshot["ratings"]))
                if target is not None
                else None
            )
            self.completed_at = now
            Audit.objects.filter(pk=self.pk).update(
                snapshot=self.snapshot, summary=self.summary, completed_at=now, updated_at=now
            )

    def copy_for(self, owner: Any) -> Audit:
        """A new, open audit for the same track, pre-filled with these ratings."""
        with transaction.atomic():
            fresh = Audit.objects.create(owner=owner, track_id=self.track_id)
            Rating.objects.bulk_create(
                Rating(audit=fresh, skill_id=r.skill_id, value=r.value, note=r.note)
                for r in self.ratings.all()
            )
        return fresh


class Rating(models.Model):
    """A person's 1–5 rating of themselves on one skill, in one audit."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="ratings")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="ratings")
    value = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=280, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["skill__position", "skill_id"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "skill"], name="one_rating_per_skill"),
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=5), name="rating_value_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill}: {self.value}"


class AuditClosed(Exception):
    """A completed audit is kept as it was: its ratings and target no longer change."""


class AuditIncomplete(Exception):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing
