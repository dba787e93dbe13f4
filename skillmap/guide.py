"""The guide as every page reads it: the map's values and the guide's passages.

The tables are the only source of truth. Each process keeps the map it built from them in a
function cache (functools.lru_cache) keyed by the map's revision: every request asks the
database for the revision (one indexed query), and a process rebuilds its copy when the admin
has moved it on. A change made any other way (a migration, `loaddata`, an `update()`
in the shell, a restore) shows once the processes restart, since a restart starts them empty.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from skillmap import models, values


@dataclass(frozen=True)
class Guide:
    map: values.SkillMap
    passages: dict[str, str]
    revision: int
    # Names this exact content: the ETag of the map's pages and the key of its stored snapshot.
    digest: str = field(default="", compare=False)

    @classmethod
    def from_content(cls, content: dict[str, Any], revision: int = 0, digest: str = "") -> Guide:
        return cls(
            map=values.SkillMap.from_dict(content["map"]),
            passages=dict(content.get("passages", {})),
            revision=revision,
            digest=digest or models.MapSnapshot.digest_of(content),
        )

    def content(self) -> dict[str, Any]:
        """The guide as stored in a MapSnapshot: everything a past result shows of the map."""
        return {"map": self.map.to_dict(), "passages": self.passages}


def current_guide() -> Guide:
    return _guide_at(*models.MapRevision.current_state())


@functools.lru_cache(maxsize=4)
def _guide_at(revision: int, changed_at: str) -> Guide:
    """The guide at one state of the map, built from the tables once per process: a function
    cache keyed by the revision's number and when it moved, so an edit (which moves them) misses
    and rebuilds. The value is immutable and shared by every thread, never copied or pickled."""
    return build_guide(revision)


def snapshot_guide(snapshot: models.MapSnapshot) -> Guide:
    """The guide a completed audit was scored against. A snapshot is named by a digest of its
    content and never changes, so the guide built from it is kept per digest: its content
    (which the queries that join a snapshot defer) is loaded and parsed once per process."""
    return _guide_of_snapshot(_SnapshotKey(snapshot.digest, snapshot))


@dataclass(frozen=True)
class _SnapshotKey:
    """The function cache's key is the digest; the snapshot rides along, read only on a miss."""

    digest: str
    snapshot: models.MapSnapshot = field(compare=False, hash=False)


@functools.lru_cache(maxsize=32)
def _guide_of_snapshot(key: _SnapshotKey) -> Guide:
    return Guide.from_content(key.snapshot.content, digest=key.digest)


def forget_built_guides() -> None:
    """Drop the guides this process has built, as a restart does: the next read rebuilds them.
    For tests that start as a fresh process; an edit needs no call (it moves the revision)."""
    _guide_at.cache_clear()
    _guide_of_snapshot.cache_clear()


def build_guide(revision: int = 0) -> Guide:
    content = {"map": build_map().to_dict(), "passages": _passages()}
    return Guide.from_content(content, revision)


def _passages() -> dict[str, str]:
    return dict(models.Passage.objects.order_by("slug").values_list("slug", "body"))


def _level(level: models.Level | None) -> values.Level | None:
    if level is None:
        return None
    return values.Level(
        slug=level.slug,
        name=level.name,
        rank=level.rank,
        target=level.target,
        meaning=level.meaning,
        app_meaning=level.app_meaning,
    )


def build_map() -> values.SkillMap:
    """The whole map in nine queries, whatever its size."""
    levels = [_level(lv) for lv in models.Level.objects.all()]
    buckets = list(models.Bucket.objects.all())
    skills = list(models.Skill.objects.select_related("bucket"))
    descriptions: dict[int, list[str]] = {}
    for skill_id, description in models.SkillLevel.objects.order_by("skill", "rating").values_list(
        "skill_id", "description"
    ):
        descriptions.setdefault(skill_id, []).append(description)
    measures: dict[int, list[str]] = {}
    through = models.Requirement.measured_by.through.objects.values_list(
        "requirement_id", "skill__slug"
    )
    for requirement_id, skill_slug in through.order_by("skill__position", "skill_id"):
        measures.setdefault(requirement_id, []).append(skill_slug)
    tracks = list(models.Track.objects.all())
    cells: dict[int, list[tuple[tuple[int, int], values.Cell]]] = {t.id: [] for t in tracks}
    requirements = models.Requirement.objects.select_related("bucket", "level", "assumed_level")
    for requirement in requirements.order_by():
        cells[requirement.track_id].append(
            (
                (requirement.bucket.position, requirement.bucket_id),
                values.Cell(
                    bucket=requirement.bucket.slug,
                    label=requirement.label,
                    level=_level(requirement.level),
                    rationale=requirement.rationale,
                    updated_at=requirement.updated_at.isoformat(),
                    measured_by=tuple(measures.get(requirement.id, ())),
                    assumed_level=_level(requirement.assumed_level),
                    assumption=requirement.assumption,
                ),
            )
        )
    step_tracks: dict[int, list[str]] = {}
    served = models.Step.tracks.through.objects.values_list("step_id", "track__slug")
    for step_id, track_slug in served.order_by("track__position", "track_id"):
        step_tracks.setdefault(step_id, []).append(track_slug)
    steps = tuple(
        values.Step(
            id=st.id,
            skill=st.skill.slug,
            title=st.title,
            done_when=st.done_when,
            kind=st.kind,
            hours=st.hours,
            position=st.position,
            url=st.url,
            min_rating=st.min_rating,
            max_rating=st.max_rating,
            tracks=tuple(step_tracks.get(st.id, ())),
            needs_gpu=st.needs_gpu,
            builds_on=st.builds_on_id,
            weekly=st.weekly,
        )
        for st in models.Step.objects.select_related("skill").order_by(
            "skill__position", "skill_id", "position", "id"
        )
    )
    return values.SkillMap(
        steps=steps,
        buckets=tuple(
            values.Bucket(
                slug=b.slug, name=b.name, short_name=b.short_name, description=b.description
            )
            for b in buckets
        ),
        levels=tuple(lv for lv in levels if lv is not None),
        skills=tuple(
            values.Skill(
                slug=s.slug,
                name=s.name,
                question=s.question,
                bucket=s.bucket.slug,
                id=s.id,
                added=s.added,
                levels=tuple(descriptions.get(s.id, ())),
            )
            for s in skills
        ),
        tracks=tuple(
            values.Track(
                slug=t.slug,
                name=t.name,
                cells=tuple(cell for _, cell in sorted(cells[t.id], key=lambda pair: pair[0])),
            )
            for t in tracks
        ),
    )
