"""The gap/fit arithmetic on the map's plain values (skillmap.values). No database here.

The same `SkillMap` is built from the database for live pages and read back from a completed
audit's map snapshot for its results, so both are scored by exactly the same code. A map says
which rules score it (`SkillMap.rules`), so an audit is always scored as it was when taken.

Rules 3 (today), as the results page states them:
- Each cell is measured by the questions that reach it (its bucket's questions from the guide,
  and any Skills Map adds for it). A cell is measured once every one of them is rated.
- A cell's score is its weakest question's rating. Its gap is how far that score falls short of
  the target rating of the cell's level, read from the map (never negative). A cell whose label
  names an area, not a level, is scored against a level the app assumes, and says so.
- A track's shortfall is the mean of its measured cells' gaps, each weighted by its level's
  rank (Low 1 … Very high 5).
- Tracks are ranked in three steps, each deciding only among tracks the one before left equal:
  (a) tracks with nothing measured come last; (b) a track with a High or Very-high cell two or
  more points short (a "steep gap") comes after every track with none; (c) the smaller
  shortfall first. Coverage plays no part here, and there is no strength tie-break.
- Within one group of (a)-(b), shortfalls closer than TIE_MARGIN (0.25) share a place: sorted
  by shortfall, a new place starts only where the step from the track before is at least the
  margin (so a chain of close shortfalls is one place). Places are numbered as in a
  competition (1, 1, 3). Within a place your target comes first, then the guide's order; so a
  target you meet (fully measured, shortfall 0) is always first, in place 1.
- Your fully measured target is never outranked by, nor shares its place with, a track that has
  a levelled cell not measured (partly measured): the tracks of that kind that (a)-(c) and the
  margin would put in an earlier place or in the target's go directly below the target's place,
  in places of their own (the same steps and margin among them alone), keeping the order they
  had. The other tracks' places are worked out without them. While the target is itself partly
  measured (mid-audit, when the pages show no ranking yet), a partly measured track comes after
  every fully measured one instead: a group between (a) and (b). With no target given, (a)-(c)
  and the margin alone.
- Each place has a band, worked out from the smallest shortfall in it: "close" (under 0.5),
  "within reach" (under 1.5) or "far" for a place without a steep gap; "far" with one; "not
  measured" for (a). A place of tracks moved below your target is "partly measured" instead:
  it sits there for a cell not rated, not for its shortfall. Those places aside, a later place
  never has a better band. In the mid-audit order every partly measured track is "partly
  measured", a band between "far" and "not measured", so there no place is set aside. A place
  has one band.
- What would move you most: the smallest set of +1s (each question raised one point) that
  raises one short cell's score, so cuts the target's shortfall. Hired-on cells first: while
  any is short the set raises one of them. A cell's score rises only when all its tied
  weakest questions rise together, so the cell needing the fewest raises is chosen (ties: the
  larger level weight, then the larger gap, then the map's order). None only when no
  measured cell of the target falls short. "Would change your best fit" only when the track
  first before the raise is no longer in place 1 after it.

Rules 2 (audits completed before rules 3): the same cells, scores and shortfalls; tracks ranked
by shortfall, those whose hired-on cells were not all measured after those whose were, equal
shortfalls broken by strength (how far your scores exceed the track's hired-on cells), tracks
still equal sharing a place; and the single +1 that most cut the target's shortfall.

Rules 1 (audits completed before rules 2): a cell's score was the mean of its bucket's rated
skills, a track's shortfall the plain sum of gap × level rank, and ties kept the guide's order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from skillmap.values import VERY_HIGH_RANK, Bucket, Cell, Level, Skill, SkillMap, Track

RATING_MIN = 1
RATING_MAX = 5
# Rules 3. Shortfalls closer than this share a place: a difference a quarter of a point per cell
# is well inside the noise of a self-rating.
TIE_MARGIN = 0.25
# A cell at High or above (by rank, so an edit to the targets keeps the meaning) that falls this
# many points short is a steep gap: one no mean of small gaps elsewhere can outweigh.
HIGH_RANK = VERY_HIGH_RANK - 1
STEEP_GAP = 2
# The fit bands of fully measured tracks without a steep gap, by the smallest shortfall in the
# place: (below this, band). Anything else among them is "far".
BANDS = ((0.5, "close"), (1.5, "within reach"))
FAR = "far"
PARTLY_MEASURED = "partly measured"
NOT_MEASURED = "not measured"


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
    # Rules 3: whether a High or Very-high cell is STEEP_GAP or more points short, and the
    # place's band ("close", "within reach", "far", "partly measured", "not measured").
    steep: bool = False
    band: str = ""

    @property
    def fully_measured(self) -> bool:
        return self.levelled > 0 and not self.unmeasured and self.shortfall is not None

    @property
    def met(self) -> bool:
        """Every levelled cell measured and met."""
        return self.fully_measured and self.shortfall == 0

    @property
    def coverage(self) -> str:
        """ "4 of 4 cells measured", "3 of 4: Domain not measured"."""
        if not self.unmeasured:
            return f"{self.measured} of {self.levelled} cells measured"
        names = ", ".join(b.short_name for b in self.unmeasured)
        return f"{self.measured} of {self.levelled}: {names} not measured"


@dataclass(frozen=True)
class StepUp:
    """What would move you most.

    Rules 2: the single +1 (one skill, one point) that most reduces the target's shortfall.
    Rules 3: the smallest set of +1s that raises one short cell's score (all its tied weakest
    questions, each from `rating` to `rating + 1`); `skill` is then the first of `skills`."""

    skill: Skill
    rating: int
    shortfall_before: float
    shortfall_after: float
    top_before: Track
    top_after: Track
    # Rules 3: every question raised, the cell whose score they raise, and whether the track
    # first before the raise is out of place 1 after it (a change beyond the tie margin).
    skills: tuple[Skill, ...] = ()
    cell: CellResult | None = None
    top_changed: bool | None = None

    @property
    def changes_top(self) -> bool:
        if self.top_changed is not None:
            return self.top_changed
        return self.top_before.slug != self.top_after.slug

    @property
    def raised(self) -> tuple[Skill, ...]:
        """The questions raised: the set (rules 3) or the single skill (rules 2)."""
        return self.skills or (self.skill,)

    @property
    def hired_on(self) -> bool:
        return bool(self.cell and self.cell.is_focus)


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
            if c.missing or c.score is None:  # one term for it wherever a person reads it
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
    focus_unmeasured = steep = False
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
        steep = steep or (level.rank >= HIGH_RANK and result.gap >= STEEP_GAP)
        if result.is_focus and result.score is not None:
            excess.append(max(0.0, result.score - level.target))
    if skill_map.rules < 2:
        return TrackFit(track, round(weighted, 6), measured, levelled=levelled)
    rules3 = skill_map.rules >= 3  # rules 3 ranks by steep gaps; rules 2 broke ties by strength
    return TrackFit(
        track,
        round(weighted / weights, 6) if weights else None,
        measured,
        levelled=levelled,
        unmeasured=tuple(unmeasured),
        focus_unmeasured=focus_unmeasured,
        strength=0.0 if rules3 or not excess else round(sum(excess) / len(excess), 6),
        steep=steep if rules3 else False,
    )


def rank_tracks(
    skill_map: SkillMap, ratings: Mapping[str, int], target: Track | None = None
) -> tuple[TrackFit, ...]:
    """Every track's fit, best first, each with its place. `target` (rules 3) is listed first
    within its place, and no partly measured track is placed above or with it once it is fully
    measured."""
    fits = [track_fit(skill_map, track, ratings) for track in skill_map.tracks]
    if skill_map.rules >= 3:
        return _rank_by_places(fits, target)

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
        ranked.append(replace(fit, position=position))
    return tuple(ranked)


def _group(fit: TrackFit, by_coverage: bool) -> tuple[bool, bool, bool]:
    """The groups a place never spans, in order: nothing measured last; when `by_coverage`, a
    levelled cell not measured after every fully measured track; a steep gap after none."""
    if fit.shortfall is None:
        return (True, False, False)
    return (False, by_coverage and bool(fit.unmeasured), fit.steep)


def _band(group: tuple[bool, bool, bool], best: float | None) -> str:
    nothing, partly, steep = group
    if nothing:
        return NOT_MEASURED
    if partly:
        return PARTLY_MEASURED
    if steep or best is None:
        return FAR
    return next((name for below, name in BANDS if best < below), FAR)


def places(fits: list[TrackFit], by_coverage: bool = False) -> list[list[TrackFit]]:
    """Places in order, each a list of fits sharing one: sorted by group (see _group) and then
    shortfall, a new place starts at a new group or where the step from the track before is at
    least TIE_MARGIN (so a chain of close shortfalls is one place). Guide order within a place."""
    ordered = sorted(fits, key=lambda f: (_group(f, by_coverage), f.shortfall or 0.0))  # stable
    result: list[list[TrackFit]] = []
    for fit in ordered:
        if result:
            last = result[-1][-1]
            step = (fit.shortfall or 0.0) - (last.shortfall or 0.0)
            if (
                _group(last, by_coverage) == _group(fit, by_coverage)
                and round(step, 6) < TIE_MARGIN
            ):
                result[-1].append(fit)
                continue
        result.append([fit])
    order = {f.track.slug: n for n, f in enumerate(fits)}
    return [sorted(place, key=lambda f: order[f.track.slug]) for place in result]


def ranked_places(
    fits: list[TrackFit], mine: TrackFit | None
) -> tuple[list[list[TrackFit]], set[str]]:
    """Rules 3's places, best first, around the target's fit `mine`, and the tracks moved for
    it. When it is fully measured, every partly measured track that would sort above it or
    into its place is moved to places of their own directly below the target's (in the order
    they had); the others keep the plain order. While the target is itself partly measured,
    a partly measured track comes after every fully measured one instead."""
    if mine is None or not mine.fully_measured:
        return places(fits, by_coverage=mine is not None), set()
    would = places(fits)
    at = next(n for n, place in enumerate(would) if mine in place)
    moved = [
        f for place in would[: at + 1] for f in place if f.unmeasured and f.shortfall is not None
    ]
    rest = places([f for f in fits if f not in moved])
    # Dropping tracks only widens the steps between the rest, so the target's place holds no
    # partly measured track and the tracks after it stay after it.
    at = next(n for n, place in enumerate(rest) if mine in place)
    ordered = [*rest[: at + 1], *places([f for f in fits if f in moved]), *rest[at + 1 :]]
    return ordered, {f.track.slug for f in moved}


def _rank_by_places(fits: list[TrackFit], target: Track | None) -> tuple[TrackFit, ...]:
    mine = next((f for f in fits if target is not None and f.track.slug == target.slug), None)
    by_coverage = mine is not None and not mine.fully_measured
    ordered, moved = ranked_places(fits, mine)
    ranked: list[TrackFit] = []
    for place in ordered:
        position = len(ranked) + 1  # competition numbering: 1, 1, 3
        if place[0].track.slug in moved:  # a moved place holds only moved tracks
            band = PARTLY_MEASURED
        else:
            band = _band(_group(place[0], by_coverage), min(f.shortfall or 0.0 for f in place))
        first = [f for f in place if f is mine]
        for fit in [*first, *(f for f in place if f is not mine)]:
            ranked.append(replace(fit, position=position, band=band))
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


def raise_set(cells: tuple[CellResult, ...], ratings: Mapping[str, int]) -> CellResult | None:
    """Rules 3: the short cell to raise by one point, hired-on cells first (only while none of
    them is short, the others): the one whose score needs the fewest +1s (all its questions at
    its score), then the larger level weight, then the larger gap, then the map's order."""
    short = [
        c for c in cells if c.gap and c.cell and c.cell.target_level and (c.score or 0) < RATING_MAX
    ]  # a target above the top rating could not be reached by any +1
    candidates = [c for c in short if c.is_focus] or short
    if not candidates:
        return None

    def cost(c: CellResult) -> tuple[int, int, float]:
        level = c.cell.target_level if c.cell else None
        return (len(tied_weakest(c, ratings)), -(level.rank if level else 0), -(c.gap or 0.0))

    return min(candidates, key=cost)  # min keeps the first of equals: the map's order


def tied_weakest(cell: CellResult, ratings: Mapping[str, int]) -> tuple[Skill, ...]:
    """The questions at a measured cell's score: every one must rise for the score to rise."""
    return tuple(s for s in cell.measured_by if ratings.get(s.slug) == cell.score)


def next_set(
    skill_map: SkillMap, track: Track, ratings: Mapping[str, int], fits: tuple[TrackFit, ...]
) -> StepUp | None:
    """Rules 3's "what would move you most": the smallest set of +1s that raises one short cell
    of the target (see raise_set), or None when no measured cell of it falls short."""
    cells = cell_results(skill_map, track, ratings)
    chosen = raise_set(cells, ratings)
    if chosen is None or not fits:
        return None
    skills = tied_weakest(chosen, ratings)
    rating = int(chosen.score or 0)
    raised = {**ratings, **{s.slug: rating + 1 for s in skills}}
    before = next(f for f in fits if f.track.slug == track.slug)
    after = rank_tracks(skill_map, raised, track)
    top_before = fits[0].track
    return StepUp(
        skill=skills[0],
        rating=rating,
        shortfall_before=before.shortfall or 0.0,
        shortfall_after=next(f for f in after if f.track.slug == track.slug).shortfall or 0.0,
        top_before=top_before,
        top_after=after[0].track,
        skills=skills,
        cell=chosen,
        top_changed=next(f for f in after if f.track.slug == top_before.slug).position != 1,
    )


def assess(skill_map: SkillMap, track: Track, ratings: Mapping[str, int]) -> Assessment:
    known = {s.slug for s in skill_map.skills}
    ratings = {slug: value for slug, value in ratings.items() if slug in known}
    cells = cell_results(skill_map, track, ratings)
    fits = rank_tracks(skill_map, ratings, track)
    questions = skill_map.questions_for(track)
    step: StepUp | None = None
    if skill_map.rules >= 3:
        step = next_set(skill_map, track, ratings, fits)
    elif skill_map.rules == 2:
        step = next_step(skill_map, track, ratings, fits)
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
        next_step=step,
        unrated_for_target=tuple(
            {s.slug: s for c in cells if c.target is not None for s in c.missing}.values()
        ),
    )


@dataclass(frozen=True)
class WorkedRow:
    """One levelled cell of the target, as the rule page works the shortfall out."""

    bucket: Bucket
    label: str
    level: Level
    target: int
    weight: int
    score: float | None
    gap: float | None
    weighted: float | None  # gap × weight; None for a cell not measured (left out)


@dataclass(frozen=True)
class WorkedExample:
    """The target's shortfall worked out from the reader's own cells: sum(weighted) /
    sum(weight) over the measured rows equals the track's shortfall."""

    rows: tuple[WorkedRow, ...]
    weighted_total: float
    weight_total: int
    shortfall: float | None


def worked_example(assessment: Assessment) -> WorkedExample:
    rows = []
    for c in assessment.cells:
        level = c.cell.target_level if c.cell else None
        if c.cell is None or level is None:
            continue
        weighted = round(c.gap * level.rank, 6) if c.gap is not None else None
        rows.append(
            WorkedRow(
                c.bucket, c.cell.label, level, level.target, level.rank, c.score, c.gap, weighted
            )
        )
    measured = [r for r in rows if r.weighted is not None]
    weighted_total = round(sum(r.weighted or 0.0 for r in measured), 6)
    weight_total = sum(r.weight for r in measured)
    return WorkedExample(
        rows=tuple(rows),
        weighted_total=weighted_total,
        weight_total=weight_total,
        shortfall=round(weighted_total / weight_total, 6) if weight_total else None,
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
