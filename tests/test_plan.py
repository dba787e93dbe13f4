"""The six-week plan's arithmetic (audits.plans): pure, on the seeded map, with property tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audits import plans, scoring
from skillmap.guide import build_map
from skillmap.values import SkillMap, Step

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


# The machine running the suite is shared: time is not what these test.
@settings(deadline=None)
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
    # A skill's steps start in the order they are taken in.
    steps = [p.step for p in plan.steps]
    met = plans.prerequisites_met(seeded_map, assessment.ratings)
    for order in plans.skill_orders(steps, len(seeded_map.tracks), met).values():
        starts = [plan.steps[n].weeks[0][0] for n in order if plan.steps[n].weeks]
        assert starts == sorted(starts)


# The machine running the suite is shared: time is not what these test.
@settings(deadline=None)
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


# The machine running the suite is shared: time is not what these test.
@settings(deadline=None)
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


# The machine running the suite is shared: time is not what these test.
@settings(deadline=None)
@given(data=st.data(), track_slug=st.sampled_from(TRACKS), first=hours_a_week, then=hours_a_week)
def test_replanning_keeps_the_steps_and_done_steps_take_no_hours(
    seeded_map: SkillMap, data: st.DataObject, track_slug: str, first: int, then: int
) -> None:
    assessment = assess(seeded_map, track_slug, draw_ratings(data, seeded_map, track_slug))
    stored = plans.build(seeded_map, assessment, first)
    done = {item["id"] for item in stored["steps"][::2]}
    again = plans.build(seeded_map, assessment, then, done | {999999})

    assert "done" not in again
    assert [i["id"] for i in again["steps"]] == [i["id"] for i in stored["steps"]]
    assert all(i["weeks"] == [] for i in again["steps"] if i["id"] in done)
    assert plans.progress(again, done) == (len(done), len(stored["steps"]))


SOME_TRACKS = ("t1", "t2", "t3")


def step(
    id: int,
    skill: str = "a",
    hours: int = 1,
    builds_on: int | None = None,
    weekly: int | None = None,
    tracks: tuple[str, ...] = (),
) -> Step:
    return Step(
        id=id,
        skill=skill,
        title=f"Step {id}",
        done_when="",
        kind="do",
        hours=hours,
        position=id,
        builds_on=builds_on,
        weekly=weekly,
        tracks=tracks,
    )


def test_schedule_lets_a_step_run_over_into_the_next_weeks() -> None:
    steps = [step(1, hours=3), step(2, hours=4), step(3, hours=20), step(4, hours=5)]
    assert plans.schedule(steps, 5) == [
        [[1, 3]],
        [[1, 2], [2, 2]],
        [[2, 3], [3, 5], [4, 5], [5, 5], [6, 2]],
        [],  # 3 hours are left and it needs 5: after six weeks
    ]


def test_a_later_smaller_step_never_jumps_an_earlier_one_of_its_skill() -> None:
    steps = [step(1, hours=25), step(2, hours=10), step(3, hours=5), step(4, "b", hours=5)]
    assert plans.schedule(steps, 5) == [
        [[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]],
        [],
        [],  # it would fit in week 6, but step 2 of its skill is left for later
        [[6, 5]],  # another skill's step may take the time
    ]


def test_a_skills_steps_are_taken_the_targets_own_first_after_what_they_build_on() -> None:
    # Step 4 is the target's own (one track named) and builds on step 1; steps 2 and 3 serve
    # every track. Taken: 1, 4, then 2 and 3 by position.
    steps = [step(1, hours=3), step(2, hours=4), step(3, hours=5), step(4, hours=10)]
    steps[3] = replace(steps[3], builds_on=1, tracks=("t1",))
    assert plans.skill_orders(steps, 3) == {"a": [0, 3, 1, 2]}
    assert plans.schedule(steps, 5, track_count=3) == [
        [[1, 3]],
        [[3, 2], [4, 2]],
        [[4, 3], [5, 2]],
        [[1, 2], [2, 5], [3, 3]],  # straight after step 1, ahead of steps 2 and 3
    ]
    # Once step 1 is done, step 4 goes first.
    assert plans.skill_orders(steps, 3, {1}) == {"a": [3, 0, 1, 2]}
    # A step waiting for one the plan does not list comes last: it holds back nothing.
    stuck = replace(steps[3], builds_on=77)
    assert plans.skill_orders([*steps[:3], stuck], 3) == {"a": [0, 1, 2, 3]}
    assert plans.schedule([*steps[:3], stuck], 5, track_count=3)[1:] == [
        [[1, 2], [2, 2]],
        [[2, 3], [3, 2]],
        [],
    ]


def test_a_step_waits_for_the_one_it_builds_on_and_pulls_it_forward() -> None:
    # Step 3 (skill "a", placed first) builds on step 4, which the plan lists later.
    steps = [step(3, "a", hours=2, builds_on=4), step(9, "c", hours=4), step(4, "b", hours=6)]
    placed = plans.schedule(steps, 5)
    assert placed[2] == [[1, 5], [2, 1]]  # the prerequisite first
    assert placed[0][0][0] >= 2  # then the step that builds on it, not before its last week
    # A prerequisite not in the plan leaves the step for later, unless it is done or passed.
    alone = [step(5, hours=1, builds_on=77)]
    assert plans.schedule(alone, 5) == [[]]
    assert plans.schedule(alone, 5, done={77}) == [[[1, 1]]]
    assert plans.schedule(alone, 5, met={77}) == [[[1, 1]]]


def test_a_weekly_step_spreads_over_its_weeks() -> None:
    steps = [step(1, hours=4, weekly=4), step(2, "b", hours=6)]
    assert plans.schedule(steps, 5) == [
        [[1, 1], [2, 1], [3, 1], [4, 1]],
        [[1, 4], [2, 2]],
    ]
    assert plans.schedule([step(1, hours=7, weekly=3)], 5) == [[[1, 3], [2, 2], [3, 2]]]


def test_the_skills_named_first_start_week_one_and_done_steps_take_no_hours() -> None:
    steps = [step(1, "a", hours=5), step(2, "b", hours=5), step(3, "b", hours=5)]
    assert plans.schedule(steps, 5, first={"b"}) == [[[3, 5]], [[1, 5]], [[2, 5]]]
    assert plans.schedule(steps, 5, done={2}, first={"b"}) == [[[2, 5]], [], [[1, 5]]]


# --- Property tests on hand-built steps ------------------------------------------------------


@st.composite
def step_lists(draw: st.DrawFn) -> tuple[list[Step], set[int], set[int], set[str]]:
    """A plan's steps for up to four skills, some building on earlier ones (or on a step the
    plan does not list), some weekly; steps done, prerequisites passed, skills named first."""
    skills = ["a", "b", "c", "d"][: draw(st.integers(1, 4))]
    steps: list[Step] = []
    for n in range(draw(st.integers(1, 12))):
        ids = [s.id for s in steps]
        builds_on = draw(st.one_of(st.none(), st.sampled_from([*ids, 500]) if ids else st.none()))
        steps.append(
            step(
                n + 1,
                draw(st.sampled_from(skills)),
                hours=draw(st.integers(1, 16)),
                builds_on=builds_on,
                weekly=draw(st.one_of(st.none(), st.integers(2, 5))),
                tracks=tuple(draw(st.sets(st.sampled_from(SOME_TRACKS), max_size=3))),
            )
        )
    ids = [s.id for s in steps] + [500]
    done = set(draw(st.lists(st.sampled_from(ids), max_size=3)))
    met = set(draw(st.lists(st.sampled_from(ids), max_size=2)))
    first = set(draw(st.lists(st.sampled_from(skills), max_size=2)))
    return steps, done, met, first


# The machine running the suite is shared: time is not what these test.
@settings(deadline=None)
@given(drawn=step_lists(), per_week=hours_a_week)
def test_schedule_properties(
    drawn: tuple[list[Step], set[int], set[int], set[str]], per_week: int
) -> None:
    steps, done, met, first = drawn
    placed = plans.schedule(
        steps, per_week, done=done, met=met, first=first, track_count=len(SOME_TRACKS)
    )
    by_id = {s.id: (s, parts) for s, parts in zip(steps, placed, strict=True)}
    orders = plans.skill_orders(steps, len(SOME_TRACKS), done | met)
    _check_skill_orders(steps, orders, done | met)

    # Totals add up: no week over the hours; each step wholly in the six weeks or not at all.
    weekly_hours = [0] * plans.WEEKS
    for s, parts in zip(steps, placed, strict=True):
        for w, h in parts:
            assert 1 <= w <= plans.WEEKS and h > 0
            weekly_hours[w - 1] += h
        assert not parts or sum(h for _, h in parts) == s.hours
        if s.id in done:
            assert parts == []
    assert all(h <= per_week for h in weekly_hours)
    assert sum(weekly_hours) <= per_week * plans.WEEKS

    for n, (s, parts) in enumerate(zip(steps, placed, strict=True)):
        if not parts:
            continue
        # Never before, nor without, the step it builds on.
        if s.builds_on is not None and s.builds_on not in done | met:
            assert s.builds_on in by_id, (s, "scheduled without its prerequisite")
            _, before = by_id[s.builds_on]
            assert before, (s, "scheduled while its prerequisite is deferred")
            assert parts[0][0] >= before[-1][0]
        # A skill's steps in the order they are taken in, never jumped by a later one.
        order = orders[s.skill]
        for m in order[: order.index(n)]:
            earlier, earlier_parts = steps[m], placed[m]
            if earlier.id not in done:
                assert earlier_parts, (s, "jumped an earlier deferred step of its skill")
                assert parts[0][0] >= earlier_parts[0][0]
        # A weekly step spreads evenly over that many weeks in a row.
        if s.weekly and s.weekly > 1:
            weeks = [w for w, _ in parts]
            assert weeks == list(range(weeks[0], weeks[0] + len(weeks)))
            assert len(weeks) == min(s.weekly, s.hours)
            assert max(h for _, h in parts) - min(h for _, h in parts) <= 1

    # Week 1 starts with the skills named first, or with what they need before them.
    named = [s for s, parts in zip(steps, placed, strict=True) if parts and s.skill in first]
    if named:
        needed = _needed_by(steps, named, orders)
        in_week_one = {
            s.id for s, parts in zip(steps, placed, strict=True) if parts and parts[0][0] == 1
        }
        assert in_week_one & needed, (in_week_one, needed)


def _check_skill_orders(
    steps: list[Step], orders: dict[str, list[int]], satisfied: set[int]
) -> None:
    """Each skill's steps once each; a prerequisite of its skill (not satisfied) before the step
    that builds on it; and otherwise the target's own steps first, then by position: a step
    comes before a more preferred one only as a prerequisite pulled in front of one at least as
    preferred, or because it waits for a step not planned (those come last)."""
    assert sorted(n for order in orders.values() for n in order) == list(range(len(steps)))
    by_id = {s.id: n for n, s in enumerate(steps)}

    def rank(n: int) -> tuple[int, int]:
        return plans.preference(steps[n], len(SOME_TRACKS))

    def chain(n: int) -> list[int]:  # what n builds on, transitively, within the plan
        found: list[int] = []
        while (k := by_id.get(steps[n].builds_on or -1)) is not None and k not in found:
            if steps[n].builds_on in satisfied:
                break
            if steps[k].skill != steps[n].skill:
                break
            found.append(k)
            n = k
        return found

    def stuck(n: int) -> bool:  # builds on, transitively, a step neither planned nor satisfied
        seen: set[int] = set()
        while (before := steps[n].builds_on) is not None and before not in satisfied:
            if before not in by_id or n in seen:
                return True
            seen.add(n)
            n = by_id[before]
        return False

    for skill, order in orders.items():
        assert all(steps[n].skill == skill for n in order)
        for i, n in enumerate(order):
            k = by_id.get(steps[n].builds_on or -1)
            if (
                k is not None
                and steps[k].skill == skill
                and steps[n].builds_on not in satisfied
                and not stuck(n)
            ):
                assert order.index(k) < i, (steps[n], "before its prerequisite")
            for later in order[i + 1 :]:
                if stuck(n) and not stuck(later):
                    raise AssertionError((steps[n], "waits for a step not planned, yet first"))
                if rank(n) > rank(later) and stuck(n) == stuck(later):
                    pulled_by = [z for z in order[i + 1 :] if n in chain(z)]
                    assert any(rank(z) <= rank(later) for z in pulled_by), (
                        steps[n],
                        "before a more preferred step, not as a prerequisite",
                    )


def _needed_by(steps: list[Step], wanted: list[Step], orders: dict[str, list[int]]) -> set[int]:
    """The steps and, transitively, what they build on and the steps taken before them in
    their skills' orders."""
    by_id = {s.id: n for n, s in enumerate(steps)}
    found: set[int] = set()
    todo = [by_id[s.id] for s in wanted]
    while todo:
        n = todo.pop()
        if steps[n].id in found:
            continue
        found.add(steps[n].id)
        order = orders[steps[n].skill]
        todo += order[: order.index(n)]
        if steps[n].builds_on in by_id:
            todo.append(by_id[steps[n].builds_on])  # type: ignore[index]
    return found


# The machine running the suite is shared: time is not what these test.
@settings(deadline=None)
@given(data=st.data(), track_slug=st.sampled_from(TRACKS), hours=hours_a_week)
def test_the_first_week_holds_what_would_move_you_most(
    seeded_map: SkillMap, data: st.DataObject, track_slug: str, hours: int
) -> None:
    assessment = assess(seeded_map, track_slug, draw_ratings(data, seeded_map, track_slug))
    plan = plans.read(plans.build(seeded_map, assessment, hours), seeded_map, assessment)
    raised = plans.first_skills(assessment)
    scheduled = [p for p in plan.steps if p.weeks and p.skill.slug in raised]
    if scheduled:
        # One of their steps, or what it needs first (a policy fellowship's application needs
        # the policy brief it sends as its writing sample).
        steps = [p.step for p in plan.steps]
        met = plans.prerequisites_met(seeded_map, assessment.ratings)
        needed = _needed_by(
            steps,
            [p.step for p in scheduled],
            plans.skill_orders(steps, len(seeded_map.tracks), met),
        )
        assert {p.step.id for p, _ in plan.weeks[0].steps} & needed


@pytest.mark.parametrize(
    ("gap", "hours", "says"),
    [
        (3, 0, "nothing in these six weeks: its steps come after them"),
        (3, 12, "a start on a gap of 3"),
        (1, 12, "a start on it"),
        (3, 20, "about one point of a gap of 3"),
        (1, 60, "about one point: the gap of 1, closed"),
        (2, 200, "about one point of a gap of 2"),  # never more than a point in six weeks
    ],
)
def test_what_six_weeks_can_realistically_move(gap: int, hours: int, says: str) -> None:
    assert plans.realistic_move(gap, hours) == says


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


@settings(deadline=None)
@given(data=st.data(), track_slug=st.sampled_from(TRACKS), hours=hours_a_week)
def test_the_guides_plans_keep_prerequisites_and_weekly_rhythms(
    seeded_map: SkillMap, data: st.DataObject, track_slug: str, hours: int
) -> None:
    """On the seeded steps (with their builds-on and weekly rhythms): no step is scheduled
    before, or without, the step it builds on, unless the person is rated past it; a weekly step
    spreads over its weeks."""
    ratings = draw_ratings(data, seeded_map, track_slug)
    assessment = assess(seeded_map, track_slug, ratings)
    plan = plans.read(plans.build(seeded_map, assessment, hours), seeded_map, assessment)
    by_id = {p.step.id: p for p in plan.steps}
    past = plans.prerequisites_met(seeded_map, ratings)
    for p in plan.steps:
        if not p.weeks:
            continue
        before = p.step.builds_on
        if before is not None and before not in past:
            assert before in by_id and by_id[before].weeks, (p.step.title, "without its base")
            assert p.weeks[0][0] >= by_id[before].weeks[-1][0]
        if p.step.weekly and p.step.weekly > 1:
            assert len(p.weeks) == min(p.step.weekly, p.step.hours), p.step.title


def test_the_seeded_map_has_steps_building_on_others_and_weekly(seeded_map: SkillMap) -> None:
    assert any(s.builds_on for s in seeded_map.steps)
    assert any(s.weekly for s in seeded_map.steps)
