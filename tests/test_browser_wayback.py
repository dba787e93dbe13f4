"""The way back in a real Chromium: the reminder's link, opened in a fresh browser that is not
logged in (a phone's mail app), leads through log-in to the re-audit page; an anonymous
browser finds its open audit again on `/`."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from audits.models import Audit, EmailAddress
from tests.conftest import ALL_FOUR, PASSWORD, MakeAudit
from tests.test_browser_quality import anonymous_cookie
from tests.test_reminders import DUE, completed_on

pytestmark = pytest.mark.browser
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)
SHOTS = Path("/tmp/shots/wayback")


@pytest.fixture
def fresh_browser(browser: Browser, live_server: Any) -> Iterator[Any]:
    """A browser context of its own (no cookies), as a phone opening a mail would be."""
    contexts = []

    def make(width: int = 390, height: int = 844, js: bool = True) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            java_script_enabled=js,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def shot(page: Page, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_the_reminders_link_opened_logged_out_leads_to_the_reaudit(
    seeded_transactional: None,
    fresh_browser: Any,
    live_server: Any,
    settings: Any,
    make_audit: MakeAudit,
    js: bool,
) -> None:
    settings.SITE_URL = live_server.url
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    owner = User.objects.create_user("owner", "owner@example.com", PASSWORD)
    EmailAddress.objects.create(user=owner, confirmed=owner.email)
    audit = completed_on(make_audit(owner=owner, ratings=ALL_FOUR, complete=True))
    Audit.objects.filter(pk=audit.pk).update(remind=True)
    call_command("send_reminders", "--date", DUE.isoformat(), stdout=io.StringIO())
    (sent,) = mail.outbox
    found = re.search(r"(http://\S+/audits/[0-9a-f-]{36}/again/)", sent.body)
    assert found is not None, sent.body
    link = found.group(1)

    page = fresh_browser(js=js)
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/audits/[0-9a-f-]{36}/again/$"))
    expect(page.get_by_text("Log in to open that audit")).to_be_visible()
    shot(page, f"reminder-login-390-{'js' if js else 'nojs'}")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Audit again")
    shot(page, f"reminder-again-390-{'js' if js else 'nojs'}")
    # The signed-in home: the latest results, the re-audit (due) and the plan's progress.
    page.goto("/")
    expect(page.get_by_text("Time to re-audit")).to_be_visible()
    shot(page, f"home-signed-in-390-{'js' if js else 'nojs'}", full_page=False)
    page.goto("/account/")
    expect(page.get_by_role("heading", name="Change your email")).to_be_visible()
    shot(page, f"account-390-{'js' if js else 'nojs'}")


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_browser_finds_its_open_audit_on_home(
    seeded_transactional: None,
    browser: Browser,
    live_server: Any,
    make_audit: MakeAudit,
) -> None:
    audit = make_audit(track="interpretability", ratings=dict(list(ALL_FOUR.items())[:3]))
    for width, height in ((390, 844), (1280, 800)):
        viewport = {"width": width, "height": height}
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        context.add_cookies([anonymous_cookie([audit], live_server.url)])
        page = context.new_page()
        page.goto("/")
        continue_name = re.compile(r"Continue your Interpretability audit \(3 of \d+ rated\)")
        link = page.get_by_role("link", name=continue_name)
        expect(link).to_be_visible()
        shot(page, f"home-continue-{width}", full_page=False)
        page.goto("/audits/new/")
        page.get_by_role("button", name="Start rating").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Continue or start afresh?")
        shot(page, f"start-choice-{width}")
        page.get_by_role("button", name=re.compile("Continue your Interpretability")).click()
        expect(page).to_have_url(re.compile(f"/audits/{audit.public_id}/$"))
        context.close()
