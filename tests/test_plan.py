"""The six-week plan's arithmetic (audits.plans): pure, on the seeded map, with property tests."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audits import plans, scoring
from skillmap.guide import build_map
from skillmap.values import SkillMap

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded_map(django_db_setup: None, django_db_blocker: Any) -> SkillMap:
    """The guide's map with the seeded steps, read once (the functions under test are pure)."""
    with django_db_blocker.unblock():
        return build_map()


TRACKS = [
    "research-scientist",
    "research-engineer",
    "interpretability",
    "alignment-and-ai-safety",
    "policy-and-governance",
    "applied-and-product-ml",
    "field-building-and-comms",
]


def assess(skill_map: SkillMap, track_slug: str, ratings: dict[str, int]) -> scoring.Assessment:
    track = skill_map.track(track_slug)
    assert track is not None
    return scoring.assess(skill_map, track, ratings)


def draw_ratings(data: st.DataObject, skill_map: SkillMap, track_slug: str) -> dict[str, int]:
    track = skill_map.track(track_slug)
    assert track is not None
    return {
        s.slug: data.draw(st.integers(1, 5), label=s.slug) for s in skill_map.questions_for(track)
    }


hours_a_week = st.integers(plans.MIN_HOURS, plans.MAX_HOURS)


@given(data=st.data(), track_slug=st.sampled_from(TRACKS), hours=hours_a_week)
def test_weeks_add_up_and_none_is_over_the_hours(
    seeded_map: SkillMap, data: st.DataObject, track_slug: str, hours: int
) -> None:
    assessment = assess(seeded_map, track_slug, draw_ratings(data, seeded_map, track_slug))
    stored = plans.build(seeded_map, assessment, hours)
    plan = plans.read(stored, seeded_map, assessment)

    assert sum(w.hours for w in plan.weeks) == plan.total
    assert all(w.hours <= hours for w in plan.weeks)
    assert plan.total <= hours * plans.WEEKS
    # Every step is either wholly scheduled or wholly after six weeks.
    for p in plan.steps:
        assert p.later or sum(h for _, h in p.weeks) == p.step.hours
    # Weeks run forward: a step never starts before the one placed before it.
    starts = [p.weeks[0][0] for p in plan.steps if not p.later]
    assert starts == sorted(starts)
    # A step left for later really did not fit in what was left at its turn.
    used = 0
    for p in plan.steps:
        if p.later:
            assert p.step.hours > hours * plans.WEEKS - used
        else:
            used += p.step.hours


@given(data=st.data(), track_slug=st.sampled_from(TRACKS), hours=hours_a_week)
def test_every_listed_skill_has_at_least_three_steps_and_every_short_skill_is_listed(
    seeded_map: SkillMap, data: st.DataObject, track_slug: str, hours: int
) -> None:
    ratings = draw_ratings(data, seeded_map, track_slug)
    assessment = assess(seeded_map, track_slug, ratings)
    plan = plans.read(plans.build(seeded_map, assessment, hours), seeded_map, assessment)

    per_skill: dict[str, int] = {}
    for p in plan.steps:
        per_skill[p.skill.slug] = per_skill.get(p.skill.slug, 0) + 1
    assert all(n == plans.STEPS_PER_SKILL for n in per_skill.values()), per_skill
    short = {
        s.slug
        for c in assessment.cells
        if c.gap and c.target is not None
        for s in c.measured_by
        if ratings[s.slug] < c.target
    }
    assert set(per_skill) == short
    # The hired-on gaps come first, largest first.
    cells = plans.focus_cells(assessment)
    focus = [c for c in cells if c.is_focus]
    assert list(cells[: len(focus)]) == list(assessment.focus_gaps)
    assert [c.gap for c in cells[len(focus) :]] == sorted(
        (c.gap for c in cells[len(focus) :]), reverse=True
    )


@given(data=st.data(), track_slug=st.sampled_from(TRACKS))
def test_steps_suit_the_rating_where_enough_do(
    seeded_map: SkillMap, data: st.DataObject, track_slug: str
) -> None:
    assessment = assess(seeded_map, track_slug, draw_ratings(data, seeded_map, track_slug))
    for p in plans.read(plans.build(seeded_map, assessment), seeded_map, assessment).steps:
        rating = assessment.ratings[p.skill.slug]
        fitting = [
            s
            for s in seeded_map.steps_for(p.skill.slug)
            if s.suits(rating) and s.serves(track_slug)
        ]
        if len(fitting) >= plans.STEPS_PER_SKILL:
            assert p.step in fitting


@given(data=st.data(), track_slug=st.sampled_from(TRACKS), first=hours_a_week, then=hours_a_week)
def test_replanning_keeps_the_ticks_and_the_steps(
    seeded_map: SkillMap, data: st.DataObject, track_slug: str, first: int, then: int
) -> None:
    assessment = assess(seeded_map, track_slug, draw_ratings(data, seeded_map, track_slug))
    stored = plans.build(seeded_map, assessment, first)
    ticked = {str(item["id"]): "2026-03-01T10:00:00+00:00" for item in stored["steps"][::2]}
    again = plans.build(seeded_map, assessment, then, {**ticked, "999999": "x"})

    assert again["done"] == ticked
    assert [i["id"] for i in again["steps"]] == [i["id"] for i in stored["steps"]]
    assert plans.progress(again) == (len(ticked), len(stored["steps"]))


def test_schedule_lets_a_step_run_over_into_the_next_weeks() -> None:
    assert plans.schedule([3, 4, 20, 5], 5) == [
        [[1, 3]],
        [[1, 2], [2, 2]],
        [[2, 3], [3, 5], [4, 5], [5, 5], [6, 2]],
        [],  # 3 hours are left and it needs 5: after six weeks
    ]


def test_a_step_that_does_not_fit_goes_after_six_weeks_and_a_smaller_one_takes_the_time() -> None:
    assert plans.schedule([25, 10, 5], 5) == [
        [[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]],
        [],
        [[6, 5]],
    ]


@pytest.mark.parametrize("hours", [0, 41, -1])
def test_hours_outside_one_to_forty_are_refused(seeded_map: SkillMap, hours: int) -> None:
    assessment = assess(seeded_map, "research-scientist", {})
    with pytest.raises(ValueError):
        plans.build(seeded_map, assessment, hours)


def test_a_map_without_steps_makes_a_plan_without_steps(seeded_map: SkillMap) -> None:
    older = SkillMap.from_dict({**seeded_map.to_dict(), "steps": []})
    track = older.track("research-scientist")
    assert track is not None
    assessment = scoring.assess(older, track, dict.fromkeys((s.slug for s in older.skills), 1))
    stored = plans.build(older, assessment)
    plan = plans.read(stored, older, assessment)

    assert stored["steps"] == [] and plan.total == 0
    assert plan.cells  # the gaps are still there, with the ratings
