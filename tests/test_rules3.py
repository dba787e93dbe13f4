"""Rules 3, as properties over the seeded map and the cases that asked for them: no tie-break
that favours tracks which ask less, a tie margin, steep gaps and unmeasured cells ranked last, a
met target first, and "what would move you most" as the smallest set of +1s."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audits import scoring
from skillmap import values
from skillmap.guide import build_map
from tests.test_plans_by_track import PEOPLE

pytestmark = pytest.mark.django_db

BAND_ORDER = [
    *(name for _, name in scoring.BANDS),
    scoring.FAR,
    scoring.PARTLY_MEASURED,
    scoring.NOT_MEASURED,
]


@pytest.fixture(scope="module")
def guide(django_db_setup: None, django_db_blocker: Any) -> Iterator[values.SkillMap]:
    with django_db_blocker.unblock():
        yield build_map()


def all_ratings(skill_map: values.SkillMap) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries({s.slug: st.integers(1, 5) for s in skill_map.skills})


def some_ratings(skill_map: values.SkillMap) -> st.SearchStrategy[dict[str, int]]:
    return st.dictionaries(st.sampled_from([s.slug for s in skill_map.skills]), st.integers(1, 5))


def a_track(skill_map: values.SkillMap, slug: str) -> values.Track:
    track = skill_map.track(slug)
    assert track is not None
    return track


def fit_of(fits: tuple[scoring.TrackFit, ...], slug: str) -> scoring.TrackFit:
    return next(f for f in fits if f.track.slug == slug)


def draw_case(
    guide: values.SkillMap, data: st.DataObject, complete: bool = False
) -> tuple[values.Track, dict[str, int], scoring.Assessment]:
    track = data.draw(st.sampled_from(guide.tracks))
    if complete:
        ratings = data.draw(all_ratings(guide))
    elif data.draw(st.booleans()):
        # As a completed audit has it: the target's form rated in full, the optional questions
        # (which other tracks' cells need) in any part.
        ratings = data.draw(some_ratings(guide))
        ratings |= {s.slug: data.draw(st.integers(1, 5)) for s in guide.questions_for(track)}
    else:
        ratings = data.draw(some_ratings(guide))
    return track, ratings, scoring.assess(guide, track, ratings)


def test_the_seeded_map_is_scored_by_rules_three(guide: values.SkillMap) -> None:
    assert guide.rules == values.RULES == 3


# --- Ranking ----------------------------------------------------------------------------------


@st.composite
def meeting(draw: st.DrawFn, guide: values.SkillMap, track: values.Track) -> dict[str, int]:
    """Ratings that meet every levelled cell of `track` (each question at least its target);
    the other questions anything, or unrated."""
    ratings = draw(some_ratings(guide))
    for cell in track.cells:
        level = cell.target_level
        if level is None:
            continue
        for skill in guide.measuring(cell):
            ratings[skill.slug] = draw(st.integers(max(level.target, 1), 5))
    return ratings


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_met_target_is_first_in_place_one(guide: values.SkillMap, data: st.DataObject) -> None:
    track = data.draw(st.sampled_from(guide.tracks))
    assessment = scoring.assess(guide, track, data.draw(meeting(guide, track)))

    assert fit_of(assessment.fits, track.slug).met
    assert assessment.fits[0].track == track
    assert assessment.fit_position() == 1
    assert assessment.fits[0].band == "close"


def partly(f: scoring.TrackFit) -> bool:
    """Something measured, but not every levelled cell."""
    return f.shortfall is not None and bool(f.unmeasured)


def group(f: scoring.TrackFit, by_coverage: bool) -> tuple[bool, bool, bool]:
    """Nothing measured last; (mid-audit) partly measured after fully; a steep gap after none."""
    if f.shortfall is None:
        return (True, False, False)
    return (False, by_coverage and bool(f.unmeasured), f.steep)


def within_margin(fits: list[scoring.TrackFit], by_coverage: bool = False) -> list[frozenset[str]]:
    """The places of these fits written another way: the groups of tracks joined by any two of
    one group whose shortfalls are closer than the margin (on a line, the same as a chain of
    steps under it), ordered by group and then smallest shortfall."""
    joined = {f.track.slug: {f.track.slug} for f in fits}
    for a, b in combinations(fits, 2):
        same = group(a, by_coverage) == group(b, by_coverage)
        close = round(abs((a.shortfall or 0.0) - (b.shortfall or 0.0)), 6) < scoring.TIE_MARGIN
        if same and close:
            merged = joined[a.track.slug] | joined[b.track.slug]
            for slug in merged:
                joined[slug] = merged
    by_slug = {f.track.slug: f for f in fits}

    def order(place: frozenset[str]) -> tuple[Any, ...]:
        first = min((by_slug[s] for s in place), key=lambda f: f.shortfall or 0.0)
        return (group(first, by_coverage), first.shortfall or 0.0)

    return sorted({frozenset(p) for p in joined.values()}, key=order)


def moved_below(fits: list[scoring.TrackFit], slug: str) -> list[scoring.TrackFit]:
    """Once the target is fully measured, the partly measured tracks the plain order would put
    above it or in its place."""
    mine = next(f for f in fits if f.track.slug == slug)
    if not mine.fully_measured:
        return []
    would = within_margin(fits)
    at = next(n for n, p in enumerate(would) if slug in p)
    up_to = {s for p in would[: at + 1] for s in p}
    return [f for f in fits if f.track.slug in up_to and partly(f)]


def expected_places(fits: list[scoring.TrackFit], slug: str) -> list[frozenset[str]]:
    """The rule as the docstring states it: the plain order; once the target is fully measured,
    the partly measured tracks that would sort above it or share its place moved, in places of
    their own, directly below it; mid-audit, partly measured after fully measured."""
    mine = next(f for f in fits if f.track.slug == slug)
    if not mine.fully_measured:
        return within_margin(fits, by_coverage=True)
    moved = moved_below(fits, slug)
    rest = within_margin([f for f in fits if f not in moved])
    at = next(n for n, p in enumerate(rest) if slug in p)
    return [*rest[: at + 1], *within_margin(moved), *rest[at + 1 :]]


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_places_follow_the_groups_and_the_tie_margin(
    guide: values.SkillMap, data: st.DataObject
) -> None:
    track, _, assessment = draw_case(guide, data)
    fits = assessment.fits
    assert sorted(f.track.slug for f in fits) == sorted(t.slug for t in guide.tracks)
    mine = fit_of(fits, track.slug)
    by_coverage = not mine.fully_measured

    # Competition numbering: a place's number is one more than the tracks before it.
    for index, fit in enumerate(fits):
        if index == 0 or fits[index - 1].position != fit.position:
            assert fit.position == index + 1
    # The target first within its place; each place in the guide's order after it.
    assert next(f for f in fits if f.position == mine.position) == mine
    order = [t.slug for t in guide.tracks]
    for position in {f.position for f in fits}:
        rest = [f.track.slug for f in fits if f.position == position and f != mine]
        assert rest == sorted(rest, key=order.index)
    # The places are exactly those the rule describes.
    got = [
        frozenset(f.track.slug for f in fits if f.position == p)
        for p in dict.fromkeys(f.position for f in fits)
    ]
    assert got == expected_places(list(fits), track.slug)

    # Read pairwise: among the tracks measured alike (with a fully measured target: the fully
    # measured and unmeasured ones, and apart from them the partly measured ones), the groups
    # come in order, never share a place, and within one the margin decides.
    def alike(a: scoring.TrackFit, b: scoring.TrackFit) -> bool:
        return by_coverage or partly(a) == partly(b)

    for a in fits:
        for b in fits:
            if not alike(a, b):
                continue
            if group(a, by_coverage) != group(b, by_coverage):
                assert a.position != b.position
                assert (a.position < b.position) == (group(a, by_coverage) < group(b, by_coverage))
                continue
            if a.shortfall is None or b.shortfall is None:
                assert a.position == b.position
                continue
            # Any two shortfalls within the margin share a place...
            if abs(a.shortfall - b.shortfall) < scoring.TIE_MARGIN:
                assert a.position == b.position, (a, b)
            # ...and a place never comes before a smaller shortfall of its group in a later one.
            if a.position < b.position:
                assert a.shortfall < b.shortfall


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_steep_gap_never_ranks_above_none(guide: values.SkillMap, data: st.DataObject) -> None:
    _, _, assessment = draw_case(guide, data)
    for a in assessment.fits:
        for b in assessment.fits:
            # Measured alike (both fully, or both in part), or the track without one fully
            # measured: the steep gap ranks after.
            alike = bool(a.unmeasured) == bool(b.unmeasured)
            if a.steep and not b.steep and (alike or b.fully_measured) and b.shortfall is not None:
                assert a.position > b.position
    for fit in assessment.fits:
        steep = any(
            c.gap is not None
            and c.gap >= scoring.STEEP_GAP
            and c.cell
            and c.cell.target_level
            and c.cell.target_level.rank >= scoring.HIGH_RANK
            for c in scoring.cell_results(guide, fit.track, assessment.ratings)
        )
        assert fit.steep == steep


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_a_partly_measured_track_never_ranks_above_nor_with_a_fully_measured_target(
    guide: values.SkillMap, data: st.DataObject
) -> None:
    track, _, assessment = draw_case(guide, data)
    mine = fit_of(assessment.fits, track.slug)
    if mine.fully_measured:
        assert all(f.position > mine.position for f in assessment.fits if f.unmeasured)
    for a in assessment.fits:
        for b in assessment.fits:
            # Nothing measured comes after anything measured.
            if a.shortfall is None and b.shortfall is not None:
                assert a.position > b.position
            # Mid-audit (the target partly measured): partly measured after fully measured.
            if not mine.fully_measured and partly(a) and b.fully_measured:
                assert a.position > b.position


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_bands_never_contradict_the_places(guide: values.SkillMap, data: st.DataObject) -> None:
    track, _, assessment = draw_case(guide, data)
    fits = assessment.fits
    mine = fit_of(fits, track.slug)
    moved = {f.track.slug for f in moved_below(list(fits), track.slug)}
    for earlier, later in zip(fits, fits[1:], strict=False):
        if earlier.position == later.position:
            assert earlier.band == later.band
    # The places moved below the target aside, a later place never has a better band.
    kept = [f for f in fits if f.track.slug not in moved]
    for earlier, later in zip(kept, kept[1:], strict=False):
        assert BAND_ORDER.index(earlier.band) <= BAND_ORDER.index(later.band)
    for fit in fits:
        place = [f.shortfall or 0.0 for f in fits if f.position == fit.position]
        plain = next((name for below, name in scoring.BANDS if min(place) < below), scoring.FAR)
        if fit.shortfall is None:
            assert fit.band == scoring.NOT_MEASURED
        elif fit.track.slug in moved or (fit.unmeasured and not mine.fully_measured):
            # Placed for a cell not rated: moved below a fully measured target, or mid-audit.
            assert fit.band == scoring.PARTLY_MEASURED
        elif fit.steep:
            assert fit.band == scoring.FAR
        else:
            # Any other track's band is its place's smallest shortfall, read plainly.
            assert fit.band == plain
            if fit.met:
                assert fit.band == "close"


def test_rated_five_everywhere_is_one_place_with_the_target_first(
    guide: values.SkillMap,
) -> None:
    fives = {s.slug: 5 for s in guide.skills}
    for track in guide.tracks:
        fits = scoring.assess(guide, track, fives).fits
        assert {f.position for f in fits} == {1}
        assert fits[0].track == track
        assert [f.track for f in fits[1:]] == [t for t in guide.tracks if t != track]
        assert all(f.met and f.band == "close" and f.strength == 0 for f in fits)


# --- What would move you most -----------------------------------------------------------------


def short_cells(
    guide: values.SkillMap, track: values.Track, ratings: dict[str, int]
) -> tuple[list[scoring.CellResult], list[scoring.CellResult]]:
    """The target's short cells, and the class the +1 set must raise (hired-on ones first)."""
    short = [
        c
        for c in scoring.cell_results(guide, track, ratings)
        if c.gap and c.cell and c.cell.target_level
    ]
    return short, [c for c in short if c.is_focus] or short


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_set_is_the_smallest_that_cuts_the_shortfall(
    guide: values.SkillMap, data: st.DataObject
) -> None:
    track, ratings, assessment = draw_case(guide, data, complete=data.draw(st.booleans()))
    short, wanted = short_cells(guide, track, ratings)
    step = assessment.next_step
    # "Every cell is met" only when every measured levelled cell is.
    assert (step is None) == (not short)
    if step is None:
        return
    assert step.cell is not None
    assert step.cell.bucket in {c.bucket for c in wanted}
    assert {s.slug for s in step.raised} == {s.slug for s in step.skills}
    assert all(ratings[s.slug] == step.rating for s in step.raised)
    raised = {**ratings, **{s.slug: step.rating + 1 for s in step.raised}}
    # It cuts the shortfall, and says by how much.
    before = scoring.track_fit(guide, track, ratings).shortfall
    after = scoring.track_fit(guide, track, raised).shortfall
    assert before is not None and after is not None
    assert step.shortfall_before == before
    assert step.shortfall_after == after < before
    # It raises the cell it names.
    now = {c.bucket.slug: c.score for c in scoring.cell_results(guide, track, raised)}
    assert (now[step.cell.bucket.slug] or 0) > (step.cell.score or 0)
    # No smaller set of +1s raises any cell of that class (brute force over the subsets).
    scores = {c.bucket.slug: c.score for c in wanted}
    movable = [s.slug for s in guide.questions_for(track) if ratings.get(s.slug, 5) < 5]
    for size in range(1, len(step.raised)):
        for subset in combinations(movable, size):
            tried = {**ratings, **{slug: ratings[slug] + 1 for slug in subset}}
            for c in scoring.cell_results(guide, track, tried):
                if c.bucket.slug in scores:
                    assert c.score == scores[c.bucket.slug], subset
    # Best fit changes only beyond the tie margin: the old leader out of place 1.
    ranked = scoring.rank_tracks(guide, raised, track)
    assert step.top_after == ranked[0].track
    assert step.changes_top == (fit_of(ranked, step.top_before.slug).position != 1)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_headline_and_the_set_agree(guide: values.SkillMap, data: st.DataObject) -> None:
    _, _, assessment = draw_case(guide, data, complete=True)
    headline = scoring.headline(assessment)
    step = assessment.next_step
    if headline.startswith("Gap of"):
        assert step is not None and step.hired_on
    if step is None:
        assert all(c.met for c in assessment.cells if c.target is not None)


def test_a_set_raises_the_tied_weakest_questions_together(guide: values.SkillMap) -> None:
    # All 3s targeting Research Scientist: the headline's hired-on gap is Research, and the
    # +1 raises Research (both its questions, tied at 3), not maths.
    scientist = a_track(guide, "research-scientist")
    threes = {s.slug: 3 for s in guide.skills}
    assessment = scoring.assess(guide, scientist, threes)
    research = next(c for c in assessment.cells if c.bucket.slug == "research")
    assert research.target is not None
    assert scoring.headline(assessment) == f"Gap of {research.target - 3} in Research"
    step = assessment.next_step
    assert step is not None and step.cell is not None
    assert step.cell.bucket.slug == "research" and step.hired_on
    assert [s.slug for s in step.raised] == [s.slug for s in research.measured_by]
    assert step.rating == 3
    assert step.shortfall_after < step.shortfall_before


def test_meeting_every_research_engineer_cell_puts_it_first(guide: values.SkillMap) -> None:
    engineer = a_track(guide, "research-engineer")
    ratings = {s.slug: 1 for s in guide.skills}
    for cell in engineer.cells:
        if cell.target_level:
            for skill in guide.measuring(cell):
                ratings[skill.slug] = cell.target_level.target
    for target in guide.tracks:
        fits = scoring.assess(guide, target, ratings).fits
        assert fit_of(fits, engineer.slug).position == 1, target.slug
    fits = scoring.assess(guide, engineer, ratings).fits
    assert fits[0].track == engineer


def with_the_form(
    guide: values.SkillMap, track: values.Track, ratings: dict[str, int]
) -> dict[str, int]:
    """The person's ratings, and a 3 for any other question the target's form asks (a question
    added to the map later would otherwise leave a cell unmeasured)."""
    return {**{s.slug: 3 for s in guide.questions_for(track)}, **ratings}


# The lawyer moving into policy, as the plans are tested for them.
LAWYER = PEOPLE["policy-and-governance"]
ENGINEER = PEOPLE["interpretability"]  # a software engineer aiming at interpretability
ORGANISER = PEOPLE["field-building-and-comms"]  # a community organiser


def test_the_lawyer_aiming_at_policy(guide: values.SkillMap) -> None:
    policy = a_track(guide, "policy-and-governance")
    assessment = scoring.assess(guide, policy, with_the_form(guide, policy, LAWYER))
    fits = assessment.fits
    assert fits[0].track == policy and fits[0].position == 1
    # Field-building is 1.43 short with only its optional Domain question (ops) unrated: ranked
    # by that shortfall it is second, not fifth behind Research Engineer's 1.86 and Technical
    # gap of 4. It is more than the margin behind Policy, so nothing moves it: its band is its own.
    field_building = fit_of(fits, "field-building-and-comms")
    assert field_building.unmeasured and field_building.position == 2
    assert field_building.band == scoring.FAR
    # Python 1 is a steep gap on every ML track's High or Very-high Technical cell, and Policy's
    # Communication is two points short too, so step (b) leaves them all together; the ML
    # tracks then chain within the margin into one place, whether their Domain is rated or not.
    assert all(f.steep for f in fits)
    assert [(f.position, f.track.slug) for f in fits[2:]] == [
        (3, "research-scientist"),
        (3, "research-engineer"),
        (3, "interpretability"),
        (3, "alignment-and-ai-safety"),
        (3, "applied-and-product-ml"),
    ]
    step = assessment.next_step
    assert step is not None and step.hired_on
    assert step.cell is not None and step.cell.bucket.slug == "communication"
    assert [s.slug for s in step.raised] == ["portfolio-and-applications"]


def test_a_partly_measured_track_that_would_share_the_targets_place_goes_below_it(
    guide: values.SkillMap,
) -> None:
    # Every question of Research Scientist's form a 4, the optional ones unrated. Alignment meets
    # every rated cell (0 short) but its Domain is not rated: by shortfall alone it would tie
    # with Interpretability in 1st. It goes directly below the target's place (0.29, with
    # Research Engineer's 0.36), and so do Policy and Applied (0.56), which that place would
    # have chained in; Field-building (0.83) is beyond the margin, so it keeps its own place
    # and its band.
    scientist = a_track(guide, "research-scientist")
    fours = {s.slug: 4 for s in guide.questions_for(scientist)}
    fits = scoring.assess(guide, scientist, fours).fits
    assert [(f.position, f.track.slug, f.band) for f in fits] == [
        (1, "interpretability", "close"),
        (2, "research-scientist", "close"),
        (2, "research-engineer", "close"),
        (4, "alignment-and-ai-safety", scoring.PARTLY_MEASURED),
        (5, "policy-and-governance", scoring.PARTLY_MEASURED),
        (5, "applied-and-product-ml", scoring.PARTLY_MEASURED),
        (7, "field-building-and-comms", "within reach"),
    ]
    assert fit_of(fits, "alignment-and-ai-safety").shortfall == 0


@pytest.mark.parametrize(
    ("ratings", "target", "ranking"),
    [
        # A software engineer aiming at interpretability: Research Engineer ties with it; the
        # tracks whose Domain (or Technical literacy) question was optional rank by shortfall.
        (
            ENGINEER,
            "interpretability",
            [
                (1, "interpretability"),
                (1, "research-engineer"),
                (3, "research-scientist"),
                (3, "alignment-and-ai-safety"),
                (3, "applied-and-product-ml"),
                (6, "policy-and-governance"),
                (6, "field-building-and-comms"),
            ],
        ),
        # A community organiser aiming at field-building: the ML and policy tracks with an
        # unrated Domain rank by shortfall among the rest; Research Scientist, fully rated but
        # 3.06 short, comes last.
        (
            ORGANISER,
            "field-building-and-comms",
            [
                (1, "field-building-and-comms"),
                (2, "research-engineer"),
                (2, "interpretability"),
                (2, "alignment-and-ai-safety"),
                (2, "policy-and-governance"),
                (2, "applied-and-product-ml"),
                (7, "research-scientist"),
            ],
        ),
    ],
)
def test_worked_rankings(
    guide: values.SkillMap, ratings: dict[str, int], target: str, ranking: list[tuple[int, str]]
) -> None:
    track = a_track(guide, target)
    fits = scoring.assess(guide, track, with_the_form(guide, track, ratings)).fits
    assert [(f.position, f.track.slug) for f in fits] == ranking


def test_a_non_coder_aiming_at_policy_does_not_see_interpretability_second(
    guide: values.SkillMap,
) -> None:
    policy = a_track(guide, "policy-and-governance")
    non_coder = {
        "python-and-pytorch": 2,
        "deep-learning-and-transformers": 3,
        "reading-papers": 4,
        "career-and-communication": 4,
        "math-you-actually-need": 3,
        "experiments-and-rigour": 4,
        "portfolio-and-applications": 4,
        "law-econ-and-policy": 4,
        "product-sense": 3,
        "ops-and-people": 3,
        "threat-models": 2,
    }
    fits = scoring.assess(guide, policy, with_the_form(guide, policy, non_coder)).fits
    assert fits[0].track == policy
    interpretability = fit_of(fits, "interpretability")
    # Python 2 against Interpretability's High Technical cell is two points short: a steep gap,
    # so it ranks after every track without one, whatever the weighted mean says.
    assert interpretability.steep
    calm = [f for f in fits if not f.steep and f.fully_measured]
    assert calm and all(interpretability.position > f.position for f in calm)
    assert interpretability.position > 2


def test_shortfalls_a_hair_apart_share_a_place(guide: values.SkillMap) -> None:
    # 1.33 and 1.36 are one place (in the order given, the guide's); a chain of steps under the
    # margin is one place too; a step of the margin starts a new one.
    def fit(slug: str, shortfall: float) -> scoring.TrackFit:
        return scoring.TrackFit(a_track(guide, slug), shortfall, 4, levelled=4)

    fits = [
        fit("research-engineer", 1.36),
        fit("interpretability", 1.33),
        fit("alignment-and-ai-safety", 1.55),
        fit("research-scientist", 1.8),
    ]
    assert [[f.track.slug for f in place] for place in scoring.places(fits)] == [
        ["research-engineer", "interpretability", "alignment-and-ai-safety"],
        ["research-scientist"],
    ]


# --- The worked example -----------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_worked_example_adds_up_to_the_shortfall(
    guide: values.SkillMap, data: st.DataObject
) -> None:
    track, ratings, assessment = draw_case(guide, data)
    example = scoring.worked_example(assessment)
    fit = scoring.track_fit(guide, track, ratings)
    assert example.shortfall == fit.shortfall
    assert len(example.rows) == fit.levelled
    for row in example.rows:
        assert row.target == row.level.target and row.weight == row.level.rank
        if row.gap is None:
            assert row.weighted is None
        else:
            assert row.weighted == pytest.approx(row.gap * row.weight)
    assert example.weight_total == sum(r.weight for r in example.rows if r.weighted is not None)


# --- Older rules ------------------------------------------------------------------------------


def rules_two_reference(
    skill_map: values.SkillMap, ratings: dict[str, int]
) -> list[tuple[str, float | None, int]]:
    """Rules 2's ranking written out plainly: hired-on coverage, shortfall, strength."""
    fits = [scoring.track_fit(skill_map, t, ratings) for t in skill_map.tracks]

    def key(f: scoring.TrackFit) -> tuple[Any, ...]:
        return (f.shortfall is None, f.focus_unmeasured, f.shortfall or 0.0, -f.strength)

    ordered = sorted(fits, key=key)
    rows: list[tuple[str, float | None, int]] = []
    for index, fit in enumerate(ordered):
        same = index and key(ordered[index - 1]) == key(fit)
        rows.append((fit.track.slug, fit.shortfall, rows[-1][2] if same else index + 1))
    return rows


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_rules_two_map_scores_as_before(guide: values.SkillMap, data: st.DataObject) -> None:
    old = values.SkillMap.from_dict({**guide.to_dict(), "rules": 2})
    ratings = data.draw(some_ratings(old))
    track = data.draw(st.sampled_from(old.tracks))
    assessment = scoring.assess(old, track, ratings)
    assert [
        (f.track.slug, f.shortfall, f.position) for f in assessment.fits
    ] == rules_two_reference(old, ratings)
    assert all(f.band == "" and not f.steep for f in assessment.fits)
    step = assessment.next_step
    if step is not None:
        assert step.skills == () and step.cell is None and step.top_changed is None
        assert step.raised == (step.skill,)
        assert step.changes_top == (step.top_before != step.top_after)
