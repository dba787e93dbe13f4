"""Starting an audit, the rating form, live (htmx) and plain saves, bad input and ownership."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from audits.models import Audit, Rating
from skillmap.guide import current_guide
from skillmap.models import MapRevision, Skill, Track
from tests.conftest import (
    ALL_FOUR,
    HX,
    MakeAudit,
    fresh_process,
    grow_map_tenfold,
    session_client_with,
)

QUESTIONS = {
    "python-and-pytorch": "Can you write clean Python and use PyTorch?",
    "deep-learning-and-transformers": (
        "Can you implement a transformer from scratch and explain it?"
    ),
    "reading-papers": "Are you comfortable reading an ML paper?",
    "career-and-communication": "Can you write a clear, structured, persuasive page of prose?",
    "math-you-actually-need": "Linear algebra / probability — fine, rusty, or scary?",
}
TRACK_NAMES = [
    "Research Scientist",
    "Research Engineer",
    "Interpretability",
    "Alignment and AI Safety",
    "Policy and Governance",
    "Applied and Product ML",
    "Field-building and Comms",
]
RATING_ERROR = "A rating is a whole number from 1 to 5."


def form_url(audit: Audit) -> str:
    return f"/audits/{audit.public_id}/"


def ratings_of(audit: Audit) -> dict[str, int]:
    return dict(audit.ratings.values_list("skill__slug", "value"))


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


# --- Starting -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_start_page_is_a_post_form_with_the_asked_track_chosen(anon_client: Client) -> None:
    response = anon_client.get("/audits/new/?track=interpretability")
    html = text(response)

    assert response.status_code == 200
    assert re.search(r'<form method="post" action="/audits/new/"', html)
    assert 'name="csrfmiddlewaretoken"' in html
    assert re.search(r'<option value="interpretability" selected>Interpretability \(', html)
    for name in TRACK_NAMES:
        assert f">{name} (" in html  # and how many questions it asks: tests/test_question_count


@pytest.mark.django_db
def test_anonymous_start_creates_an_audit_for_this_browser(anon_client: Client) -> None:
    response = anon_client.post("/audits/new/", {"track": "interpretability"})

    audit = Audit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == form_url(audit)
    assert audit.owner is None
    assert audit.track.slug == "interpretability"
    assert anon_client.session["audit_ids"] == [str(audit.public_id)]
    assert anon_client.get(form_url(audit)).status_code == 200
    # Another browser cannot open it, even with the link.
    assert Client().get(form_url(audit)).status_code == 404


@pytest.mark.django_db
def test_signed_in_start_belongs_to_the_user(owner: User, owner_client: Client) -> None:
    response = owner_client.post("/audits/new/", {"track": "research-engineer"})

    audit = Audit.objects.get()
    assert response.status_code == 302
    assert audit.owner == owner
    assert "audit_ids" not in owner_client.session


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_start_with_a_track_that_does_not_exist(anon_client: Client, method: str) -> None:
    if method == "get":
        response = anon_client.get("/audits/new/?track=astronaut")
    else:
        response = anon_client.post("/audits/new/", {"track": "astronaut"})

    assert response.status_code == 400
    assert "There is no track called “astronaut”. Pick one from the list." in text(response)
    assert not Audit.objects.exists()


@pytest.mark.django_db
def test_start_without_a_track(anon_client: Client) -> None:
    response = anon_client.post("/audits/new/", {})

    assert response.status_code == 400
    assert "Choose the track you are aiming for." in text(response)
    assert not Audit.objects.exists()


# --- The form -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_form_has_a_fieldset_per_skill_with_the_guides_question(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings={"reading-papers": 2})
    html = text(owner_client.get(form_url(audit)))

    # The guide's five, word for word, then the ones Skills Map adds (marked); every skill of
    # the map has its fieldset, those only other tracks need in the optional section.
    assert html.count('<fieldset class="skill"') == Skill.objects.count() == 12
    assert html.count("Added by Skills Map: the guide’s five questions don’t reach this cell.") == 5
    # AI literacy and experiments measure some cells in place of the guide's own questions.
    assert html.count("Skills Map’s own question: where a track asks for") == 2
    for slug, question in QUESTIONS.items():
        assert re.search(
            rf'<fieldset class="skill" id="skill-{slug}">\s*<legend>{re.escape(question)} ', html
        )
        radios = re.findall(
            rf'<input type="radio" name="rating-{slug}" value="(\d)" id="([^"]+)"', html
        )
        assert [value for value, _ in radios] == ["1", "2", "3", "4", "5"]
        for _, radio_id in radios:
            assert f'<label class="choice" for="{radio_id}">' in html
    # The stored rating is shown checked.
    assert re.search(r'name="rating-reading-papers" value="2" id="[^"]+" checked', html)
    assert len(re.findall(r" checked>", html)) == 1


@pytest.mark.django_db
def test_form_carries_the_guides_words_and_the_scale(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    html = text(owner_client.get(form_url(make_audit(owner=owner))))

    assert "Rate yourself 1–5, no flinching" in html
    assert (
        "The point of rating honestly: a “2” you admit is a “2” we can fix in six weeks. "
        "A “2” you call a “4” becomes a rejection later."
    ) in html
    for anchor in ("1 — Not yet", "2 — Literacy", "3 — Not a liability", "5 — Hired on"):
        assert anchor in html
    assert "Meets a “Very high” cell." in html
    assert f'hx-post="{form_url(make_audit(owner=owner))}"' not in html  # each audit its own
    # One form for the target, the ratings and finishing (the other is the nav's log-out), so
    # every button sends the ratings on the page with it.
    assert html.count('<form method="post"') == 2
    form = (
        html.split('class="ratings-form"')[0].rsplit("<form", 1)[1]
        + html.split('class="ratings-form"')[1].split("</form>")[0]
    )
    assert 'name="track"' in form
    assert form.count('name="rating-') == 60  # five radios for each of the twelve skills
    for action in ("save", "change_target", "finish"):
        assert f'type="submit" name="action" value="{action}"' in form


@pytest.mark.django_db
def test_form_get_renders_the_panel(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings={"reading-papers": 2})
    html = text(owner_client.get(form_url(audit)))

    assert '<div id="panel">' in html
    assert (
        '<p id="panel-status" class="visually-hidden" role="status" aria-live="polite">'
        "1 of 7 rated against Research Scientist.</p>"
    ) in html
    assert "hx-swap-oob" not in html
    assert "<strong>1 of 7</strong> skills rated" in html
    # Research is measured by two questions, so one rating does not score it yet.
    assert 'not rated yet:</span> <a href="#skill-experiments-and-rigour">' in html
    assert "Against Research Scientist" in html


@pytest.mark.django_db
def test_completed_audit_form_redirects_to_its_results(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)

    response = owner_client.get(form_url(audit))

    assert response.status_code == 302
    assert response["Location"] == f"/audits/{audit.public_id}/results/"


# --- Saving ---------------------------------------------------------------------------------


def panel_rows(html: str) -> dict[str, tuple[str, str, str]]:
    """{bucket short name: (your score, needs, gap)} from the panel's table."""
    rows = re.findall(
        r'<tr[^>]*><th scope="row">(\w+)(?: <strong class="tag">hired on</strong>)?'
        r'(?:<span class="measured-by">[^<]*</span>)?</th>'
        r"<td>([^<]*)</td><td>([^<]*)</td><td>(.*?)</td></tr>",
        html,
    )
    return {
        bucket: (score, needs, re.sub(r"<[^>]+>", "", gap)) for bucket, score, needs, gap in rows
    }


@pytest.mark.django_db
def test_htmx_save_stores_at_once_and_returns_only_the_panel(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings={"python-and-pytorch": 4})

    response = owner_client.post(
        form_url(audit),
        {
            "rating-deep-learning-and-transformers": "3",
            "rating-reading-papers": "2",
            "note-reading-papers": "Slow going past the abstract",
        },
        headers=HX,
    )
    html = text(response)

    assert response.status_code == 200
    assert ratings_of(audit) == {
        "python-and-pytorch": 4,
        "deep-learning-and-transformers": 3,
        "reading-papers": 2,
    }
    assert Rating.objects.get(audit=audit, skill__slug="reading-papers").note == (
        "Slow going past the abstract"
    )
    assert "HX-Request" in response["Vary"]
    assert "no-store" in response["Cache-Control"]
    # Only the fragment: the live status line (swapped out of band), then the panel; no page,
    # no form, no second copy of the fields.
    status, panel = html.lstrip().split("</p>", 1)
    assert status == (
        '<p id="panel-status" class="visually-hidden" role="status" aria-live="polite" '
        'data-hx-swap-oob="innerHTML">3 of 7 rated against Research Scientist. Technical 3.'
    )
    # The phone's one-line status comes next, also out of band.
    live, panel = panel.lstrip().split("</p>", 1)
    assert live == (
        '<p id="live-line" class="live-line" aria-hidden="true" data-hx-swap-oob="innerHTML">'
        "3 of 7 rated · Research: not rated yet"
    )
    assert panel.lstrip().startswith('<h2 id="panel-heading">Against Research Scientist</h2>')
    assert "<html" not in html
    assert "<form" not in html
    assert "<strong>3 of 7</strong> skills rated" in html
    assert panel_rows(html) == {
        "Technical": ("3", "High (4)", "1"),  # the weaker of its two questions
        "Research": ("—", "Very high (5)", "not rated yet: rate Experiments and rigour"),
        "Communication": (
            "—",
            "High (4)",
            "not rated yet: rate Career and Communication Skills, rate Portfolio and applications",
        ),
        "Domain": (
            "—",
            "Math, heavy (4, the app’s assumption)",
            "not rated yet: rate Math you actually need",
        ),
    }
    # The target's very-high cell is marked, and only it.
    assert html.count("hired on") == 1
    assert 'Research <strong class="tag">hired on</strong>' in html
    # No ranking while questions that measure the target's buckets are unrated: it says which.
    assert '<ol class="fit">' not in html
    assert (
        "No ranking yet: rate Experiments and rigour, Career and Communication Skills, "
        "Portfolio and applications, Math you actually need first"
    ) in html
    # The finish button counts what is left; it sits in the panel, so it updates with it.
    assert 'value="finish" class="finish">See my results (4 left)</button>' in html


@pytest.mark.django_db
def test_ranking_shows_once_the_targets_questions_are_rated(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR)

    html = text(owner_client.post(form_url(audit), {"rating-reading-papers": "5"}, headers=HX))

    fits = re.findall(
        r'<li[^>]*><span class="fit-pos">(?:tied )?\d+(?:st|nd|rd|th)</span> '
        r'<span class="fit-name">([^<]+)</span>.*?<span class="muted">([\d.]+) points? short',
        html.split('<ol class="fit fit-places">')[1],
    )
    assert sorted(name for name, _ in fits) == sorted(TRACK_NAMES)
    assert "No ranking yet" not in html
    assert 'class="finish">See my results</button>' in html


@pytest.mark.django_db
def test_the_panel_says_why_a_high_cell_is_hired_on(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    fallback = make_audit(owner=owner, track="interpretability")
    very_high = make_audit(owner=owner)

    html = text(owner_client.get(form_url(fallback)))

    assert (
        "Interpretability has no Very-high cell, so the guide names nothing you’ll be hired on. "
        "Its top cells, the ones the guide rates High, are marked “top cell”: your plan starts "
        "with them."
    ) in html
    assert html.count('<strong class="tag">top cell</strong>') == 3
    assert "hired on</strong>" not in html
    assert "has no Very-high cell" not in text(owner_client.get(form_url(very_high)))


@pytest.mark.django_db
def test_ranking_waits_only_for_questions_the_target_measures(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    """Policy and Governance names no level for Domain: its maths question is not waited for."""
    rated = {k: v for k, v in ALL_FOUR.items() if k != "math-you-actually-need"}
    audit = make_audit(owner=owner, track="policy-and-governance", ratings=rated)

    html = text(owner_client.get(form_url(audit)))

    assert '<ol class="fit fit-places">' in html
    assert "No ranking yet" not in html
    assert "See my results (1 left)" in html


@pytest.mark.django_db
def test_htmx_fragment_is_small(owner: User, owner_client: Client, make_audit: MakeAudit) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR)

    response = owner_client.post(form_url(audit), {"rating-reading-papers": "5"}, headers=HX)

    assert response.status_code == 200
    assert 1000 < len(response.content) <= 4096


@pytest.mark.django_db
def test_saving_the_same_rating_twice_is_the_same_as_once(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    for value in ("2", "4", "4"):
        owner_client.post(form_url(audit), {"rating-reading-papers": value}, headers=HX)

    assert ratings_of(audit) == {"reading-papers": 4}
    assert Rating.objects.filter(audit=audit).count() == 1


@pytest.mark.django_db
def test_plain_post_saves_and_redirects_back_to_the_form(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    fields = {f"rating-{slug}": str(value) for slug, value in ALL_FOUR.items()}

    response = owner_client.post(form_url(audit), {**fields, "note-reading-papers": ""})

    assert response.status_code in (302, 303)
    assert response["Location"] == form_url(audit)
    assert ratings_of(audit) == ALL_FOUR
    page = owner_client.get(response["Location"])
    html = text(page)
    assert "Your ratings are saved." in html
    assert "<strong>7 of 7</strong> skills rated" in html
    # The weakest of Technical's two questions (transformers, 3) against High (4).
    assert panel_rows(html)["Technical"] == ("3", "High (4)", "1")


@pytest.mark.django_db
def test_anonymous_visitor_saves_to_their_own_audit(make_audit: MakeAudit) -> None:
    audit = make_audit()
    client = session_client_with(audit)

    response = client.post(form_url(audit), {"rating-reading-papers": "3"}, headers=HX)

    assert response.status_code == 200
    assert ratings_of(audit) == {"reading-papers": 3}


# --- Changing the target --------------------------------------------------------------------


@pytest.mark.django_db
def test_htmx_track_change_returns_the_panel_for_the_new_target(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR)

    response = owner_client.post(
        f"/audits/{audit.public_id}/", {"track": "policy-and-governance"}, headers=HX
    )
    html = text(response)

    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    audit.refresh_from_db()
    assert audit.track.slug == "policy-and-governance"
    status = html.lstrip().split("</p>", 1)[0]
    assert status.endswith(
        ">9 of 9 rated against Policy and Governance. Technical 3. Research 3. "
        "Communication 5, met. Domain 2."
    )
    assert 'data-hx-swap-oob="innerHTML"' in status
    assert '<h2 id="panel-heading">Against Policy and Governance</h2>' in html
    # The new target asks other questions: they come along, swapped in out of band.
    assert '<div class="questions" id="questions" data-hx-swap-oob="innerHTML">' in html
    assert "<html" not in html
    # The guide names an area, not a level: scored against the app's assumption (High).
    assert panel_rows(html)["Domain"] == (
        "2",
        "Law / econ / IR / policy (4, the app’s assumption)",
        "2",
    )
    assert 'Communication <strong class="tag">hired on</strong>' in html


@pytest.mark.django_db
def test_plain_track_change_redirects_back(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)

    response = owner_client.post(f"/audits/{audit.public_id}/", {"track": "interpretability"})

    assert response.status_code in (302, 303)
    assert response["Location"] == form_url(audit)
    html = text(owner_client.get(form_url(audit)))
    assert "Your target is now Interpretability." in html
    assert '<option value="interpretability" selected>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "plain"])
def test_track_change_to_a_track_that_does_not_exist(
    owner: User, owner_client: Client, make_audit: MakeAudit, headers: dict[str, str]
) -> None:
    audit = make_audit(owner=owner)

    response = owner_client.post(
        f"/audits/{audit.public_id}/", {"track": "astronaut"}, headers=headers
    )

    assert response.status_code == 400
    assert "There is no track called “astronaut”. Pick one from the list." in text(response)
    audit.refresh_from_db()
    assert audit.track.slug == "research-scientist"


# --- One form: every button saves the page first ---------------------------------------------


def all_rated(**extra: str) -> dict[str, str]:
    return {**{f"rating-{slug}": str(value) for slug, value in ALL_FOUR.items()}, **extra}


@pytest.mark.django_db
def test_finish_saves_the_ratings_on_the_page_then_shows_results(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    """Without JS nothing was saved before the press: finishing must not drop the ratings."""
    audit = make_audit(owner=owner)

    response = owner_client.post(form_url(audit), all_rated(action="finish"))

    assert response.status_code == 302
    assert response["Location"] == f"/audits/{audit.public_id}/results/"
    audit.refresh_from_db()
    assert audit.is_complete
    assert audit.snapshot is not None
    assert audit.snapshot["ratings"] == ALL_FOUR


@pytest.mark.django_db
def test_finish_with_questions_left_keeps_what_was_chosen_and_lists_the_rest(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)

    response = owner_client.post(
        form_url(audit), {"rating-python-and-pytorch": "4", "action": "finish"}
    )

    # Post/redirect/get back to the form's own address: a reload never re-posts or 405s.
    assert response.status_code == 302
    assert response["Location"] == form_url(audit)
    assert ratings_of(audit) == {"python-and-pytorch": 4}
    assert not Audit.objects.get(pk=audit.pk).is_complete
    html = text(owner_client.get(form_url(audit)))
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert 'tabindex="-1" role="alert"' in summary
    assert "Rate every skill first" in summary
    assert "6 still to rate before your results" in summary
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    asked = {
        **QUESTIONS,
        "experiments-and-rigour": Skill.objects.get(slug="experiments-and-rigour").question,
        "portfolio-and-applications": Skill.objects.get(slug="portfolio-and-applications").question,
    }
    assert links == [
        (f"id_rating-{slug}_0", question)
        for slug, question in asked.items()
        if slug != "python-and-pytorch"
    ]
    for anchor, _ in links:
        assert f'id="{anchor}"' in html
    # At the top: before the questions.
    assert html.index('id="error-summary"') < html.index('<fieldset class="skill"')
    assert re.search(r'name="rating-python-and-pytorch" value="4" id="[^"]+" checked', html)
    assert "See my results (6 left)" in html
    # Said once: the next view of the form is the plain form again.
    assert 'id="error-summary"' not in text(owner_client.get(form_url(audit)))


@pytest.mark.django_db
def test_finish_with_nothing_rated_stays_on_the_form(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)

    response = owner_client.post(form_url(audit), {"action": "finish"}, follow=True)

    assert response.redirect_chain == [(form_url(audit), 302)]
    assert response.status_code == 200
    assert "7 still to rate before your results" in text(response)


@pytest.mark.django_db
def test_finish_over_htmx_redirects_the_browser(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)

    done = owner_client.post(form_url(audit), all_rated(action="finish"), headers=HX)

    assert done["HX-Redirect"] == f"/audits/{audit.public_id}/results/"
    assert Audit.objects.get(pk=audit.pk).is_complete


@pytest.mark.django_db
def test_change_target_without_js_keeps_the_unsaved_ratings(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)

    response = owner_client.post(
        form_url(audit),
        {
            "track": "interpretability",
            "rating-reading-papers": "2",
            "note-reading-papers": "Slowly",
            "action": "change_target",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == form_url(audit)
    audit.refresh_from_db()
    assert audit.track.slug == "interpretability"
    assert ratings_of(audit) == {"reading-papers": 2}
    html = text(owner_client.get(form_url(audit)))
    assert "Your target is now Interpretability. Your ratings are saved." in html
    assert re.search(r'name="rating-reading-papers" value="2" id="[^"]+" checked', html)
    assert 'value="Slowly"' in html


@pytest.mark.django_db
def test_a_live_change_of_the_target_saves_the_page_and_answers_with_the_panel(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)

    response = owner_client.post(
        form_url(audit), {"track": "research-engineer", "rating-reading-papers": "3"}, headers=HX
    )

    assert response.status_code == 200
    assert '<h2 id="panel-heading">Against Research Engineer</h2>' in text(response)
    audit.refresh_from_db()
    assert audit.track.slug == "research-engineer"
    assert ratings_of(audit) == {"reading-papers": 3}


@pytest.mark.django_db
def test_an_unknown_action_saves_nothing(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)

    response = owner_client.post(form_url(audit), all_rated(action="explode"))

    assert response.status_code == 400
    assert ratings_of(audit) == {}
    # The page comes back with the ratings as chosen, ready to send again.
    assert len(re.findall(r" checked>", text(response))) == len(ALL_FOUR)


@pytest.mark.django_db
def test_a_bad_target_saves_nothing_and_keeps_the_chosen_ratings(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)

    response = owner_client.post(form_url(audit), all_rated(track="astronaut", action="save"))

    assert response.status_code == 400
    assert "There is no track called “astronaut”." in text(response)
    assert ratings_of(audit) == {}
    assert len(re.findall(r" checked>", text(response))) == len(ALL_FOUR)


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["0", "6", "abc", "", " ", "3.5", "-1"])
@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "plain"])
def test_bad_rating_is_refused_and_nothing_is_saved(
    owner: User, owner_client: Client, make_audit: MakeAudit, bad: str, headers: dict[str, str]
) -> None:
    audit = make_audit(owner=owner, ratings={"math-you-actually-need": 3})

    response = owner_client.post(
        form_url(audit),
        {"rating-python-and-pytorch": "4", "rating-reading-papers": bad},
        headers=headers,
    )

    assert response.status_code == 400
    assert f"Are you comfortable reading an ML paper? — {RATING_ERROR}" in text(response)
    assert ratings_of(audit) == {"math-you-actually-need": 3}


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "plain"])
def test_rating_a_skill_that_does_not_exist(
    owner: User, owner_client: Client, make_audit: MakeAudit, headers: dict[str, str]
) -> None:
    audit = make_audit(owner=owner)

    response = owner_client.post(
        form_url(audit),
        {"rating-python-and-pytorch": "4", "rating-nonexistent": "3"},
        headers=headers,
    )

    assert response.status_code == 400
    assert "These are not skills on the map: rating-nonexistent." in text(response)
    assert ratings_of(audit) == {}


@pytest.mark.django_db
def test_a_note_without_a_rating_is_refused(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)

    response = owner_client.post(
        form_url(audit),
        {"rating-python-and-pytorch": "4", "note-reading-papers": "Getting there"},
        headers=HX,
    )

    assert response.status_code == 400
    assert "Your note on Reading papers — Pick a rating to keep this note." in text(response)
    assert ratings_of(audit) == {}


@pytest.mark.django_db
def test_an_overlong_note_is_refused(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)

    response = owner_client.post(
        form_url(audit),
        {"rating-reading-papers": "4", "note-reading-papers": "x" * 281},
        headers=HX,
    )

    assert response.status_code == 400
    assert ratings_of(audit) == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/audits/not-a-uuid/",
        "/audits/12345/delete/",
        "/audits/zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz/results/",
        "/audits/1/copy/",
    ],
)
def test_malformed_audit_id_is_not_found(owner_client: Client, path: str) -> None:
    assert owner_client.get(path).status_code == 404
    assert owner_client.post(path, {"rating-reading-papers": "3"}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", "results/", "copy/"])
def test_unknown_audit_id_is_not_found(
    owner: User, owner_client: Client, make_audit: MakeAudit, suffix: str
) -> None:
    make_audit(owner=owner)
    url = f"/audits/3f2b8c1e-9a4d-4e6b-8f0a-1c2d3e4f5a6b/{suffix}"

    method = owner_client.get if suffix == "results/" else owner_client.post
    response = method(url, {"track": "interpretability"})

    assert response.status_code == 404
    assert Audit.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "plain"])
def test_editing_a_completed_audit_is_a_conflict(
    owner: User, owner_client: Client, make_audit: MakeAudit, headers: dict[str, str]
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)

    response = owner_client.post(form_url(audit), {"rating-reading-papers": "5"}, headers=headers)
    html = text(response)

    assert response.status_code == 409
    assert "Completed audits are kept exactly as they were" in html
    assert f'<form method="post" action="/audits/{audit.public_id}/copy/">' in html
    assert "Start a new audit from these ratings" in html
    # A live save gets the explanation for its panel; a plain post gets the whole page.
    assert ("<html" in html) == (not headers)
    assert ratings_of(audit) == ALL_FOUR


@pytest.mark.django_db
def test_changing_the_target_of_a_completed_audit_is_a_conflict(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)

    response = owner_client.post(f"/audits/{audit.public_id}/", {"track": "interpretability"})

    assert response.status_code == 409
    assert "Completed audits are kept exactly as they were" in text(response)
    audit.refresh_from_db()
    assert audit.track.slug == "research-scientist"


@pytest.mark.django_db
def test_model_refuses_to_change_a_completed_audit(owner: User, make_audit: MakeAudit) -> None:
    from audits.models import AuditClosed

    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    stale = Audit.objects.get(pk=audit.pk)
    stale.completed_at = None  # as a request that read it just before it was completed

    with pytest.raises(AuditClosed):
        stale.save_ratings({Skill.objects.get(slug="reading-papers").id: (5, "")})
    with pytest.raises(AuditClosed):
        stale.change_track(Track.objects.get(slug="interpretability"))

    assert ratings_of(audit) == ALL_FOUR
    assert Audit.objects.get(pk=audit.pk).track.slug == "research-scientist"


def csrf_client(user: User | None = None, audit: Audit | None = None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    if audit is not None:
        session = client.session
        session["audit_ids"] = [str(audit.public_id)]
        session.save()
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "plain"])
def test_post_without_csrf_token_is_forbidden(
    owner: User, make_audit: MakeAudit, headers: dict[str, str]
) -> None:
    audit = make_audit(owner=owner)
    client = csrf_client(owner)
    client.get(form_url(audit))  # has the cookie, but the post carries no token

    saves = client.post(form_url(audit), {"rating-reading-papers": "3"}, headers=headers)
    moves = client.post(f"/audits/{audit.public_id}/", {"track": "interpretability"})
    starts = client.post("/audits/new/", {"track": "interpretability"})

    assert (saves.status_code, moves.status_code, starts.status_code) == (403, 403, 403)
    assert "Nothing you saved has changed." in text(saves)
    assert ratings_of(audit) == {}
    assert Audit.objects.get().track.slug == "research-scientist"


@pytest.mark.django_db
def test_post_with_csrf_token_in_the_htmx_header_is_accepted(make_audit: MakeAudit) -> None:
    audit = make_audit()
    client = csrf_client(audit=audit)
    html = text(client.get(form_url(audit)))
    token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", html)
    assert token is not None

    response = client.post(
        form_url(audit),
        {"rating-reading-papers": "3"},
        headers={**HX, "X-CSRFToken": token.group(1)},
    )

    assert response.status_code == 200
    assert ratings_of(audit) == {"reading-papers": 3}


@pytest.mark.django_db
@pytest.mark.parametrize("enforce_csrf", [False, True])
def test_a_megabyte_body_is_refused(owner: User, make_audit: MakeAudit, enforce_csrf: bool) -> None:
    audit = make_audit(owner=owner)
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(owner)
    client.get(form_url(audit))
    token = client.cookies["csrftoken"].value if enforce_csrf else ""
    body = "rating-reading-papers=3&note-reading-papers=" + "x" * (1024 * 1024)

    response = client.post(
        form_url(audit),
        body,
        content_type="application/x-www-form-urlencoded",
        headers={**HX, "X-CSRFToken": token},
    )

    assert response.status_code == 413  # over MAX_REQUEST_BODY_BYTES: refused unread
    assert "Request too large" in text(response)
    assert ratings_of(audit) == {}


# --- Ownership ------------------------------------------------------------------------------

VIEWS = [
    ("get", "", {}),
    ("post", "", {"rating-reading-papers": "5"}),
    ("post", "", {"track": "interpretability"}),
    ("post", "", {"action": "finish"}),
    ("get", "results/", {}),
    ("post", "copy/", {}),
]


def assert_untouched(audit: Audit, count: int) -> None:
    fresh = Audit.objects.get(pk=audit.pk)
    assert Audit.objects.count() == count
    assert fresh.track.slug == "research-scientist"
    assert ratings_of(fresh) == ALL_FOUR
    assert fresh.completed_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "suffix", "data"), VIEWS)
@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "plain"])
def test_another_users_audit_is_not_found(
    owner: User,
    other_client: Client,
    make_audit: MakeAudit,
    method: str,
    suffix: str,
    data: dict[str, str],
    headers: dict[str, str],
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR)

    response = getattr(other_client, method)(form_url(audit) + suffix, data, headers=headers)

    assert response.status_code == 404
    assert_untouched(audit, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "suffix", "data"), VIEWS)
def test_a_users_audit_is_not_found_by_an_anonymous_visitor(
    owner: User, anon_client: Client, make_audit: MakeAudit, method: str, suffix: str, data: dict
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR)

    response = getattr(anon_client, method)(form_url(audit) + suffix, data)

    if method == "get":  # a page: log in first (its owner may be the one asking), then back
        assert response.status_code == 302
        assert response.url == "/account/login/?next=" + form_url(audit) + suffix
    else:
        assert response.status_code == 404
    assert_untouched(audit, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "suffix", "data"), VIEWS)
def test_another_sessions_anonymous_audit_is_not_found(
    make_audit: MakeAudit, method: str, suffix: str, data: dict
) -> None:
    theirs = make_audit(ratings=ALL_FOUR)
    mine = make_audit()
    client = session_client_with(mine)

    response = getattr(client, method)(form_url(theirs) + suffix, data)

    assert response.status_code == 404
    assert_untouched(theirs, 2)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "suffix", "data"), VIEWS)
def test_a_signed_in_user_does_not_see_anonymous_audits(
    owner_client: Client, make_audit: MakeAudit, method: str, suffix: str, data: dict
) -> None:
    anonymous = make_audit(ratings=ALL_FOUR)

    response = getattr(owner_client, method)(form_url(anonymous) + suffix, data)

    assert response.status_code == 404
    assert_untouched(anonymous, 1)


@pytest.mark.django_db
def test_an_anonymous_visitor_sees_their_own_sessions_audits(make_audit: MakeAudit) -> None:
    audit = make_audit(ratings={"reading-papers": 2})
    client = session_client_with(audit)

    response = client.get(form_url(audit))

    assert response.status_code == 200
    assert "<strong>1 of 7</strong> skills rated" in text(response)


# --- Query counts ---------------------------------------------------------------------------


@pytest.fixture(params=["seed", "tenfold"])
def map_size(request: pytest.FixtureRequest, db: None) -> str:
    if request.param == "tenfold":
        grow_map_tenfold()
        assert Skill.objects.count() == 57
        assert Track.objects.count() == 70
    return str(request.param)


def every_skill_rated() -> dict[str, int]:
    return dict.fromkeys(Skill.objects.values_list("slug", flat=True), 3)


# Queries with the map already in memory (every request after the first in each process):
# session, user, the audit, the map's revision, its ratings.
FORM_GET = 5
# session, user, the audit, the revision, a conditional update (the lock), the upsert, ratings.
HTMX_SAVE = 7
# session, user, the audit with its map snapshot's name (results render from them), the map's
# revision (to say whether the target's requirements changed since), its outside views, the
# person's ticks on its plan.
RESULTS = 6
# the revision, session, user; the visitor's open audit and latest completed one.
NEW_GET = 5
# A process that has not read the map yet (or sees a new revision) builds it from the tables:
# passages, levels, buckets, skills, their rating descriptions, the cells' measuring skills,
# tracks, requirements, steps and the tracks each step serves, whatever the map's size.
MAP_BUILD = 10
# A process reads a map snapshot's content once (the audit's row names it by its digest; the
# map built from it is kept in the map's cache).
SNAPSHOT_READ = 1


@pytest.mark.django_db
def test_form_get_queries(
    map_size: str,
    owner: User,
    owner_client: Client,
    make_audit: MakeAudit,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    audit = make_audit(owner=owner, ratings={"reading-papers": 3})
    fresh_process()  # a fresh process

    with django_assert_num_queries(FORM_GET + MAP_BUILD):
        cold = owner_client.get(form_url(audit))
    with django_assert_num_queries(FORM_GET):
        warm = owner_client.get(form_url(audit))

    MapRevision.bump()
    with django_assert_num_queries(FORM_GET + MAP_BUILD):
        rebuilt = owner_client.get(form_url(audit))

    assert cold.status_code == warm.status_code == rebuilt.status_code == 200
    assert text(warm).count('<fieldset class="skill"') == Skill.objects.count()
    assert text(rebuilt).count('<fieldset class="skill"') == Skill.objects.count()


@pytest.mark.django_db
def test_htmx_save_queries(
    map_size: str,
    owner: User,
    owner_client: Client,
    make_audit: MakeAudit,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    audit = make_audit(owner=owner, ratings={"reading-papers": 3})
    owner_client.get(form_url(audit))
    fields = {f"rating-{slug}": "4" for slug in every_skill_rated()}

    with django_assert_num_queries(HTMX_SAVE):
        response = owner_client.post(form_url(audit), fields, headers=HX)

    assert response.status_code == 200
    assert len(ratings_of(audit)) == Skill.objects.count()
    asked = len(current_guide().map.questions_for(current_guide().map.tracks[0]))
    assert f"<strong>{asked} of {asked}</strong>" in text(response)
    if map_size == "seed":
        assert len(response.content) <= 4096


@pytest.mark.django_db
def test_anonymous_htmx_save_needs_no_user_query(
    make_audit: MakeAudit, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    audit = make_audit()
    client = session_client_with(audit)
    client.get(form_url(audit))

    with django_assert_num_queries(HTMX_SAVE - 1):
        response = client.post(form_url(audit), {"rating-reading-papers": "3"}, headers=HX)

    assert response.status_code == 200


@pytest.mark.django_db
def test_results_queries(
    map_size: str,
    owner: User,
    owner_client: Client,
    make_audit: MakeAudit,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    audit = make_audit(owner=owner, ratings=every_skill_rated(), complete=True)
    fresh_process()  # a fresh process

    with django_assert_num_queries(RESULTS + MAP_BUILD + SNAPSHOT_READ):
        response = owner_client.get(f"/audits/{audit.public_id}/results/")
    with django_assert_num_queries(RESULTS):
        assert owner_client.get(f"/audits/{audit.public_id}/results/").status_code == 200

    assert response.status_code == 200
    assert text(response).count('<span class="fit-pos">') == Track.objects.count()


@pytest.mark.django_db
def test_start_page_queries(
    map_size: str, owner_client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    owner_client.get("/audits/new/")

    with django_assert_num_queries(NEW_GET):
        response = owner_client.get("/audits/new/?track=interpretability")

    assert response.status_code == 200
    assert text(response).count("<option ") == Track.objects.count()


def test_budgets() -> None:
    assert FORM_GET <= 6
    assert HTMX_SAVE <= 8
    assert RESULTS <= 6


# --- Starting twice -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "signed in"])
def test_a_double_click_on_start_makes_one_audit(who: str, owner: User) -> None:
    client = Client()
    if who == "signed in":
        client.force_login(owner)
    client.get("/audits/new/?track=interpretability")  # the page with the button: its cookie

    first = client.post("/audits/new/", {"track": "interpretability"})
    second = client.post("/audits/new/", {"track": "interpretability"})

    assert Audit.objects.count() == 1
    assert first["Location"] == second["Location"] == form_url(Audit.objects.get())
    assert client.get(second["Location"]).status_code == 200
    # Another track is another audit; so is the same track once the moment has passed (with
    # one open, only when asked for afresh).
    client.post("/audits/new/", {"track": "research-engineer", "choice": "fresh"})
    assert Audit.objects.count() == 2
    caches["default"].clear()
    client.post("/audits/new/", {"track": "interpretability", "choice": "fresh"})
    assert Audit.objects.count() == 3


@pytest.mark.django_db
def test_two_browsers_starting_at_once_get_an_audit_each() -> None:
    one, two = Client(), Client()
    for client in (one, two):
        client.get("/audits/new/")

    made = {c.post("/audits/new/", {"track": "interpretability"})["Location"] for c in (one, two)}

    assert len(made) == 2
    assert Audit.objects.count() == 2
