"""The guide's content, read from the database once per map revision and kept in memory.

Every request asks the database one cheap question (the map's revision number). When it has
moved, the process loads the published map stored with the revision (one more query), or
builds it from the tables when the change was not published with it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from audits import models, scoring


@dataclass(frozen=True)
class Guide:
    map: scoring.SkillMap
    passages: dict[str, str]
    revision: int


_lock = threading.Lock()
_memo: dict[str, Guide] = {}


def current_guide() -> Guide:
    revision = models.MapRevision.current()
    cached = _memo.get("guide")
    if cached is not None and cached.revision == revision:
        return cached
    with _lock:
        content = (
            models.MapRevision.objects.filter(id=1, number=revision)
            .values_list("content", flat=True)
            .first()
        )
        if content:
            guide = Guide(
                map=replace(scoring.SkillMap.from_dict(content["map"]), revision=revision),
                passages=content["passages"],
                revision=revision,
            )
        else:
            guide = Guide(map=build_map(revision), passages=_passages(), revision=revision)
        _memo["guide"] = guide
    return guide


def publish() -> None:
    """After staff change the map: build it once from the tables and publish it to every
    process, with a new revision number. Call inside the transaction that made the change."""
    models.MapRevision.bump(
        content={"map": build_map().to_dict(), "passages": _passages()},
    )


def forget() -> None:
    """Drop this process's copy (tests that change the map without bumping the revision)."""
    _memo.clear()


def _passages() -> dict[str, str]:
    return dict(models.Passage.objects.values_list("slug", "body"))


def _level(level: models.Level | None) -> scoring.Level | None:
    if level is None:
        return None
    return scoring.Level(
        slug=level.slug,
        name=level.name,
        rank=level.rank,
        target=level.target,
        meaning=level.meaning,
    )


def build_map(revision: int = 0) -> scoring.SkillMap:
    """The whole map in five queries, whatever its size."""
    levels = [_level(lv) for lv in models.Level.objects.all()]
    buckets = list(models.Bucket.objects.all())
    skills = list(models.Skill.objects.select_related("bucket"))
    tracks = list(models.Track.objects.all())
    cells: dict[int, list[tuple[tuple[int, int], scoring.Cell]]] = {t.id: [] for t in tracks}
    for requirement in models.Requirement.objects.select_related("bucket", "level").order_by():
        cells[requirement.track_id].append(
            (
                (requirement.bucket.position, requirement.bucket_id),
                scoring.Cell(
                    bucket=requirement.bucket.slug,
                    label=requirement.label,
                    level=_level(requirement.level),
                    rationale=requirement.rationale,
                    updated_at=requirement.updated_at.isoformat(),
                ),
            )
        )
    return scoring.SkillMap(
        buckets=tuple(
            scoring.Bucket(
                slug=b.slug, name=b.name, short_name=b.short_name, description=b.description
            )
            for b in buckets
        ),
        levels=tuple(lv for lv in levels if lv is not None),
        skills=tuple(
            scoring.Skill(
                slug=s.slug, name=s.name, question=s.question, bucket=s.bucket.slug, id=s.id
            )
            for s in skills
        ),
        tracks=tuple(
            scoring.Track(
                slug=t.slug,
                name=t.name,
                cells=tuple(cell for _, cell in sorted(cells[t.id], key=lambda pair: pair[0])),
            )
            for t in tracks
        ),
        revision=revision,
    )
