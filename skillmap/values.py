"""The skills map as plain, frozen values: what the pages and the scoring read.

Built from the tables by skillmap.guide for live pages, and rebuilt from a stored map snapshot
for a completed audit's results, so both are read by exactly the same code.

`SkillMap.rules` names the scoring rules a map is scored by (audits.scoring). Maps stored
before the rules took account of which skills measure each cell have no such key and read as
rules 1, so a completed audit is always scored as it was when taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
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


# Rules 1: a cell is scored by the mean of its bucket's skills, and tracks by the plain
# weighted sum of their gaps. Rules 2: a cell is scored by the skills that measure it (the
# weakest of them counts) and tracks by the weighted mean gap of the cells measured. Rules 3:
# the same scores, ranked without a strength tie-break, with a tie margin, steep gaps and
# unmeasured cells ranked last, and a set of +1s as the next step (audits.scoring).
RULES = 3


@dataclass(frozen=True)
class Skill:
    slug: str
    name: str
    question: str
    bucket: str
    id: int = 0
    # True for a question Skills Map adds where the guide's five do not reach a cell.
    added: bool = False
    # What a 1, 2, 3, 4 and 5 look like for this skill (the app's words), or none.
    levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cell:
    bucket: str
    label: str
    level: Level | None
    rationale: str = ""
    updated_at: str = ""
    # The skills (slugs) whose ratings measure this cell; none means its bucket's core skills.
    measured_by: tuple[str, ...] = ()
    # Where the label names an area, not a level: the level the app scores it as, and why.
    assumed_level: Level | None = None
    assumption: str = ""

    @property
    def target_level(self) -> Level | None:
        """The level the cell is scored against: the guide's, else the app's assumption."""
        return self.level or self.assumed_level

    @property
    def level_is_apps_reading(self) -> bool:
        """Whether the level scored is the app's reading of a label that names no level ("Math,
        heavy" read as High, "Product sense" as Medium), rather than the guide's own word."""
        if self.level is None:
            return self.assumed_level is not None
        return stated_level(self.label, [self.level.name]) is None


@dataclass(frozen=True)
class Track:
    slug: str
    name: str
    cells: tuple[Cell, ...]

    def cell(self, bucket_slug: str) -> Cell | None:
        return self._cells.get(bucket_slug)

    # The values are frozen, so what is worked out from them is kept on them (cached_property
    # writes the instance's own __dict__, which equality, hashing and asdict() ignore): the
    # scoring asks the same questions of a map hundreds of times per page.
    @cached_property
    def _cells(self) -> dict[str, Cell]:
        return {c.bucket: c for c in reversed(self.cells)}  # the first cell per bucket wins

    def focus(self) -> tuple[tuple[Cell, ...], bool]:
        """The cells a person is hired on, and whether they are a stand-in.

        The "Very high" cells (the top level) where the track has any; otherwise the cells at
        the highest level it does name (the second value is then True). Levels the guide names
        decide it; the app's assumed levels only where the guide names none at all.
        """
        return self._focus

    @cached_property
    def _focus(self) -> tuple[tuple[Cell, ...], bool]:
        levelled = [c for c in self.cells if c.level is not None] or [
            c for c in self.cells if c.target_level is not None
        ]
        if not levelled:
            return (), True
        top = max(c.target_level.rank for c in levelled if c.target_level)
        cells = tuple(c for c in levelled if c.target_level and c.target_level.rank == top)
        return cells, top < VERY_HIGH_RANK


VERY_HIGH_RANK = 5


@dataclass(frozen=True)
class Step:
    """Something concrete to do for one skill: Skills Map's suggestion, not the guide's words."""

    id: int
    skill: str
    title: str
    done_when: str
    kind: str
    hours: int
    position: int
    url: str = ""
    # The ratings it suits (inclusive); None: no bound on that side.
    min_rating: int | None = None
    max_rating: int | None = None
    # The tracks (slugs) it serves; none means every track. Maps stored before steps named
    # tracks have no such key, and their steps read as serving every track.
    tracks: tuple[str, ...] = ()
    # Needs more than a laptop; the id of the step it assumes done first; spread over this
    # many weeks. Maps stored before these were kept read as False / None / None.
    needs_gpu: bool = False
    builds_on: int | None = None
    weekly: int | None = None

    def suits(self, rating: int) -> bool:
        low = self.min_rating if self.min_rating is not None else 1
        high = self.max_rating if self.max_rating is not None else 5
        return low <= rating <= high

    def serves(self, track_slug: str) -> bool:
        """Whether a plan for this target track may list the step."""
        return not self.tracks or track_slug in self.tracks

    def remedial_for(self, rating: int) -> bool:
        """Whether the step is for ratings below this one: going back, not forward."""
        return self.max_rating is not None and self.max_rating < rating


@dataclass(frozen=True)
class SkillMap:
    buckets: tuple[Bucket, ...]
    levels: tuple[Level, ...]
    skills: tuple[Skill, ...]
    tracks: tuple[Track, ...]
    rules: int = RULES
    # Maps stored before steps existed have none (from_dict reads them so).
    steps: tuple[Step, ...] = ()

    def track(self, slug: str) -> Track | None:
        return next((t for t in self.tracks if t.slug == slug), None)

    def grid(self) -> tuple[tuple[Track, tuple[tuple[Bucket, Cell | None], ...]], ...]:
        """Tracks × buckets: a row per track, a (bucket, cell or None) pair per bucket."""
        return tuple((t, tuple((b, t.cell(b.slug)) for b in self.buckets)) for t in self.tracks)

    def skills_in(self, bucket_slug: str) -> tuple[Skill, ...]:
        return self._skills_by_bucket.get(bucket_slug, ())

    # Worked out once per map and kept on it (see Track._cells): the scoring asks these of
    # every cell of every track, several times per page.
    @cached_property
    def _skills_by_bucket(self) -> dict[str, tuple[Skill, ...]]:
        by_bucket: dict[str, tuple[Skill, ...]] = {}
        for skill in self.skills:
            by_bucket[skill.bucket] = (*by_bucket.get(skill.bucket, ()), skill)
        return by_bucket

    @cached_property
    def _measuring(self) -> dict[tuple[str, tuple[str, ...]], tuple[Skill, ...]]:
        return {}

    def skill(self, slug: str) -> Skill | None:
        return next((s for s in self.skills if s.slug == slug), None)

    def measuring(self, cell: Cell) -> tuple[Skill, ...]:
        """The skills whose ratings score this cell, in the map's order."""
        key = (cell.bucket, cell.measured_by)
        found = self._measuring.get(key)
        if found is None:
            found = self._measuring[key] = self._work_out_measuring(cell)
        return found

    def _work_out_measuring(self, cell: Cell) -> tuple[Skill, ...]:
        if self.rules < 2:
            return self.skills_in(cell.bucket)
        if cell.measured_by:
            return tuple(s for s in self.skills if s.slug in cell.measured_by)
        return tuple(s for s in self.skills_in(cell.bucket) if not s.added)

    def steps_for(self, skill_slug: str) -> tuple[Step, ...]:
        """A skill's steps, by position."""
        return tuple(
            sorted((s for s in self.steps if s.skill == skill_slug), key=lambda s: s.position)
        )

    def step(self, step_id: int) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def questions_for(self, track: Track) -> tuple[Skill, ...]:
        """The questions one form asks to measure every cell of this track: the guide's own
        (always asked) and whichever added ones the track's cells need, in map order."""
        if self.rules < 2:
            return self.skills
        needed = {s.slug for cell in track.cells for s in self.measuring(cell)}
        return tuple(s for s in self.skills if not s.added or s.slug in needed)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SkillMap:
        def level(raw: Mapping[str, Any] | None) -> Level | None:
            return Level(**raw) if raw else None

        return cls(
            buckets=tuple(Bucket(**b) for b in data["buckets"]),
            levels=tuple(Level(**lv) for lv in data["levels"]),
            skills=tuple(
                Skill(**{**s, "levels": tuple(s.get("levels", ()))}) for s in data["skills"]
            ),
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
                            measured_by=tuple(c.get("measured_by", ())),
                            assumed_level=level(c.get("assumed_level")),
                            assumption=c.get("assumption", ""),
                        )
                        for c in t["cells"]
                    ),
                )
                for t in data["tracks"]
            ),
            rules=data.get("rules", 1),
            steps=tuple(
                Step(**{**st, "tracks": tuple(st.get("tracks", ()))})
                for st in data.get("steps", ())
            ),
        )

    def requirements_differ(self, other: SkillMap, track_slug: str) -> bool:
        """Whether a track asks for something different in `other`: labels, levels, or the
        skills that measure its cells."""
        mine, theirs = self.track(track_slug), other.track(track_slug)
        if mine is None or theirs is None:
            return True
        return self._requirements(mine) != other._requirements(theirs)

    def _requirements(self, track: Track) -> list[tuple[Any, ...]]:
        return [
            (c.bucket, c.label, c.target_level, tuple(s.slug for s in self.measuring(c)))
            for c in track.cells
        ]
