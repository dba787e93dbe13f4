"""The start page and the form agree on how many questions a track's audit asks, and a bad
`?track=` is said under the label it is about."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from audits.forms import QuestionCount, question_count
from skillmap.guide import current_guide
from tests.conftest import HX, MakeAudit
from tests.test_home import parse

pytestmark = pytest.mark.django_db


def test_the_count_reads_as_one_phrase() -> None:
    assert str(QuestionCount(asked=7, optional=4)) == "7 questions, 4 more optional"
    assert str(QuestionCount(asked=8, optional=0)) == "8 questions"
    assert str(QuestionCount(asked=1, optional=1)) == "1 question, 1 more optional"


def test_the_start_page_gives_each_tracks_count(anon_client: Client) -> None:
    page = parse(anon_client.get("/audits/new/").content)
    options = [o.text() for o in page.find("select").find_all("option")]
    assert options == [
        "Research Scientist (7 questions, 5 more optional)",
        "Research Engineer (7 questions, 5 more optional)",
        "Interpretability (7 questions, 5 more optional)",
        "Alignment and AI Safety (8 questions, 4 more optional)",
        "Policy and Governance (9 questions, 3 more optional)",
        "Applied and Product ML (8 questions, 4 more optional)",
        "Field-building and Comms (9 questions, 3 more optional)",
    ]
    assert "skills and see" not in page.text()  # the one count for every track, gone


@pytest.mark.parametrize("track", ["interpretability", "policy-and-governance"])
def test_the_form_says_the_count_the_start_page_said(
    anon_client: Client, make_audit: MakeAudit, track: str
) -> None:
    start = parse(anon_client.get(f"/audits/new/?track={track}").content)
    chosen = next(o for o in start.find("select").find_all("option") if "selected" in o.attrs)
    said = re.search(r"\((.*)\)$", chosen.text())
    assert said is not None

    response = anon_client.post("/audits/new/", {"track": track}, follow=True)
    page = parse(response.content)

    skill_map = current_guide().map
    target = skill_map.track(track)
    assert target is not None
    count = question_count(skill_map, target)
    name = target.name
    assert page.find("p", "question-count").text() == f"For {name}: {said.group(1)}."
    assert str(count) == said.group(1)
    # And the form asks just that many, with that many more in the optional section.
    asked = len(page.find("div", "questions").find_all("fieldset", "skill"))
    optional = len(page.find("details", "other-tracks").find_all("fieldset", "skill"))
    assert (asked - optional, optional) == (count.asked, count.optional)
    assert page.find("p", "progress").text() == f"0 of {count.asked} skills rated"


def test_a_bad_track_is_said_under_its_label(anon_client: Client) -> None:
    response = anon_client.get("/audits/new/?track=astronaut")
    assert response.status_code == 400
    html = response.content.decode()
    label = html.index('<label for="id_track">')
    error = html.index('<p class="error" id="track-error">')
    select = html.index('<select name="track" id="id_track"')
    assert label < error < select
    assert 'aria-describedby="track-error"' in html


def test_a_live_change_of_target_brings_the_new_count(anon_client: Client) -> None:
    started = anon_client.post("/audits/new/", {"track": "interpretability"})
    response = anon_client.post(started["Location"], {"track": "policy-and-governance"}, headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="questions" id="questions" data-hx-swap-oob="innerHTML">' in html
    assert (
        '<p class="question-count">For Policy and Governance: 9 questions, 3 more optional.</p>'
    ) in html
