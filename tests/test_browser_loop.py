"""The six-week loop as one person walks it, in a real Chromium: sign up with an email and
confirm it, complete an audit, tick two steps of the plan, switch the reminder on; six weeks
later the reminder's "Audit again" link, opened on a phone that is not logged in, leads through
log-in to the re-audit, and the new plan counts the two steps as done and schedules other work.

Run with -s to read both plans and the reminder as they were sent."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from audits import plans
from audits.models import Audit, StepDone
from tests.browser_tools import watch
from tests.conftest import PASSWORD
from tests.test_browser_audit import AUDIT_URL, RESULTS_URL, SCIENTIST_RATINGS, start_audit
from tests.test_browser_plan import rate_everything
from tests.test_plan_loop_example import printed

pytestmark = pytest.mark.browser
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)
SHOTS = Path("/tmp/shots/journey")
LINK = re.compile(r"http://\S+")

# Six weeks on, the person rates reading papers a point higher (the steps they ticked were
# reading papers') and portfolio a point lower, having found out what a portfolio needs.
MOVED = {"reading-papers": 4, "portfolio-and-applications": 3}


def shot(page: Page, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def new_context(browser: Browser, live_server: Any, width: int, height: int) -> BrowserContext:
    size = {"width": width, "height": height}
    context = browser.new_context(base_url=live_server.url, viewport=size)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def mailed_link(message: Any, path: str) -> str:
    found = [url for url in LINK.findall(message.body) if path in url]
    assert len(found) == 1, message.body
    return found[0]


def wait_for_htmx(page: Page, selector: str) -> None:
    """htmx binds its handlers once the document has loaded; a person is never faster."""
    page.wait_for_load_state("load")
    page.wait_for_function(f"document.querySelector({selector!r})['htmx-internal-data']")


def plan_steps(page: Page) -> list[str]:
    """The plan's steps as the page lists them: number, title, and done or when."""
    return [
        " ".join(text.split())
        for text in page.locator("li.plan-step p.step-title").all_inner_texts()
    ]


@pytest.mark.django_db(transaction=True)
def test_two_audits_six_weeks_apart_and_the_email_between_them(
    seeded_transactional: None, browser: Browser, live_server: Any, settings: Any
) -> None:
    settings.SITE_URL = live_server.url
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    report: list[str] = []

    # --- On a laptop: sign up with an email and confirm it -----------------------------------
    laptop = new_context(browser, live_server, 1280, 800)
    watched = watch(laptop.new_page())
    page = watched.page
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("robin")
    page.get_by_label("Email").fill("robin@example.com")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(re.compile(r"/audits/$"))
    asked = page.get_by_text("We’ve emailed robin@example.com a link to confirm it.")
    expect(asked).to_be_visible()
    (confirmation,) = mail.outbox
    assert confirmation.to == ["robin@example.com"]
    page.goto(mailed_link(confirmation, "/account/email/confirm/"))
    page.get_by_role("button", name="Confirm this address").click()
    expect(page.get_by_text("Confirmed: robin@example.com is your address now.")).to_be_visible()
    robin = User.objects.get(username="robin")

    # --- The first audit, two steps ticked (JavaScript on), the reminder switched on ---------
    start_audit(page, "Research Scientist", "research-scientist")
    rate_everything(page, SCIENTIST_RATINGS)
    page.get_by_role("button", name="See my results").click()
    expect(page).to_have_url(RESULTS_URL)
    first = Audit.objects.get(owner=robin)
    first_steps = [item["id"] for item in first.plan["steps"]]  # type: ignore[index]
    total = len(first_steps)
    expect(page.locator("#plan-progress")).to_have_text(f"0 of {total} steps done.")
    wait_for_htmx(page, "form.tick")
    # Steps 2 and 3: the two reading-papers steps still in a plan once the rating is 4 (the
    # first, a three-pass read, is for a 3 and leaves the plan when the rating moves up).
    ticked = first_steps[1:3]
    for number in (2, 3):
        with page.expect_response(lambda r: "/steps/" in r.url) as answer:
            page.get_by_role("button", name=f"Mark step {number} done").click()
        assert answer.value.status == 200
        assert answer.value.request.headers.get("hx-request") == "true"
    expect(page.locator("li.plan-step.done")).to_have_count(2)
    expect(page.locator("#plan-progress")).to_have_text(f"2 of {total} steps done.")
    assert set(StepDone.objects.filter(owner=robin).values_list("step_id", flat=True)) == set(
        ticked
    )
    shot(page, "1-first-results-1280")
    page.locator("#plan").screenshot(path=str(SHOTS / "1-first-plan-ticked-1280.png"))
    first_listed = plan_steps(page)
    page.get_by_role("button", name="Email me a reminder that day").click()
    switched = re.compile(r"We’ll email robin@example\.com on \d+ \w+ \d{4}\.")
    expect(page.get_by_text(switched)).to_be_visible()
    shot(page, "2-reminder-on-1280", full_page=False)
    assert Audit.objects.get(pk=first.pk).remind
    watched.assert_clean()
    laptop.close()

    # --- Six weeks pass: the audit and the ticks are dated as if they had ---------------------
    six_weeks_ago = timezone.now() - timedelta(weeks=6)
    Audit.objects.filter(pk=first.pk).update(
        created_at=six_weeks_ago - timedelta(minutes=20), completed_at=six_weeks_ago
    )
    for weeks, step_id in zip((1, 3), ticked, strict=True):
        StepDone.objects.filter(owner=robin, step_id=step_id).update(
            done_at=six_weeks_ago + timedelta(weeks=weeks)
        )
    first.refresh_from_db()
    reaudit_day = first.reaudit_on
    assert reaudit_day == timezone.localdate()
    report.append("--- First audit ---\n" + printed(first))
    report.append("First plan as the page listed it:\n  " + "\n  ".join(first_listed))
    mail.outbox.clear()
    out = io.StringIO()
    call_command("send_reminders", "--date", reaudit_day.isoformat(), stdout=out)
    assert "Sent 1 reminder" in out.getvalue()
    (reminder,) = mail.outbox
    assert reminder.to == ["robin@example.com"]
    report.append(
        f"--- The reminder ---\nTo: {reminder.to[0]}\nSubject: {reminder.subject}\n\n"
        + reminder.body
    )
    again = mailed_link(reminder, "/again/")
    assert again == f"{live_server.url}/audits/{first.public_id}/again/"
    assert "Audit again, starting from your last ratings:\n" + again in reminder.body

    # --- On a phone, not logged in: the mail's link, log in, re-audit ------------------------
    phone = new_context(browser, live_server, 390, 844)
    watched = watch(phone.new_page())
    page = watched.page
    page.goto(again)
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/audits/[0-9a-f-]{36}/again/$"))
    expect(page.get_by_text("Log in to open that audit")).to_be_visible()
    shot(page, "3-login-390")
    page.get_by_label("Username").fill("robin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(again)
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit again")
    shot(page, "4-again-390")
    page.get_by_role("button", name="Audit again from these ratings").click()
    expect(page).to_have_url(AUDIT_URL)
    shot(page, "5-reaudit-top-390", full_page=False)
    wait_for_htmx(page, "form[data-hx-post]")
    rate_everything(page, MOVED)
    shot(page, "5-reaudit-390")
    page.get_by_role("button", name="See my results").click()
    expect(page).to_have_url(RESULTS_URL)

    shot(page, "6-second-top-390", full_page=False)
    second = Audit.objects.filter(owner=robin).exclude(pk=first.pk).get()
    assert second.is_complete
    assert {r.skill.slug: r.value for r in second.ratings.select_related("skill")} == (
        SCIENTIST_RATINGS | MOVED
    )
    second_steps = [item["id"] for item in second.plan["steps"]]  # type: ignore[index]
    assert set(ticked) <= set(second_steps)
    # Done, counted, and not scheduled again; the weeks hold other steps.
    expect(page.locator("li.plan-step.done")).to_have_count(2)
    for step_id in ticked:
        expect(page.locator(f"#step-{step_id}")).to_have_class(re.compile(r"\bdone\b"))
    expect(page.locator("#plan-progress")).to_have_text(f"2 of {len(second_steps)} steps done.")
    scheduled = {
        item["id"]
        for item in second.plan["steps"]  # type: ignore[union-attr]
        if item["weeks"]
    }
    assert scheduled and not scheduled & set(ticked)
    weeks = page.locator("table.schedule tbody tr")
    expect(weeks).to_have_count(6)
    week_links = page.locator("table.schedule tbody a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert {f"#step-{i}" for i in scheduled} == set(week_links)
    assert not {f"#step-{i}" for i in ticked} & set(week_links)
    assert plans.step_ids(second.plan) == set(second_steps)
    shot(page, "6-second-results-390")
    page.locator("#plan-progress").scroll_into_view_if_needed()
    shot(page, "6-second-plan-progress-390", full_page=False)
    page.locator("#plan-schedule").screenshot(path=str(SHOTS / "7-second-weeks-390.png"))
    report.append("--- Second audit, six weeks later ---\n" + printed(second))
    report.append("Second plan as the page listed it:\n  " + "\n  ".join(plan_steps(page)))

    # What the two ticks did: the progress page sets them against the ratings that moved.
    page.goto("/audits/progress/")
    moved = page.get_by_role("region", name="Steps done and what moved")
    expect(moved.get_by_role("row", name=re.compile(r"^Reading papers 2 \+1$"))).to_be_visible()
    moved.scroll_into_view_if_needed()
    shot(page, "8-progress-steps-moved-390", full_page=False)
    report.append("--- Progress, steps done and what moved ---\n" + moved.inner_text())
    watched.assert_clean()
    phone.close()

    text = "\n\n".join(report)
    (SHOTS / "journey.txt").write_text(text + "\n")
    print("\n" + text)
