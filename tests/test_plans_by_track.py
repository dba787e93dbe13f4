"""A plan serves its target: only steps that serve the target track, never a step for ratings
below the person's, and for each track a person with a plausible background gets a plan a
mentor in that field would sign (no coding for a policy or field-building entrant)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audits import plans
from skillmap.guide import build_map
from skillmap.values import SkillMap, Step
from tests.test_plan import TRACKS, assess, draw_ratings

pytestmark = pytest.mark.django_db

TRACKS_EXCEPT_FIELD_BUILDING = tuple(t for t in TRACKS if t != "field-building-and-comms")
CODING = ("python-and-pytorch", "deep-learning-and-transformers")
LITERACY_TRACKS = ("policy-and-governance", "field-building-and-comms")

# A plausible person for each track, rated on every question any track asks (each form asks
# only its own). The lawyer, the software engineer and the community organiser are the worked
# examples of the README.
PEOPLE: dict[str, dict[str, int]] = {
    # An ML master's graduate who has trained models but not published.
    "research-scientist": {
        "python-and-pytorch": 3,
        "deep-learning-and-transformers": 3,
        "reading-papers": 3,
        "career-and-communication": 3,
        "math-you-actually-need": 4,
        "experiments-and-rigour": 2,
        "portfolio-and-applications": 2,
    },
    # A backend engineer who has followed a transformer tutorial.
    "research-engineer": {
        "python-and-pytorch": 4,
        "deep-learning-and-transformers": 2,
        "reading-papers": 2,
        "career-and-communication": 3,
        "math-you-actually-need": 2,
        "experiments-and-rigour": 2,
        "portfolio-and-applications": 3,
    },
    # The software engineer aiming at interpretability.
    "interpretability": {
        "python-and-pytorch": 4,
        "deep-learning-and-transformers": 2,
        "reading-papers": 2,
        "career-and-communication": 3,
        "math-you-actually-need": 3,
        "experiments-and-rigour": 2,
        "portfolio-and-applications": 2,
    },
    # A physics PhD who codes for their research and has read about AI risk.
    "alignment-and-ai-safety": {
        "python-and-pytorch": 3,
        "deep-learning-and-transformers": 2,
        "reading-papers": 3,
        "career-and-communication": 3,
        "math-you-actually-need": 4,
        "experiments-and-rigour": 3,
        "portfolio-and-applications": 2,
        "threat-models": 2,
    },
    # The lawyer moving into policy (who can explain what a model is, not build one).
    "policy-and-governance": {
        "python-and-pytorch": 1,
        "deep-learning-and-transformers": 2,
        "reading-papers": 2,
        "career-and-communication": 4,
        "math-you-actually-need": 2,
        "experiments-and-rigour": 3,
        "portfolio-and-applications": 3,
        "law-econ-and-policy": 4,
        "ai-literacy": 2,
    },
    # A web developer who ships features and wants to ship ML ones.
    "applied-and-product-ml": {
        "python-and-pytorch": 3,
        "deep-learning-and-transformers": 2,
        "reading-papers": 2,
        "career-and-communication": 3,
        "math-you-actually-need": 2,
        "experiments-and-rigour": 2,
        "portfolio-and-applications": 3,
        "product-sense": 3,
    },
    # The community organiser aiming at field-building.
    "field-building-and-comms": {
        "python-and-pytorch": 1,
        "deep-learning-and-transformers": 1,
        "reading-papers": 2,
        "career-and-communication": 3,
        "math-you-actually-need": 1,
        "experiments-and-rigour": 1,
        "portfolio-and-applications": 2,
        "ops-and-people": 3,
        "ai-literacy": 2,
    },
}


@pytest.fixture(scope="module")
def seeded_map(django_db_setup: None, django_db_blocker: Any) -> SkillMap:
    with django_db_blocker.unblock():
        return build_map()


def _plan(skill_map: SkillMap, track_slug: str, ratings: dict[str, int]) -> plans.Plan:
    assessment = assess(skill_map, track_slug, ratings)
    return plans.read(plans.build(skill_map, assessment), skill_map, assessment)


def _rated(skill_map: SkillMap, track_slug: str) -> dict[str, int]:
    """The person's ratings on the questions their target's form asks: all of them."""
    track = skill_map.track(track_slug)
    assert track is not None
    asked = {s.slug for s in skill_map.questions_for(track)}
    person = PEOPLE[track_slug]
    assert asked <= set(person), f"{track_slug}: the form asks {asked - set(person)} too"
    return {slug: person[slug] for slug in asked}


def _first_six_weeks(plan: plans.Plan) -> list[plans.PlannedStep]:
    return [p for p in plan.steps if not p.later]


# --- By construction, on any map ------------------------------------------------------------


@settings(deadline=None)
@given(data=st.data(), track_slug=st.sampled_from(TRACKS))
def test_a_plan_lists_only_steps_that_serve_its_target_and_none_remedial(
    seeded_map: SkillMap, data: st.DataObject, track_slug: str
) -> None:
    ratings = draw_ratings(data, seeded_map, track_slug)
    for p in _plan(seeded_map, track_slug, ratings).steps:
        assert p.step.serves(track_slug), (track_slug, p.step.title)
        assert not p.step.remedial_for(ratings[p.skill.slug]), (ratings[p.skill.slug], p.step)


def _map_with(seeded_map: SkillMap, skill: str, steps: list[dict[str, Any]]) -> SkillMap:
    """The seeded map with one skill's steps replaced by these."""
    others = tuple(s for s in seeded_map.steps if s.skill != skill)
    made = tuple(
        Step(
            id=10_000 + n,
            skill=skill,
            title=f"Step {n}",
            done_when="Done.",
            kind="practise",
            hours=1,
            position=n,
            **fields,
        )
        for n, fields in enumerate(steps, start=1)
    )
    return replace(seeded_map, steps=others + made)


def test_a_step_serving_another_track_is_never_listed_even_when_it_fits_best(
    seeded_map: SkillMap,
) -> None:
    skill_map = _map_with(
        seeded_map,
        "career-and-communication",
        [
            {"min_rating": 1, "max_rating": 3, "tracks": ("research-scientist",)},
            {"min_rating": 1, "max_rating": 3},
            {"min_rating": 1, "max_rating": 3, "tracks": ("policy-and-governance",)},
            {"min_rating": 3, "max_rating": 5, "tracks": ("interpretability",)},
            {"min_rating": 4, "max_rating": 5, "tracks": ("policy-and-governance",)},
        ],
    )
    chosen = plans.choose_steps(skill_map, "career-and-communication", 2, "policy-and-governance")
    assert [s.title for s in chosen] == ["Step 2", "Step 3", "Step 5"]
    # Without a target (as before tracks), any step may be listed.
    assert [s.title for s in plans.choose_steps(skill_map, "career-and-communication", 2)] == [
        "Step 1",
        "Step 2",
        "Step 3",
    ]


def test_the_targets_own_steps_come_before_those_every_track_shares(
    seeded_map: SkillMap,
) -> None:
    skill_map = _map_with(
        seeded_map,
        "career-and-communication",
        [
            {"min_rating": 1, "max_rating": 3},  # every track
            {"min_rating": 1, "max_rating": 3, "tracks": ("policy-and-governance",)},
            {"min_rating": 1, "max_rating": 3},  # every track
            {"min_rating": 2, "max_rating": 3, "tracks": TRACKS_EXCEPT_FIELD_BUILDING},
            {
                "min_rating": 2,
                "max_rating": 4,
                "tracks": ("policy-and-governance", "interpretability"),
            },
        ],
    )
    chosen = plans.choose_steps(skill_map, "career-and-communication", 2, "policy-and-governance")
    # The policy-only and the two-track step, then the six-track one over those for all seven;
    # listed by position.
    assert [s.title for s in chosen] == ["Step 2", "Step 4", "Step 5"]


@pytest.mark.parametrize("rating", [4, 5])
def test_a_person_at_4_or_5_never_gets_a_remedial_step(seeded_map: SkillMap, rating: int) -> None:
    skill_map = _map_with(
        seeded_map,
        "career-and-communication",
        [
            {"min_rating": 1, "max_rating": 2},
            {"min_rating": 1, "max_rating": 3},
            {"min_rating": 2, "max_rating": 4},
            {"min_rating": 4, "max_rating": 5},
            {"min_rating": None, "max_rating": None},
        ],
    )
    chosen = plans.choose_steps(skill_map, "career-and-communication", rating, "research-scientist")
    expected = ["Step 3", "Step 4", "Step 5"] if rating == 4 else ["Step 4", "Step 5"]
    assert [s.title for s in chosen] == expected


def test_fewer_than_three_fitting_are_made_up_only_from_the_targets_steps_above_the_rating(
    seeded_map: SkillMap,
) -> None:
    skill_map = _map_with(
        seeded_map,
        "reading-papers",
        [
            {"min_rating": 1, "max_rating": 1, "tracks": ("policy-and-governance",)},  # remedial
            {"min_rating": 2, "max_rating": 2, "tracks": ("policy-and-governance",)},  # fits
            {"min_rating": 3, "max_rating": 3, "tracks": ("interpretability",)},  # not served
            {"min_rating": 5, "max_rating": 5, "tracks": ("policy-and-governance",)},  # far
            {"min_rating": 3, "max_rating": 4},  # near, every track
        ],
    )
    chosen = plans.choose_steps(skill_map, "reading-papers", 2, "policy-and-governance")
    assert [s.title for s in chosen] == ["Step 2", "Step 4", "Step 5"]
    # With too few of the target's steps, the skill gets fewer than three, never another's.
    alone = plans.choose_steps(skill_map, "reading-papers", 5, "interpretability")
    assert [s.title for s in alone] == []


def test_an_old_plan_reads_as_it_was_stored(seeded_map: SkillMap) -> None:
    """A plan is stored as step ids; reading it never re-chooses them, so a plan made before
    steps named tracks shows the same steps, whatever they serve now."""
    assessment = assess(
        seeded_map, "policy-and-governance", _rated(seeded_map, "policy-and-governance")
    )
    other = next(s for s in seeded_map.steps if s.tracks and not s.serves("policy-and-governance"))
    stored = {"hours": 5, "steps": [{"id": other.id, "skill": other.skill, "weeks": [[1, 1]]}]}
    plan = plans.read(stored, seeded_map, assessment)
    assert [p.step for p in plan.steps] == [other]


# --- On the seeded content ------------------------------------------------------------------


@pytest.mark.parametrize("track_slug", TRACKS)
def test_a_plausible_person_gets_six_weeks_of_their_tracks_steps(
    seeded_map: SkillMap, track_slug: str
) -> None:
    plan = _plan(seeded_map, track_slug, _rated(seeded_map, track_slug))
    weeks = _first_six_weeks(plan)
    assert weeks, f"{track_slug}: nothing to do in the first six weeks"
    for p in weeks:
        assert p.step.serves(track_slug), (track_slug, p.step.title)
    if track_slug in LITERACY_TRACKS:
        technical_short = any(c.cell.bucket.slug == "technical" and c.cell.gap for c in plan.cells)
        coding = [p.step.title for p in weeks if p.skill.slug in CODING]
        assert not coding or technical_short, (track_slug, coding)


def test_every_skill_a_track_is_measured_by_has_a_step_for_it_at_every_short_rating(
    seeded_map: SkillMap,
) -> None:
    """No gap is left without something to do: for each cell, each skill measuring it and each
    rating below the cell's target, the target's own steps make a full three, none remedial."""
    for track in seeded_map.tracks:
        for cell in track.cells:
            level = cell.target_level
            if level is None:
                continue
            for skill in seeded_map.measuring(cell):
                for rating in range(1, level.target):
                    chosen = plans.choose_steps(seeded_map, skill.slug, rating, track.slug)
                    assert len(chosen) == plans.STEPS_PER_SKILL, (track.slug, skill.slug, rating)


@settings(deadline=None)
@given(data=st.data(), track_slug=st.sampled_from(LITERACY_TRACKS))
def test_literacy_tracks_never_plan_a_coding_step(
    seeded_map: SkillMap, data: st.DataObject, track_slug: str
) -> None:
    """Their Technical cell is literacy, measured by the AI-literacy question: no rating on
    any question sends a policy or field-building entrant to a Python or transformer step."""
    track = seeded_map.track(track_slug)
    assert track is not None
    technical = track.cell("technical")
    assert technical is not None
    assert [s.slug for s in seeded_map.measuring(technical)] == ["ai-literacy"]
    ratings = draw_ratings(data, seeded_map, track_slug)
    plan = _plan(seeded_map, track_slug, ratings)
    assert not [p.step.title for p in plan.steps if p.skill.slug in CODING]


def test_the_lawyer_of_the_issue_gets_a_policy_plan_not_an_ml_one(seeded_map: SkillMap) -> None:
    """Python 1, transformers 2, papers 2, prose 4, maths 2, experiments 3, portfolio 3, law 4,
    AI literacy 2, target Policy: the hired-on gap (Communication) comes first, and nothing in
    the plan is the ML material the issue found (a ResNet read, seeds, a Hugging Face demo, a
    result figure, the Python tutorial)."""
    ratings = _rated(seeded_map, "policy-and-governance")
    assessment = assess(seeded_map, "policy-and-governance", ratings)
    assert [c.bucket.slug for c in assessment.focus_gaps] == ["communication"]
    plan = _plan(seeded_map, "policy-and-governance", ratings)
    first = _first_six_weeks(plan)
    assert first[0].skill.slug in {"career-and-communication", "portfolio-and-applications"}
    titles = " | ".join(p.step.title for p in plan.steps)
    for ml in ("ResNet", "seed", "Hugging Face", "result figure", "Python", "PyTorch", "ML paper"):
        assert ml not in titles, ml
    # Policy's own steps are there: something written for a policy reader.
    assert any("policy-and-governance" in p.step.tracks for p in plan.steps)


def test_the_interpretability_engineer_gets_an_interpretability_on_ramp(
    seeded_map: SkillMap,
) -> None:
    """The software engineer aiming at interpretability: the reading-papers step written for
    interpretability (Neel Nanda's mech-interp literature stage) is in the first six weeks,
    after Keshav's paper-reading method it builds on, not left behind the ResNet paper every
    technical track shares."""
    plan = _plan(seeded_map, "interpretability", _rated(seeded_map, "interpretability"))
    weeks = {p.step.title: p for p in _first_six_weeks(plan)}
    nanda = next((p for t, p in weeks.items() if "Neel Nanda" in t and "literature" in t), None)
    assert nanda is not None, list(weeks)
    assert set(nanda.step.tracks) <= {"interpretability", "alignment-and-ai-safety"}
    keshav = next(p for t, p in weeks.items() if "Keshav" in t)
    assert nanda.step.builds_on == keshav.step.id
    assert keshav.weeks[0][0] <= nanda.weeks[0][0]
    assert keshav.weeks[-1][0] <= nanda.weeks[0][0]


def test_the_lawyer_writes_the_policy_brief_before_applying_with_it(seeded_map: SkillMap) -> None:
    """A policy fellowship asks for a writing sample: the plan has the brief written first."""
    plan = _plan(seeded_map, "policy-and-governance", _rated(seeded_map, "policy-and-governance"))
    weeks = {p.step.title: p for p in _first_six_weeks(plan)}
    brief = next(p for t, p in weeks.items() if "policy brief" in t)
    fellowship = next(p for t, p in weeks.items() if "policy fellowship" in t)
    assert fellowship.step.builds_on == brief.step.id
    assert brief.weeks[-1][0] <= fellowship.weeks[0][0]
