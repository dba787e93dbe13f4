"""The skills map as plain, frozen values: what the pages and the scoring read.

Built from the tables by skillmap.guide for live pages, and rebuilt from a stored map snapshot
for a completed audit's results, so both are read by exactly the same code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


def _level_pattern(name: str) -> str:
    # A hyphen and an en dash are the same word here ("Low-Med", "Low–Med").
    return r"[-–]".join(re.escape(part) for part in re.split(r"[-–]", name))


def stated_level(label: str, names: Iterable[str]) -> str | None:
    """The level name a label states as a whole word, if any: "Low–Med (literacy)" is Low–Med,
    not Low ("Very high" is not High). Longest names first; case does not matter."""
    ordered = sorted(names, key=len, reverse=True)
    if not ordered:
        return None
    alternatives = "|".join(f"({_level_pattern(n)})" for n in ordered)
    found = re.search(rf"(?<!\w)(?:{alternatives})(?!\w)", label, re.IGNORECASE)
    if found is None:
        return None
    return ordered[found.lastindex - 1] if found.lastindex else None


@dataclass(frozen=True)
class Level:
    slug: str
    name: str
    rank: int
    target: int
    meaning: str = ""
    # The app's own words where the guide has none. Not part of what a level is: an edit to
    # them is not a change to what a track asks for (SkillMap.requirements_differ).
    app_meaning: str = field(default="", compare=False)


@dataclass(frozen=True)
class Bucket:
    slug: str
    name: str
    short_name: str
    description: str


@dataclass(frozen=True)
class Skill:
    slug: str
    name: str
    question: str
    bucket: str
    id: int = 0


@dataclass(frozen=True)
class Cell:
    bucket: str
    label: str
    level: Level | None
    rationale: str = ""
    updated_at: str = ""

    @property
    def level_is_apps_reading(self) -> bool:
        """Whether the level is the app's reading of a label that names no level ("Math,
        heavy" read as High), rather than the guide's own word."""
        return self.level is not None and stated_level(self.label, [self.level.name]) is None


@dataclass(frozen=True)
class Track:
    slug: str
    name: str
    cells: tuple[Cell, ...]

    def cell(self, bucket_slug: str) -> Cell | None:
        return next((c for c in self.cells if c.bucket == bucket_slug), None)

    def focus(self) -> tuple[tuple[Cell, ...], bool]:
        """The cells a person is hired on, and whether they are a stand-in.

        The "Very high" cells (the top level) where the track has any; otherwise the cells at
        the highest level it does name (the second value is then True).
        """
        levelled = [c for c in self.cells if c.level is not None]
        if not levelled:
            return (), True
        top = max(c.level.rank for c in levelled if c.level)
        cells = tuple(c for c in levelled if c.level and c.level.rank == top)
        return cells, top < VERY_HIGH_RANK


VERY_HIGH_RANK = 5


@dataclass(frozen=True)
class SkillMap:
    buckets: tuple[Bucket, ...]
    levels: tuple[Level, ...]
    skills: tuple[Skill, ...]
    tracks: tuple[Track, ...]

    def track(self, slug: str) -> Track | None:
        return next((t for t in self.tracks if t.slug == slug), None)

    def bucket(self, slug: str) -> Bucket | None:
        return next((b for b in self.buckets if b.slug == slug), None)

    def grid(self) -> tuple[tuple[Track, tuple[tuple[Bucket, Cell | None], ...]], ...]:
        """Tracks × buckets: a row per track, a (bucket, cell or None) pair per bucket."""
        return tuple((t, tuple((b, t.cell(b.slug)) for b in self.buckets)) for t in self.tracks)

    def skills_in(self, bucket_slug: str) -> tuple[Skill, ...]:
        return tuple(s for s in self.skills if s.bucket == bucket_slug)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SkillMap:
        def level(raw: Mapping[str, Any] | None) -> Level | None:
            return Level(**raw) if raw else None

        return cls(
            buckets=tuple(Bucket(**b) for b in data["buckets"]),
            levels=tuple(Level(**lv) for lv in data["levels"]),
            skills=tuple(Skill(**s) for s in data["skills"]),
            tracks=tuple(
                Track(
                    slug=t["slug"],
                    name=t["name"],
                    cells=tuple(
                        Cell(
                            bucket=c["bucket"],
                            label=c["label"],
                            level=level(c["level"]),
                            rationale=c.get("rationale", ""),
                            updated_at=c.get("updated_at", ""),
                        )
                        for c in t["cells"]
                    ),
                )
                for t in data["tracks"]
            ),
        )

    def requirements_differ(self, other: SkillMap, track_slug: str) -> bool:
        """Whether a track asks for something different in `other` (labels or levels)."""
        mine, theirs = self.track(track_slug), other.track(track_slug)
        if mine is None or theirs is None:
            return True

        def shape(t: Track) -> list[tuple[str, str, Level | None]]:
            return [(c.bucket, c.label, c.level) for c in t.cells]

        return shape(mine) != shape(theirs)
