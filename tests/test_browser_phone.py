"""What a person notices on a phone (390 px) and at first sight on a desktop: the audit's live
status in view, the folded scale, readable charts, the start button, starting once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from audits.models import Audit
from tests.conftest import ALL_FOUR, MakeAudit
from tests.test_browser_quality import anonymous_cookie, logged_in_cookie

pytestmark = pytest.mark.browser

TIMEOUT_MS = 10_000
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
AUDIT_URL = re.compile(r"/audits/[0-9a-f-]{36}/$")


@pytest.fixture
def open_page(
    browser: Browser, live_server: Any, seeded_transactional: None
) -> Iterator[Callable[..., Page]]:
    contexts: list[BrowserContext] = []

    def make(viewport: dict[str, int], cookie: Any = None) -> Page:
        context = browser.new_context(base_url=live_server.url, viewport=viewport)  # type: ignore[arg-type]
        context.set_default_timeout(TIMEOUT_MS)
        if cookie:
            context.add_cookies([cookie])
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_on_a_phone_the_live_status_stays_in_view_while_rating(
    open_page: Callable[..., Page], live_server: Any, make_audit: MakeAudit
) -> None:
    audit = make_audit()
    page = open_page(PHONE, anonymous_cookie([audit], live_server.url))
    page.goto(f"/audits/{audit.public_id}/")
    page.wait_for_function("document.querySelector('form[data-hx-post]')['htmx-internal-data']")

    # "What the numbers mean" starts folded: the questions are on the first screen.
    expect(page.locator("details.scale")).not_to_have_attribute("open", "")
    first_question = page.locator("#skill-python-and-pytorch")
    assert first_question.bounding_box()["y"] < PHONE["height"]  # type: ignore[index]

    live = page.locator("#live-line")
    expect(live).to_have_text("0 of 7 rated · Research: not rated yet")
    last = page.locator("#skill-math-you-actually-need label.choice").nth(2)
    last.scroll_into_view_if_needed()
    last.click()
    expect(live).to_have_text("1 of 7 rated · Research: not rated yet")
    page.locator("#skill-reading-papers label.choice").nth(2).click()
    expect(live).to_have_text("2 of 7 rated · Research: not rated yet")
    page.locator("#skill-experiments-and-rigour label.choice").nth(3).click()
    expect(live).to_have_text("3 of 7 rated · Research: gap 2")
    # Stuck to the top of the screen, in view, while the panel is far below.
    box = live.bounding_box()
    assert box is not None and 0 <= box["y"] < 5, box
    panel = page.locator("aside.panel").bounding_box()
    assert panel is not None and panel["y"] > PHONE["height"]
    # The full panel comes after the questions.
    assert panel["y"] > page.locator("#skill-math-you-actually-need").bounding_box()["y"]  # type: ignore[index]


def test_on_a_wide_screen_the_scale_is_open_and_the_status_line_hidden(
    open_page: Callable[..., Page], live_server: Any, make_audit: MakeAudit
) -> None:
    audit = make_audit()
    page = open_page(DESKTOP, anonymous_cookie([audit], live_server.url))
    page.goto(f"/audits/{audit.public_id}/")
    expect(page.locator("details.scale")).to_have_attribute("open", "")
    expect(page.locator("#live-line")).to_be_hidden()


OVERLAPS = """() => {
    const svg = document.querySelector('svg.chart');
    const boxes = (sel) => [...svg.querySelectorAll(sel)].map(e => {
        const r = e.getBoundingClientRect();
        return {text: e.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                height: r.height};
    });
    const texts = boxes('text');
    const rects = boxes('rect');
    const hit = (a, b) =>
        a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    return {
        overlaps: texts.flatMap(t => rects.filter(r => hit(t, r)).map(() => t.text)),
        scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
        texts: texts.map(t => t.text),
    };
}"""


def test_the_phone_results_chart_is_readable_and_no_text_sits_on_a_bar(
    open_page: Callable[..., Page], live_server: Any, make_audit: MakeAudit
) -> None:
    # Policy and Governance's Domain cell names an area: scored against the app's assumed
    # level, so every row has a bar and a figure.
    audit = make_audit(track="policy-and-governance", ratings=ALL_FOUR, complete=True)
    page = open_page(PHONE, anonymous_cookie([audit], live_server.url))
    page.goto(f"/audits/{audit.public_id}/results/")

    found = page.evaluate(OVERLAPS)

    assert "2 / 4" in found["texts"]  # Domain: law/econ 2 against High, assumed
    assert found["overlaps"] == [], found["overlaps"]
    # Text drawn at 17px in the chart's own units, scaled to the phone: still 14px or more.
    rendered = 17 * found["scale"]
    assert rendered >= 14, rendered


LABEL_BOXES = """() => [...document.querySelectorAll('svg.progress-chart text.series-label')]
    .map(e => { const r = e.getBoundingClientRect();
                return {text: e.textContent, top: r.top, bottom: r.bottom,
                        left: r.left, right: r.right}; })"""


def test_progress_line_labels_do_not_print_over_each_other(
    open_page: Callable[..., Page],
    live_server: Any,
    owner: User,
    make_audit: MakeAudit,
) -> None:
    # Close scores in every bucket: the labels would land on one another.
    close = dict.fromkeys(ALL_FOUR, 3)
    first = make_audit(owner=owner, ratings=close, complete=True)
    second = make_audit(owner=owner, ratings=close, complete=True)
    Audit.objects.filter(pk=first.pk).update(completed_at=timezone.now() - timedelta(days=42))
    assert second.is_complete
    for viewport in (PHONE, DESKTOP):
        page = open_page(viewport, logged_in_cookie(owner, live_server.url))
        page.goto("/audits/progress/")
        labels = page.evaluate(LABEL_BOXES)
        assert len(labels) == 4
        for i, a in enumerate(labels):
            for b in labels[i + 1 :]:
                apart = a["bottom"] <= b["top"] + 0.5 or b["bottom"] <= a["top"] + 0.5
                assert apart, (a, b)


def test_the_home_page_has_a_start_button_above_the_fold(open_page: Callable[..., Page]) -> None:
    page = open_page(DESKTOP)
    page.goto("/")
    start = page.get_by_role("link", name="Start your self-audit")
    expect(start).to_be_visible()
    box = start.bounding_box()
    assert box is not None and box["y"] + box["height"] <= DESKTOP["height"]
    start.click()
    expect(page).to_have_url(re.compile(r"/audits/new/$"))


def test_the_track_pages_button_starts_the_audit_in_one_press(
    open_page: Callable[..., Page],
) -> None:
    page = open_page(DESKTOP)
    page.goto("/tracks/interpretability/")
    page.get_by_role("button", name="Audit yourself against Interpretability").click()

    expect(page).to_have_url(AUDIT_URL)
    expect(page.locator("#panel h2")).to_have_text("Against Interpretability")
    assert Audit.objects.get().track.slug == "interpretability"


DOUBLE_SUBMIT = """async () => {
    // What a double click sends when the server is slow to answer the first: the same form,
    // twice, from the same browser, before either answer arrives.
    const form = document.querySelector('form.start-form');
    // Encoded as the browser encodes the form itself.
    const send = () => fetch(form.action, {method: 'POST',
                                           body: new URLSearchParams(new FormData(form)),
                                           redirect: 'manual', credentials: 'same-origin'});
    const answers = await Promise.all([send(), send()]);
    return answers.map(a => a.type);
}"""


def test_a_double_submit_of_start_rating_makes_one_audit(open_page: Callable[..., Page]) -> None:
    page = open_page(DESKTOP)
    page.goto("/audits/new/?track=research-engineer")

    assert page.evaluate(DOUBLE_SUBMIT) == ["opaqueredirect", "opaqueredirect"]
    page.get_by_role("button", name="Start rating").click()  # and a third press, later

    expect(page).to_have_url(AUDIT_URL)
    expect(page.locator("#panel h2")).to_have_text("Against Research Engineer")
    assert Audit.objects.count() == 1
    # The audit the browser landed on is that one, and this browser's.
    assert page.url.endswith(f"/audits/{Audit.objects.get().public_id}/")
