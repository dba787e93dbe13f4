"""Every page checked in a real browser: axe (WCAG 2.2 A/AA), the Nu HTML Checker, console and
network errors, sideways scroll, tap targets, colour contrast in both schemes, the keyboard-only
journey and the printed results.

One crawl visits every page a visitor, an account holder or staff can reach, at phone and
desktop width, and records what each check found; each test then asserts on its own check, so a
failure names every page and element at once. Screenshots of each page at both sizes go to
test-artifacts/screenshots/<run id>/ (the folder is also written to .../LATEST).
"""

from __future__ import annotations

import itertools
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect

from audits import accounts
from audits.models import Audit, RatingRequest, ShareLink
from audits.reminders import unsubscribe_token
from skillmap.models import Track
from tests import browser_tools as tools
from tests.conftest import ALL_FOUR, PASSWORD, MakeAudit

if TYPE_CHECKING:  # Playwright types its cookie dict but does not export the name
    from playwright._impl._api_structures import SetCookieParam

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
RUN_ID = datetime.now().strftime("%Y%m%d-%H%M%S")
SHOTS = ROOT / "test-artifacts" / "screenshots" / RUN_ID
SIZES = {"phone": (375, 812), "desktop": (1280, 800)}
PHONE_390 = (390, 844)
HEADLINE = "What you’ll be hired on"
RESULTS_URL = re.compile(r"/audits/[0-9a-f-]{36}/results/$")

HALF = {"python-and-pytorch": 3, "reading-papers": 2}


@dataclass(frozen=True)
class Visit:
    name: str
    path: str
    who: str  # "anon", "owner" or "admin"
    status: int = 200

    @property
    def ours(self) -> bool:
        """Django's admin markup is not ours: the Nu checker and layout checks leave it out
        (axe does not: see test_the_admin_track_page_passes_axe_too)."""
        return self.who != "admin"


@dataclass
class Crawl:
    visits: list[Visit] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    headings: dict[str, int] = field(default_factory=dict)
    html: dict[str, str] = field(default_factory=dict)
    axe: dict[tuple[str, str], list[tools.AxeViolation]] = field(default_factory=dict)
    contrast: dict[tuple[str, str, str], list[tools.AxeViolation]] = field(default_factory=dict)
    console: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, list[str]] = field(default_factory=dict)
    overflow: dict[tuple[str, str], str] = field(default_factory=dict)
    small_targets: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    clipped: dict[str, list[str]] = field(default_factory=dict)
    matrix: dict[str, Any] = field(default_factory=dict)

    def visit(self, name: str) -> Visit:
        return next(v for v in self.visits if v.name == name)


# One crawl per run, shared by the tests that read it; a crawl that broke is not retried.
_crawled: list[Crawl | BaseException] = []


# --- Setting the scene ----------------------------------------------------------------------


def _session_cookie(session_key: str, base_url: str) -> SetCookieParam:
    return {"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base_url}


def logged_in_cookie(user: User, base_url: str) -> SetCookieParam:
    client = Client()
    client.force_login(user)
    return _session_cookie(client.cookies[settings.SESSION_COOKIE_NAME].value, base_url)


def anonymous_cookie(audits: list[Audit], base_url: str) -> SetCookieParam:
    """A visitor's browser session that holds these audits, as if it had started them."""
    session = SessionStore()
    session[accounts.SESSION_AUDITS] = [str(a.public_id) for a in audits]
    session.create()
    return _session_cookie(session.session_key or "", base_url)


def new_context(browser: Browser, base_url: str, cookie: SetCookieParam | None) -> BrowserContext:
    width, height = SIZES["desktop"]
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": height}, color_scheme="light"
    )
    context.set_default_timeout(10_000)
    if cookie:
        context.add_cookies([cookie])
    return context


def _pages(make_audit: MakeAudit, owner: User) -> tuple[list[Visit], list[Audit]]:
    """Every page, with the audits it needs; returns the anonymous visitor's audits too."""
    empty = make_audit(owner=owner)
    half = make_audit(owner=owner, ratings=HALF)
    full = make_audit(owner=owner, ratings=ALL_FOUR)
    mine = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    interp = make_audit(owner=owner, track="interpretability", ratings=ALL_FOUR, complete=True)
    scientist = make_audit(ratings=ALL_FOUR, complete=True)  # the visitor's, in the session
    # The sharing page with a link of each kind, and what each link opens.
    shared = ShareLink.create_for(mine, label="for my mentor", include_notes=True)[1]
    rate_me = RatingRequest.create_for(
        mine, label="my manager", from_name="Ana", note_to_rater="Be blunt, please. Ana"
    )[1]
    too_many_fields = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    visits = [
        Visit("home", "/", "anon"),
        *(
            Visit(f"track-{slug}", f"/tracks/{slug}/", "anon")
            for slug in Track.objects.values_list("slug", flat=True)
        ),
        Visit("start-audit", "/audits/new/", "anon"),
        Visit("signup", "/account/signup/", "anon"),
        Visit("login", "/account/login/", "anon"),
        Visit("password-reset", "/account/password_reset/", "anon"),
        Visit("password-reset-done", "/account/password_reset/done/", "anon"),
        Visit("results-research-scientist", f"/audits/{scientist.public_id}/results/", "anon"),
        Visit("error-404", "/no-such-page/", "anon", 404),
        Visit("error-400", f"/audits/new/?{too_many_fields}", "anon", 400),
        Visit("error-405", f"/audits/{uuid4()}/copy/", "anon", 405),
        Visit("audit-empty", f"/audits/{empty.public_id}/", "owner"),
        Visit("audit-half-rated", f"/audits/{half.public_id}/", "owner"),
        Visit("audit-fully-rated", f"/audits/{full.public_id}/", "owner"),
        Visit("results-interpretability", f"/audits/{interp.public_id}/results/", "owner"),
        Visit("history", "/audits/", "owner"),
        Visit("progress", "/audits/progress/", "owner"),
        Visit("account", "/account/", "owner"),
        Visit("password-change", "/account/password_change/", "owner"),
        Visit("delete-account", "/account/delete/", "owner"),
        Visit("delete-audit", f"/audits/{mine.public_id}/delete/", "owner"),
        # The six-week plan's own pages: audit again, and a reminder's unsubscribe link.
        Visit("audit-again", f"/audits/{mine.public_id}/again/", "owner"),
        Visit("share", f"/audits/{mine.public_id}/share/", "owner"),
        Visit("shared-results", f"/shared/{shared}/", "anon"),
        Visit("rate-me", f"/rate/{rate_me}/", "anon"),
        Visit("link-closed", f"/shared/{'x' * 43}/", "anon", 404),
        Visit("unsubscribe", f"/reminders/unsubscribe/{unsubscribe_token(mine)}/", "anon"),
        Visit("unsubscribe-bad-link", "/reminders/unsubscribe/not-a-token/", "anon", 400),
        Visit(
            "admin-track-change",
            f"/admin/skillmap/track/{Track.objects.get(slug='research-scientist').pk}/change/",
            "admin",
        ),
    ]
    return visits, [scientist]


MATRIX_GEOMETRY = """() => {
    const box = (e) => { const r = e.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                width: r.width, height: r.height}; };
    const table = document.querySelector('table.matrix');
    return {
        viewport: document.documentElement.clientWidth,
        thead: box(table.tHead),
        rows: [...table.tBodies[0].rows].map(tr => ({
            name: tr.cells[0].innerText.trim(),
            box: box(tr),
            cells: [...tr.cells].map(box),
        })),
    };
}"""


def _check_page(crawl: Crawl, visit: Visit, page: Page, watched: tools.Watched) -> None:
    response = page.goto(visit.path)
    assert response is not None, visit.name
    crawl.statuses[visit.name] = response.status
    crawl.html[visit.name] = response.text()
    (SHOTS / "html" / f"{visit.name}.html").write_text(crawl.html[visit.name])
    crawl.headings[visit.name] = page.locator("h1").count()
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.emulate_media(color_scheme="light")
        found = tools.run_axe(page)
        crawl.axe[(visit.name, size)] = found
        # The WCAG run includes color-contrast in the light scheme; the dark one is run apart.
        crawl.contrast[(visit.name, size, "light")] = [
            v for v in found if v.rule == "color-contrast"
        ]
        if overflow := tools.sideways_overflow(page):
            crawl.overflow[(visit.name, size)] = overflow
        crawl.small_targets[(visit.name, size)] = tools.small_tap_targets(page)
        if visit.name == "home" and size == "phone":
            crawl.matrix = page.evaluate(MATRIX_GEOMETRY)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=SHOTS / f"{visit.name}-{size}.png", full_page=True)
        page.emulate_media(color_scheme="dark")
        crawl.contrast[(visit.name, size, "dark")] = tools.run_axe(page, rules=["color-contrast"])
    page.emulate_media(color_scheme="light")
    # A small phone: a 390 px wide screen.
    page.set_viewport_size({"width": PHONE_390[0], "height": PHONE_390[1]})
    crawl.clipped[visit.name] = tools.clipped_tables(page)
    page.set_viewport_size({"width": SIZES["desktop"][0], "height": SIZES["desktop"][1]})
    crawl.console[visit.name], crawl.failed[visit.name] = watched.take()


def _crawl(browser: Browser, base_url: str, make_audit: MakeAudit, owner: User) -> Crawl:
    tools.ensure_tools()
    (SHOTS / "html").mkdir(parents=True, exist_ok=True)
    (SHOTS.parent / "LATEST").write_text(str(SHOTS) + "\n")
    visits, anonymous_audits = _pages(make_audit, owner)
    admin = User.objects.create_superuser("admin", "admin@example.com", PASSWORD)
    cookies = {
        "anon": anonymous_cookie(anonymous_audits, base_url),
        "owner": logged_in_cookie(owner, base_url),
        "admin": logged_in_cookie(admin, base_url),
    }
    crawl = Crawl(visits=visits)
    for who, cookie in cookies.items():
        context = new_context(browser, base_url, cookie)
        page = context.new_page()
        watched = tools.watch(page)
        for visit in visits:
            if visit.who != who:
                continue
            if visit.status != 200:
                watched.expected_document_status[base_url + visit.path] = visit.status
            _check_page(crawl, visit, page, watched)
        context.close()
    _write_report(crawl)
    return crawl


@pytest.fixture
def crawl(
    browser: Browser,
    live_server: Any,
    seeded_transactional: None,
    make_audit: MakeAudit,
    owner: User,
    capsys: pytest.CaptureFixture[str],
) -> Crawl:
    if not _crawled:
        try:
            _crawled.append(_crawl(browser, live_server.url, make_audit, owner))
        except BaseException as exc:
            _crawled.append(exc)
            raise
        with capsys.disabled():
            print(f"\nbrowser quality: screenshots and report in {SHOTS}")
    done = _crawled[0]
    if isinstance(done, BaseException):
        pytest.fail(f"the crawl of every page failed in an earlier test: {done!r}")
    return done


# --- Reporting ------------------------------------------------------------------------------


def _axe_lines(found: dict[Any, list[tools.AxeViolation]], keep: Callable[[Any], bool]) -> str:
    lines = []
    for key, violations in found.items():
        if violations and keep(key):
            lines.append(f"  {' / '.join(key)}:")
            lines.extend(v.describe() for v in violations)
    return "\n".join(lines)


def _write_report(crawl: Crawl) -> None:
    """Everything the crawl found, admin included, for a person to read after the run."""
    sections = [
        ("statuses", "\n".join(f"  {k}: {v}" for k, v in crawl.statuses.items())),
        ("axe (WCAG 2.2 A/AA, light)", _axe_lines(crawl.axe, lambda _: True)),
        ("axe colour contrast", _axe_lines(crawl.contrast, lambda _: True)),
        ("console errors", "\n".join(f"  {k}: {v}" for k, v in crawl.console.items() if v)),
        ("failed requests", "\n".join(f"  {k}: {v}" for k, v in crawl.failed.items() if v)),
        ("sideways scroll", "\n".join(f"  {k}: {v}" for k, v in crawl.overflow.items())),
        (
            "small tap targets",
            "\n".join(f"  {k}: {v}" for k, v in crawl.small_targets.items() if v),
        ),
    ]
    text = "\n\n".join(f"== {title}\n{body or '  none'}" for title, body in sections)
    (SHOTS / "report.txt").write_text(text + "\n")


def _ours(crawl: Crawl, key: Any) -> bool:
    name = key[0] if isinstance(key, tuple) else key
    return crawl.visit(name).ours


# --- The crawl's checks ---------------------------------------------------------------------


def test_every_page_answers_with_its_status_and_one_h1(crawl: Crawl) -> None:
    expected = {v.name: v.status for v in crawl.visits}
    assert crawl.statuses == expected
    assert {n: c for n, c in crawl.headings.items() if c != 1} == {}
    # The two results pages are the two cases: a "Very high" cell, and a fallback to "High".
    assert "has no “Very high” cell" not in crawl.html["results-research-scientist"]
    assert "has no “Very high” cell" in crawl.html["results-interpretability"]
    assert (SHOTS / "home-phone.png").exists()
    assert (SHOTS / "admin-track-change-desktop.png").exists()


def test_axe_finds_no_wcag_22_aa_violations(crawl: Crawl) -> None:
    report = _axe_lines(crawl.axe, lambda key: _ours(crawl, key))
    assert not report, f"axe WCAG 2.2 A/AA violations:\n{report}"


def test_the_admin_track_page_passes_axe_too(crawl: Crawl) -> None:
    """Staff use the admin: its track page (stacked inlines, no sidebar) passes axe as well.
    Its HTML is Django's, so only the Nu checker leaves it out."""
    assert ("admin-track-change", "desktop") in crawl.axe
    report = _axe_lines(crawl.axe, lambda key: not _ours(crawl, key))
    assert not report, f"axe WCAG 2.2 A/AA violations in the admin:\n{report}"


def test_colour_contrast_passes_in_light_and_dark_schemes(crawl: Crawl) -> None:
    assert {scheme for (_, _, scheme) in crawl.contrast} == {"light", "dark"}
    report = _axe_lines(crawl.contrast, lambda key: _ours(crawl, key))
    assert not report, f"axe color-contrast violations:\n{report}"


def test_nu_html_checker_finds_no_errors_on_our_pages(crawl: Crawl) -> None:
    ours = {name: html for name, html in crawl.html.items() if crawl.visit(name).ours}
    errors = tools.run_vnu(ours)
    report = "\n".join(e.describe() for e in errors)
    (SHOTS / "vnu.txt").write_text((report or "no errors") + "\n")
    assert not errors, f"Nu HTML Checker errors:\n{report}"


def test_no_console_errors_or_failed_requests(crawl: Crawl) -> None:
    # The admin's scripts run under our CSP too: a refusal there is ours to fix.
    problems = [
        f"  {name}: {problem}"
        for name in crawl.console
        for problem in crawl.console[name] + crawl.failed[name]
    ]
    report = "\n".join(problems)
    assert not problems, f"console errors and failed requests:\n{report}"


def test_no_page_scrolls_sideways(crawl: Crawl) -> None:
    wide = [f"  {' / '.join(k)}: {v}" for k, v in crawl.overflow.items() if _ours(crawl, k)]
    report = "\n".join(wide)
    assert not wide, f"pages wider than the screen:\n{report}"


def test_no_table_content_is_clipped_at_390_px(crawl: Crawl) -> None:
    """At 390 px every table's content is in view: no sideways scroll box, no cut-off cell."""
    assert crawl.clipped.keys() == {v.name for v in crawl.visits}
    clipped = {k: v for k, v in crawl.clipped.items() if v and crawl.visit(k).ours}
    report = "\n".join(f"  {k}:\n    " + "\n    ".join(v) for k, v in clipped.items())
    assert not clipped, f"table content clipped at 390 px:\n{report}"


def test_tap_targets_are_at_least_24_px(crawl: Crawl) -> None:
    small = {k: v for k, v in crawl.small_targets.items() if v and _ours(crawl, k)}
    report = "\n".join(f"  {' / '.join(k)}:\n    " + "\n    ".join(v) for k, v in small.items())
    assert not small, f"tap targets under {tools.MIN_TARGET}×{tools.MIN_TARGET} px:\n{report}"


def test_the_map_is_one_card_per_track_on_a_phone(crawl: Crawl) -> None:
    geometry = crawl.matrix
    viewport = geometry["viewport"]
    # The column headings are there for screen readers only.
    assert geometry["thead"]["width"] <= 1 and geometry["thead"]["height"] <= 1
    assert len(geometry["rows"]) == 7
    for row in geometry["rows"]:
        box = row["box"]
        assert box["left"] >= 0 and box["right"] <= viewport, row["name"]
        assert box["width"] < viewport, row["name"]
        assert box["height"] > box["width"] / 2, f"{row['name']} is not a card: {box}"
        cells = row["cells"]
        assert len(cells) == 5, row["name"]  # the track and its four buckets
        for above, below in itertools.pairwise(cells):
            assert below["top"] >= above["bottom"] - 1, f"{row['name']}: cells side by side"
            assert below["width"] >= 0.9 * box["width"] - 2, f"{row['name']}: a narrow cell"


# --- The keyboard-only journey --------------------------------------------------------------

KEYBOARD_RATINGS = {
    "python-and-pytorch": 3,
    "deep-learning-and-transformers": 4,
    "reading-papers": 2,
    "career-and-communication": 5,
    "math-you-actually-need": 1,
    "experiments-and-rigour": 3,
    "portfolio-and-applications": 2,
}


@pytest.fixture
def visitor_with(
    browser: Browser, live_server: Any, seeded_transactional: None
) -> Iterator[Callable[[Audit], tuple[Page, tools.Watched]]]:
    """A page in a visitor's browser whose session holds the given audit."""
    contexts: list[BrowserContext] = []

    def open_page(audit: Audit) -> tuple[Page, tools.Watched]:
        context = new_context(browser, live_server.url, anonymous_cookie([audit], live_server.url))
        contexts.append(context)
        page = context.new_page()
        return page, tools.watch(page)

    yield open_page
    for context in contexts:
        context.close()


def tab_to(page: Page, matches: str, rings: list[str], limit: int = 60) -> None:
    """Press Tab until the focused element matches the selector; every stop shows a ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        ring = tools.focus_ring(page)
        if not ring["visible"]:
            rings.append(f"{ring['element']}: outline {ring['outline']}, shadow {ring['shadow']}")
        if page.evaluate("(s) => document.activeElement.matches(s)", matches):
            return
    pytest.fail(f"{limit} presses of Tab never reached {matches}")


def test_a_whole_audit_with_the_keyboard_alone(
    visitor_with: Callable[[Audit], tuple[Page, tools.Watched]],
    make_audit: MakeAudit,
) -> None:
    audit = make_audit()
    page, watched = visitor_with(audit)
    page.goto(f"/audits/{audit.public_id}/")
    panel = page.locator("#panel")
    # The live region a screen reader announces: a short status line beside the panel.
    status = page.locator("#panel-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_attribute("aria-live", "polite")
    # A live region is announced when its words change, not when it is swapped for a new one.
    page.evaluate("window.__marker = 1; document.querySelector('#panel-status').__kept = 1")
    no_ring: list[str] = []
    saves = 0

    def save_with(key: str, radio_id: str, announces: bool = True) -> None:
        nonlocal saves
        announced = status.inner_text()
        page.evaluate("document.querySelector('#panel h2').__stale = 1")
        with page.expect_response(lambda r: r.request.method == "POST") as saved:
            page.keyboard.press(key)
        assert saved.value.status == 200
        assert saved.value.request.headers.get("hx-request") == "true"
        saves += 1
        # The panel was swapped for the server's answer.
        page.wait_for_function("() => !document.querySelector('#panel h2').__stale")
        # A new rating changes the status line's words (that is what is announced) in the
        # same element; a moved one changes them only where its cell is scored already ...
        if announces:
            assert status.inner_text() != announced
        assert page.evaluate("document.querySelector('#panel-status').__kept") == 1, (
            "the live region was replaced by a new element rather than updated in place"
        )
        # ... and focus stays where the person left it.
        assert page.evaluate("document.activeElement.id") == radio_id
        ring = tools.focus_ring(page)
        if not ring["visible"]:
            no_ring.append(f"after a save, {ring['element']}: {ring['outline']}")

    for count, (slug, value) in enumerate(KEYBOARD_RATINGS.items(), start=1):
        group = f"input[type=radio][name='rating-{slug}']"
        tab_to(page, group, no_ring)
        first = page.evaluate("document.activeElement.id")
        assert page.evaluate("document.activeElement.value") == "1"
        save_with("Space", first)  # Tab only focuses; Space chooses
        for step in range(2, value + 1):
            radio_id = page.locator(f"{group}[value='{step}']").get_attribute("id") or ""
            save_with("ArrowRight", radio_id, announces=False)  # an arrow moves and chooses
        expect(page.locator(f"{group}[value='{value}']")).to_be_checked()
        expect(panel).to_contain_text(f"{count} of {len(KEYBOARD_RATINGS)} skills rated")

    assert saves == sum(KEYBOARD_RATINGS.values())
    assert page.evaluate("window.__marker") == 1, "a save reloaded the page"
    tab_to(page, "button[value=finish]", no_ring)
    expect(page.locator("*:focus")).to_have_text("See my results")
    page.keyboard.press("Enter")
    expect(page).to_have_url(RESULTS_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your results: Research Scientist")
    assert no_ring == [], f"focused without a visible focus indicator: {no_ring}"
    errors, failed = watched.take()
    assert errors == [] and failed == [], (errors, failed)


# --- Print ----------------------------------------------------------------------------------


def test_results_print_without_navigation_and_as_a_pdf(
    visitor_with: Callable[[Audit], tuple[Page, tools.Watched]],
    make_audit: MakeAudit,
) -> None:
    pdftotext = tools.pdftotext()
    audit = make_audit(ratings=ALL_FOUR, complete=True)
    page, watched = visitor_with(audit)
    page.goto(f"/audits/{audit.public_id}/results/")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => [...document.querySelectorAll('.site-header, button')]
            .map(e => getComputedStyle(e).display)"""
    )
    assert hidden and set(hidden) == {"none"}, hidden
    # Nothing to press or follow on paper: no navigation, button or form is drawn at all.
    drawn = page.evaluate(
        """() => [...document.querySelectorAll('.site-footer, .skip-link, nav, button, form')]
            .filter(e => e.checkVisibility())
            .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert drawn == [], f"visible in print: {drawn}"
    expect(page.locator("svg.chart")).to_be_visible()
    expect(page.locator("table.results-table")).to_be_visible()
    expect(page.locator("table.results-table tbody tr")).to_have_count(4)

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000, len(pdf)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "results.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "results-print.pdf").write_bytes(pdf)
    assert "Your results: Research Scientist" in text
    assert HEADLINE in text.replace("'", "’")
    assert "Research Skills" in text
    assert "Skills Map" not in text.split("Your results", 1)[0], "the site header printed"
    errors, failed = watched.take()
    assert errors == [] and failed == [], (errors, failed)
