"""The audit journey in a real Chromium: live rating through htmx, and the same with JS off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser_tools import Watched, watch

pytestmark = pytest.mark.browser

# Generous for a loaded CI machine; a passing run waits only as long as the page needs.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
VIEWPORTS = {"phone": (375, 812), "desktop": (1280, 800)}
AUDIT_URL = re.compile(r"/audits/[0-9a-f-]{36}/$")
RESULTS_URL = re.compile(r"/audits/[0-9a-f-]{36}/results/$")
HEADLINE = "What you’ll be hired on"

# In page order: the seven questions Research Scientist's form asks. Its only "Very high"
# cell is Research (target 5), scored by the weaker of "Reading papers" and "Experiments and
# rigour": a 3 there is a gap of 2, whatever the others say.
SCIENTIST_RATINGS = {
    "python-and-pytorch": 4,
    "deep-learning-and-transformers": 4,
    "reading-papers": 3,
    "career-and-communication": 4,
    "math-you-actually-need": 4,
    "experiments-and-rigour": 4,
    "portfolio-and-applications": 4,
}
QUESTIONS = len(SCIENTIST_RATINGS)  # Research Engineer's form asks the same seven
SCIENTIST_VERDICT = "Gap of 2: this is your six-week focus."

# Research Engineer is hired on Technical (target 5): the weaker of the first two skills.
ENGINEER_RATINGS = {
    **SCIENTIST_RATINGS,
    "python-and-pytorch": 5,
    "deep-learning-and-transformers": 5,
}


@pytest.fixture
def js_page(browser: Browser, live_server: Any, seeded_transactional: None) -> Iterator[Watched]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield watch(page)
    context.close()


@pytest.fixture
def no_js_page(browser: Browser, live_server: Any, seeded_transactional: None) -> Iterator[Watched]:
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield watch(page)
    context.close()


def start_audit(page: Page, track_name: str, track_slug: str) -> None:
    """From the map's start form to a fresh audit page, as a visitor would."""
    page.goto("/")
    start = page.get_by_role("region", name="Audit yourself against a track")
    start.get_by_label("Target track").select_option(label=track_name)
    page.get_by_role("button", name="Start the audit").click()
    expect(page).to_have_url(re.compile(rf"/audits/new/\?track={track_slug}$"))
    expect(page.get_by_label("Target track")).to_have_value(track_slug)
    page.get_by_role("button", name="Start rating").click()
    expect(page).to_have_url(AUDIT_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your self-audit")
    if page.context.pages and page.evaluate("typeof window.htmx !== 'undefined'"):
        # htmx binds its handlers once the document has loaded; a person is never faster.
        page.wait_for_load_state("load")
        page.wait_for_function("document.querySelector('form[data-hx-post]')['htmx-internal-data']")


def radio(page: Page, skill_slug: str, value: int) -> Locator:
    return page.locator(f"#skill-{skill_slug}").get_by_role(
        "radio", name=re.compile(rf"^{value}\b")
    )


def choice_label(page: Page, skill_slug: str, value: int) -> Locator:
    """The visible label a person clicks (the radio itself is the small circle inside it)."""
    return page.locator(f"#skill-{skill_slug} label.choice").filter(
        has=page.locator(f"input[value='{value}']")
    )


def panel(page: Page) -> Locator:
    return page.locator("#panel")


def mark_page(page: Page) -> None:
    """A value only this document holds: any full page load would wipe it."""
    page.evaluate("window.__marker = 1")


def assert_same_document(page: Page, url: str) -> None:
    assert page.url == url
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"


def rate_live(page: Page, ratings: dict[str, int]) -> None:
    """Click each rating; each click saves through htmx and swaps only the panel."""
    url = page.url
    mark_page(page)
    status = page.locator("#panel-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_attribute("role", "status")
    expect(panel(page)).to_contain_text(f"0 of {QUESTIONS} skills rated")
    for count, (slug, value) in enumerate(ratings.items(), start=1):
        before = panel(page).inner_text()
        announced = status.inner_text()
        with page.expect_response(lambda r: r.request.method == "POST" and r.url == url) as saved:
            choice_label(page, slug, value).click()
        response = saved.value
        assert response.status == 200
        assert response.request.headers.get("hx-request") == "true"
        expect(panel(page)).to_contain_text(f"{count} of {QUESTIONS} skills rated")
        assert panel(page).inner_text() != before
        # The live region is the same element, its words changed: that is what is announced.
        expect(status).to_contain_text(f"{count} of {QUESTIONS} rated")
        assert status.inner_text() != announced
        assert page.locator("#panel-status").count() == 1
        chosen = radio(page, slug, value)
        expect(chosen).to_be_checked()
        expect(chosen).to_be_focused()
        assert page.evaluate("document.activeElement.id") == chosen.get_attribute("id")
        assert_same_document(page, url)


def rate_without_js(page: Page, ratings: dict[str, int]) -> None:
    """Choose each rating; nothing is sent until a button is pressed."""
    url = page.url
    for slug, value in ratings.items():
        choice_label(page, slug, value).click()
        expect(radio(page, slug, value)).to_be_checked()
    # Nothing was sent: the panel still shows what the server last knew.
    assert page.url == url
    expect(panel(page)).to_contain_text(f"0 of {QUESTIONS} skills rated")


def see_results(page: Page, track_name: str) -> Locator:
    page.get_by_role("button", name="See my results").click()
    expect(page).to_have_url(RESULTS_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your results: {track_name}")
    headline = page.get_by_role("region", name=HEADLINE)
    expect(headline.get_by_role("heading", level=2)).to_have_text(HEADLINE)
    return headline


# Wider than the screen: the whole page scrolls sideways. (Tables sit in their own scroll box.)
OVERFLOWING = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


def screenshot(page: Page, name: str) -> None:
    """Full-page shots at phone and desktop width for a person to look at; none scrolls sideways."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        # The audit's panel is sticky: shoot from the top so it sits where a reader first sees it.
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
        assert not page.evaluate(OVERFLOWING), f"{name} scrolls sideways at {width}px"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_live_rating_swaps_only_the_panel_and_keeps_focus(js_page: Watched) -> None:
    page = js_page.page
    start_audit(page, "Research Scientist", "research-scientist")
    expect(panel(page).get_by_role("heading", level=2)).to_have_text("Against Research Scientist")

    rate_live(page, SCIENTIST_RATINGS)
    expect(panel(page).get_by_role("row", name=re.compile(r"^Research"))).to_contain_text("3")
    screenshot(page, "audit")

    headline = see_results(page, "Research Scientist")
    expect(headline).to_contain_text("Research Skills")
    expect(headline).to_contain_text("You: 3 of 5 · Target: 5")
    expect(headline.locator(".verdict-text")).to_have_text(SCIENTIST_VERDICT)
    expect(headline).not_to_contain_text("Genuinely strong.")
    screenshot(page, "results")

    # The whole journey: no CSP refusals, no script errors, no failed or refused requests.
    js_page.assert_clean()


def test_the_same_journey_works_without_javascript(no_js_page: Watched) -> None:
    """Rate everything and press the finish button straight away: nothing saved it before."""
    page = no_js_page.page
    start_audit(page, "Research Scientist", "research-scientist")

    rate_without_js(page, SCIENTIST_RATINGS)
    # The buttons only a page without script needs are there, and the finish button counts
    # what the server has (nothing yet: the page holds the choices until a button is pressed).
    expect(page.get_by_role("button", name="Save ratings")).to_be_visible()
    expect(page.get_by_role("button", name="Change target")).to_be_visible()

    headline = see_results(page, "Research Scientist")
    expect(headline).to_contain_text("You: 3 of 5 · Target: 5")
    expect(headline.locator(".verdict-text")).to_have_text(SCIENTIST_VERDICT)
    no_js_page.assert_clean()


def test_changing_the_target_swaps_the_panel_in_place(js_page: Watched) -> None:
    page = js_page.page
    start_audit(page, "Research Scientist", "research-scientist")
    url = page.url
    mark_page(page)
    heading = panel(page).get_by_role("heading", level=2)
    expect(heading).to_have_text("Against Research Scientist")

    page.wait_for_load_state("networkidle")
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url == url, timeout=20_000
    ) as changed:
        page.get_by_label("Target track", exact=True).select_option(label="Research Engineer")
    assert changed.value.status == 200
    assert changed.value.request.headers.get("hx-request") == "true"
    expect(heading).to_have_text("Against Research Engineer")
    # Nothing rated yet: no ranking of tracks, and it says what it waits for.
    expect(panel(page).locator(".fit")).to_have_count(0)
    expect(panel(page).locator(".no-ranking")).to_contain_text("No ranking yet: rate Python")
    assert_same_document(page, url)

    # The new target is the one that is kept: rate against it and it is what results judge.
    rate_live(page, ENGINEER_RATINGS)
    expect(panel(page).locator(".fit li.current")).to_contain_text("Research Engineer")
    headline = see_results(page, "Research Engineer")
    expect(headline).to_contain_text("Technical Skills")
    expect(headline).to_contain_text("You: 5 of 5 · Target: 5")
    expect(headline.locator(".verdict-text")).to_have_text("Genuinely strong.")
    js_page.assert_clean()


def test_without_javascript_saving_and_changing_the_target_keep_every_rating(
    no_js_page: Watched,
) -> None:
    page = no_js_page.page
    start_audit(page, "Research Scientist", "research-scientist")
    url = page.url
    first = dict(list(SCIENTIST_RATINGS.items())[:2])
    rate_without_js(page, first)
    page.get_by_role("button", name="Save ratings").click()
    expect(page).to_have_url(url)
    expect(page.locator(".messages")).to_contain_text("Your ratings are saved.")
    expect(panel(page)).to_contain_text(f"2 of {QUESTIONS} skills rated")

    # Choose two more, then change the target before saving them: they are kept.
    rest = dict(list(SCIENTIST_RATINGS.items())[2:4])
    for slug, value in rest.items():
        choice_label(page, slug, value).click()
    page.get_by_label("Target track", exact=True).select_option(label="Research Engineer")
    page.get_by_role("button", name="Change target").click()
    expect(page).to_have_url(url)
    expect(page.locator(".messages")).to_contain_text(
        "Your target is now Research Engineer. Your ratings are saved."
    )
    expect(panel(page)).to_contain_text(f"4 of {QUESTIONS} skills rated")
    expect(panel(page).get_by_role("heading", level=2)).to_have_text("Against Research Engineer")
    for slug, value in {**first, **rest}.items():
        expect(radio(page, slug, value)).to_be_checked()
    expect(page.get_by_role("button", name="See my results")).to_have_text(
        f"See my results ({QUESTIONS - 4} left)"
    )
    no_js_page.assert_clean()


def test_with_javascript_each_rating_says_saved_and_there_is_no_save_button(
    js_page: Watched,
) -> None:
    page = js_page.page
    start_audit(page, "Research Scientist", "research-scientist")
    expect(page.get_by_role("button", name="Save ratings")).to_be_hidden()
    expect(page.get_by_role("button", name="Change target")).to_be_hidden()
    finish = page.get_by_role("button", name="See my results")
    expect(finish).to_have_text(f"See my results ({QUESTIONS} left)")

    choice_label(page, "python-and-pytorch", 4).click()
    cue = page.locator("#skill-python-and-pytorch .saved-cue")
    expect(cue).to_have_text("Saved")
    expect(finish).to_have_text(f"See my results ({QUESTIONS - 1} left)")
    choice_label(page, "reading-papers", 3).click()
    expect(page.locator("#skill-reading-papers .saved-cue")).to_have_text("Saved")
    # Only beside the rating just chosen.
    expect(cue).to_have_text("")
    js_page.assert_clean()


def test_finishing_with_nothing_rated_keeps_the_address_and_focuses_the_summary(
    js_page: Watched,
) -> None:
    page = js_page.page
    start_audit(page, "Research Scientist", "research-scientist")
    url = page.url

    page.get_by_role("button", name="See my results").click()

    expect(page).to_have_url(url)
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(f"{QUESTIONS} still to rate before your results")
    assert summary.bounding_box()["y"] < 400  # type: ignore[index]  # at the top, in view
    links = summary.get_by_role("link")
    expect(links).to_have_count(QUESTIONS)
    links.nth(2).click()
    expect(page).to_have_url(url + "#id_rating-reading-papers_0")
    # A reload is the form again, not a 405.
    response = page.reload()
    assert response is not None and response.status == 200
    expect(page.locator("#error-summary")).to_have_count(0)
    js_page.assert_clean()


def test_logged_out_in_another_tab_the_panel_says_so(
    browser: Browser, live_server: Any, seeded_transactional: None
) -> None:
    from django.contrib.auth.models import User

    from tests.conftest import PASSWORD

    User.objects.create_user("tabs", "tabs@example.com", PASSWORD)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/account/login/")
    page.get_by_label("Username").fill("tabs")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    start_audit(page, "Research Scientist", "research-scientist")
    url = page.url

    other = context.new_page()
    other.goto("/")
    other.get_by_role("button", name="Log out").click()
    # Closed only once the log-out has landed: closing a tab mid-navigation can leave
    # Chromium never answering the close.
    expect(other.get_by_role("status")).to_contain_text("You’re logged out.")
    other.close()

    choice_label(page, "reading-papers", 3).click()
    expect(panel(page)).to_contain_text("You're logged out, so this rating wasn't saved.")
    # A note in the panel, not a whole page inside it.
    expect(panel(page).locator("nav, footer, h1, .skip-link")).to_have_count(0)
    expect(page.locator("#skill-reading-papers .saved-cue")).to_have_text("Not saved")
    panel(page).get_by_role("link", name="Log in to continue").click()
    page.get_by_label("Username").fill("tabs")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(url)
    context.close()
