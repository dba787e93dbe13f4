"""Measure every cell (the scoring rules today, "rules 2"), as properties over the seeded map:
a weak skill cannot hide in a hired-on cell, tracks compare on what was measured, strengths
break ties, and the single +1 that moves you most is the best one there is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audits import scoring
from skillmap import values
from skillmap.guide import build_map

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def guide(django_db_setup: None, django_db_blocker: Any) -> Iterator[values.SkillMap]:
    with django_db_blocker.unblock():
        yield build_map()


def all_ratings(skill_map: values.SkillMap) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries({s.slug: st.integers(1, 5) for s in skill_map.skills})


def some_ratings(skill_map: values.SkillMap) -> st.SearchStrategy[dict[str, int]]:
    return st.dictionaries(st.sampled_from([s.slug for s in skill_map.skills]), st.integers(1, 5))


def test_the_seeded_map_is_scored_by_todays_rules(guide: values.SkillMap) -> None:
    assert guide.rules == values.RULES == 2


def test_one_form_measures_every_cell_of_each_track(guide: values.SkillMap) -> None:
    core = [s.slug for s in guide.skills if not s.added]
    assert len(core) == 5
    for track in guide.tracks:
        questions = guide.questions_for(track)
        assert [s.slug for s in questions if not s.added] == core  # the guide's five, always
        ratings = {s.slug: 3 for s in questions}
        assessment = scoring.assess(guide, track, ratings)
        assert all(c.measured for c in assessment.cells), track.slug
        assert assessment.complete
        fit = next(f for f in assessment.fits if f.track == track)
        assert fit.coverage == "4 of 4 cells measured"


def test_alignment_domain_is_measured_by_math_and_threat_models(guide: values.SkillMap) -> None:
    alignment = guide.track("alignment-and-ai-safety")
    assert alignment is not None
    domain = alignment.cell("domain")
    assert domain is not None and domain.level is None
    assert domain.assumed_level is not None and domain.assumption
    assert [s.slug for s in guide.measuring(domain)] == ["math-you-actually-need", "threat-models"]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_one_on_any_skill_of_a_very_high_cell_is_never_genuinely_strong(
    guide: values.SkillMap, data: st.DataObject
) -> None:
    track = data.draw(st.sampled_from([t for t in guide.tracks if not t.focus()[1]]))
    ratings = data.draw(all_ratings(guide))
    cell = data.draw(st.sampled_from(track.focus()[0]))
    weak = data.draw(st.sampled_from(guide.measuring(cell)))
    ratings[weak.slug] = 1

    assessment = scoring.assess(guide, track, ratings)

    result = next(c for c in assessment.cells if c.bucket.slug == cell.bucket)
    assert result.score == 1 and not result.met
    assert result.weakest is not None and ratings[result.weakest.slug] == 1
    assert not scoring.headline(assessment).startswith("Genuinely strong")


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_shortfalls_are_comparable_and_coverage_is_stated(
    guide: values.SkillMap, data: st.DataObject
) -> None:
    ratings = data.draw(some_ratings(guide))
    fits = scoring.rank_tracks(guide, ratings)
    assert [f.position for f in fits] == sorted(f.position for f in fits)
    for fit in fits:
        if fit.shortfall is not None:
            # A weighted mean of gaps: never more than the widest gap (a 1 against a 5).
            assert 0 <= fit.shortfall <= 4
        assert fit.measured + len(fit.unmeasured) == fit.levelled == 4
        assert fit.coverage.startswith(f"{fit.measured} of 4")
    # A track whose hired-on cells are not all measured never ranks above one whose are.
    seen_unmeasured = False
    for fit in fits:
        if fit.shortfall is None or fit.focus_unmeasured:
            seen_unmeasured = True
        else:
            assert not seen_unmeasured, [(f.track.slug, f.focus_unmeasured) for f in fits]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_equal_shortfalls_are_broken_by_strength(
    guide: values.SkillMap, data: st.DataObject
) -> None:
    fits = scoring.rank_tracks(guide, data.draw(all_ratings(guide)))
    for earlier, later in zip(fits, fits[1:], strict=False):
        if earlier.shortfall == later.shortfall:
            assert earlier.strength >= later.strength
            assert (earlier.position == later.position) == (earlier.strength == later.strength)


def test_rated_five_everywhere_is_not_a_seven_way_tie(guide: values.SkillMap) -> None:
    fits = scoring.rank_tracks(guide, {s.slug: 5 for s in guide.skills})
    assert all(f.shortfall == 0 for f in fits)
    assert len({f.position for f in fits}) > 1
    assert fits[0].strength > fits[-1].strength


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_next_step_is_the_best_single_point(
    guide: values.SkillMap, data: st.DataObject
) -> None:
    track = data.draw(st.sampled_from(guide.tracks))
    ratings = data.draw(all_ratings(guide))
    assessment = scoring.assess(guide, track, ratings)
    now = next(f for f in assessment.fits if f.track == track).shortfall or 0.0

    def after(slug: str) -> float:
        raised = {**ratings, slug: ratings[slug] + 1}
        return scoring.track_fit(guide, track, raised).shortfall or 0.0

    cuts = {s.slug: now - after(s.slug) for s in guide.questions_for(track) if ratings[s.slug] < 5}
    step = assessment.next_step
    if step is None:
        assert all(cut <= 1e-9 for cut in cuts.values())
        return
    assert step.shortfall_after < step.shortfall_before == now
    assert step.rating == ratings[step.skill.slug]
    assert cuts[step.skill.slug] == pytest.approx(max(cuts.values()))
    top_after = scoring.rank_tracks(guide, {**ratings, step.skill.slug: step.rating + 1})[0]
    assert step.changes_top == (top_after.track != assessment.fits[0].track)


def test_an_unmeasured_cell_says_which_questions_would_measure_it(guide: values.SkillMap) -> None:
    policy = guide.track("policy-and-governance")
    assert policy is not None
    ratings = {s.slug: 3 for s in guide.skills if not s.added}
    assessment = scoring.assess(guide, policy, ratings)
    domain = next(c for c in assessment.cells if c.bucket.slug == "domain")
    assert not domain.measured and domain.assumed
    assert [s.slug for s in domain.missing] == ["law-econ-and-policy"]
    research = next(c for c in assessment.cells if c.bucket.slug == "research")
    assert [s.slug for s in research.missing] == ["experiments-and-rigour"]
    assert [s.slug for s in assessment.unrated] == [
        "experiments-and-rigour",
        "portfolio-and-applications",
        "law-econ-and-policy",
    ]


# --- Rules 1: audits completed before today's rules are scored as they were ---------------


def rules_one_reference(
    skill_map: values.SkillMap, ratings: dict[str, int]
) -> list[tuple[str, float, int]]:
    """The old rule, written out plainly: bucket means, the weighted sum of gaps, ties in the
    guide's order."""
    means = {}
    for bucket in skill_map.buckets:
        rated = [ratings[s.slug] for s in skill_map.skills_in(bucket.slug) if s.slug in ratings]
        means[bucket.slug] = sum(rated) / len(rated) if rated else None
    rows = []
    for track in skill_map.tracks:
        total, measured = 0.0, 0
        for cell in track.cells:
            if cell.level is not None and means[cell.bucket] is not None:
                measured += 1
                total += max(0.0, cell.level.target - means[cell.bucket]) * cell.level.rank
        rows.append((track.slug, round(total, 6), measured))
    return sorted(rows, key=lambda row: row[1])


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_rules_one_map_is_scored_by_the_old_rules(
    guide: values.SkillMap, data: st.DataObject
) -> None:
    # A map stored before today's rules: the guide's five skills, no measures, no assumptions.
    old = values.SkillMap.from_dict(
        {
            **guide.to_dict(),
            "skills": [s for s in guide.to_dict()["skills"] if not s["added"]],
            "tracks": [
                {
                    **t,
                    "cells": [
                        {k: v for k, v in c.items() if k not in ("measured_by", "assumed_level")}
                        for c in t["cells"]
                    ],
                }
                for t in guide.to_dict()["tracks"]
            ],
        }
        | {"rules": 1}
    )
    assert old.rules == 1
    ratings = data.draw(some_ratings(old))
    fits = scoring.rank_tracks(old, ratings)
    assert [(f.track.slug, f.shortfall, f.measured) for f in fits] == rules_one_reference(
        old, ratings
    )
    track = data.draw(st.sampled_from(old.tracks))
    assessment = scoring.assess(old, track, ratings)
    assert assessment.next_step is None
    assert (assessment.rated, assessment.total) == (len(ratings), 5)
