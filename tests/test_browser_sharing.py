"""Sharing and an outside view in a real Chromium, two browsers: the owner and someone else."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from skillmap.guide import current_guide
from tests.browser_tools import watch

pytestmark = pytest.mark.browser

TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)
RESULTS_URL = re.compile(r"/audits/[0-9a-f-]{36}/results/$")


@pytest.fixture
def contexts(
    browser: Browser, live_server: Any, seeded_transactional: None
) -> Iterator[tuple[BrowserContext, BrowserContext]]:
    made = [
        browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
        for _ in range(2)
    ]
    for context in made:
        context.set_default_timeout(TIMEOUT_MS)
    yield made[0], made[1]
    for context in made:
        context.close()


def questions() -> list[str]:
    skill_map = current_guide().map
    track = skill_map.track("research-scientist")
    assert track is not None
    return [s.slug for s in skill_map.questions_for(track)]


def choose(page: Page, slug: str, value: int) -> None:
    page.locator(f"#skill-{slug} label.choice").filter(
        has=page.locator(f"input[value='{value}']")
    ).click()


def complete_an_audit(page: Page) -> str:
    """Every question of Research Scientist rated 4, saved live; the results page's URL."""
    page.goto("/audits/new/?track=research-scientist")
    page.get_by_role("button", name="Start rating").click()
    page.wait_for_load_state("load")
    page.wait_for_function("document.querySelector('form[data-hx-post]')['htmx-internal-data']")
    url = page.url
    for slug in questions():
        with page.expect_response(lambda r: r.request.method == "POST" and r.url == url) as saved:
            choose(page, slug, 4)
        assert saved.value.status == 200
    page.get_by_role("button", name="See my results").click()
    expect(page).to_have_url(RESULTS_URL)
    return page.url


def new_link(page: Page, button: str, field: str) -> str:
    """Press a "make a link" button (htmx swaps its section) and read the link shown once."""
    with page.expect_response(lambda r: r.request.method == "POST") as made:
        page.get_by_role("button", name=button).click()
    assert made.value.status == 201
    assert made.value.request.headers.get("hx-request") == "true"
    link = page.get_by_label(field)
    expect(link).to_be_visible()
    value = link.input_value()
    assert re.match(r"^http://[^/]+/(shared|rate)/[A-Za-z0-9_-]{43}/$", value), value
    return value


def test_share_rate_me_compare_and_revoke(
    contexts: tuple[BrowserContext, BrowserContext],
) -> None:
    owner_context, other_context = contexts
    owner = owner_context.new_page()
    owner_watch = watch(owner)

    # 1. The owner completes an audit and makes a share link and a rate-me link.
    results = complete_an_audit(owner)
    owner.get_by_role("link", name=re.compile("Share these results")).click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Share your results")
    owner.wait_for_function("document.querySelector('form[data-hx-post]')['htmx-internal-data']")
    share_url = new_link(owner, "Make a share link", "Your new share link")
    owner.get_by_label("Who is it for?").fill("my manager")
    owner.get_by_label("A note to them").fill("Be blunt about the papers.")
    rate_url = new_link(owner, "Make a rate-me link", "Your new rate-me link")

    # 2. Someone logged out opens the share link, then the rate-me link (in two tabs).
    other = other_context.new_page()
    other_watch = watch(other)
    opened = other.goto(share_url)
    assert opened is not None and opened.status == 200
    assert opened.headers["x-robots-tag"] == "noindex"
    assert opened.headers["referrer-policy"] == "no-referrer"
    expect(other.get_by_role("heading", level=1)).to_contain_text("Research Scientist")
    expect(other.get_by_role("link", name="Log in")).to_be_visible()  # nobody is signed in

    second_tab = other_context.new_page()
    second_watch = watch(second_tab)
    second_tab.goto(rate_url)
    other.goto(rate_url)
    expect(other.get_by_text("Be blunt about the papers.")).to_be_visible()
    expect(other.locator("body")).not_to_contain_text("my manager")
    for slug in questions():
        choose(other, slug, 2 if slug == "reading-papers" else 4)
    other.get_by_label("Your comment on Reading papers").fill("Skims the method sections")
    other.get_by_role("button", name="Send my ratings").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Thank you")

    # 3. The owner sees the outside ratings beside their own, with a calibration gap flagged.
    owner.goto(results)
    headline = owner.get_by_role("region", name="What you’ll be hired on")
    expect(headline).to_contain_text("calibration gap")
    expect(headline).to_contain_text("my manager")
    outside = owner.get_by_role("region", name="Outside views")
    expect(outside.get_by_role("heading", level=3)).to_contain_text("my manager")
    research = outside.get_by_role("row", name=re.compile(r"^Research"))
    expect(research).to_contain_text("calibration gap")
    expect(outside).to_contain_text("Skims the method sections")

    # 4. The owner revokes the share link; the other browser then gets the 404.
    owner.goto(results.replace("/results/", "/share/"))
    owner.wait_for_function("document.querySelector('form[data-hx-post]')['htmx-internal-data']")
    with owner.expect_response(lambda r: r.url.endswith("/revoke/")) as revoked:
        owner.get_by_role("button", name=re.compile("^Revoke")).click()
    assert revoked.value.status == 200
    expect(owner.get_by_text("No live links.")).to_be_visible()
    other_watch.expected_document_status[share_url] = 404
    gone = other.goto(share_url)
    assert gone is not None and gone.status == 404
    expect(other.get_by_role("heading", level=1)).to_have_text("Not found")

    # 5. A second submission, from the tab opened before the first was sent, gets the 409.
    for slug in questions():
        choose(second_tab, slug, 5)
    second_watch.expected_document_status[rate_url] = 409
    with second_tab.expect_response(lambda r: r.request.method == "POST") as again:
        second_tab.get_by_role("button", name="Send my ratings").click()
    assert again.value.status == 409
    expect(second_tab.get_by_role("heading", level=1)).to_have_text("This link has been used")

    for watched in (owner_watch, other_watch, second_watch):
        watched.assert_clean()
