"""Rules 3 as a person meets it in Chromium: a person with every question a 3 (target
Research Scientist) sees the gap they are hired on, the set of +1s that raises it, and tracks
that tie sharing a place, on the live panel, the results and the rule page, at phone width too."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser_tools import clipped_tables, sideways_overflow
from tests.test_browser_audit import js_page, start_audit  # noqa: F401

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PLACES = ["1st", "2nd", "3rd", "4th", "5th", "tied 6th", "tied 6th"]
RAISE = "Raise Reading papers and Experiments and rigour to 4"


def rate_all_threes(page: Page) -> None:
    questions = page.eval_on_selector_all(
        ".questions > fieldset.skill", "nodes => nodes.map(n => n.id)"
    )
    for question in questions:
        page.locator(f"#{question} label.choice").nth(2).click()
        expect(page.locator(f"#{question} input[value='3']")).to_be_checked()


def places(page: Page, scope: str) -> list[str]:
    return [t.strip() for t in page.locator(f"{scope} ol.fit-places .fit-pos").all_inner_texts()]


def fits_the_screen(page: Page) -> None:
    assert sideways_overflow(page) is None
    assert clipped_tables(page) == []


def test_all_threes_against_research_scientist(js_page: Any) -> None:  # noqa: F811
    page = js_page.page
    start_audit(page, "Research Scientist", "research-scientist")
    rate_all_threes(page)

    # The live panel: places with ties, and the set of +1s.
    panel = page.locator("#panel")
    expect(panel.locator("ol.fit-places li").first).to_contain_text("1st Interpretability")
    # The tracks with cells whose questions this form does not ask come after the three rated
    # in full; Policy and Field-building, close in points short, share 6th place.
    assert places(page, "#panel") == PLACES
    expect(panel).to_contain_text(RAISE)

    page.get_by_role("button", name="See my results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your results: Research Scientist")
    expect(page.locator(".headline-line")).to_have_text("In one line: Gap of 2 in Research.")
    research = page.locator(".verdict").filter(has_text="Research Skills")
    expect(research).to_contain_text("Gap of 2")
    step = page.locator("section.next-step")
    expect(step).to_contain_text(RAISE)
    expect(step).to_contain_text("That lifts Research Skills from 3 to 4")
    expect(step).to_contain_text("a cell you’re hired on")
    expect(step).not_to_contain_text("is met")
    assert places(page, "main") == PLACES
    target = page.locator("ol.fit-places li.current")
    expect(target).to_contain_text("3rd Research Scientist")
    expect(target).to_contain_text("far 1.29 points short on average")
    expect(page.locator("ol.fit-places li").nth(5)).to_contain_text(
        "tied 6th Policy and Governance partly measured"
    )

    page.set_viewport_size(PHONE)
    fits_the_screen(page)
    for row in page.locator("ol.fit-places li").all():  # each row inside the list's box
        box, outer = row.bounding_box(), page.locator("ol.fit-places").bounding_box()
        assert box and outer and box["x"] + box["width"] <= outer["x"] + outer["width"] + 0.5

    # How this was worked out: the rule page with the reader's own cells.
    page.get_by_role("link", name="How this was worked out, with your own ratings").click()
    worked = "Worked example: your Research Scientist audit"
    expect(page.get_by_role("heading", level=2, name=worked)).to_be_visible()
    expect(page.locator(".worked-sum")).to_have_text(
        "Points short: 22 ÷ 17 = 1.29 on average per cell."
    )
    fits_the_screen(page)
    js_page.assert_clean()
