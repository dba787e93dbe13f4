"""The plan in a real Chromium: complete an audit, read the plan, sign up, tick, reload, history."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from skillmap.guide import current_guide
from tests.browser_tools import Watched, watch
from tests.conftest import PASSWORD
from tests.test_browser_audit import RESULTS_URL, choice_label, start_audit
from tests.test_browser_quality import anonymous_cookie

pytestmark = pytest.mark.browser
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture
def js_page(browser: Browser, live_server: Any, seeded_transactional: None) -> Iterator[Watched]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield watch(page)
    context.close()


PLAN_FACTS = """() => {
    const plan = document.querySelector('#plan');
    const stepsAfter = h => {
        let el = h.nextElementSibling;
        while (el && el.tagName !== 'OL') el = el.nextElementSibling;
        return el ? el.querySelectorAll('li.plan-step').length : 0;
    };
    const perSkill = [...plan.querySelectorAll('h4')].map(h => ({
        skill: h.textContent.trim(),
        steps: stepsAfter(h),
    }));
    const weeks = [...plan.querySelectorAll('table.schedule tbody tr')]
        .map(tr => Number(tr.cells[tr.cells.length - 1].textContent));
    const total = Number(plan.querySelector('table.schedule tfoot tr td.num').textContent);
    return {perSkill, weeks, total};
}"""


def rate_everything(page: Page, ratings: dict[str, int]) -> None:
    for slug, value in ratings.items():
        with page.expect_response(lambda r: r.request.method == "POST"):
            choice_label(page, slug, value).click()


def test_complete_plan_sign_up_tick_reload_and_history(js_page: Watched) -> None:
    page = js_page.page
    skill_map = current_guide().map
    track = skill_map.track("research-scientist")
    assert track is not None
    ratings = {s.slug: 3 for s in skill_map.questions_for(track)} | {"reading-papers": 2}
    start_audit(page, "Research Scientist", "research-scientist")
    rate_everything(page, ratings)
    page.get_by_role("button", name="See my results").click()
    expect(page).to_have_url(RESULTS_URL)
    results_url = page.url

    plan = page.locator("#plan")
    expect(
        plan.get_by_role("heading", name=re.compile("Steps suggested by Skills Map"))
    ).to_be_visible()
    facts = page.evaluate(PLAN_FACTS)
    focus = {"Reading papers", "Experiments and rigour"}  # the hired-on cell's short skills
    listed = {row["skill"].split(" (")[0]: row["steps"] for row in facts["perSkill"]}
    assert focus <= set(listed), listed
    assert all(n >= 3 for n in listed.values()), listed
    assert len(facts["weeks"]) == 6 and sum(facts["weeks"]) == facts["total"] > 0
    assert max(facts["weeks"]) <= 5

    # Anonymous: the plan invites them to keep it.
    plan.get_by_role("link", name="sign up").click()
    page.locator("input[name=username]").fill("planner")
    page.locator("input[name=email]").fill("planner@example.com")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password2]")).get_by_role(
        "button"
    ).click()
    expect(page).to_have_url(re.compile(r"/audits/$"))

    page.goto(results_url)
    page.wait_for_load_state("load")
    page.wait_for_function("document.querySelector('form.tick')['htmx-internal-data']")
    for number in (1, 2):
        with page.expect_response(lambda r: "/steps/" in r.url) as ticked:
            page.get_by_role("button", name=f"Mark step {number} done").click()
        assert ticked.value.status == 200
        assert ticked.value.request.headers.get("hx-request") == "true"
    expect(page.locator("li.plan-step.done")).to_have_count(2)
    total = page.locator("li.plan-step").count()
    expect(page.locator("#plan-progress")).to_have_text(f"2 of {total} steps done.")

    page.reload()
    expect(page.locator("li.plan-step.done")).to_have_count(2)
    expect(page.locator("#plan-progress")).to_have_text(f"2 of {total} steps done.")
    page.goto("/audits/")
    expect(page.locator("table.history")).to_contain_text(f"2 of {total} steps done")
    js_page.assert_clean()


def test_the_plan_prints_as_a_checklist(
    js_page: Watched, live_server: Any, make_audit: Any
) -> None:
    skill_map = current_guide().map
    track = skill_map.track("research-scientist")
    assert track is not None
    audit = make_audit(ratings={s.slug: 3 for s in skill_map.questions_for(track)}, complete=True)
    first = audit.plan["steps"][0]["id"]
    audit.tick(first, True)
    page = js_page.page
    page.context.add_cookies([anonymous_cookie([audit], live_server.url)])

    page.goto(f"/audits/{audit.public_id}/results/")
    page.emulate_media(media="print")

    boxes = page.evaluate(
        """() => [...document.querySelectorAll('li.plan-step')]
            .map(li => getComputedStyle(li, '::before').content)"""
    )
    assert boxes[0].startswith('"☑ ') and all(b.startswith('"☐ ') for b in boxes[1:]), boxes
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('#plan form, #plan button')]"
        ".filter(e => e.checkVisibility()).length"
    )
    assert drawn == 0
    expect(page.locator("table.schedule")).to_be_visible()
    js_page.assert_clean()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_tick_with_javascript_keeps_undo_focus_and_says_so(
    browser: Browser, live_server: Any, seeded_transactional: None, make_audit: Any, width: int
) -> None:
    skill_map = current_guide().map
    track = skill_map.track("research-scientist")
    assert track is not None
    audit = make_audit(ratings={s.slug: 3 for s in skill_map.questions_for(track)}, complete=True)
    first = audit.plan["steps"][0]["id"]
    size = {"width": width, "height": 844}
    context = browser.new_context(base_url=live_server.url, viewport=size)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([anonymous_cookie([audit], live_server.url)])
    watched = watch(context.new_page())
    page = watched.page
    page.goto(f"/audits/{audit.public_id}/results/")
    page.wait_for_function("document.querySelector('form.tick')['htmx-internal-data']")

    with page.expect_response(lambda r: "/steps/" in r.url) as ticked:
        page.get_by_role("button", name="Mark step 1 done").click()
    assert ticked.value.status == 200
    step = page.locator(f"#step-{first}")
    expect(step).to_have_class(re.compile(r"\bdone\b"))
    undo = step.get_by_role("button", name=re.compile("^Undo"))
    expect(undo).to_be_visible()  # without a reload
    expect(undo).to_be_focused()
    assert page.evaluate("document.activeElement.tagName") != "BODY"
    expect(page.locator("#plan-announce")).to_have_text("Marked done.")
    expect(page.locator("#plan-announce")).to_have_attribute("aria-live", "polite")
    page.screenshot(path=f"/tmp/shots/loopplan/tick-{width}.png", full_page=False)
    page.locator("#plan-schedule").screenshot(path=f"/tmp/shots/loopplan/weeks-{width}.png")

    with page.expect_response(lambda r: "/steps/" in r.url):
        page.keyboard.press("Enter")  # Undo, from the keyboard, where the focus was left
    mark = step.get_by_role("button", name="Mark step 1 done")
    expect(mark).to_be_focused()
    expect(page.locator("#plan-announce")).to_have_text("Marked not done.")
    expect(page.locator("li.plan-step.done")).to_have_count(0)
    watched.assert_clean()
    context.close()


def test_a_tick_without_javascript_returns_to_the_step(
    browser: Browser, live_server: Any, seeded_transactional: None, make_audit: Any
) -> None:
    skill_map = current_guide().map
    track = skill_map.track("research-scientist")
    assert track is not None
    audit = make_audit(ratings={s.slug: 3 for s in skill_map.questions_for(track)}, complete=True)
    first = audit.plan["steps"][0]["id"]
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([anonymous_cookie([audit], live_server.url)])
    page = context.new_page()
    page.goto(f"/audits/{audit.public_id}/results/")
    page.get_by_role("button", name="Mark step 1 done").click()

    expect(page).to_have_url(re.compile(rf"/results/#step-{first}$"))
    expect(page.locator(f"#step-{first}")).to_have_class(re.compile(r"\bdone\b"))
    expect(page.get_by_text("Marked done.")).to_be_visible()
    page.screenshot(path="/tmp/shots/loopplan/tick-nojs-390.png", full_page=False)
    context.close()
