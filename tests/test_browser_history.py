"""The keep-and-come-back journey in a real Chromium: audit anonymously, sign up from the
results, find the audit in history, audit again from it, and see what moved."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Response, expect

from audits.models import Audit

pytestmark = pytest.mark.browser

AUDIT_URL = re.compile(r"/audits/[0-9a-f-]{36}/$")
RESULTS_URL = re.compile(r"/audits/[0-9a-f-]{36}/results/$")
RATINGS = {
    "python-and-pytorch": 4,
    "deep-learning-and-transformers": 4,
    "reading-papers": 3,
    "career-and-communication": 4,
    "math-you-actually-need": 4,
    "experiments-and-rigour": 5,
    "portfolio-and-applications": 4,
}
PASSWORD = "a long enough passphrase 2718"


@pytest.fixture
def journey(browser: Browser, live_server: Any, seeded_transactional: None) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    failures: list[str] = []
    page.on("pageerror", lambda error: failures.append(f"uncaught: {error}"))

    def on_response(response: Response) -> None:
        if response.status >= 400:
            failures.append(f"{response.request.method} {response.url}: {response.status}")

    page.on("response", on_response)
    yield page
    context.close()
    assert failures == []


def choice(page: Page, slug: str, value: int) -> Locator:
    return page.locator(f"#skill-{slug} label.choice").filter(
        has=page.locator(f"input[value='{value}']")
    )


def panel_row(page: Page, bucket: str) -> Locator:
    return page.locator("#panel").get_by_role("row", name=re.compile(rf"^{bucket}"))


def rate(page: Page, slug: str, value: int) -> None:
    """One click; htmx saves it and swaps the panel, with no page load."""
    url = page.url
    with page.expect_response(lambda r: r.request.method == "POST" and r.url == url) as saved:
        choice(page, slug, value).click()
    assert saved.value.status == 200
    assert saved.value.request.headers.get("hx-request") == "true"
    expect(page.locator(f"#skill-{slug} input[value='{value}']")).to_be_checked()
    assert page.url == url


def test_audit_sign_up_audit_again_and_see_progress(journey: Page) -> None:
    page = journey
    # Anonymous, JavaScript on: start and rate.
    page.goto("/audits/new/")
    # its label says its question count too
    page.get_by_label("Target track", exact=True).select_option("research-scientist")
    page.get_by_role("button", name="Start rating").click()
    expect(page).to_have_url(AUDIT_URL)
    page.evaluate("window.__marker = 1")
    for slug, value in RATINGS.items():
        rate(page, slug, value)
    expect(page.locator("#panel")).to_contain_text("7 of 7 skills rated")
    expect(panel_row(page, "Research")).to_contain_text("3")
    assert page.evaluate("window.__marker") == 1, "rating reloaded the page"
    page.get_by_role("button", name="See my results").click()
    expect(page).to_have_url(RESULTS_URL)
    first_results = page.url

    # The results invite the visitor to keep the audit; they sign up from there.
    keep = page.locator("p.keep").filter(has_text="Keep this audit.")
    expect(keep).to_contain_text("Keep this audit.")
    keep.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    page.get_by_label("Username").fill("returner")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    # History: the audit moved to the account.
    expect(page).to_have_url(re.compile(r"/audits/$"))
    expect(page.get_by_role("status")).to_contain_text("1 audit from this browser moved")
    rows = page.locator("table.history tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Research Scientist")
    expect(rows.first).to_contain_text("Completed")
    expect(rows.first).to_contain_text("Gap of 2 in Research")
    assert Audit.objects.get().owner.username == "returner"  # type: ignore[union-attr]

    # Its results, then "Audit again": a new audit, pre-filled.
    rows.first.get_by_role("link", name=re.compile(r"^Results")).click()
    expect(page).to_have_url(first_results)
    page.get_by_role("button", name="Audit again from these ratings").click()
    expect(page).to_have_url(AUDIT_URL)
    assert page.url != first_results
    expect(page.locator("#panel")).to_contain_text("7 of 7 skills rated")
    expect(page.locator("#skill-reading-papers input[value='3']")).to_be_checked()

    # Six weeks of reading later: one rating moves, and the panel follows.
    rate(page, "reading-papers", 5)
    expect(panel_row(page, "Research")).to_contain_text("met")
    page.get_by_role("button", name="See my results").click()
    expect(page).to_have_url(RESULTS_URL)
    assert page.url != first_results

    # Progress shows the change in the skills table.
    page.goto("/audits/progress/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your progress")
    skills = page.locator("table").filter(has=page.get_by_role("columnheader", name="Skill"))
    reading = skills.get_by_role("row", name=re.compile(r"^Reading papers"))
    # As drawn (the phone cards' column names are not shown at this width).
    expect(reading.locator("td")).to_have_text(["3", "5", "up 2"], use_inner_text=True)
    python = skills.get_by_role("row", name=re.compile(r"^Python and PyTorch"))
    expect(python.locator("td").last).to_have_text("same", use_inner_text=True)
    expect(
        page.get_by_role("img", name=re.compile("score over your completed audits"))
    ).to_be_visible()
    assert Audit.objects.filter(completed_at__isnull=False).count() == 2
