"""Sharing and an outside view in a real Chromium, two browsers: the owner and someone else."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, BrowserContext, Page, expect

from audits.models import Audit, RatingRequest
from skillmap.guide import current_guide
from tests import browser_tools as tools
from tests.browser_tools import watch
from tests.conftest import MakeAudit
from tests.test_browser_quality import logged_in_cookie

pytestmark = pytest.mark.browser

TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)
RESULTS_URL = re.compile(r"/audits/[0-9a-f-]{36}/results/$")
DEAD = "This link has expired or was withdrawn by its owner"
PHONE = {"width": 390, "height": 844}
STYLE = "(e, name) => getComputedStyle(e)[name]"
DESKTOP = {"width": 1280, "height": 800}
SIZES = {"phone": PHONE, "desktop": DESKTOP}


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
    # Its note says whose page this is, set off by the rule once nested away by a missing brace.
    assert other.locator(".shared-note").evaluate(STYLE, "borderLeftStyle") == "solid"
    # It speaks of the owner, not to them.
    expect(other.get_by_role("heading", name="What they’ll be hired on")).to_be_visible()
    expect(other.get_by_role("heading", name="Their six weeks")).to_be_visible()

    second_tab = other_context.new_page()
    second_watch = watch(second_tab)
    second_tab.goto(rate_url)
    other.goto(rate_url)
    expect(other.get_by_text("Be blunt about the papers.")).to_be_visible()
    expect(other.locator("body")).not_to_contain_text("my manager")
    for slug in questions():
        choose(other, slug, 2 if slug == "reading-papers" else 4)
    # The owner's question card: the comment box is the one in the question's fieldset.
    other.locator("#skill-reading-papers").get_by_role("textbox").fill("Skims the method sections")
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
    # The outside view's rules apply (they were nested under the plan's hours field once).
    assert owner.locator(".outside-headline").first.evaluate(STYLE, "borderLeftStyle") == "solid"
    assert owner.locator(".outside-view").first.evaluate(STYLE, "marginTop") == "24px"
    gap_colour = owner.locator(".outside-headline .tag-gap").first.evaluate(STYLE, "color")
    assert gap_colour == owner.evaluate(
        "() => { const p = document.createElement('span'); p.style.color = 'var(--gap)';"
        " document.body.append(p); const c = getComputedStyle(p).color; p.remove(); return c; }"
    )

    # 4. The owner revokes the share link; the other browser then gets the 404.
    owner.goto(results.replace("/results/", "/share/"))
    owner.wait_for_function("document.querySelector('form[data-hx-post]')['htmx-internal-data']")
    with owner.expect_response(lambda r: r.url.endswith("/revoke/")) as asked:
        owner.get_by_role("button", name=re.compile("^Revoke")).click()
    assert asked.value.status == 200
    with owner.expect_response(lambda r: r.url.endswith("/revoke/")) as revoked:
        owner.get_by_role("button", name="Yes, revoke it").click()
    assert revoked.value.status == 200
    expect(owner.get_by_text("No live links.")).to_be_visible()
    other_watch.expected_document_status[share_url] = 404
    gone = other.goto(share_url)
    assert gone is not None and gone.status == 404
    expect(other.get_by_role("heading", level=1)).to_have_text(DEAD)

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


# --- The sharing page and the rate-me form, looked at as a person would ----------------------

# Elements whose box sticks out of their parent's (by more than half a pixel).
OUTSIDE_PARENT = """(selector) => [...document.querySelectorAll(selector)].filter(e => {
    const r = e.getBoundingClientRect(), p = e.parentElement.getBoundingClientRect();
    return r.left < p.left - 0.5 || r.right > p.right + 0.5
        || r.top < p.top - 0.5 || r.bottom > p.bottom + 0.5;
}).map(e => e.outerHTML.slice(0, 120))"""

# Pairs of text runs (each line box of each text node) that overlap inside one container.
OVERLAPPING_TEXT = """(selector) => {
    const found = [];
    for (const box of document.querySelectorAll(selector)) {
        const runs = [];
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (!n.data.trim() || n.parentElement.closest('.visually-hidden')) continue;
            const range = document.createRange();
            range.selectNodeContents(n);
            for (const r of range.getClientRects()) {
                if (r.width > 0 && r.height > 0) runs.push({r, text: n.data.trim().slice(0, 30)});
            }
        }
        for (let i = 0; i < runs.length; i++) for (let j = i + 1; j < runs.length; j++) {
            const a = runs[i].r, b = runs[j].r;
            const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (w > 1 && h > 1) found.push(runs[i].text + ' / ' + runs[j].text);
        }
    }
    return found;
}"""


@dataclass
class Scene:
    base_url: str
    audit: Audit
    owner: User


@pytest.fixture
def scene(
    live_server: Any, seeded_transactional: None, make_audit: MakeAudit, owner: User
) -> Scene:
    ratings = dict.fromkeys(questions(), 4)
    audit = make_audit(owner=owner, ratings=ratings, complete=True)
    return Scene(base_url=live_server.url, audit=audit, owner=owner)


def open_context(
    browser: Browser, scene: Scene, size: dict[str, int], *, owner: bool, js: bool = True
) -> BrowserContext:
    context = browser.new_context(
        base_url=scene.base_url,
        viewport={"width": size["width"], "height": size["height"]},
        java_script_enabled=js,
        permissions=["clipboard-read", "clipboard-write"] if js else [],
    )
    context.set_default_timeout(TIMEOUT_MS)
    if owner:
        context.add_cookies([logged_in_cookie(scene.owner, scene.base_url)])
    return context


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, selector
    return dict(found)


def assert_axe_clean(page: Page, what: str) -> None:
    found = tools.run_axe(page)
    assert found == [], what + "\n" + "\n".join(v.describe() for v in found)


def assert_nu_clean(documents: dict[str, str]) -> None:
    found = tools.run_vnu(documents)
    assert found == [], "\n".join(m.describe() for m in found)


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_the_sharing_page_styles_apply_a_new_link_is_selected_and_copies_and_revoke_asks(
    browser: Browser, scene: Scene, size: str
) -> None:
    tools.ensure_tools()
    context = open_context(browser, scene, SIZES[size], owner=True)
    page = context.new_page()
    watched = watch(page)
    page.goto(f"/audits/{scene.audit.public_id}/share/")
    page.wait_for_function("document.querySelector('form[data-hx-post]')['htmx-internal-data']")
    documents = {f"share page ({size})": page.content()}
    assert_axe_clean(page, "the sharing page")

    # The rules that a missing brace once nested away apply: the sections' own margins...
    section = page.locator("#share-links")
    assert section.evaluate("e => getComputedStyle(e).marginTop") == "24px"
    # ...and "Include my notes" sits just after its checkbox, on the same line.
    checkbox, label = (
        box(page, "#id_share-include_notes"),
        box(page, "label[for=id_share-include_notes]"),
    )
    assert checkbox["x"] + checkbox["width"] <= label["x"] <= checkbox["x"] + checkbox["width"] + 16
    assert abs((checkbox["y"] + checkbox["height"] / 2) - (label["y"] + label["height"] / 2)) < 12

    # A new link arrives whole and selected, with a button that copies it.
    page.get_by_label("A name for this link").fill("for my mentor")
    with page.expect_response(lambda r: r.request.method == "POST") as made:
        page.get_by_role("button", name="Make a share link").click()
    assert made.value.status == 201
    field = page.get_by_label("Your new share link")
    expect(field).to_be_focused()
    url = field.input_value()
    assert re.fullmatch(r"http://[^/]+/shared/[A-Za-z0-9_-]{43}/", url), url
    # Selected once htmx has settled the swap (it focuses the autofocus field first).
    page.wait_for_function(
        "(n) => { const e = document.getElementById('new-share-link');"
        " return e.selectionStart === 0 && e.selectionEnd === n; }",
        arg=len(url),
    )
    whole = field.evaluate("e => [e.scrollHeight, e.clientHeight, e.scrollWidth, e.clientWidth]")
    assert whole[0] <= whole[1] + 1 and whole[2] <= whole[3] + 1, whole  # nothing hidden
    new_link = page.locator(".new-link")
    assert new_link.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    assert page.evaluate(OUTSIDE_PARENT, ".new-link *") == []
    copy = page.get_by_role("button", name="Copy link")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator(".copy-said")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == url
    expect(page.locator("#share-links tbody th").first).to_have_text("for my mentor")
    assert tools.sideways_overflow(page) is None
    assert tools.clipped_tables(page) == []  # each link a card on a phone
    documents[f"new link ({size})"] = page.content()
    assert_axe_clean(page, "a new link")

    # Revoking asks first, focused on the question, then says what happened.
    page.get_by_role("button", name=re.compile("^Revoke")).click()
    confirm = page.locator("#confirm-share")
    expect(confirm).to_be_focused()
    expect(confirm).to_contain_text("Revoke the link “for my mentor”")
    documents[f"confirm revoke ({size})"] = page.content()
    assert_axe_clean(page, "the confirm step")
    page.get_by_role("button", name="Yes, revoke it").click()
    expect(page.locator(".link-done")).to_be_focused()  # where the removed button was
    expect(page.locator(".link-done")).to_contain_text("“for my mentor”")
    expect(page.locator(".link-done")).to_contain_text("is revoked")
    expect(page.get_by_text("No live links.")).to_be_visible()
    assert_axe_clean(page, "after a revoke")

    # Whoever opens it now reads the one text for every dead link.
    watched.expected_document_status[url] = 404
    gone = page.goto(url)
    assert gone is not None and gone.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(DEAD)
    documents[f"dead link ({size})"] = page.content()
    assert_axe_clean(page, "a dead link")
    watched.assert_clean()
    context.close()
    assert_nu_clean(documents)


def test_without_script_a_new_link_is_a_focused_readonly_field_and_revoke_is_two_posts(
    browser: Browser, scene: Scene
) -> None:
    context = open_context(browser, scene, PHONE, owner=True, js=False)
    page = context.new_page()
    page.goto(f"/audits/{scene.audit.public_id}/share/")
    page.get_by_label("Who is it for?").fill("my manager")
    page.get_by_label("Your name, as they will see it").fill("Ana")
    page.get_by_role("button", name="Make a rate-me link").click()
    field = page.get_by_label("Your new rate-me link")
    expect(field).to_be_focused()  # autofocus: a person can select it at once
    expect(field).to_have_attribute("readonly", "")
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()  # it needs script
    expect(page.locator("#rate-requests tbody th").first).to_contain_text("my manager")

    page.get_by_role("button", name=re.compile("^Withdraw")).click()
    expect(page.locator("#confirm-rate_me")).to_contain_text("Withdraw the link “my manager”")
    page.get_by_role("button", name="Yes, withdraw it").click()
    expect(page.locator(".messages")).to_contain_text("The rate-me link “my manager”")
    expect(page.locator(".messages")).to_contain_text("is withdrawn")
    context.close()


def rate_me_link(scene: Scene) -> str:
    token = RatingRequest.create_for(
        scene.audit,
        label="my manager",
        from_name="Ana Lopez",
        note_to_rater="Be blunt about the papers, please. Ana",
    )[1]
    return f"/rate/{token}/"


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_the_rate_me_form_reads_one_choice_a_row_and_a_refused_post_focuses_its_summary(
    browser: Browser, scene: Scene, size: str
) -> None:
    tools.ensure_tools()
    url = rate_me_link(scene)
    context = open_context(browser, scene, SIZES[size], owner=False)
    page = context.new_page()
    watched = watch(page)
    page.goto(url)
    expect(page.locator(".lede")).to_contain_text("Ana Lopez, who is aiming for")
    caption = page.locator(".note-to-rater figcaption")
    expect(caption).to_have_text("Their note to you")
    assert box(page, ".note-to-rater figcaption")["y"] < box(page, ".note-to-rater blockquote")["y"]

    # Every box inside its parent, no two runs of text on top of each other, no sideways scroll.
    assert page.evaluate(OUTSIDE_PARENT, "fieldset.skill .choices, fieldset.skill .choice") == []
    assert page.evaluate(OVERLAPPING_TEXT, "fieldset.skill") == []
    assert tools.sideways_overflow(page) is None
    if size == "phone":  # one choice a row, as wide as the question's card
        for choices in page.locator(".choices.described").all():
            width = choices.bounding_box()["width"]  # type: ignore[index]
            for choice in choices.locator(".choice").all():
                assert choice.bounding_box()["width"] > width - 2  # type: ignore[index]
    documents = {f"rate-me form ({size})": page.content()}
    assert_axe_clean(page, "the rate-me form")

    # Two questions left unrated: the 400 opens on a focused summary that links to each.
    slugs = questions()
    for slug in slugs[2:]:
        choose(page, slug, 3)
    watched.expected_document_status[scene.base_url + url] = 400
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.get_by_role("button", name="Send my ratings").click()
    assert sent.value.status == 400
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)
    links.first.click()
    expect(page.locator(f"#id_rating-{slugs[0]}_0")).to_be_in_viewport()
    documents[f"refused rate-me form ({size})"] = page.content()
    assert_axe_clean(page, "the refused rate-me form")
    watched.assert_clean()
    context.close()
    assert_nu_clean(documents)
