"""The gap/fit arithmetic on the map's plain values (skillmap.values). No database here.

The same `SkillMap` is built from the database for live pages and read back from a completed
audit's map snapshot for its results, so both are scored by exactly the same code.

The rules, as the results page states them:
- A bucket's score is the mean of the ratings of its skills that were rated.
- A cell's gap is how far that score falls short of its level's target rating (never negative).
  A cell with no level, or a bucket with no rated skill, is not measured.
- A track's shortfall is the sum over its measured cells of gap × the level's rank (Low 1 …
  Very high 5). Tracks are ranked by shortfall, smallest first; ties keep the guide's order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from skillmap.values import Bucket, Cell, Skill, SkillMap, Track

RATING_MIN = 1
RATING_MAX = 5


@dataclass(frozen=True)
class BucketScore:
    bucket: Bucket
    score: float | None
    rated: int
    total: int


@dataclass(frozen=True)
class CellResult:
    bucket: Bucket
    cell: Cell | None
    score: float | None
    target: int | None
    gap: float | None
    is_focus: bool = False

    @property
    def measured(self) -> bool:
        return self.gap is not None

    @property
    def met(self) -> bool:
        return self.gap == 0


@dataclass(frozen=True)
class TrackFit:
    track: Track
    shortfall: float
    measured: int
    position: int = 0


@dataclass(frozen=True)
class Assessment:
    """Everything a page needs about one set of ratings against one target track."""

    track: Track
    buckets: tuple[BucketScore, ...]
    cells: tuple[CellResult, ...]
    focus: tuple[CellResult, ...]
    focus_is_fallback: bool
    fits: tuple[TrackFit, ...]
    rated: int
    total: int
    ratings: Mapping[str, int] = field(default_factory=dict)
    # The unrated questions that measure a bucket the target names a level for: until they are
    # rated, the fit across tracks compares nothing worth ranking.
    unrated_for_target: tuple[Skill, ...] = ()

    @property
    def complete(self) -> bool:
        return self.rated == self.total

    @property
    def left(self) -> int:
        return self.total - self.rated

    @property
    def ranked(self) -> bool:
        return not self.unrated_for_target

    def compact_status(self) -> str:
        """One short line for a phone: how many are rated, and where each hired-on cell stands."""
        parts = [f"{self.rated} of {self.total} rated"]
        for c in self.focus:
            if c.score is None:
                state = "not rated yet"
            elif c.gap is None:
                state = "not measured"
            elif c.met:
                state = "met"
            else:
                state = f"gap {round(c.gap, 1):g}"
            parts.append(f"{c.bucket.short_name}: {state}")
        return " · ".join(parts)

    @property
    def focus_gaps(self) -> tuple[CellResult, ...]:
        """The focus cells that fall short, largest gap first: the six-week plan."""
        short = [c for c in self.focus if c.gap]
        return tuple(sorted(short, key=lambda c: -(c.gap or 0)))

    def fit_position(self) -> int:
        return next((f.position for f in self.fits if f.track.slug == self.track.slug), 0)


def valid_rating(value: int) -> bool:
    return RATING_MIN <= value <= RATING_MAX


def bucket_scores(skill_map: SkillMap, ratings: Mapping[str, int]) -> tuple[BucketScore, ...]:
    scores = []
    for bucket in skill_map.buckets:
        skills = skill_map.skills_in(bucket.slug)
        values = [ratings[s.slug] for s in skills if s.slug in ratings]
        mean = sum(values) / len(values) if values else None
        scores.append(BucketScore(bucket, mean, len(values), len(skills)))
    return tuple(scores)


def cell_results(
    track: Track, scores: Iterable[BucketScore], focus: Iterable[Cell] = ()
) -> tuple[CellResult, ...]:
    focus_buckets = {c.bucket for c in focus}
    results = []
    for bucket_score in scores:
        cell = track.cell(bucket_score.bucket.slug)
        target = cell.level.target if cell and cell.level else None
        gap = None
        if target is not None and bucket_score.score is not None:
            gap = max(0.0, target - bucket_score.score)
        results.append(
            CellResult(
                bucket=bucket_score.bucket,
                cell=cell,
                score=bucket_score.score,
                target=target,
                gap=gap,
                is_focus=bucket_score.bucket.slug in focus_buckets,
            )
        )
    return tuple(results)


def shortfall(track: Track, scores: Iterable[BucketScore]) -> tuple[float, int]:
    """The weighted sum of a track's gaps, and how many of its cells were measured."""
    total = 0.0
    measured = 0
    for result in cell_results(track, scores):
        if result.gap is None or result.cell is None or result.cell.level is None:
            continue
        measured += 1
        total += result.gap * result.cell.level.rank
    return total, measured


def rank_tracks(skill_map: SkillMap, scores: tuple[BucketScore, ...]) -> tuple[TrackFit, ...]:
    fits = []
    for track in skill_map.tracks:
        total, measured = shortfall(track, scores)
        fits.append(TrackFit(track, round(total, 6), measured))
    ordered = sorted(fits, key=lambda f: f.shortfall)  # stable: ties keep the guide's order
    # Competition ranking: equal shortfalls share a position ("tied first").
    ranked: list[TrackFit] = []
    for index, fit in enumerate(ordered):
        if ranked and ranked[-1].shortfall == fit.shortfall:
            position = ranked[-1].position
        else:
            position = index + 1
        ranked.append(TrackFit(fit.track, fit.shortfall, fit.measured, position))
    return tuple(ranked)


def assess(skill_map: SkillMap, track: Track, ratings: Mapping[str, int]) -> Assessment:
    known = {s.slug for s in skill_map.skills}
    ratings = {slug: value for slug, value in ratings.items() if slug in known}
    scores = bucket_scores(skill_map, ratings)
    focus_cells, fallback = track.focus()
    cells = cell_results(track, scores, focus_cells)
    levelled = {c.bucket for c in track.cells if c.level is not None}
    return Assessment(
        track=track,
        buckets=scores,
        cells=cells,
        focus=tuple(c for c in cells if c.is_focus),
        focus_is_fallback=fallback,
        fits=rank_tracks(skill_map, scores),
        rated=len(ratings),
        total=len(skill_map.skills),
        ratings=ratings,
        unrated_for_target=tuple(
            s for s in skill_map.skills if s.bucket in levelled and s.slug not in ratings
        ),
    )


def headline(assessment: Assessment) -> str:
    """One line for lists: the largest gap among the hired-on cells, or that they are met."""
    measured = [c for c in assessment.focus if c.gap is not None]
    if not measured:
        return "Hired-on cells not measured"
    gaps = assessment.focus_gaps
    if not gaps:
        names = ", ".join(c.bucket.short_name for c in measured)
        return f"Genuinely strong: {names}"
    worst = gaps[0]
    return f"Gap of {round(worst.gap or 0, 1):g} in {worst.bucket.short_name}"


def summary(assessment: Assessment) -> dict[str, Any]:
    """What history and progress pages need of a completed audit, without its snapshot."""
    return {
        "headline": headline(assessment),
        "buckets": {b.bucket.slug: b.score for b in assessment.buckets},
        "fit_position": assessment.fit_position(),
    }
