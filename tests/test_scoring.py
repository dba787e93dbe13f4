"""The gap and fit arithmetic, with no database: the guide's map built by hand."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from audits import scoring
from skillmap import values
from tests.conftest import ALL_FOUR

LEVELS = [
    {"slug": "low", "name": "Low", "rank": 1, "target": 2, "meaning": "literacy"},
    {"slug": "low-med", "name": "Low–Med", "rank": 2, "target": 2, "meaning": ""},
    {"slug": "medium", "name": "Medium", "rank": 3, "target": 3, "meaning": ""},
    {"slug": "high", "name": "High", "rank": 4, "target": 4, "meaning": ""},
    {"slug": "very-high", "name": "Very high", "rank": 5, "target": 5, "meaning": "hired on"},
]
BUCKETS = ["technical", "research", "communication", "domain"]
# The guide's cheat sheet: (label, level slug or None) per bucket, in bucket order.
CHEAT_SHEET: dict[str, list[tuple[str, str | None]]] = {
    "research-scientist": [
        ("High", "high"),
        ("Very high", "very-high"),
        ("High", "high"),
        ("Math, heavy", "high"),
    ],
    "research-engineer": [
        ("Very high", "very-high"),
        ("Medium", "medium"),
        ("Medium", "medium"),
        ("Math, moderate", "medium"),
    ],
    "interpretability": [
        ("High", "high"),
        ("High", "high"),
        ("High", "high"),
        ("Math, moderate", "medium"),
    ],
    "alignment-and-ai-safety": [
        ("High", "high"),
        ("High", "high"),
        ("High", "high"),
        ("Math + threat models", None),
    ],
    "policy-and-governance": [
        ("Low–Med (literacy)", "low-med"),
        ("High (analysis)", "high"),
        ("Very high", "very-high"),
        ("Law / econ / IR / policy", None),
    ],
    "applied-and-product-ml": [
        ("Very high", "very-high"),
        ("Low", "low"),
        ("Medium", "medium"),
        ("Product sense", None),
    ],
    "field-building-and-comms": [
        ("Low (literacy)", "low"),
        ("Low", "low"),
        ("Very high", "very-high"),
        ("Ops / people", None),
    ],
}
SKILLS = [
    ("python-and-pytorch", "technical"),
    ("deep-learning-and-transformers", "technical"),
    ("reading-papers", "research"),
    ("career-and-communication", "communication"),
    ("math-you-actually-need", "domain"),
]


def guide_dict() -> dict[str, Any]:
    levels = {lv["slug"]: lv for lv in LEVELS}
    return {
        "buckets": [
            {"slug": b, "name": b.title(), "short_name": b.title(), "description": ""}
            for b in BUCKETS
        ],
        "levels": LEVELS,
        "skills": [
            {"slug": slug, "name": slug, "question": f"{slug}?", "bucket": bucket, "id": n}
            for n, (slug, bucket) in enumerate(SKILLS, start=1)
        ],
        "tracks": [
            {
                "slug": slug,
                "name": slug.replace("-", " ").title(),
                "cells": [
                    {"bucket": bucket, "label": label, "level": levels[lv] if lv else None}
                    for bucket, (label, lv) in zip(BUCKETS, cells, strict=True)
                ],
            }
            for slug, cells in CHEAT_SHEET.items()
        ],
    }


GUIDE = values.SkillMap.from_dict(guide_dict())


def track(slug: str) -> values.Track:
    found = GUIDE.track(slug)
    assert found is not None
    return found


def cells_by_bucket(assessment: scoring.Assessment) -> dict[str, scoring.CellResult]:
    return {c.bucket.slug: c for c in assessment.cells}


# --- Unit tests on the guide's map ------------------------------------------------------------


def test_bucket_score_is_the_mean_of_its_rated_skills() -> None:
    scores = {b.bucket.slug: b for b in scoring.bucket_scores(GUIDE, ALL_FOUR)}

    assert scores["technical"].score == 3.5
    assert (scores["technical"].rated, scores["technical"].total) == (2, 2)
    assert scores["research"].score == 2
    assert scores["communication"].score == 5
    assert scores["domain"].score == 3


def test_an_unrated_bucket_is_not_measured() -> None:
    assessment = scoring.assess(GUIDE, track("research-scientist"), {"python-and-pytorch": 4})
    cells = cells_by_bucket(assessment)

    assert cells["technical"].score == 4
    assert cells["technical"].gap == 0
    assert cells["research"].score is None
    assert cells["research"].gap is None
    assert not cells["research"].measured
    assert (assessment.rated, assessment.total) == (1, 5)
    assert not assessment.complete


def test_gaps_against_research_scientist() -> None:
    assessment = scoring.assess(GUIDE, track("research-scientist"), ALL_FOUR)
    cells = cells_by_bucket(assessment)

    assert {slug: c.target for slug, c in cells.items()} == {
        "technical": 4,
        "research": 5,
        "communication": 4,
        "domain": 4,
    }
    assert {slug: c.gap for slug, c in cells.items()} == {
        "technical": 0.5,
        "research": 3,
        "communication": 0,
        "domain": 1,
    }
    assert cells["communication"].met
    assert [c.bucket.slug for c in assessment.focus] == ["research"]
    assert not assessment.focus_is_fallback
    assert [c.bucket.slug for c in assessment.focus_gaps] == ["research"]
    assert assessment.complete


def test_a_cell_with_no_level_is_not_measured_even_when_rated() -> None:
    assessment = scoring.assess(GUIDE, track("policy-and-governance"), ALL_FOUR)
    domain = cells_by_bucket(assessment)["domain"]

    assert domain.cell is not None
    assert domain.cell.label == "Law / econ / IR / policy"
    assert domain.score == 3
    assert domain.target is None
    assert domain.gap is None


def test_tracks_with_no_very_high_cell_fall_back_to_their_highest_level() -> None:
    for slug in ("interpretability", "alignment-and-ai-safety"):
        focus, fallback = track(slug).focus()

        assert fallback
        assert [c.bucket for c in focus] == ["technical", "research", "communication"]
        assert {c.level.name for c in focus if c.level} == {"High"}


def test_tracks_with_a_very_high_cell_focus_on_it() -> None:
    focus, fallback = track("policy-and-governance").focus()

    assert not fallback
    assert [(c.bucket, c.label) for c in focus] == [("communication", "Very high")]


def test_focus_gaps_are_largest_first() -> None:
    ratings = {**ALL_FOUR, "reading-papers": 3, "career-and-communication": 1}
    assessment = scoring.assess(GUIDE, track("interpretability"), ratings)

    # Technical 3.5 (gap 0.5), Research 3 (gap 1), Communication 1 (gap 3), all against High.
    assert [(c.bucket.slug, c.gap) for c in assessment.focus_gaps] == [
        ("communication", 3),
        ("research", 1),
        ("technical", 0.5),
    ]


def test_fit_ranks_every_track_by_weighted_shortfall_ties_sharing_a_place() -> None:
    fits = scoring.assess(GUIDE, track("research-scientist"), ALL_FOUR).fits

    assert [(f.track.slug, f.shortfall, f.position) for f in fits] == [
        ("field-building-and-comms", 0, 1),
        ("applied-and-product-ml", 7.5, 2),
        ("policy-and-governance", 8, 3),
        ("interpretability", 10, 4),
        ("alignment-and-ai-safety", 10, 4),
        ("research-engineer", 10.5, 6),
        ("research-scientist", 21, 7),
    ]
    assert [f.measured for f in fits][:3] == [3, 3, 3]


def test_fit_position_of_the_target() -> None:
    assessment = scoring.assess(GUIDE, track("interpretability"), ALL_FOUR)

    assert assessment.fit_position() == 4


def test_ratings_for_skills_not_on_the_map_are_ignored() -> None:
    assessment = scoring.assess(
        GUIDE, track("research-scientist"), {**ALL_FOUR, "juggling": 5, "unicycling": 1}
    )

    assert assessment.rated == 5
    assert "juggling" not in assessment.ratings


def test_snapshot_round_trip_survives_json() -> None:
    restored = values.SkillMap.from_dict(json.loads(json.dumps(GUIDE.to_dict())))

    assert restored == GUIDE
    assert "revision" not in GUIDE.to_dict()


def test_requirements_differ() -> None:
    data = guide_dict()
    data["tracks"][0]["cells"][0]["label"] = "Higher"
    changed = values.SkillMap.from_dict(data)

    assert GUIDE.requirements_differ(changed, "research-scientist")
    assert not GUIDE.requirements_differ(changed, "research-engineer")
    assert GUIDE.requirements_differ(changed, "no-such-track")


# --- Properties -------------------------------------------------------------------------------

ratings_strategy = st.fixed_dictionaries(
    {slug: st.integers(scoring.RATING_MIN, scoring.RATING_MAX) for slug, _ in SKILLS}
)
partial_ratings = st.dictionaries(
    st.sampled_from([slug for slug, _ in SKILLS]),
    st.integers(scoring.RATING_MIN, scoring.RATING_MAX),
)
track_slugs = st.sampled_from(list(CHEAT_SHEET))


@given(ratings=partial_ratings, skill=st.sampled_from(SKILLS), track_slug=track_slugs)
def test_raising_a_rating_never_lowers_its_bucket_or_raises_its_gap(
    ratings: dict[str, int], skill: tuple[str, str], track_slug: str
) -> None:
    slug, bucket = skill
    current = ratings.get(slug, scoring.RATING_MIN)
    before_ratings = {**ratings, slug: current}
    after_ratings = {**ratings, slug: min(current + 1, scoring.RATING_MAX)}
    target = track(track_slug)

    before = cells_by_bucket(scoring.assess(GUIDE, target, before_ratings))[bucket]
    after = cells_by_bucket(scoring.assess(GUIDE, target, after_ratings))[bucket]

    assert before.score is not None
    assert after.score is not None
    assert after.score >= before.score
    if before.gap is not None:
        assert after.gap is not None
        assert after.gap <= before.gap


@given(ratings=partial_ratings)
def test_shortfall_and_gaps_are_never_negative(ratings: dict[str, int]) -> None:
    for t in GUIDE.tracks:
        fit = scoring.track_fit(GUIDE, t, ratings)
        assert fit.shortfall is None or fit.shortfall >= 0
        assert 0 <= fit.measured <= len(t.cells)
        assert all(c.gap is None or c.gap >= 0 for c in scoring.cell_results(GUIDE, t, ratings))


@st.composite
def meets_every_target(draw: st.DrawFn, track_slug: str) -> dict[str, int]:
    """Ratings where each skill is at least its bucket's target for this track."""
    target = track(track_slug)
    ratings = {}
    for slug, bucket in SKILLS:
        cell = target.cell(bucket)
        floor = cell.level.target if cell and cell.level else scoring.RATING_MIN
        ratings[slug] = draw(st.integers(floor, scoring.RATING_MAX))
    return ratings


@given(data=st.data(), track_slug=track_slugs)
def test_meeting_every_target_ranks_the_track_first_or_tied_first(
    data: st.DataObject, track_slug: str
) -> None:
    ratings = data.draw(meets_every_target(track_slug))
    assessment = scoring.assess(GUIDE, track(track_slug), ratings)

    assert all(c.gap in (None, 0) for c in assessment.cells)
    assert assessment.fit_position() == 1
    assert assessment.fits[0].position == 1


@given(ratings=ratings_strategy, track_slug=track_slugs)
def test_fit_positions_follow_shortfall(ratings: dict[str, int], track_slug: str) -> None:
    fits = scoring.assess(GUIDE, track(track_slug), ratings).fits

    assert sorted(f.track.slug for f in fits) == sorted(CHEAT_SHEET)
    for earlier, later in zip(fits, fits[1:], strict=False):
        assert earlier.shortfall <= later.shortfall
        assert (earlier.position == later.position) == (earlier.shortfall == later.shortfall)


slugs = st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12)
names = st.text(min_size=1, max_size=20)
levels_strategy = st.builds(
    values.Level,
    slug=slugs,
    name=names,
    rank=st.integers(1, 9),
    target=st.integers(1, 5),
    meaning=st.text(max_size=20),
)


@st.composite
def skill_maps(draw: st.DrawFn) -> values.SkillMap:
    bucket_slugs = draw(st.lists(slugs, min_size=1, max_size=5, unique=True))
    levels = tuple(draw(st.lists(levels_strategy, max_size=5)))
    buckets = tuple(
        values.Bucket(slug=b, name=draw(names), short_name=draw(names), description=draw(names))
        for b in bucket_slugs
    )
    skills = tuple(
        values.Skill(
            slug=slug,
            name=draw(names),
            question=draw(names),
            bucket=draw(st.sampled_from(bucket_slugs)),
            id=draw(st.integers(0, 10_000)),
        )
        for slug in draw(st.lists(slugs, max_size=6, unique=True))
    )
    tracks = tuple(
        values.Track(
            slug=slug,
            name=draw(names),
            cells=tuple(
                values.Cell(
                    bucket=b,
                    label=draw(names),
                    level=draw(st.one_of(st.none(), st.sampled_from(levels))) if levels else None,
                    rationale=draw(st.text(max_size=20)),
                    updated_at=draw(st.sampled_from(["", "2026-11-27T00:00:00+00:00"])),
                )
                for b in bucket_slugs
            ),
        )
        for slug in draw(st.lists(slugs, max_size=4, unique=True))
    )
    return values.SkillMap(buckets, levels, skills, tracks)


@given(skill_map=skill_maps())
def test_to_dict_from_dict_round_trips(skill_map: values.SkillMap) -> None:
    # The snapshot is stored as JSON, so the round trip goes through it too.
    stored = json.loads(json.dumps(skill_map.to_dict()))

    assert values.SkillMap.from_dict(stored) == skill_map
