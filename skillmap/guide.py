"""The guide as every page reads it: the map's values and the guide's passages.

The tables are the only source of truth. Each process keeps the map it built from them in the
"map" cache (process memory, see settings.CACHES), keyed by the map's revision: every request
asks the database for the revision (one indexed query), and a process rebuilds its copy when
the admin has moved it on. A change made any other way (a migration, `loaddata`, an `update()`
in the shell, a restore) shows once the processes restart, since a restart starts them empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import caches

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
    number, changed_at = models.MapRevision.current_state()
    key = f"guide:{number}:{changed_at}"
    cache = caches["map"]
    guide = cache.get(key)
    if guide is None:
        guide = build_guide(number)
        cache.set(key, guide)
    return guide


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
