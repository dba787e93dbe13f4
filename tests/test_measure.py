"""Measure every cell (the scoring "rules 2", whose cells, scores and shortfalls rules 3 keeps),
as properties over the seeded map: a weak skill cannot hide in a hired-on cell and tracks
compare on what was measured. Rules 2's own ranking (strength breaks ties) and its single +1
are checked on a rules 2 copy of the map, as completed audits keep them; rules 3's ranking and
next step are in test_rules3."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audits import scoring
from skillmap import values
from skillmap.guide import build_map
from tests.conftest import ALL_FOUR, HX, THE_GUIDES_FIVE

ALL = list(ALL_FOUR)  # every skill of the seeded map, in the map's order

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def guide(django_db_setup: None, django_db_blocker: Any) -> Iterator[values.SkillMap]:
    with django_db_blocker.unblock():
        yield build_map()


@pytest.fixture(scope="module")
def rules_two(guide: values.SkillMap) -> values.SkillMap:
    """The seeded map as a completed audit scored by rules 2 stores it."""
    return values.SkillMap.from_dict({**guide.to_dict(), "rules": 2})


def all_ratings(skill_map: values.SkillMap) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries({s.slug: st.integers(1, 5) for s in skill_map.skills})


def some_ratings(skill_map: values.SkillMap) -> st.SearchStrategy[dict[str, int]]:
    return st.dictionaries(st.sampled_from([s.slug for s in skill_map.skills]), st.integers(1, 5))


def test_the_seeded_map_is_scored_by_todays_rules(guide: values.SkillMap) -> None:
    assert guide.rules == values.RULES == 3


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
    guide: values.SkillMap, rules_two: values.SkillMap, data: st.DataObject
) -> None:
    ratings = data.draw(some_ratings(guide))
    fits = scoring.rank_tracks(rules_two, ratings)
    # Rules 3 ranks differently, on the same shortfalls and coverage.
    today = {f.track.slug: (f.shortfall, f.coverage) for f in scoring.rank_tracks(guide, ratings)}
    assert {f.track.slug: (f.shortfall, f.coverage) for f in fits} == today
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
    rules_two: values.SkillMap, data: st.DataObject
) -> None:
    fits = scoring.rank_tracks(rules_two, data.draw(all_ratings(rules_two)))
    for earlier, later in zip(fits, fits[1:], strict=False):
        if earlier.shortfall == later.shortfall:
            assert earlier.strength >= later.strength
            assert (earlier.position == later.position) == (earlier.strength == later.strength)


def test_rated_five_everywhere_is_not_a_seven_way_tie_by_rules_two(
    rules_two: values.SkillMap,
) -> None:
    fits = scoring.rank_tracks(rules_two, {s.slug: 5 for s in rules_two.skills})
    assert all(f.shortfall == 0 for f in fits)
    assert len({f.position for f in fits}) > 1
    assert fits[0].strength > fits[-1].strength


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_next_step_is_the_best_single_point_by_rules_two(
    rules_two: values.SkillMap, data: st.DataObject
) -> None:
    guide = rules_two
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
    # Literacy is measured as literacy: by the added, no-coding question alone.
    technical = next(c for c in assessment.cells if c.bucket.slug == "technical")
    assert [s.slug for s in technical.missing] == ["ai-literacy"]
    assert [s.slug for s in assessment.unrated] == [
        "experiments-and-rigour",
        "portfolio-and-applications",
        "law-econ-and-policy",
        "ai-literacy",
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


# --- The form and the pages ---------------------------------------------------------------


def _form(client: Any, audit: Any) -> str:
    return str(client.get(f"/audits/{audit.public_id}/").content.decode())


def _section(html: str) -> tuple[list[str], list[str]]:
    """The question slugs asked for the target, and those in the optional section."""
    import re

    optional_at = html.find('<details class="other-tracks"')
    slugs = [
        (m.start(), m.group(1))
        for m in re.finditer(r'<fieldset class="skill" id="skill-([\w-]+)"', html)
    ]
    asked = [slug for at, slug in slugs if optional_at < 0 or at < optional_at]
    optional = [slug for at, slug in slugs if optional_at >= 0 and at > optional_at]
    return asked, optional


@pytest.mark.parametrize(
    ("track", "domain_question"),
    [
        ("research-scientist", ["math-you-actually-need"]),
        ("alignment-and-ai-safety", ["math-you-actually-need", "threat-models"]),
        # The literacy tracks ask the AI-literacy question for their Technical cell.
        ("policy-and-governance", ["law-econ-and-policy", "ai-literacy"]),
        ("applied-and-product-ml", ["product-sense"]),
        ("field-building-and-comms", ["ops-and-people", "ai-literacy"]),
    ],
)
def test_the_form_asks_what_the_target_needs_and_folds_the_rest(
    owner: Any, owner_client: Any, make_audit: Any, track: str, domain_question: list[str]
) -> None:
    audit = make_audit(owner=owner, track=track)
    asked, optional = _section(_form(owner_client, audit))
    guides_five = [s for s in ALL if s in THE_GUIDES_FIVE]
    common = ["experiments-and-rigour", "portfolio-and-applications"]
    expected = [s for s in ALL if s in guides_five or s in common or s in domain_question]
    assert asked == expected
    assert sorted(optional) == sorted(set(ALL) - set(expected))


def test_changing_the_target_brings_its_questions_and_keeps_every_rating(
    owner: Any, owner_client: Any, make_audit: Any
) -> None:
    audit = make_audit(owner=owner, ratings={"ops-and-people": 4})
    url = f"/audits/{audit.public_id}/"
    # With htmx: the panel comes back with the questions of the new target, out of band.
    response = owner_client.post(
        url,
        {"track": "field-building-and-comms", "rating-reading-papers": "3"},
        headers=HX,
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'id="questions" data-hx-swap-oob="innerHTML"' in fragment
    asked, _ = _section(fragment)
    assert "ops-and-people" in asked and "math-you-actually-need" in asked
    # Without JavaScript: the same, through a plain post and the page it redirects to.
    response = owner_client.post(url, {"track": "policy-and-governance", "action": "change_target"})
    assert response.status_code == 302
    asked, optional = _section(_form(owner_client, audit))
    assert "law-econ-and-policy" in asked and "ops-and-people" in optional
    audit.refresh_from_db()
    assert audit.ratings_by_slug() == {"ops-and-people": (4, ""), "reading-papers": (3, "")}


def test_a_rating_for_another_tracks_optional_question_is_kept(
    owner: Any, owner_client: Any, make_audit: Any
) -> None:
    audit = make_audit(owner=owner, track="research-scientist")
    response = owner_client.post(
        f"/audits/{audit.public_id}/", {"rating-product-sense": "4"}, headers=HX
    )
    assert response.status_code == 200
    assert audit.ratings_by_slug() == {"product-sense": (4, "")}
    html = _form(owner_client, audit)
    assert '<details class="other-tracks" open>' in html  # answered, so shown


def test_a_rating_for_a_skill_not_on_the_map_is_a_clear_400(
    owner: Any, owner_client: Any, make_audit: Any
) -> None:
    audit = make_audit(owner=owner, ratings={"reading-papers": 2})
    response = owner_client.post(
        f"/audits/{audit.public_id}/", {"rating-astrology": "5", "rating-reading-papers": "4"}
    )
    assert response.status_code == 400
    assert "These are not skills on the map: rating-astrology." in response.content.decode()
    assert audit.ratings_by_slug() == {"reading-papers": (2, "")}


def test_the_panel_says_what_measures_each_cell_and_links_what_would(
    owner: Any, owner_client: Any, make_audit: Any
) -> None:
    audit = make_audit(owner=owner, track="policy-and-governance", ratings=THE_GUIDES_FIVE)
    html = _form(owner_client, audit)
    panel = html[html.index('<div id="panel">') :]
    # Policy's "High (analysis)" is measured by the analysis question alone, its Technical
    # literacy by AI literacy.
    assert "by Experiments and rigour" in panel
    assert "by Reading papers and Experiments and rigour" not in panel
    assert "rate AI literacy</a>" in panel
    assert (
        'not measured yet:</span> <a href="#skill-law-econ-and-policy">rate Law, econ, IR and '
        "policy</a>"
    ) in panel
    assert "(4, the app’s assumption)" in panel  # Policy's domain cell: High, assumed
    assert (
        '<a href="/audits/how-scoring-works/">The rule in full</a>' not in panel
    )  # no ranking yet
    rule = owner_client.get("/audits/how-scoring-works/")
    assert rule.status_code == 200
    assert "A cell’s score is its weakest question’s rating" in rule.content.decode()


def test_results_show_coverage_the_tie_break_and_the_next_step(
    owner: Any, owner_client: Any, make_audit: Any
) -> None:
    questions = {
        s: ALL_FOUR[s]
        for s in ALL_FOUR
        if s not in ("law-econ-and-policy", "ops-and-people", "product-sense", "threat-models")
    }
    audit = make_audit(owner=owner, track="research-scientist", ratings=questions, complete=True)
    html = owner_client.get(f"/audits/{audit.public_id}/results/").content.decode()
    assert "4 of 4 cells measured" in html
    assert "3 of 4: Domain not measured" in html  # Policy: no law/econ rating
    assert "Equal shortfalls are broken by strength" in html
    # Every track's hired-on cells are asked by every form, so none needs the note here.
    assert "Its hired-on cells are not all measured" not in html
    assert "What would move you most" in html
    assert "One point on <strong>Reading papers</strong> (from 2 to 3)" in html
    assert "Measured by Reading papers and Experiments and rigour: the weakest counts." in html


def test_the_rule_page_asks_only_for_the_revision(
    anon_client: Any, django_assert_num_queries: Any
) -> None:
    anon_client.get("/audits/how-scoring-works/")  # the process builds its map once
    with django_assert_num_queries(1):
        response = anon_client.get("/audits/how-scoring-works/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "(Low 1, Low–Med 2, Medium 3, High 4, Very high 5)" in html
    assert "the guide gives the map, not the arithmetic" in html
