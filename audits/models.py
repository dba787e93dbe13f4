"""People's audits of themselves against the skills map, and the ratings in them."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from audits import scoring
from audits.planning import Planned
from skillmap.guide import Guide, snapshot_guide
from skillmap.models import MapSnapshot, Skill, Track

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


# A completed audit is due for a re-audit this long after it was completed.
REAUDIT_AFTER = timedelta(weeks=6)
# A reminder whose sending fails is tried again by this many runs in all (five days, run daily),
# then given up: a mail server down for a day costs nothing, a reminder that can never go out
# (a bad address) is not tried for ever.
REMINDER_ATTEMPTS = 5


def with_map_snapshot[Q: models.QuerySet[Any]](queryset: Q, to: str = "map_snapshot") -> Q:
    """`queryset` with the audit's map snapshot joined by its name only. Audit.taken() builds
    the map from the snapshot's content once per process (skillmap.guide.snapshot_guide), so
    the content (tens of KB of JSON) is loaded, on first use, only by a process without it."""
    return queryset.select_related(to).defer(f"{to}__content")  # type: ignore[return-value]


class AuditQuerySet(models.QuerySet["Audit"]):
    def for_visitor(self, user: AbstractBaseUser | AnonymousUser, session_ids: list[str]) -> Any:
        """The audits this visitor may see: their own, or this browser's anonymous ones."""
        if user.is_authenticated:
            return self.filter(owner=user)
        return self.filter(owner=None, public_id__in=session_ids)

    def with_map_snapshot(self) -> AuditQuerySet:
        """With the map snapshot a completed audit is read from (Audit.taken)."""
        return with_map_snapshot(self)

    def listing(self, owner: AbstractBaseUser) -> AuditQuerySet:
        """An account's audits for the history and progress pages: with the track, without the
        snapshot's JSON."""
        return self.filter(owner=owner).select_related("track").defer("snapshot")

    def reminders_due(self, today: date) -> AuditQuerySet:
        """Completed audits whose re-audit reminder is on, not yet sent nor given up, and due by
        `today`; their owners have an email address and an active account."""
        tomorrow = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
        return (
            self.filter(
                remind=True,
                reminded_at__isnull=True,
                reminder_failures__lt=REMINDER_ATTEMPTS,
                completed_at__lt=tomorrow - REAUDIT_AFTER,
                owner__is_active=True,
            )
            .exclude(owner__email="")
            .select_related("owner", "track")
            .with_map_snapshot()
            .order_by("completed_at", "id")
        )


class Audit(Planned, models.Model):
    """One sitting of the self-audit, against a target track (its six-week plan: Planned)."""

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
    map_snapshot = models.ForeignKey(
        MapSnapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="audits",
        help_text="The map as it was when completed (shared by every audit taken against it).",
    )
    snapshot = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="The target and ratings as they were when completed; results render from it.",
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
                condition=Q(
                    completed_at__isnull=True, snapshot__isnull=True, map_snapshot__isnull=True
                )
                | Q(completed_at__isnull=False, snapshot__isnull=False, map_snapshot__isnull=False),
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

    @property
    def reaudit_on(self) -> date | None:
        """The re-audit date: six weeks after completion, as a date in the site's time zone
        (the results page, the calendar entry and the reminder all say this one)."""
        if self.completed_at is None:
            return None
        return timezone.localtime(self.completed_at + REAUDIT_AFTER).date()

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

    def complete(self, guide: Guide) -> None:
        """Close the audit, keeping what it was scored against; every question the target track's
        form asks must be rated (optional questions for other tracks need not be).

        The one place a completed audit's snapshot is made (Audit.taken reads it): the map,
        stored once per distinct content in a MapSnapshot, and this audit's own target,
        ratings and notes.
        """
        with transaction.atomic():
            # The target as it is now, not as this instance read it: another tab may have moved it.
            self.track = self._lock().track
            ratings = self.ratings_by_slug()
            target = guide.map.track(self.track.slug)
            asked = guide.map.questions_for(target) if target else guide.map.skills
            missing = [s.slug for s in asked if s.slug not in ratings]
            if missing:
                raise AuditIncomplete(missing)
            now = timezone.now()
            self.map_snapshot = MapSnapshot.objects.for_content(guide.content())
            self.snapshot = self.own_snapshot(
                self.track.slug,
                {slug: value for slug, (value, _) in ratings.items()},
                {slug: note for slug, (_, note) in ratings.items()},
            )
            self.completed_at = now
            taken = self.taken()
            self.summary = taken.summary()
            self.plan = self.make_plan(taken)  # a fresh plan at each completion
            Audit.objects.filter(pk=self.pk).update(
                map_snapshot=self.map_snapshot,
                snapshot=self.snapshot,
                summary=self.summary,
                plan=self.plan,
                completed_at=now,
                updated_at=now,
            )

    @staticmethod
    def own_snapshot(
        track_slug: str, ratings: dict[str, int], notes: dict[str, str]
    ) -> dict[str, Any]:
        """The part of a completed audit's snapshot that is its own (the map is shared)."""
        return {
            "track": track_slug,
            "ratings": ratings,
            "notes": {slug: note for slug, note in notes.items() if note},
        }

    def taken(self) -> Taken:
        """What this completed audit was scored against, as it was then."""
        if self.snapshot is None or self.map_snapshot is None:
            raise AuditIncomplete([])
        return Taken(
            guide=snapshot_guide(self.map_snapshot),
            track=self.snapshot["track"],
            ratings=self.snapshot["ratings"],
            notes=self.snapshot.get("notes", {}),
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


@dataclass(frozen=True)
class Taken:
    """A completed audit as it was taken: the guide then, the target, ratings and notes."""

    guide: Guide
    track: str
    ratings: dict[str, int]
    notes: dict[str, str]

    def assessment(self) -> scoring.Assessment | None:
        target = self.guide.map.track(self.track)
        return scoring.assess(self.guide.map, target, self.ratings) if target else None

    def as_dict(self) -> dict[str, Any]:
        """For the export: the map and passages as they were, the target, ratings and notes."""
        return {
            **self.guide.content(),
            "track": self.track,
            "ratings": self.ratings,
            "notes": self.notes,
        }

    def summary(self) -> dict[str, Any] | None:
        """What history and progress pages keep of it, without the map."""
        assessment = self.assessment()
        return scoring.summary(assessment) if assessment else None


class AuditClosed(Exception):
    """A completed audit is kept as it was: its ratings and target no longer change."""


class AuditIncomplete(Exception):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


# --- Sharing and outside views ---------------------------------------------------------------
# Links are bearer tokens: 256 bits from `secrets`, given to the owner once and stored only as
# their SHA-256, so a copy of the database holds no live link. (A fast hash is enough for a
# token with that much entropy; there is nothing to guess.)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its hash: the token goes to the owner, the hash to the database."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


# The most live links of each kind one audit may have (the owner's sharing page lists them all).
LIVE_LINKS_PER_AUDIT = 20
# A share link's "last fetched" moves at most this often, so holders reloading it (or a chat
# app's link expander) do not write to the database on every request.
FETCH_STAMP_EVERY = timedelta(minutes=1)


class Expiry(models.IntegerChoices):
    WEEK = 7, "7 days"
    MONTH = 30, "30 days"
    QUARTER = 90, "90 days"


class LinkQuerySet[L: "Link"](models.QuerySet[L]):
    def unexpired(self) -> Self:
        return self.filter(expires_at__gt=timezone.now())

    def get_for_token(self, token: str) -> L:
        """The link this token opens, with its audit and map; DoesNotExist otherwise."""
        found = with_map_snapshot(self.select_related("audit__track"), "audit__map_snapshot")
        return found.get(token_hash=hash_token(token), audit__completed_at__isnull=False)


class Link(models.Model):
    """A bearer link to one completed audit, made by its owner: the token's hash, when it was
    made and when it stops opening anything. ShareLink and RatingRequest are the two kinds."""

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="%(class)s_expires_later"
            )
        ]

    @classmethod
    def create_for(
        cls, audit: Audit, *, days: int = Expiry.MONTH, **fields: Any
    ) -> tuple[Self, str]:
        """A new link and its token (the only time the token exists outside a browser);
        `fields` are the kind's own (a share link's include_notes, a request's label...)."""
        if not audit.is_complete:
            raise AuditIncomplete([])
        token, token_hash = new_token()
        now = timezone.now()
        link = cls._default_manager.create(
            audit=audit,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + timedelta(days=int(Expiry(days))),
            **fields,
        )
        return link, token

    def revoke(self) -> None:
        """Stop the link opening anything (each kind says how)."""
        raise NotImplementedError


class ShareLinkQuerySet(LinkQuerySet["ShareLink"]):
    def live(self) -> ShareLinkQuerySet:
        return self.unexpired().filter(revoked_at__isnull=True)

    def revocable(self) -> ShareLinkQuerySet:
        """Any of them: revoking a revoked link again changes nothing."""
        return self


class ShareLink(Link):
    """A read-only view of one completed audit's results, for whoever holds the token."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="share_links")
    label = models.CharField(
        max_length=80,
        blank=True,
        help_text="Who it is for, in the owner's words, to tell links apart; never shown on it.",
    )
    include_notes = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta(Link.Meta):
        pass

    def __str__(self) -> str:
        return f"Share link for {self.audit_id}, expires {self.expires_at:%Y-%m-%d}"

    def revoke(self) -> None:
        ShareLink.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )

    def opened(self) -> None:
        """Stamp a GET of the link (never a HEAD: the caller says), at most once a minute."""
        now = timezone.now()
        if self.last_opened_at is not None and now - self.last_opened_at < FETCH_STAMP_EVERY:
            return
        self.last_opened_at = now
        ShareLink.objects.filter(
            Q(last_opened_at__isnull=True) | Q(last_opened_at__lte=now - FETCH_STAMP_EVERY),
            pk=self.pk,
        ).update(last_opened_at=now)


class RatingRequestQuerySet(LinkQuerySet["RatingRequest"]):
    def revocable(self) -> RatingRequestQuerySet:
        """Those nobody has answered yet (an answered one is closed already)."""
        return self.filter(used_at__isnull=True)

    def live(self) -> RatingRequestQuerySet:
        """The links that still take an answer: unexpired and unanswered."""
        return self.unexpired().filter(used_at__isnull=True)


class RatingRequest(Link):
    """A "rate me" link: one person, with no account, rates the owner on the same questions."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="rating_requests")
    label = models.CharField(
        max_length=80, help_text="Who it is for, in the owner's words; never shown to the rater."
    )
    from_name = models.CharField(
        max_length=80,
        blank=True,
        help_text="The name the rater is shown as the one asking; blank shows none.",
    )
    note_to_rater = models.CharField(max_length=500, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = RatingRequestQuerySet.as_manager()

    class Meta(Link.Meta):
        pass

    def __str__(self) -> str:
        return f"Rating request {self.label!r} for {self.audit_id}"

    def revoke(self) -> None:
        """Withdrawn: an unanswered request is deleted (it holds nothing but the link)."""
        self.delete()

    @property
    def is_used(self) -> bool:
        return self.used_at is not None

    def submit(self, ratings: dict[str, int], comments: dict[str, str]) -> OutsideView:
        """Store the rater's answer, once. The conditional UPDATE both checks and claims the
        request, so of two submissions racing, exactly one finds it open; the other gets
        RequestUsed and stores nothing."""
        with transaction.atomic():
            now = timezone.now()
            claimed = RatingRequest.objects.filter(
                pk=self.pk, used_at__isnull=True, expires_at__gt=now
            ).update(used_at=now)
            if not claimed:
                raise RequestUsed
            self.used_at = now
            return OutsideView.objects.create(
                request=self,
                submitted_at=now,
                ratings=ratings,
                comments={slug: text for slug, text in comments.items() if text},
            )


class OutsideView(models.Model):
    """Someone else's ratings of the owner, beside (never in place of) the owner's own."""

    request = models.OneToOneField(
        RatingRequest, on_delete=models.CASCADE, related_name="outside_view"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    ratings = models.JSONField(help_text="{skill slug: 1-5}, the rater's answers.")
    comments = models.JSONField(
        default=dict, blank=True, help_text="{skill slug: text}; shown only to the owner."
    )

    class Meta:
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"Outside view {self.request.label!r}"

    @property
    def label(self) -> str:
        return self.request.label


class RequestUsed(Exception):
    """A rate-me link takes one answer; this one has had it (or has expired meanwhile)."""
