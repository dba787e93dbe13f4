"""The way back to an audit: a link the app sent, opened logged out, leads through log-in to
the page it named (and nobody else gets more than the 404); this browser's open audit and
latest results on `/` and the start page; the signed-in home's re-audit date and plan."""

from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from audits.models import Audit
from tests.conftest import ALL_FOUR, PASSWORD, MakeAudit, session_client_with
from tests.test_reminders import DUE, completed_on, mail_dir, reminded  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def page(response: Any) -> str:
    return response.content.decode()


def without_csrf(html: str) -> str:
    """A page with its CSRF token (masked afresh for every response) taken out."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def log_in(client: Client, username: str, next_url: str) -> Any:
    return client.post(
        "/account/login/", {"username": username, "password": PASSWORD, "next": next_url}
    )


# --- Logged out, an owner's link leads to log in and back -----------------------------------


@pytest.mark.parametrize("where", ["results", "again", "audit"])
def test_an_owners_link_opened_logged_out_leads_to_log_in_and_back(
    owner: User, make_audit: MakeAudit, where: str
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=where != "audit")
    url = reverse(f"audits:{where}", args=[audit.public_id])
    client = Client()

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/account/login/?next={url}"
    login_page = client.get(response.url)
    assert f'name="next" value="{url}"' in page(login_page)
    assert "Log in to open that audit" in page(login_page)
    landed = log_in(client, "owner", url)
    assert landed.status_code == 302
    assert landed.url == url
    assert client.get(url).status_code == 200


def test_anyone_signed_in_gets_the_same_404_as_for_no_audit(
    owner: User, other_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    theirs = other_client.get(reverse("audits:results", args=[audit.public_id]))
    nothing = other_client.get(reverse("audits:results", args=[uuid.uuid4()]))
    assert theirs.status_code == nothing.status_code == 404
    assert without_csrf(page(theirs)) == without_csrf(page(nothing))
    assert str(audit.public_id) not in page(theirs)


def test_another_browsers_anonymous_audit_is_a_plain_404(make_audit: MakeAudit) -> None:
    audit = make_audit(ratings=ALL_FOUR, complete=True)
    url = reverse("audits:results", args=[audit.public_id])
    client = Client()
    held = client.get(url)
    audit.delete()
    gone = client.get(url)
    assert held.status_code == gone.status_code == 404
    assert page(held) == page(gone)  # byte for byte: nothing says the audit was there


def test_writes_and_live_saves_logged_out_stay_404(owner: User, make_audit: MakeAudit) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    client = Client()
    assert client.post(reverse("audits:copy", args=[audit.public_id])).status_code == 404
    results = reverse("audits:results", args=[audit.public_id])
    live = client.get(results, headers={"HX-Request": "true"})
    assert live.status_code == 404
    assert Audit.objects.count() == 1


@pytest.mark.parametrize(
    "evil", ["//evil.example/", "https://evil.example/", "http://evil.example/x", "/\\evil.example"]
)
def test_log_in_and_sign_up_never_leave_the_site(owner: User, evil: str) -> None:
    client = Client()
    assert log_in(client, "owner", evil).url == "/audits/"
    response = Client().post(
        "/account/signup/",
        {
            "username": "newcomer",
            "email": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": evil,
        },
    )
    assert response.status_code == 302
    assert response.url == "/audits/"
    assert 'name="next"' not in page(Client().get("/account/signup/", {"next": evil}))


def test_sign_up_lands_on_next(make_audit: MakeAudit) -> None:
    url = reverse("audits:new") + "?track=interpretability"
    client = Client()
    form = client.get("/account/signup/", {"next": url})
    assert f'name="next" value="{url.replace("&", "&amp;")}"' in page(form)
    response = client.post(
        "/account/signup/",
        {
            "username": "newcomer",
            "email": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": url,
        },
    )
    assert response.url == url


def test_the_headers_log_in_and_sign_up_links_come_back_here(anon_client: Client) -> None:
    html = page(anon_client.get("/audits/new/"))
    assert 'href="/account/login/?next=%2Faudits%2Fnew%2F"' in html
    assert 'href="/account/signup/?next=%2Faudits%2Fnew%2F"' in html
    # On the log-in page they carry its own `next` on (never back to the log-in page).
    login = page(anon_client.get("/account/login/", {"next": "/audits/new/"}))
    assert 'href="/account/signup/?next=%2Faudits%2Fnew%2F"' in login
    assert "next=%2Faccount%2Flogin" not in login
    assert 'href="/account/login/"' in page(anon_client.get("/account/login/"))


def test_the_calendar_files_link_leads_back(owner: User, make_audit: MakeAudit) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    owner_client = Client()
    owner_client.force_login(owner)
    ics = owner_client.get(f"/audits/{audit.public_id}/re-audit.ics")
    event = next(iter(icalendar.Calendar.from_ical(ics.content).walk("VEVENT")))
    link = str(event["url"]).removeprefix("http://testserver")
    assert link == reverse("audits:again", args=[audit.public_id])
    phone = Client()
    response = phone.get(link)
    assert response.url == f"/account/login/?next={link}"
    assert log_in(phone, "owner", link).url == link
    assert "Audit again" in page(phone.get(link))


def test_the_reminders_link_leads_back(
    mail_dir: Path,  # noqa: F811
    owner: User,
    make_audit: MakeAudit,
) -> None:
    audit = reminded(owner, make_audit)
    call_command("send_reminders", "--date", DUE.isoformat(), stdout=io.StringIO())
    (sent,) = mail_dir.iterdir()
    found = re.search(r"https://skills\.example(/audits/[^\s]+/again/)", sent.read_text())
    assert found is not None
    link = found.group(1)
    assert link == reverse("audits:again", args=[audit.public_id])
    phone = Client()
    assert phone.get(link).url == f"/account/login/?next={link}"
    assert log_in(phone, "owner", link).url == link
    assert phone.get(link).status_code == 200


# --- This browser's audits ------------------------------------------------------------------


def start_and_rate_three(client: Client) -> Audit:
    client.get("/audits/new/")
    client.post("/audits/new/", {"track": "interpretability"})
    audit = Audit.objects.latest("created_at")
    three = dict(list(ALL_FOUR.items())[:3])
    client.post(f"/audits/{audit.public_id}/", {f"rating-{k}": v for k, v in three.items()})
    assert audit.ratings.count() == 3
    return audit


def asked(audit: Audit) -> int:
    from skillmap.guide import current_guide

    skill_map = current_guide().map
    target = skill_map.track(audit.track.slug)
    assert target is not None
    return len(skill_map.questions_for(target))


def test_an_anonymous_audit_is_found_again_from_home(django_assert_num_queries: Any) -> None:
    first = Client()
    audit = start_and_rate_three(first)
    # The tab is closed; the browser (its session cookie) comes back to /.
    back = Client()
    back.cookies = first.cookies
    back.get("/")
    # The revision, the session, the open audit, the revision again (the questions its target
    # asks), its count of rated questions, the latest completed audit (none).
    with django_assert_num_queries(6):
        home = back.get("/")
    html = page(home)
    assert f"Continue your Interpretability audit (3 of {asked(audit)} rated)" in html
    assert f'href="/audits/{audit.public_id}/"' in html
    assert "private" in home["Cache-Control"]
    # Another browser sees the page drawn for everyone, with nothing of it.
    stranger = page(Client().get("/"))
    assert "Continue your" not in stranger
    assert str(audit.public_id) not in stranger


def test_the_start_page_shows_the_open_audit_and_latest_results(make_audit: MakeAudit) -> None:
    done = make_audit(ratings=ALL_FOUR, complete=True)
    client = session_client_with(done)
    client.get("/audits/new/")
    client.post("/audits/new/", {"track": "interpretability", "choice": "fresh"})
    html = page(client.get("/audits/new/"))
    assert "Continue your Interpretability audit (0 of" in html
    assert f'href="/audits/{done.public_id}/results/"' in html
    assert "Your latest results: Research Scientist" in html


def test_starting_while_one_is_open_asks(anon_client: Client) -> None:
    audit = start_and_rate_three(anon_client)
    asking = anon_client.post("/audits/new/", {"track": "research-engineer"})
    assert asking.status_code == 200
    html = page(asking)
    assert "Continue or start afresh?" in html
    assert 'name="choice" value="continue"' in html
    assert 'name="choice" value="fresh"' in html
    assert Audit.objects.count() == 1
    back = anon_client.post("/audits/new/", {"track": "research-engineer", "choice": "continue"})
    assert back.url == f"/audits/{audit.public_id}/"
    assert Audit.objects.count() == 1
    fresh = anon_client.post("/audits/new/", {"track": "research-engineer", "choice": "fresh"})
    assert Audit.objects.count() == 2
    made = Audit.objects.latest("created_at")
    assert fresh.url == f"/audits/{made.public_id}/"
    assert made.track.slug == "research-engineer"


def test_the_choice_for_a_signed_in_person_is_their_accounts_open_audit(
    owner_client: Client, owner: User, make_audit: MakeAudit
) -> None:
    mine = make_audit(owner=owner, track="interpretability", ratings={"reading-papers": 2})
    asking = owner_client.post("/audits/new/", {"track": "interpretability"})
    assert "Continue your Interpretability audit" in page(asking)
    back = owner_client.post("/audits/new/", {"track": "interpretability", "choice": "continue"})
    assert back.url == f"/audits/{mine.public_id}/"


def test_the_signed_in_home_shows_the_open_audit_reaudit_date_and_plan(
    owner: User, owner_client: Client, make_audit: MakeAudit, django_assert_num_queries: Any
) -> None:
    done = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    assert done.plan is not None
    done.tick(done.plan["steps"][0]["id"], True)
    make_audit(owner=owner, track="interpretability", ratings={"reading-papers": 2})
    again = Audit.objects.get(pk=done.pk)
    done_count, listed = again.steps_done(again.ticks())
    assert done_count == 1 and listed > 1
    owner_client.get("/")
    # session, user, revision, open audit, the revision again, its rated count, latest, and the
    # person's ticks on its plan
    with django_assert_num_queries(8):
        html = page(owner_client.get("/"))
    assert "Continue your Interpretability audit (1 of" in html
    assert f"{done_count} of {listed} steps done" in html
    day = Audit.objects.get(pk=done.pk).reaudit_on
    assert day is not None
    assert f'Next re-audit: <time datetime="{day:%Y-%m-%d}">' in html


def test_a_due_reaudit_says_so_with_the_way_to_audit_again(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    done = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    completed_on(done, done.completed_at - timedelta(weeks=7))  # type: ignore[operator]
    html = page(owner_client.get("/"))
    assert "Time to re-audit" in html
    assert f'href="/audits/{done.public_id}/again/"' in html


def test_home_and_start_pages_without_audits_say_nothing_of_them(
    owner_client: Client, anon_client: Client
) -> None:
    for client in (owner_client, anon_client):
        for url in ("/", "/audits/new/"):
            assert "this-browser" not in page(client.get(url))


# --- Small ----------------------------------------------------------------------------------


def test_development_site_url_follows_port(tmp_path: Path) -> None:
    from tests.test_settings import manage

    def site_url(**env: str) -> str:
        code = "from django.conf import settings; print(settings.SITE_URL)"
        result = manage(tmp_path, "shell", "--no-imports", "-c", code, **env)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert site_url(PORT="8611") == "http://127.0.0.1:8611"
    assert site_url(PORT="") == "http://127.0.0.1:8000"
    assert site_url(PORT="8611", SITE_URL="https://skills.example") == "https://skills.example"


def test_the_start_page_query_count_for_a_browser_holding_an_audit(
    make_audit: MakeAudit, django_assert_num_queries: Any
) -> None:
    audit = make_audit(track="interpretability", ratings={"reading-papers": 2})
    client = session_client_with(audit)
    client.get("/audits/new/")
    # The revision, the session, the open audit, the revision again, its rated count, the
    # latest completed audit (none).
    with django_assert_num_queries(6):
        html = page(client.get("/audits/new/"))
    assert "Continue your Interpretability audit (1 of" in html


def test_a_token_pages_log_in_link_carries_no_token(owner: User, make_audit: MakeAudit) -> None:
    from audits.models import ShareLink

    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    _, token = ShareLink.create_for(audit)
    html = page(Client().get(f"/shared/{token}/"))
    assert token not in html.replace(f"/shared/{token}/", "")  # only where the page names itself
    assert 'href="/account/login/"' in html
    # An address that is no page at all is not carried either.
    assert 'href="/account/login/"' in page(Client().get("/no/such/page/"))


def test_a_query_too_large_to_read_on_a_log_in_page_is_a_400_not_a_crash(
    anon_client: Client, settings: Any
) -> None:
    # The header's way back reads `next` from the query; a query Django refuses to read (too
    # many fields) must leave the 400 page drawable, with no way back, not turn it into a 500.
    fields = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    for path in ("/account/signup/", "/account/login/"):
        response = anon_client.get(f"{path}?next=/audits/&{fields}")
        assert response.status_code == 400
        assert "next=" not in response.content.decode()
