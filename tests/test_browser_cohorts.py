"""A cohort in a real Chromium at 390 px: an organiser starts one with JavaScript off, six
members join through the invitation (the first signs in on the way), and the page's figures
follow who shares, at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests import browser_tools as tools
from tests.conftest import ALL_FOUR, PASSWORD, MakeAudit

pytestmark = pytest.mark.browser

TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)
PHONE = {"width": 390, "height": 844}
SHOTS = Path("/tmp/shots/cohorts")
JOIN_URL = re.compile(r"^http://[^/]+/cohorts/join/[A-Za-z0-9_-]{43}/$")


@pytest.fixture
def new_context(browser: Browser, live_server: Any, seeded_transactional: None) -> Iterator[Any]:
    made: list[BrowserContext] = []

    def make(javascript: bool = True) -> BrowserContext:
        context = browser.new_context(
            base_url=live_server.url, viewport=PHONE, java_script_enabled=javascript
        )
        context.set_default_timeout(TIMEOUT_MS)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def log_in(page: Page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def figure(page: Page, name: str) -> str:
    return page.locator(f"[data-figure='{name}']").inner_text().strip()


def every_target(page: Page) -> list[str]:
    """The "Every target" table's counts, row by row."""
    table = page.locator("table.heat-map").first
    return [row.inner_text() for row in table.locator("tbody tr").all()]


def test_an_organiser_and_six_members(new_context: Any, make_audit: MakeAudit) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    User.objects.create_user("organiser", password=PASSWORD)
    members = []
    for n in range(6):
        user = User.objects.create_user(f"member{n}", password=PASSWORD)
        # Three short on research (papers 2), three who meet it.
        ratings = ALL_FOUR if n % 2 else dict.fromkeys(ALL_FOUR, 5)
        make_audit(owner=user, ratings=ratings, complete=True)
        members.append(user.username)

    # The organiser, without JavaScript, on a phone.
    organiser = new_context(javascript=False).new_page()
    organiser.goto("/cohorts/new/")
    log_in(organiser, "organiser")
    expect(organiser).to_have_url(re.compile(r"/cohorts/new/$"))
    organiser.get_by_label("Name").fill("Fellows <2026>")
    organiser.get_by_label("Note to members").fill("We meet on Thursdays & plan from this.")
    organiser.get_by_role("button", name="Start the cohort").click()
    invitation = organiser.get_by_label("Your invitation link").input_value()
    assert JOIN_URL.match(invitation), invitation
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Fellows <2026>")
    cohort_url = organiser.url
    assert cohort_url.endswith("/cohorts/new/")  # the POST's answer; the page has its own link
    organiser.goto("/account/")
    organiser.get_by_role("link", name="Fellows <2026>").click()
    cohort_url = organiser.url
    expect(organiser.locator("[data-figure='needed']")).to_have_text(
        "5 more members need to share an audit before any figure shows."
    )

    # Six members join; the first opens the link signed out and signs in on the way.
    pages = []
    for n, username in enumerate(members):
        page = new_context(javascript=n % 2 == 0).new_page()
        page.goto(invitation)
        expect(page).to_have_url(re.compile(r"/account/login/\?next="))
        log_in(page, username)
        expect(page).to_have_url(invitation)
        expect(page.get_by_role("heading", level=1)).to_have_text("Join Fellows <2026>")
        expect(page.get_by_text("We meet on Thursdays & plan from this.")).to_be_visible()
        if n == 0:
            page.screenshot(path=SHOTS / "join-390.png", full_page=True)
        if n < 2:
            page.get_by_label("Organisers see my name and my own results").check()
        page.get_by_role("button", name="Join Fellows <2026>").click()
        expect(page.get_by_text("You joined Fellows <2026>.")).to_be_visible()
        pages.append(page)

    organiser.goto(cohort_url)
    assert figure(organiser, "joined") == "6"
    assert figure(organiser, "sharing") == "6"
    expect(organiser.locator("table.heat-map")).to_have_count(2)  # every target, one track
    named = organiser.locator("table.cohort-named tbody tr")
    expect(named).to_have_count(2)
    expect(named.nth(0)).to_contain_text("member0")
    expect(named.nth(1)).to_contain_text("member1")
    for username in members[2:]:
        assert username not in organiser.content()
    before = every_target(organiser)
    assert tools.sideways_overflow(organiser) is None
    organiser.screenshot(path=SHOTS / "cohort-390.png", full_page=True)

    # One member leaves: every figure moves at once.
    pages[5].goto(pages[5].url)
    pages[5].get_by_role("button", name="Leave Fellows <2026>").click()
    expect(pages[5].get_by_text("You left Fellows <2026>.")).to_be_visible()
    organiser.reload()
    assert figure(organiser, "joined") == "5"
    assert figure(organiser, "sharing") == "5"
    assert every_target(organiser) != before
    expect(organiser.locator("table.cohort-named tbody tr")).to_have_count(2)

    # One more stops sharing: four share, below five, and the aggregates are hidden.
    pages[4].goto(pages[4].url)
    pages[4].get_by_label("Nothing yet").check()
    pages[4].get_by_role("button", name="Save").click()
    expect(pages[4].get_by_text("counted as joined")).to_be_visible()
    organiser.reload()
    assert figure(organiser, "joined") == "5"
    expect(organiser.locator("[data-figure='needed']")).to_have_text(
        "1 more member needs to share an audit before any figure shows."
    )
    expect(organiser.locator("table.heat-map")).to_have_count(0)
    expect(organiser.locator("table.cohort-named")).to_have_count(0)
    assert "member0" not in organiser.content()
    organiser.screenshot(path=SHOTS / "cohort-hidden-390.png", full_page=True)
