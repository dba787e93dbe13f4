"""The six-week plan on the results page: frozen at completion, re-planned by hours, ticked;
shown on history and progress. With htmx and without, and only ever to the audit's visitor."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils.html import escape

from audits import plans
from audits.models import Audit, StepDone
from skillmap.guide import current_guide
from skillmap.models import MapRevision, Step
from tests.conftest import HX, PASSWORD, MakeAudit, session_client_with

pytestmark = pytest.mark.django_db

FRAGMENT_BYTES = 4 * 1024
# The schedule names each week's steps by title: at most every listed step once, or twice where
# one runs over into the next week.
SCHEDULE_BYTES = 8 * 1024
PAGE_BYTES = 60 * 1024

# A research scientist who reads papers at 2 (hired on: Research, target 5) and is a 3 elsewhere:
# every one of the track's seven questions falls short of its cell, three steps each.
LISTED = 21
SCIENTIST = {"reading-papers": 2, "experiments-and-rigour": 3}


def rated(track: str = "research-scientist", value: int = 3) -> dict[str, int]:
    """Every question the track's form asks, rated: what completing it needs."""
    skill_map = current_guide().map
    target = skill_map.track(track)
    assert target is not None
    return dict.fromkeys((s.slug for s in skill_map.questions_for(target)), value)


def scientist_ratings() -> dict[str, int]:
    return {**rated(), **SCIENTIST}


@pytest.fixture
def done_audit(owner: User, make_audit: MakeAudit) -> Audit:
    return make_audit(owner=owner, ratings=scientist_ratings(), complete=True)


def results(client: Client, audit: Audit) -> str:
    response = client.get(f"/audits/{audit.public_id}/results/")
    assert response.status_code == 200
    return response.content.decode()


def plan_section(html: str) -> str:
    start = html.index('id="plan"')
    return html[start : html.index("</section>", start)]


def step_ids_on_page(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li id="step-(\d+)"', html)]


def tick_url(audit: Audit, step_id: int) -> str:
    return f"/audits/{audit.public_id}/steps/{step_id}/"


def hours_url(audit: Audit) -> str:
    return f"/audits/{audit.public_id}/plan/"


def fresh(audit: Audit) -> Audit:
    return Audit.objects.get(pk=audit.pk)


def done_ids(audit: Audit) -> set[int]:
    """The steps of this audit's plan that count as done (the person's ticks)."""
    return set(fresh(audit).ticks())


# --- Built at completion, frozen --------------------------------------------------------------


def test_completing_stores_a_plan_at_five_hours_a_week(done_audit: Audit) -> None:
    plan = done_audit.plan
    assert plan is not None and plan["hours"] == plans.DEFAULT_HOURS and "done" not in plan
    assert done_ids(done_audit) == set()
    skills = [item["skill"] for item in plan["steps"]]
    # Hired-on Research first, its weaker skill first; then the other cells' gaps.
    assert skills[:6] == ["reading-papers"] * 3 + ["experiments-and-rigour"] * 3
    for slug in set(skills):
        assert skills.count(slug) == plans.STEPS_PER_SKILL
    weekly = [0] * plans.WEEKS
    for item in plan["steps"]:
        for week, hours in item["weeks"]:
            weekly[week - 1] += hours
    assert max(weekly) <= plans.DEFAULT_HOURS


def test_results_page_shows_the_plan_as_the_apps_own_steps(
    owner_client: Client, done_audit: Audit
) -> None:
    html = results(owner_client, done_audit)
    section = plan_section(html)

    assert "Steps suggested by Skills Map" in section
    assert "<strong>Research Skills</strong>: from 2 to 5, a gap of 3." in section
    assert "Reading papers: you said 2. Steps 1–3 below." in section
    ids = step_ids_on_page(section)
    assert ids == [item["id"] for item in done_audit.plan["steps"]]  # type: ignore[index]
    weeks = re.findall(
        r'<th scope="row">Week \d</th><td>.*?</td><td class="num">(\d+)</td>', section
    )
    total = re.search(
        r'<th scope="row">Total</th><td>[^<]*</td><td class="num">(\d+)</td>', section
    )
    assert total is not None and len(weeks) == 6
    assert sum(map(int, weeks)) == int(total.group(1)) > 0
    assert "Re-audit on" in section and "Add the re-audit to my calendar" in section
    assert len(html.encode()) <= PAGE_BYTES
    # Beside each skill, what six weeks can realistically move (plans.realistic_move).
    assert "Six weeks at 5 hours a week can realistically move it: a start on a gap of 3." in (
        section
    )
    assert "a point takes about 20 hours of practice" in section
    # The week table names its steps, not only their numbers.
    first = done_audit.taken().guide.map.step(ids[0])
    assert first is not None
    week_one = re.search(r'<th scope="row">Week 1</th><td>(.*?)</td>', section, re.S)
    assert week_one is not None and escape(first.title) in week_one.group(1)


def test_later_edits_to_steps_never_change_a_past_plan(
    owner_client: Client, done_audit: Audit
) -> None:
    first = done_audit.plan["steps"][0]["id"]  # type: ignore[index]
    title = Step.objects.get(pk=first).title
    before = plan_section(results(owner_client, done_audit))
    Step.objects.filter(pk=first).update(title="An edited title", hours=40)
    Step.objects.exclude(pk=first).filter(skill__slug="reading-papers").delete()
    MapRevision.bump()

    after = plan_section(results(owner_client, done_audit))

    assert escape(title) in after and "An edited title" not in after
    assert re.sub(r'value="[^"]+"', "", after) == re.sub(r'value="[^"]+"', "", before)
    # Re-planning reads the audit's own map too: the edit still does not reach it.
    owner_client.post(hours_url(done_audit), {"hours": "7"})
    assert "An edited title" not in plan_section(results(owner_client, done_audit))


def test_audit_again_starts_a_new_plan_that_keeps_what_is_done(
    owner: User, owner_client: Client, done_audit: Audit
) -> None:
    step = done_audit.plan["steps"][0]["id"]  # type: ignore[index]
    owner_client.post(tick_url(done_audit, step), {"done": "1"})

    response = owner_client.post(f"/audits/{done_audit.public_id}/copy/")
    again = Audit.objects.filter(owner=owner).exclude(pk=done_audit.pk).get()
    assert response.status_code == 302 and again.plan is None
    again.complete(current_guide())

    assert done_ids(again) == {step} == done_ids(done_audit)
    item = next(i for i in fresh(again).plan["steps"] if i["id"] == step)  # type: ignore[index]
    assert item["weeks"] == []  # done already: no hours in the new weeks


def test_an_audit_completed_before_plans_shows_its_gaps_and_says_so(
    owner_client: Client, done_audit: Audit
) -> None:
    Audit.objects.filter(pk=done_audit.pk).update(plan=None)

    section = plan_section(results(owner_client, done_audit))

    assert "<strong>Research Skills</strong>: from 2 to 5, a gap of 3." in section
    assert "completed before Skills Map suggested steps" in section
    assert step_ids_on_page(section) == []


# --- Hours ----------------------------------------------------------------------------------


def test_changing_hours_over_htmx_swaps_only_the_schedule_and_keeps_ticks(
    owner_client: Client, done_audit: Audit
) -> None:
    step = done_audit.plan["steps"][1]["id"]  # type: ignore[index]
    owner_client.post(tick_url(done_audit, step), {"done": "1"})

    response = owner_client.post(hours_url(done_audit), {"hours": "12"}, headers=HX)

    html = response.content.decode()
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    assert html.lstrip().startswith('<div id="plan-schedule"') and "<html" not in html
    assert len(response.content) <= SCHEDULE_BYTES
    assert "Your weeks at 12 hours a week" in html
    plan = fresh(done_audit).plan
    assert plan is not None and plan["hours"] == 12 and step in done_ids(done_audit)


def test_changing_hours_without_javascript_redirects_back_to_the_plan(
    owner_client: Client, done_audit: Audit
) -> None:
    response = owner_client.post(hours_url(done_audit), {"hours": "40"})

    assert response.status_code == 302
    assert response["Location"] == f"/audits/{done_audit.public_id}/results/#plan-schedule"
    assert fresh(done_audit).plan["hours"] == 40  # type: ignore[index]
    page = results(owner_client, done_audit)
    assert "Your weeks at 40 hours a week" in page and "Your plan now fits 40 hours" in page


@pytest.mark.parametrize("hours", ["0", "41", "-3", "five", "5.5", "", "1e3"])
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_bad_hours_are_a_400_and_change_nothing(
    owner_client: Client, done_audit: Audit, hours: str, htmx: bool
) -> None:
    before = fresh(done_audit).plan

    response = owner_client.post(
        hours_url(done_audit), {"hours": hours}, headers=HX if htmx else {}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Your plan is unchanged." in html and 'aria-invalid="true"' in html
    assert ("<html" in html) is not htmx
    assert fresh(done_audit).plan == before


# --- Ticks ----------------------------------------------------------------------------------


def test_ticking_over_htmx_answers_with_the_step_and_the_count(
    owner_client: Client, done_audit: Audit
) -> None:
    step = done_audit.plan["steps"][0]["id"]  # type: ignore[index]

    response = owner_client.post(tick_url(done_audit, step), {"done": "1"}, headers=HX)

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert len(response.content) <= FRAGMENT_BYTES
    assert html.lstrip().startswith(f'<li id="step-{step}" class="plan-step done"')
    assert 'id="plan-progress"' in html and 'data-hx-swap-oob="true"' in html
    assert "1 of 21 steps done." in html
    assert step in done_ids(done_audit)
    # The Undo control is drawn again, with the id htmx gives focus back to, and the change
    # is announced in the live region.
    assert f'id="tick-{step}"' in html and ">Undo<" in html
    assert re.search(r'id="plan-announce"[^>]*aria-live="polite"[^>]*>Marked done.<', html)

    undone = owner_client.post(tick_url(done_audit, step), {"done": "0"}, headers=HX)
    html = undone.content.decode()
    assert undone.status_code == 200 and "0 of 21 steps done." in html
    assert f'id="tick-{step}"' in html and "Mark step 1 done" in html
    assert re.search(r'id="plan-announce"[^>]*>Marked not done.<', html)
    assert done_ids(done_audit) == set()


def test_ticking_without_javascript_redirects_to_the_step(
    owner_client: Client, done_audit: Audit
) -> None:
    step = done_audit.plan["steps"][2]["id"]  # type: ignore[index]

    response = owner_client.post(tick_url(done_audit, step), {"done": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"/audits/{done_audit.public_id}/results/#step-{step}"
    page = results(owner_client, done_audit)
    assert "1 of 21 steps done." in page and "Marked done." in page


def test_ticking_a_step_not_in_the_plan_is_a_404(owner_client: Client, done_audit: Audit) -> None:
    listed = plans.step_ids(done_audit.plan)
    elsewhere = Step.objects.exclude(pk__in=listed).first()
    assert elsewhere is not None
    assert owner_client.post(tick_url(done_audit, elsewhere.pk), {"done": "1"}).status_code == 404
    assert owner_client.post(tick_url(done_audit, 999999), {"done": "1"}).status_code == 404
    assert not StepDone.objects.exists()


def test_a_tick_must_say_done_or_not(owner_client: Client, done_audit: Audit) -> None:
    step = done_audit.plan["steps"][0]["id"]  # type: ignore[index]
    assert owner_client.post(tick_url(done_audit, step), {"done": "yes"}).status_code == 400
    assert not StepDone.objects.exists()


def test_an_open_audit_has_no_plan_to_tick_or_replan(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=scientist_ratings())
    assert owner_client.post(tick_url(audit, 1), {"done": "1"}).status_code == 404
    assert owner_client.post(hours_url(audit), {"hours": "5"}).status_code == 404


def test_anonymous_ticks_are_kept_and_move_to_the_account_on_sign_up(
    make_audit: MakeAudit,
) -> None:
    audit = make_audit(ratings=scientist_ratings(), complete=True)
    browser = session_client_with(audit)
    section = plan_section(results(browser, audit))
    assert "Keep this plan." in section and "/account/signup/" in section
    steps = [item["id"] for item in audit.plan["steps"][:2]]  # type: ignore[index]
    for step in steps:
        assert browser.post(tick_url(audit, step), {"done": "1"}).status_code == 302

    browser.post(
        "/account/signup/",
        {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    claimed = fresh(audit)
    assert claimed.owner is not None and claimed.owner.username == "newcomer"
    assert done_ids(claimed) == set(steps)
    assert set(
        StepDone.objects.filter(owner=claimed.owner).values_list("step_id", flat=True)
    ) == set(steps)
    assert not StepDone.objects.filter(owner=None).exists()
    assert "2 of 21 steps done" in browser.get("/audits/").content.decode()


# --- Ownership ------------------------------------------------------------------------------

WRITES = {
    "tick": lambda a: ("post", tick_url(a, a.plan["steps"][0]["id"]), {"done": "1"}),
    "hours": lambda a: ("post", hours_url(a), {"hours": "9"}),
    "reminder": lambda a: ("post", f"/audits/{a.public_id}/reminder/", {"on": "1"}),
    "ics": lambda a: ("get", f"/audits/{a.public_id}/re-audit.ics", {}),
    "again": lambda a: ("get", f"/audits/{a.public_id}/again/", {}),
}


@pytest.mark.parametrize("endpoint", WRITES)
@pytest.mark.parametrize("who", ["other user", "other session", "anonymous"])
def test_nobody_else_reaches_an_audits_plan(
    endpoint: str, who: str, done_audit: Audit, other_client: Client, make_audit: MakeAudit
) -> None:
    clients = {
        "other user": other_client,
        "other session": session_client_with(make_audit(ratings=scientist_ratings())),
        "anonymous": Client(),
    }
    method, url, data = WRITES[endpoint](done_audit)
    before = fresh(done_audit)

    response = getattr(clients[who], method)(url, data)

    if method == "get" and who != "other user":  # logged out: log in first, then back here
        assert response.status_code == 302
        assert response.url == f"/account/login/?next={url}"
    else:
        assert response.status_code == 404
    after = fresh(done_audit)
    assert (after.plan, after.remind) == (before.plan, before.remind)
    assert not StepDone.objects.exists()


def test_an_anonymous_audits_own_session_gets_no_reminder_switch(make_audit: MakeAudit) -> None:
    audit = make_audit(ratings=scientist_ratings(), complete=True)
    browser = session_client_with(audit)
    assert "Email me a reminder" not in results(browser, audit)
    assert browser.post(f"/audits/{audit.public_id}/reminder/", {"on": "1"}).status_code == 404


# --- History and progress -------------------------------------------------------------------


def test_history_counts_steps_done_per_audit(
    owner: User, owner_client: Client, done_audit: Audit, make_audit: MakeAudit
) -> None:
    for item in done_audit.plan["steps"][:4]:  # type: ignore[index]
        owner_client.post(tick_url(done_audit, item["id"]), {"done": "1"})
    make_audit(owner=owner, ratings=scientist_ratings())  # open: no plan yet

    html = owner_client.get("/audits/").content.decode()

    assert html.count("steps done") == 1
    assert "4 of 21 steps done" in html


def test_history_stays_at_its_query_count_with_plans(
    owner: User, owner_client: Client, make_audit: MakeAudit, django_assert_num_queries: Any
) -> None:
    for _ in range(12):
        make_audit(owner=owner, ratings=scientist_ratings(), complete=True)
    owner_client.get("/audits/")
    with django_assert_num_queries(5):  # session, user, the page's count, its audits, the ticks
        html = owner_client.get("/audits/").content.decode()
    assert html.count("0 of 21 steps done") == 12


def test_progress_says_whether_the_skills_with_most_steps_done_moved_most(
    owner: User, owner_client: Client, done_audit: Audit, make_audit: MakeAudit
) -> None:
    papers = [i["id"] for i in done_audit.plan["steps"] if i["skill"] == "reading-papers"]  # type: ignore[index]
    rigour = [i["id"] for i in done_audit.plan["steps"] if i["skill"] == "experiments-and-rigour"]  # type: ignore[index]
    for step in [*papers, rigour[0]]:
        owner_client.post(tick_url(done_audit, step), {"done": "1"})
    make_audit(
        owner=owner,
        ratings={**scientist_ratings(), "reading-papers": 4, "experiments-and-rigour": 3},
        complete=True,
    )

    html = owner_client.get("/audits/progress/").content.decode()

    assert "Steps done and what moved" in html
    assert "Yes: the skills you did the most steps for moved the most." in html
    assert (
        "<strong>You did steps for 2 skills: Reading papers +2 moved up; Experiments and rigour "
        "did not.</strong>"
    ) in html
    assert re.search(r"Reading papers</th><td>3</td><td>\+2</td>", html)
    assert re.search(r"Experiments and rigour</th><td>1</td><td>same</td>", html)


def test_progress_says_so_when_another_skill_moved_more(
    owner: User, owner_client: Client, done_audit: Audit, make_audit: MakeAudit
) -> None:
    rigour = [i["id"] for i in done_audit.plan["steps"] if i["skill"] == "experiments-and-rigour"]  # type: ignore[index]
    for step in rigour:
        owner_client.post(tick_url(done_audit, step), {"done": "1"})
    make_audit(owner=owner, ratings={**scientist_ratings(), "reading-papers": 4}, complete=True)

    html = owner_client.get("/audits/progress/").content.decode()

    assert (
        "Not this time: the most steps went to Experiments and rigour; the largest move (+2) "
        "was in Reading papers."
    ) in html
    assert (
        "<strong>You did steps for 1 skill (Experiments and rigour): it did not move up.</strong>"
    ) in html


# --- Query counts ---------------------------------------------------------------------------

# Re-planning: session, user, the audit (with its map snapshot), then one transaction (a
# savepoint and its release inside the test's own): the row again, locked, the person's done
# steps, and its update; htmx then reads the ticks for the schedule it redraws.
HOURS_POST = 9
HOURS_POST_PLAIN = 8
# A tick: session, user, the audit with its map snapshot, one write (an insert that keeps an
# earlier tick, or a delete); htmx then reads the ticks of the plan's steps for the step and
# the counter it redraws. Nothing is scored; no row is locked.
TICK_POST = 5
TICK_POST_PLAIN = 4  # session, user, the audit, the write (the message rides in a cookie)
# session, user, the audit with its map snapshot, the map's revision (is it changed since?),
# outside views, the ticks.
RESULTS = 6


def test_plan_endpoints_query_counts(
    owner_client: Client, done_audit: Audit, django_assert_num_queries: Any
) -> None:
    step = done_audit.plan["steps"][0]["id"]  # type: ignore[index]
    results(owner_client, done_audit)  # the map is read once per process
    with django_assert_num_queries(RESULTS):
        results(owner_client, done_audit)
    with django_assert_num_queries(HOURS_POST):
        assert (
            owner_client.post(hours_url(done_audit), {"hours": "8"}, headers=HX).status_code == 200
        )
    with django_assert_num_queries(HOURS_POST_PLAIN):
        assert owner_client.post(hours_url(done_audit), {"hours": "8"}).status_code == 302
    with django_assert_num_queries(TICK_POST):
        assert (
            owner_client.post(tick_url(done_audit, step), {"done": "1"}, headers=HX).status_code
            == 200
        )
    with django_assert_num_queries(TICK_POST_PLAIN):
        assert owner_client.post(tick_url(done_audit, step), {"done": "0"}).status_code == 302
