"""The gap/fit arithmetic on the map's plain values (skillmap.values). No database here.

The same `SkillMap` is built from the database for live pages and read back from a completed
audit's map snapshot for its results, so both are scored by exactly the same code. A map says
which rules score it (`SkillMap.rules`), so an audit is always scored as it was when taken.

Rules 2 (today), as the results page states them:
- Each cell is measured by the questions that reach it (its bucket's questions from the guide,
  and any Skills Map adds for it). A cell is measured once every one of them is rated.
- A cell's score is its weakest question's rating: a weak skill cannot hide behind a strong one
  in a cell you are hired on. Its gap is how far that score falls short of the cell's level's
  target rating (never negative). A cell whose label names an area, not a level, is scored
  against a level the app assumes, and says so.
- A track's shortfall is the mean of its measured cells' gaps, each weighted by its level
  (Low 1 … Very high 5): points short per cell, so tracks measured on different cells compare.
- Tracks are ranked by shortfall, smallest first. Tracks whose hired-on cells are not all
  measured come after those whose are. Equal shortfalls are broken by strength: how far your
  scores exceed the track's hired-on cells, on average; tracks still equal share a place.

Rules 1 (audits completed before rules 2): a cell's score was the mean of its bucket's rated
skills, a track's shortfall the plain sum of gap × level rank, and ties kept the guide's order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from skillmap.values import Bucket, Cell, Skill, SkillMap, Track

RATING_MIN = 1
RATING_MAX = 5


@dataclass(frozen=True)
class BucketScore:
    """The mean of a bucket's rated skills: what the progress page follows over time."""

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
    # The questions that measure this cell, and those of them not rated yet.
    measured_by: tuple[Skill, ...] = ()
    missing: tuple[Skill, ...] = ()
    # The rated question the score comes from (rules 2: the weakest).
    weakest: Skill | None = None

    @property
    def measured(self) -> bool:
        return self.gap is not None

    @property
    def met(self) -> bool:
        return self.gap == 0

    @property
    def assumed(self) -> bool:
        """Scored against a level the app assumes, where the guide names only an area."""
        return bool(self.cell and self.cell.level is None and self.cell.assumed_level)


@dataclass(frozen=True)
class TrackFit:
    track: Track
    shortfall: float | None
    measured: int
    position: int = 0
    # How many of the track's cells have a level to meet, and the buckets of those unmeasured.
    levelled: int = 0
    unmeasured: tuple[Bucket, ...] = ()
    # Whether any cell the track hires on is unmeasured: then the track ranks after those
    # whose hired-on cells are all measured, with a note.
    focus_unmeasured: bool = False
    strength: float = 0.0

    @property
    def coverage(self) -> str:
        """ "4 of 4 cells measured", "3 of 4: Domain not measured"."""
        if not self.unmeasured:
            return f"{self.measured} of {self.levelled} cells measured"
        names = ", ".join(b.short_name for b in self.unmeasured)
        return f"{self.measured} of {self.levelled}: {names} not measured"


@dataclass(frozen=True)
class StepUp:
    """The single +1 (one skill, one point) that most reduces the target track's shortfall."""

    skill: Skill
    rating: int
    shortfall_before: float
    shortfall_after: float
    top_before: Track
    top_after: Track

    @property
    def changes_top(self) -> bool:
        return self.top_before.slug != self.top_after.slug


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
    rules: int = 2
    # The questions this track's form asks, and of them those still unrated.
    questions: tuple[Skill, ...] = ()
    unrated: tuple[Skill, ...] = ()
    next_step: StepUp | None = None
    # The unrated questions that measure a cell the target has a level for: until they are
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
            if c.missing and len(c.missing) < len(c.measured_by):
                state = "not measured yet"
            elif c.score is None:
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

    @property
    def unmeasured(self) -> tuple[CellResult, ...]:
        """The target's cells with a level to meet that are not measured yet."""
        return tuple(c for c in self.cells if c.target is not None and not c.measured)

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
    skill_map: SkillMap, track: Track, ratings: Mapping[str, int]
) -> tuple[CellResult, ...]:
    """A result per bucket for this track, scored by the map's rules."""
    focus_buckets = {c.bucket for c in track.focus()[0]}
    means = (  # rules 1 scores a cell by its bucket's mean; later rules never read it
        {b.bucket.slug: b.score for b in bucket_scores(skill_map, ratings)}
        if skill_map.rules < 2
        else {}
    )
    results = []
    for bucket in skill_map.buckets:
        cell = track.cell(bucket.slug)
        level = cell.target_level if cell else None
        measuring = skill_map.measuring(cell) if cell else skill_map.skills_in(bucket.slug)
        missing = tuple(s for s in measuring if s.slug not in ratings)
        rated = [s for s in measuring if s.slug in ratings]
        score: float | None
        weakest = None
        if skill_map.rules < 2:
            score = means[bucket.slug]
        elif measuring and not missing:
            weakest = min(rated, key=lambda s: ratings[s.slug])
            score = float(ratings[weakest.slug])
        else:
            score = None
        target = level.target if level else None
        gap = max(0.0, target - score) if target is not None and score is not None else None
        results.append(
            CellResult(
                bucket=bucket,
                cell=cell,
                score=score,
                target=target,
                gap=gap,
                is_focus=bucket.slug in focus_buckets,
                measured_by=measuring,
                missing=missing,
                weakest=weakest,
            )
        )
    return tuple(results)


def track_fit(skill_map: SkillMap, track: Track, ratings: Mapping[str, int]) -> TrackFit:
    weighted = weights = 0.0
    measured = levelled = 0
    unmeasured: list[Bucket] = []
    focus_unmeasured = False
    excess: list[float] = []
    for result in cell_results(skill_map, track, ratings):
        level = result.cell.target_level if result.cell else None
        if level is None:
            continue
        levelled += 1
        if result.gap is None:
            unmeasured.append(result.bucket)
            focus_unmeasured = focus_unmeasured or result.is_focus
            continue
        measured += 1
        weighted += result.gap * level.rank
        weights += level.rank
        if result.is_focus and result.score is not None:
            excess.append(max(0.0, result.score - level.target))
    if skill_map.rules < 2:
        return TrackFit(track, round(weighted, 6), measured, levelled=levelled)
    return TrackFit(
        track,
        round(weighted / weights, 6) if weights else None,
        measured,
        levelled=levelled,
        unmeasured=tuple(unmeasured),
        focus_unmeasured=focus_unmeasured,
        strength=round(sum(excess) / len(excess), 6) if excess else 0.0,
    )


def rank_tracks(skill_map: SkillMap, ratings: Mapping[str, int]) -> tuple[TrackFit, ...]:
    fits = [track_fit(skill_map, track, ratings) for track in skill_map.tracks]

    def key(fit: TrackFit) -> tuple[Any, ...]:
        if skill_map.rules < 2:
            return (fit.shortfall,)
        nothing = fit.shortfall is None
        return (nothing, fit.focus_unmeasured, fit.shortfall or 0.0, -fit.strength)

    ordered = sorted(fits, key=key)  # stable: ties keep the guide's order
    # Competition ranking: equal keys share a position ("tied first").
    ranked: list[TrackFit] = []
    for index, fit in enumerate(ordered):
        position = ranked[-1].position if ranked and key(ranked[-1]) == key(fit) else index + 1
        ranked.append(
            TrackFit(
                fit.track,
                fit.shortfall,
                fit.measured,
                position,
                fit.levelled,
                fit.unmeasured,
                fit.focus_unmeasured,
                fit.strength,
            )
        )
    return tuple(ranked)


def next_step(
    skill_map: SkillMap, track: Track, ratings: Mapping[str, int], fits: tuple[TrackFit, ...]
) -> StepUp | None:
    """The one-point rise on one rated skill that most cuts this track's shortfall (the hired-on
    cells' skills first among equals), or None when no single point would cut it."""
    now = track_fit(skill_map, track, ratings).shortfall
    if not now or not fits:
        return None
    focus = {s.slug for c in track.focus()[0] for s in skill_map.measuring(c)}
    # A cell scores its weakest question, so only a question at the low score of a cell that
    # falls short can cut the shortfall by rising a point; the others need not be tried.
    movers = {
        s.slug
        for c in cell_results(skill_map, track, ratings)
        if c.gap
        for s in c.measured_by
        if ratings.get(s.slug) == c.score
    }
    best: tuple[float, bool, Skill] | None = None
    for skill in skill_map.questions_for(track):
        value = ratings.get(skill.slug)
        if skill.slug not in movers or value is None or value >= RATING_MAX:
            continue
        after = track_fit(skill_map, track, {**ratings, skill.slug: value + 1}).shortfall
        cut = round(now - (after or 0.0), 6)
        if cut > 0 and (best is None or (cut, skill.slug in focus) > best[:2]):
            best = (cut, skill.slug in focus, skill)
    if best is None:
        return None
    skill = best[2]
    raised = {**ratings, skill.slug: ratings[skill.slug] + 1}
    return StepUp(
        skill=skill,
        rating=ratings[skill.slug],
        shortfall_before=now,
        shortfall_after=track_fit(skill_map, track, raised).shortfall or 0.0,
        top_before=fits[0].track,
        top_after=rank_tracks(skill_map, raised)[0].track,
    )


def assess(skill_map: SkillMap, track: Track, ratings: Mapping[str, int]) -> Assessment:
    known = {s.slug for s in skill_map.skills}
    ratings = {slug: value for slug, value in ratings.items() if slug in known}
    cells = cell_results(skill_map, track, ratings)
    fits = rank_tracks(skill_map, ratings)
    questions = skill_map.questions_for(track)
    unrated = tuple(s for s in questions if s.slug not in ratings)
    return Assessment(
        track=track,
        buckets=bucket_scores(skill_map, ratings),
        cells=cells,
        focus=tuple(c for c in cells if c.is_focus),
        focus_is_fallback=track.focus()[1],
        fits=fits,
        rated=len(questions) - len(unrated) if skill_map.rules >= 2 else len(ratings),
        total=len(questions),
        ratings=ratings,
        rules=skill_map.rules,
        questions=questions,
        unrated=unrated,
        next_step=next_step(skill_map, track, ratings, fits) if skill_map.rules >= 2 else None,
        unrated_for_target=tuple(
            {s.slug: s for c in cells if c.target is not None for s in c.missing}.values()
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
    """What history and progress pages need of a completed audit, without its snapshot: the
    headline, each bucket's score as the target's cell scores it (rules 1: the bucket's mean),
    and the target's place in the fit."""
    if assessment.rules > 1:
        scores = {c.bucket.slug: c.score for c in assessment.cells}
    else:
        scores = {b.bucket.slug: b.score for b in assessment.buckets}
    return {
        "headline": headline(assessment),
        "buckets": scores,
        "fit_position": assessment.fit_position(),
    }
