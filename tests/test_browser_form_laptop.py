"""The audit form on a laptop (1280×800) and a phone without script: the live panel fits the
screen with its button in reach, its table inside its box, the status line honest, and a
track page's button that starts an audit in one click."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.conftest import ALL_FOUR, MakeAudit
from tests.test_browser_quality import anonymous_cookie

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
AUDIT_URL = re.compile(r"/audits/[0-9a-f-]{36}/$")
SHOTS = "/tmp/shots/formui"


@pytest.fixture
def open_page(
    browser: Browser, live_server: Any, seeded_transactional: None
) -> Iterator[Callable[..., Page]]:
    contexts: list[BrowserContext] = []

    def make(viewport: dict[str, int], cookie: Any = None, script: bool = True) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            java_script_enabled=script,  # type: ignore[arg-type]
        )
        context.set_default_timeout(10_000)
        if cookie:
            context.add_cookies([cookie])
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _inside(inner: dict[str, float], outer: dict[str, float], slack: float = 0.5) -> bool:
    return (
        inner["x"] >= outer["x"] - slack
        and inner["y"] >= outer["y"] - slack
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack
    )


@pytest.mark.parametrize("track", ["research-scientist", "policy-and-governance"])
def test_on_a_laptop_the_panel_fits_the_screen_with_everything_rated(
    open_page: Callable[..., Page], live_server: Any, make_audit: MakeAudit, track: str
) -> None:
    audit = make_audit(track=track, ratings=ALL_FOUR)
    page = open_page(LAPTOP, anonymous_cookie([audit], live_server.url))
    page.goto(f"/audits/{audit.public_id}/")
    page.wait_for_function("document.querySelector('form[data-hx-post]')['htmx-internal-data']")
    viewport = {"x": 0, "y": 0, **{k: float(v) for k, v in LAPTOP.items()}}
    # Anywhere in the questions, the whole panel is on the screen and its button in view.
    for question in ("#skill-reading-papers", "#skill-math-you-actually-need"):
        page.locator(question).evaluate("q => q.scrollIntoView({block: 'center'})")
        panel = page.locator("aside.panel").bounding_box()
        assert panel is not None and _inside(panel, viewport), (question, panel)
        box = page.locator("button.finish").bounding_box()
        assert box is not None and _inside(box, panel) and _inside(box, viewport), box
    # At the foot of the form the panel rides up with it, its button still in view.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    box = page.locator("button.finish").bounding_box()
    assert box is not None and _inside(box, viewport), box
    table = page.locator(".panel-table").bounding_box()
    assert table is not None and _inside(table, page.locator("aside.panel").bounding_box())  # type: ignore[arg-type]
    page.screenshot(path=f"{SHOTS}/panel-{track}-1280.png")
    # The narrowest screen with the panel beside the questions: the table still fits its box.
    page.set_viewport_size({"width": 992, "height": 800})
    table = page.locator(".panel-table").bounding_box()
    assert table is not None and _inside(table, page.locator("aside.panel").bounding_box())  # type: ignore[arg-type]
    page.locator("button.finish").click()
    expect(page).to_have_url(re.compile(r"/results/$"))


def test_without_script_on_a_phone_no_status_line_claims_to_be_live(
    open_page: Callable[..., Page], live_server: Any, make_audit: MakeAudit
) -> None:
    """Nothing would update it as ratings are chosen: it is not shown, and the panel after the
    questions says what was saved."""
    audit = make_audit(ratings={"python-and-pytorch": 4})
    page = open_page(PHONE, anonymous_cookie([audit], live_server.url), script=False)
    page.goto(f"/audits/{audit.public_id}/")
    live = page.locator("#live-line")
    expect(live).to_be_hidden()
    page.locator("#skill-reading-papers label.choice").nth(1).click()
    page.locator("#skill-experiments-and-rigour label.choice").nth(3).click()
    expect(live).to_be_hidden()
    page.get_by_role("button", name="Save ratings").click()

    expect(page.locator(".messages")).to_contain_text("Your ratings are saved.")
    expect(live).to_be_hidden()
    expect(page.locator("aside.panel .progress")).to_have_text("3 of 7 skills rated")
    page.screenshot(path=f"{SHOTS}/nojs-phone-after-save.png")


def test_with_script_on_a_phone_the_status_line_shows(
    open_page: Callable[..., Page], live_server: Any, make_audit: MakeAudit
) -> None:
    audit = make_audit(ratings={"python-and-pytorch": 4})
    page = open_page(PHONE, anonymous_cookie([audit], live_server.url))
    page.goto(f"/audits/{audit.public_id}/")
    expect(page.locator("#live-line")).to_have_text("1 of 7 rated · Research: not rated yet")


def _gaps(page: Page, selector: str) -> tuple[float, float]:
    """The space between a box's border and its first and last child's border boxes."""
    return page.evaluate(
        """selector => {
            const box = document.querySelector(selector);
            const outer = box.getBoundingClientRect();
            const first = box.firstElementChild.getBoundingClientRect();
            const last = box.lastElementChild.getBoundingClientRect();
            return [first.top - outer.top, outer.bottom - last.bottom];
        }""",
        selector,
    )


def test_error_summaries_have_no_empty_band(
    open_page: Callable[..., Page], live_server: Any, make_audit: MakeAudit
) -> None:
    audit = make_audit(ratings={"python-and-pytorch": 4})
    page = open_page(LAPTOP, anonymous_cookie([audit], live_server.url))
    page.goto(f"/audits/{audit.public_id}/")
    page.locator("button.finish").click()
    expect(page.locator("#error-summary")).to_be_focused()
    top, bottom = _gaps(page, "#error-summary")
    # The border (2px) and padding (12px) only: no heading's or list's margin besides.
    assert top <= 15 and bottom <= 15, (top, bottom)
    page.locator("#error-summary").screenshot(path=f"{SHOTS}/error-summary.png")


def test_a_bad_track_on_the_start_page_is_said_under_its_label(
    open_page: Callable[..., Page],
) -> None:
    page = open_page(LAPTOP)
    response = page.goto("/audits/new/?track=astronaut")
    assert response is not None and response.status == 400
    label = page.locator("label[for=id_track]").bounding_box()
    error = page.locator("#track-error").bounding_box()
    select = page.locator("#id_track").bounding_box()
    assert label and error and select
    assert label["y"] + label["height"] <= error["y"] + 0.5
    assert error["y"] + error["height"] <= select["y"] + 0.5
    assert abs(error["x"] - label["x"]) < 1
    expect(page.locator("#id_track")).to_have_accessible_description(
        "There is no track called “astronaut”. Pick one from the list."
    )
    page.screenshot(path=f"{SHOTS}/start-bad-track.png")
