"""Measure every cell, as a person meets it: for each of the seven tracks, one form asks what
that track needs, and once it is answered the results leave no cell "not measured"."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.test_browser_audit import QUESTIONS, js_page, no_js_page, start_audit  # noqa: F401

pytestmark = pytest.mark.browser

TRACKS = [
    ("Research Scientist", "research-scientist", []),
    ("Research Engineer", "research-engineer", []),
    ("Interpretability", "interpretability", []),
    ("Alignment and AI Safety", "alignment-and-ai-safety", ["threat-models"]),
    ("Policy and Governance", "policy-and-governance", ["ai-literacy", "law-econ-and-policy"]),
    ("Applied and Product ML", "applied-and-product-ml", ["product-sense"]),
    ("Field-building and Comms", "field-building-and-comms", ["ai-literacy", "ops-and-people"]),
]


def asked(page: Page) -> list[str]:
    """The questions on the form outside the folded optional section, in page order."""
    return page.eval_on_selector_all(
        ".questions > fieldset.skill", "nodes => nodes.map(n => n.id.replace('skill-', ''))"
    )


@pytest.mark.parametrize(("name", "slug", "extra"), TRACKS)
def test_one_form_measures_every_cell_of_each_track(
    no_js_page: Any,  # noqa: F811
    name: str,
    slug: str,
    extra: list[str],
) -> None:
    page = no_js_page.page
    start_audit(page, name, slug)
    questions = asked(page)
    # The guide's five (always asked), the two every track needs (experiments, portfolio),
    # where Domain is more than mathematics, the track's own Domain question, and where
    # Technical asks only for literacy, the AI-literacy question.
    assert questions[:5] == [
        "python-and-pytorch",
        "deep-learning-and-transformers",
        "reading-papers",
        "career-and-communication",
        "math-you-actually-need",
    ]
    assert len(questions) == QUESTIONS + len(extra)
    for extra_slug in extra:
        assert extra_slug in questions
    expect(page.locator("details.other-tracks")).not_to_have_attribute("open", "")
    for question in questions:
        page.locator(f"#skill-{question} label.choice").nth(2).click()  # a 3 everywhere
    page.get_by_role("button", name="See my results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your results: {name}")
    table = page.locator("table.results-table")
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(table).not_to_contain_text("not measured")
    expect(page.locator("ol.fit li.current")).to_contain_text("your target")
    expect(page.locator("ol.fit li.current")).not_to_contain_text("not rated yet")
    no_js_page.assert_clean()
