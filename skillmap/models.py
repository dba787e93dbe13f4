"""The skills map: the guide's tracks, buckets, levels, skills and cells, which staff edit."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from skillmap.validators import single_line
from skillmap.values import stated_level


class SlugManager(models.Manager):
    """Fixtures refer to reference rows by slug, so they load into any database."""

    def get_by_natural_key(self, slug: str) -> Any:
        return self.get(slug=slug)


class Sluggable(models.Model):
    """A row of the map named by its slug: in URLs, fixtures and stored snapshots."""

    slug = models.SlugField(unique=True)

    objects = SlugManager()

    class Meta:
        abstract = True

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Passage(Sluggable):
    """A piece of the guide's prose, shown word for word (the big idea, how to read the table)."""

    title = models.CharField(max_length=200, blank=True, validators=[single_line])
    body = models.TextField()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title or self.slug


class Bucket(Sluggable):
    """One of the four clusters skills fall into."""

    name = models.CharField(max_length=100, unique=True, validators=[single_line])
    short_name = models.CharField(
        max_length=40, help_text="The matrix column heading.", validators=[single_line]
    )
    description = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Level(Sluggable):
    """How much of a bucket a track needs, and the 1–5 self-rating that meets it."""

    name = models.CharField(max_length=40, unique=True, validators=[single_line])
    rank = models.PositiveSmallIntegerField(
        unique=True, help_text="1 is the lowest level. Also the level's weight in the fit rule."
    )
    meaning = models.CharField(
        max_length=300, blank=True, help_text="The guide's own words for this level, if it has any."
    )
    app_meaning = models.CharField(
        max_length=300,
        blank=True,
        help_text="The app's own words, shown marked as the app's where the guide gives none.",
    )
    target = models.PositiveSmallIntegerField(
        help_text="The 1–5 self-rating that meets this level."
    )

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


class Skill(Sluggable):
    """A concrete thing a person rates themselves on, in one bucket."""

    bucket = models.ForeignKey(Bucket, on_delete=models.PROTECT, related_name="skills")
    name = models.CharField(max_length=100, validators=[single_line])
    question = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    added = models.BooleanField(
        "added by Skills Map",
        default=False,
        help_text="Not one of the guide's five questions: asked where they don't reach a cell, "
        "and shown as the app's own.",
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class SkillLevelManager(models.Manager["SkillLevel"]):
    def get_by_natural_key(self, skill_slug: str, rating: int) -> SkillLevel:
        return self.get(skill__slug=skill_slug, rating=rating)


class SkillLevel(models.Model):
    """What a 1, 2, 3, 4 or 5 looks like for one skill: the app's words, shown with the radios."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="levels")
    rating = models.PositiveSmallIntegerField()
    description = models.CharField(
        max_length=200, help_text="Concrete and observable: what someone at this rating can do."
    )

    objects = SkillLevelManager()

    class Meta:
        ordering = ["skill", "rating"]
        constraints = [
            models.UniqueConstraint(fields=["skill", "rating"], name="one_description_per_rating"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="skill_level_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} at {self.rating}"

    def natural_key(self) -> tuple[str, int]:
        return (self.skill.slug, self.rating)

    natural_key.dependencies = ["skillmap.skill"]  # type: ignore[attr-defined]


class Track(Sluggable):
    """A career track: a mix of the four buckets."""

    name = models.CharField(max_length=100, unique=True, validators=[single_line])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("skillmap:track", args=[self.slug])


class RequirementManager(models.Manager["Requirement"]):
    def get_by_natural_key(self, track_slug: str, bucket_slug: str) -> Requirement:
        return self.get(track__slug=track_slug, bucket__slug=bucket_slug)


class Requirement(models.Model):
    """One cell of the matrix: what a track asks of a bucket."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="requirements")
    bucket = models.ForeignKey(Bucket, on_delete=models.PROTECT, related_name="requirements")
    label = models.CharField(
        max_length=100, help_text="Exactly as the guide prints it.", validators=[single_line]
    )
    level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requirements",
        help_text="The level the guide's label names. Empty where it names an area instead.",
    )
    assumed_level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assumed_by",
        help_text="Where the label names no level: the level Skills Map scores the cell "
        "against. Shown as the app's assumption, never as the guide's words.",
    )
    assumption = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why that level, in one line (shown beside the assumed level).",
    )
    measured_by = models.ManyToManyField(
        Skill,
        blank=True,
        related_name="measures",
        help_text="The questions whose ratings score this cell; the weakest counts. None: "
        "the bucket's questions from the guide.",
    )
    rationale = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RequirementManager()

    class Meta:
        ordering = ["track__position", "bucket__position"]
        constraints = [
            models.UniqueConstraint(fields=["track", "bucket"], name="one_requirement_per_cell"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(assumed_level__isnull=True),
                name="assumed_level_only_without_a_guide_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track} / {self.bucket}: {self.label}"

    def natural_key(self) -> tuple[str, str]:
        return (self.track.slug, self.bucket.slug)

    def clean(self) -> None:
        """A label that states a level ("Very high", "Low–Med (literacy)") must be that level:
        the site shows both, and they must never contradict each other."""
        names = list(Level.objects.values_list("name", flat=True))
        stated = stated_level(self.label, names)
        if stated is None:
            return
        chosen = self.level.name if self.level_id and self.level else None
        if chosen is None or chosen.casefold() != stated.casefold():
            raise ValidationError(
                {
                    "level": f"The label says “{stated}”, so the level must be {stated}"
                    f"{f', not {chosen}' if chosen else ''}. Change the label or the level."
                }
            )

    natural_key.dependencies = ["skillmap.track", "skillmap.bucket", "skillmap.level"]  # type: ignore[attr-defined]


class MapRevision(models.Model):
    """A counter the admin moves on whenever staff change the map (one row).

    Each process keeps its copy of the map (skillmap.guide) for one revision, so an admin edit
    shows at once everywhere; a change made any other way shows after a restart.
    """

    number = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="map_revision_singleton")]

    def __str__(self) -> str:
        return f"revision {self.number}"

    @classmethod
    def current_state(cls) -> tuple[int, str]:
        """The revision's number and when it moved: together they name one state of the map,
        even where a rolled-back transaction has reused a number."""
        row = cls.objects.filter(id=1).values_list("number", "changed_at").first()
        return (row[0], row[1].isoformat()) if row else (0, "")

    @classmethod
    def bump(cls) -> None:
        """Move the revision on: every process drops its copy of the map."""
        with transaction.atomic():
            updated = cls.objects.filter(id=1).update(
                number=F("number") + 1, changed_at=timezone.now()
            )
            if not updated:
                cls.objects.get_or_create(id=1, defaults={"number": 1})


class MapSnapshotManager(models.Manager["MapSnapshot"]):
    def for_content(self, content: dict[str, Any]) -> MapSnapshot:
        """The stored snapshot of this content, stored now if it is new."""
        digest = MapSnapshot.digest_of(content)
        snapshot, _ = self.get_or_create(digest=digest, defaults={"content": content})
        return snapshot


class MapSnapshot(models.Model):
    """The map as it stood when audits were completed against it: stored once per distinct
    content (named by its SHA-256) and never changed, so every audit completed against the
    same map shares one row, and later edits to the map never change a past result."""

    digest = models.CharField(max_length=64, unique=True, editable=False)
    content = models.JSONField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MapSnapshotManager()

    class Meta:
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"map {self.digest[:12]}"

    @staticmethod
    def digest_of(content: dict[str, Any]) -> str:
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


class StepQuerySet(models.QuerySet["Step"]):
    def serving(self, track: Track) -> StepQuerySet:
        """The steps a plan for this track may list: those naming it, and those naming no
        track (they serve every track)."""
        return self.filter(Q(tracks=track) | Q(tracks__isnull=True)).distinct()

    def for_every_track(self) -> StepQuerySet:
        return self.filter(tracks__isnull=True)


class StepManager(models.Manager["Step"]):
    def get_by_natural_key(self, skill_slug: str, position: int) -> Step:
        return self.get(skill__slug=skill_slug, position=position)


class Step(models.Model):
    """A concrete thing to do to raise one skill: the app's own suggestion, never the guide's.

    The six-week plan (audits.plans) lists the steps that serve the person's target track and
    whose rating range fits their rating.
    """

    class Kind(models.TextChoices):
        BUILD = "build", "Build"
        READ = "read", "Read"
        WRITE = "write", "Write"
        PRACTISE = "practise", "Practise"
        SHIP = "ship", "Ship"

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(
        max_length=200,
        help_text="In the imperative: “Build …”, “Write …”. Shown as the step’s heading in a "
        "person’s six-week plan and in the re-audit reminder email.",
        validators=[single_line],
    )
    done_when = models.CharField(
        "done when",
        max_length=300,
        help_text="One observable sentence: what “done” looks like. Shown under the title in "
        "the plan (“Done when: …”) and in the reminder email.",
    )
    tracks = models.ManyToManyField(
        Track,
        blank=True,
        related_name="steps",
        help_text="The career tracks this step serves: a plan for a target track lists only "
        "steps that serve it. None ticked: every track.",
    )
    needs_gpu = models.BooleanField(
        "needs a GPU",
        default=False,
        help_text="Ticked if the step cannot be done on an ordinary laptop (a free cloud GPU "
        "notebook will do). Say so in the title too: the plan shows the title.",
    )
    builds_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads_to",
        help_text="The step this one assumes is done first, if any (the app's own reading).",
    )
    weekly = models.PositiveSmallIntegerField(
        "weekly, over",
        null=True,
        blank=True,
        help_text="For a step done a little each week (a reading log, weekly posts): over how "
        "many weeks. Empty: done in one go.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    hours = models.PositiveSmallIntegerField(help_text="An honest estimate, in hours.")
    url = models.URLField(
        "link", max_length=300, blank=True, help_text="Free, well-known material; checked by hand."
    )
    position = models.PositiveSmallIntegerField(default=0)
    min_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Suits ratings from this (1–5); empty: from 1."
    )
    max_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Suits ratings up to this (1–5); empty: up to 5."
    )

    objects = StepManager.from_queryset(StepQuerySet)()

    class Meta:
        ordering = ["skill", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["skill", "position"], name="one_step_per_position"),
            models.CheckConstraint(condition=Q(hours__gte=1), name="step_hours_positive"),
            models.CheckConstraint(
                condition=Q(weekly__isnull=True) | Q(weekly__gte=2), name="step_weekly_two_or_more"
            ),
            models.CheckConstraint(
                condition=Q(min_rating__isnull=True) | Q(min_rating__gte=1, min_rating__lte=5),
                name="step_min_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(max_rating__isnull=True) | Q(max_rating__gte=1, max_rating__lte=5),
                name="step_max_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(min_rating__isnull=True)
                | Q(max_rating__isnull=True)
                | Q(min_rating__lte=F("max_rating")),
                name="step_rating_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str, int]:
        return (self.skill.slug, self.position)

    natural_key.dependencies = ["skillmap.skill"]  # type: ignore[attr-defined]
