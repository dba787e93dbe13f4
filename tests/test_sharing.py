"""Sharing an audit read-only, and outside views through one-use rate-me links."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audits.models import (
    Audit,
    OutsideView,
    Rating,
    RatingRequest,
    RequestUsed,
    ShareLink,
)
from skillmap.guide import current_guide
from skillmap.models import MapRevision, Skill
from tests.conftest import HX, MakeAudit, session_client_with
from tests.test_audit_form import RESULTS
from tests.test_export import EXPORT_QUERIES
from tests.test_progress import PROGRESS_QUERIES
from tests.test_security_headers import assert_no_inline_code, assert_protective_headers

pytestmark = pytest.mark.django_db

TRACK = "research-scientist"
KB = 1024
SECRET_NOTE = "I only skim the abstract"

# Queries, pinned. The owner's sharing page: session, user, the audit, its live share links,
# its unexpired rate-me links.
SHARE_PAGE = 5
# Making a link: the count of live links (at most 20), the page's five and the insert.
SHARE_CREATE = 7
# What a share link opens, for a visitor with no session: the link with its audit and map,
# the last-opened stamp and the owner's ticks on the plan.
SHARED = 3
# A rate-me form: the request with its audit and map. Sending it: that, then in one
# transaction (a savepoint inside the test's own) the conditional UPDATE that claims the
# request and the outside view's insert.
RATE_ME_GET = 1
RATE_ME_POST = 5
# The thank-you page reads nothing.
THANKS = 0


def questions(track: str = TRACK) -> list[str]:
    skill_map = current_guide().map
    target = skill_map.track(track)
    assert target is not None
    return [s.slug for s in skill_map.questions_for(target)]


def every_question(value: int = 4, track: str = TRACK) -> dict[str, int]:
    return dict.fromkeys(questions(track), value)


def answers(value: int = 2, **comments: str) -> dict[str, str]:
    data = {f"rating-{slug}": str(value) for slug in questions()}
    data.update({f"note-{slug.replace('_', '-')}": text for slug, text in comments.items()})
    return data


@pytest.fixture
def done(owner: User, make_audit: MakeAudit) -> Audit:
    """The owner's completed Research Scientist audit: 4 on every question, and one note."""
    audit = make_audit(owner=owner, ratings=every_question(4))
    Rating.objects.filter(audit=audit, skill__slug="reading-papers").update(note=SECRET_NOTE)
    audit.complete(current_guide())
    return audit


def share_token(client: Client, audit: Audit, **data: str) -> str:
    url = reverse("audits:share_create", args=[audit.public_id])
    fields = {"days": "30", **data}
    response = client.post(url, {f"share-{name}": value for name, value in fields.items()})
    assert response.status_code == 201, response.content.decode()[:2000]
    found = re.search(r">http://testserver/shared/([^/<]+)/</textarea>", response.content.decode())
    assert found
    return found.group(1)


def rate_token(client: Client, audit: Audit, label: str = "my manager", **data: str) -> str:
    response = client.post(
        reverse("audits:rate_me_create", args=[audit.public_id]),
        {f"rate-{name}": value for name, value in {"label": label, "days": "30", **data}.items()},
    )
    assert response.status_code == 201, response.content.decode()[:2000]
    found = re.search(r">http://testserver/rate/([^/<]+)/</textarea>", response.content.decode())
    assert found
    return found.group(1)


def shared_url(token: str) -> str:
    return reverse("audits:shared", args=[token])


def rate_url(token: str) -> str:
    return reverse("audits:rate_me", args=[token])


def results_url(audit: Audit) -> str:
    return reverse("audits:results", args=[audit.public_id])


def assert_for_link_holders(response: Any, referrer: str = "no-referrer") -> None:
    """noindex, never stored, the site's CSP; no Referer at all from a page without a form,
    and none beyond this site from one with a form (see audits.sharing.for_link_holders)."""
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == referrer
    assert response["Cache-Control"] == "private, no-store"
    assert_protective_headers(response)  # the same CSP and headers as every page


# --- Tokens ---------------------------------------------------------------------------------


def test_tokens_are_256_bits_from_secrets_and_only_their_hashes_are_stored(
    owner_client: Client, done: Audit
) -> None:
    share = share_token(owner_client, done)
    rate = rate_token(owner_client, done)
    for token in (share, rate):
        assert len(token) == 43  # token_urlsafe(32): 256 bits, over the 128 asked for
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audits_sharelink")
        share_rows = cursor.fetchall()
        cursor.execute("SELECT * FROM audits_ratingrequest")
        rate_rows = cursor.fetchall()
    assert len(share_rows) == len(rate_rows) == 1
    # No column of either table holds the token; the hash column holds its SHA-256.
    for token, rows in ((share, share_rows), (rate, rate_rows)):
        cells = [str(cell) for row in rows for cell in row]
        assert not any(token in cell for cell in cells)
        assert hashlib.sha256(token.encode()).hexdigest() in cells
    # The sharing page never shows a token again: it cannot be read back.
    page = owner_client.get(reverse("audits:share", args=[done.public_id])).content.decode()
    assert share not in page and rate not in page


def test_two_links_never_share_a_token(owner_client: Client, done: Audit) -> None:
    tokens = {share_token(owner_client, done) for _ in range(5)}
    assert len(tokens) == 5
    assert ShareLink.objects.values("token_hash").distinct().count() == 5


# --- Making and listing share links ---------------------------------------------------------


@pytest.mark.parametrize(("days", "expected"), [("", None), ("7", 7), ("30", 30), ("90", 90)])
def test_a_share_link_expires_after_7_30_or_90_days(
    owner_client: Client, done: Audit, days: str, expected: int | None
) -> None:
    url = reverse("audits:share_create", args=[done.public_id])
    response = owner_client.post(url, {"share-days": days} if days else {})
    if expected is None:  # the form always sends a choice; none is a bad request
        assert response.status_code == 400
        assert not ShareLink.objects.exists()
        return
    assert response.status_code == 201
    link = ShareLink.objects.get()
    assert link.expires_at - link.created_at == timedelta(days=expected)


def test_the_default_choice_is_30_days(owner_client: Client, done: Audit) -> None:
    page = owner_client.get(reverse("audits:share", args=[done.public_id])).content.decode()
    assert re.search(r'<option value="30" selected>', page)


@pytest.mark.parametrize("days", ["1", "365", "thirty", "-30"])
def test_any_other_expiry_is_refused_and_stores_nothing(
    owner_client: Client, done: Audit, days: str
) -> None:
    response = owner_client.post(
        reverse("audits:share_create", args=[done.public_id]), {"share-days": days}
    )
    assert response.status_code == 400
    assert not ShareLink.objects.exists()


def test_the_owner_lists_live_links_with_expiry_and_last_opened_and_revokes(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    opened = share_token(owner_client, done, days="7")
    share_token(owner_client, done, days="90")
    expired = share_token(owner_client, done)
    ShareLink.objects.filter(token_hash=hashlib.sha256(expired.encode()).hexdigest()).update(
        expires_at=timezone.now() - timedelta(seconds=1),
        created_at=timezone.now() - timedelta(days=31),
    )
    assert anon_client.get(shared_url(opened)).status_code == 200

    page = owner_client.get(reverse("audits:share", args=[done.public_id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert_for_link_holders(page, "same-origin")
    section = html[html.index('id="share-links"') : html.index('id="rate-requests"')]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", section, re.S)
    assert len(rows) == 2  # the expired link is not live
    assert "Last fetched" in section and "Last opened" not in section
    opened_link = ShareLink.objects.get(last_opened_at__isnull=False)
    assert f"{timezone.localtime(opened_link.expires_at):%-d %b %Y}" in html
    assert html.count(">never<") == 1

    revoke = reverse("audits:share_revoke", args=[done.public_id, opened_link.pk])
    asked = owner_client.post(revoke)  # the first post only asks
    assert asked.status_code == 200
    assert 'id="confirm-share"' in asked.content.decode()
    assert anon_client.get(shared_url(opened)).status_code == 200
    response = owner_client.post(revoke, {"confirm": "yes"})
    assert response.status_code == 302
    assert anon_client.get(shared_url(opened)).status_code == 404
    opened_link.refresh_from_db()
    assert opened_link.revoked_at is not None


def test_revoking_with_htmx_answers_with_the_links_section_only(
    owner_client: Client, done: Audit
) -> None:
    share_token(owner_client, done)
    link = ShareLink.objects.get()
    response = owner_client.post(
        reverse("audits:share_revoke", args=[done.public_id, link.pk]),
        {"confirm": "yes"},
        headers=HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<section id="share-links"')
    assert "No live links." in html
    assert len(response.content) <= 4 * KB
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_making_links_with_htmx_answers_with_fragments_under_4_kb(
    owner_client: Client, done: Audit
) -> None:
    made = owner_client.post(
        reverse("audits:share_create", args=[done.public_id]), {"share-days": "30"}, headers=HX
    )
    asked = owner_client.post(
        reverse("audits:rate_me_create", args=[done.public_id]),
        {"rate-label": "my manager", "rate-days": "30", "rate-note_to_rater": "Be blunt."},
        headers=HX,
    )
    for response, section in ((made, "share-links"), (asked, "rate-requests")):
        html = response.content.decode()
        assert response.status_code == 201
        assert "<html" not in html and f'id="{section}"' in html
        assert "Copy it now" in html
        assert len(response.content) <= 4 * KB


def test_an_anonymous_owner_can_share_while_the_audit_is_in_their_session(
    make_audit: MakeAudit, anon_client: Client
) -> None:
    audit = make_audit(ratings=every_question(), complete=True)
    browser = session_client_with(audit)
    token = share_token(browser, audit)
    rate_token(browser, audit)
    assert anon_client.get(shared_url(token)).status_code == 200
    # Another browser without the audit in its session gets nothing.
    assert anon_client.get(reverse("audits:share", args=[audit.public_id])).status_code == 404


def test_an_open_audit_cannot_be_shared_yet(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings={"reading-papers": 3})
    for response in (
        owner_client.get(reverse("audits:share", args=[audit.public_id])),
        owner_client.post(
            reverse("audits:share_create", args=[audit.public_id]), {"share-days": "30"}
        ),
        owner_client.post(
            reverse("audits:rate_me_create", args=[audit.public_id]),
            {"rate-label": "x", "rate-days": "30"},
        ),
    ):
        assert response.status_code == 302
        assert response.url == results_url(audit)
    assert not ShareLink.objects.exists() and not RatingRequest.objects.exists()


# --- What a share link shows ----------------------------------------------------------------


def test_a_share_link_shows_the_results_read_only_and_nothing_of_the_account(
    owner: User, owner_client: Client, anon_client: Client, done: Audit
) -> None:
    token = share_token(owner_client, done)
    response = anon_client.get(shared_url(token))
    html = response.content.decode()
    assert response.status_code == 200
    assert_for_link_holders(response)
    assert_no_inline_code(html, where="shared results")
    assert '<meta name="robots" content="noindex">' in html
    assert "Research Scientist" in html
    assert "What they’ll be hired on" in html and "Their six weeks" in html
    for private in (owner.username, owner.email, SECRET_NOTE, str(done.public_id)):
        assert private not in html
    # No form, and no link into the owner's audits or account.
    assert "<form" not in html
    assert "/audits/" not in re.sub(r'href="/audits/new/"', "", html)
    assert "/account/" not in re.sub(r'href="/account/(login|signup)/"', "", html)


def test_notes_show_only_when_the_owner_includes_them(
    owner_client: Client, anon_client: Client, done: Audit, make_audit: MakeAudit, owner: User
) -> None:
    # A gap on the hired-on cell puts the note's skill in the plan, where notes show.
    low = make_audit(owner=owner, ratings={**every_question(4), "reading-papers": 2})
    Rating.objects.filter(audit=low, skill__slug="reading-papers").update(note=SECRET_NOTE)
    low.complete(current_guide())
    without = share_token(owner_client, low)
    with_notes = share_token(owner_client, low, include_notes="on")
    assert SECRET_NOTE not in anon_client.get(shared_url(without)).content.decode()
    assert SECRET_NOTE in anon_client.get(shared_url(with_notes)).content.decode()
    assert SECRET_NOTE in owner_client.get(results_url(low)).content.decode()


def test_a_shared_page_for_a_signed_in_visitor_shows_nothing_of_the_owner(
    owner: User, owner_client: Client, other_client: Client, done: Audit
) -> None:
    token = share_token(owner_client, done)
    html = other_client.get(shared_url(token)).content.decode()
    assert owner.username not in html and owner.email not in html
    assert str(done.public_id) not in html


def test_a_share_link_opens_its_own_audit_and_no_other(
    owner: User, owner_client: Client, anon_client: Client, make_audit: MakeAudit
) -> None:
    scientist = make_audit(owner=owner, ratings=every_question(4), complete=True)
    engineer = make_audit(
        owner=owner, track="research-engineer", ratings=every_question(3, "research-engineer")
    )
    engineer.complete(current_guide())
    token = share_token(owner_client, engineer)
    html = anon_client.get(shared_url(token)).content.decode()
    assert "Research Engineer" in html
    assert "Your results: Research Scientist" not in html
    assert str(scientist.public_id) not in html


def test_the_last_opened_date_is_kept(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    token = share_token(owner_client, done)
    assert ShareLink.objects.get().last_opened_at is None
    before = timezone.now()
    anon_client.get(shared_url(token))
    opened = ShareLink.objects.get().last_opened_at
    assert opened is not None and opened >= before


def test_rater_comments_and_outside_views_never_show_on_a_shared_page(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    rate = rate_token(owner_client, done, label="my manager")
    anon_client.post(rate_url(rate), answers(2, reading_papers="A private word"))
    html = anon_client.get(shared_url(share_token(owner_client, done))).content.decode()
    assert "A private word" not in html
    assert "my manager" not in html
    assert "Outside views" not in html and "calibration gap" not in html


# --- Dead links -----------------------------------------------------------------------------


def test_revoked_expired_and_unknown_links_are_the_same_404(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    revoked, expired = share_token(owner_client, done), share_token(owner_client, done)
    ShareLink.objects.get(token_hash=hashlib.sha256(revoked.encode()).hexdigest()).revoke()
    ShareLink.objects.filter(token_hash=hashlib.sha256(expired.encode()).hexdigest()).update(
        created_at=timezone.now() - timedelta(days=40),
        expires_at=timezone.now() - timedelta(days=10),
    )
    unknown = "A" * 43
    responses = {
        name: anon_client.get(shared_url(token))
        for name, token in {
            "revoked": revoked,
            "expired": expired,
            "unknown": unknown,
            "malformed": "not-a-token",
            "a rate-me token": rate_token(owner_client, done),
        }.items()
    }
    bodies = {name: r.content for name, r in responses.items()}
    for name, response in responses.items():
        assert response.status_code == 404, name
        assert_for_link_holders(response)
        assert bodies[name] == bodies["unknown"], name
    assert not ShareLink.objects.filter(last_opened_at__isnull=False).exists()


def test_an_unknown_rate_me_token_is_the_same_404(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    share = share_token(owner_client, done)
    expired = rate_token(owner_client, done)
    RatingRequest.objects.update(
        created_at=timezone.now() - timedelta(days=40),
        expires_at=timezone.now() - timedelta(days=1),
    )
    dead = anon_client.get(shared_url("B" * 43)).content
    for token in (share, expired, "B" * 43, "short"):
        tried = (anon_client.get(rate_url(token)), anon_client.post(rate_url(token), answers()))
        for response in tried:
            assert response.status_code == 404
            assert response.content == dead
    assert not OutsideView.objects.exists()


# --- Rate-me links --------------------------------------------------------------------------


def test_the_rater_sees_the_owners_questions_levels_and_honesty_but_not_their_ratings(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    token = rate_token(owner_client, done, label="my manager", note_to_rater="Be blunt, please.")
    response = anon_client.get(rate_url(token))
    html = response.content.decode()
    assert response.status_code == 200
    assert_for_link_holders(response, "same-origin")
    assert_no_inline_code(html, where="rate-me form")
    taken = done.taken()
    skill_map = taken.guide.map
    asked = skill_map.questions_for(skill_map.track(TRACK))  # type: ignore[arg-type]
    assert html.count('<fieldset class="skill"') == len(asked)
    for skill in asked:
        assert f'name="rating-{skill.slug}"' in html
        for description in skill.levels:
            assert escape(description) in html
    assert taken.guide.passages["honest_point"] in html
    assert "Be blunt, please." in html
    assert "Research Scientist" in html
    # Not anchored: none of the owner's ratings is chosen, and the label is the owner's alone.
    assert " checked" not in html
    assert "my manager" not in html
    assert SECRET_NOTE not in html


def test_the_rater_gets_the_map_the_audit_was_taken_against(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    before = Skill.objects.get(slug="reading-papers").question
    Skill.objects.filter(slug="reading-papers").update(question="A question asked only today?")
    MapRevision.bump()
    html = anon_client.get(rate_url(rate_token(owner_client, done))).content.decode()
    assert before in html
    assert "A question asked only today?" not in html


def test_one_submission_then_a_thank_you_then_409(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    token = rate_token(owner_client, done)
    response = anon_client.post(rate_url(token), answers(2, reading_papers="Skims papers"))
    assert response.status_code == 302
    assert response.url == reverse("audits:rate_me_thanks")
    thanks = anon_client.get(response.url)
    assert thanks.status_code == 200
    assert_for_link_holders(thanks)
    assert "Thank you" in thanks.content.decode()
    assert "Research" not in thanks.content.decode().split("<main", 1)[1].split("</main>")[0]

    view = OutsideView.objects.get()
    assert view.ratings == every_question(2)
    assert view.comments == {"reading-papers": "Skims papers"}
    assert view.request.used_at is not None

    for again in (anon_client.post(rate_url(token), answers(5)), anon_client.get(rate_url(token))):
        assert again.status_code == 409
        assert_for_link_holders(again)
        assert "This link has been used" in again.content.decode()
    assert OutsideView.objects.get().ratings == every_question(2)


@pytest.mark.parametrize(
    "change",
    [
        "missing one",
        "empty one",
        "zero",
        "six",
        "a word",
        "a decimal",
        "an unknown skill",
        "a skill this track does not ask",
        "a comment too long",
        "a comment without a rating",
    ],
)
def test_bad_input_is_a_clear_400_and_stores_nothing(
    owner_client: Client, anon_client: Client, done: Audit, change: str
) -> None:
    token = rate_token(owner_client, done)
    data = answers(3)
    first = f"rating-{questions()[0]}"
    not_asked = next(s.slug for s in Skill.objects.all() if s.slug not in questions())
    match change:
        case "missing one":
            del data[first]
        case "empty one":
            data[first] = ""
        case "zero":
            data[first] = "0"
        case "six":
            data[first] = "6"
        case "a word":
            data[first] = "four"
        case "a decimal":
            data[first] = "3.5"
        case "an unknown skill":
            data["rating-juggling"] = "3"
        case "a skill this track does not ask":
            data[f"rating-{not_asked}"] = "3"
        case "a comment too long":
            data[f"note-{questions()[0]}"] = "x" * 281
        case "a comment without a rating":
            del data[first]
            data[f"note-{questions()[0]}"] = "no rating"
    response = anon_client.post(rate_url(token), data)
    assert response.status_code == 400
    assert_for_link_holders(response, "same-origin")
    assert "Nothing was sent" in response.content.decode()
    assert not OutsideView.objects.exists()
    assert RatingRequest.objects.get().used_at is None
    # The link still works for a good answer.
    assert anon_client.post(rate_url(token), answers(3)).status_code == 302


def test_a_stale_copy_of_the_request_cannot_submit_twice(owner_client: Client, done: Audit) -> None:
    """The one-use check is the conditional UPDATE, not the instance's idea of its state."""
    rate_token(owner_client, done)
    first, second = RatingRequest.objects.get(), RatingRequest.objects.get()
    first.submit(every_question(2), {})
    with pytest.raises(RequestUsed):
        second.submit(every_question(5), {})
    assert OutsideView.objects.get().ratings == every_question(2)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_cannot_both_succeed(
    seeded_transactional: None, owner: User, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=every_question(4), complete=True)
    request, _ = RatingRequest.create_for(audit, label="two tabs")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(value: int) -> None:
        try:
            mine = RatingRequest.objects.get(pk=request.pk)  # both read it open
            assert mine.used_at is None
            barrier.wait(timeout=10)
            for _ in range(200):
                try:
                    mine.submit(every_question(value), {})
                    break
                except OperationalError as locked:
                    # The suite's in-memory SQLite refuses a second writer at once ("table is
                    # locked") where a database file waits for it (busy timeout): wait here.
                    if "locked" not in str(locked):
                        raise
                    time.sleep(0.02)
            outcomes.append("stored")
        except RequestUsed:
            outcomes.append("409")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(v,)) for v in (2, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["409", "stored"]
    assert OutsideView.objects.filter(request=request).count() == 1


# --- Outside views beside the owner's own ---------------------------------------------------


def own_sections(html: str) -> str:
    """The owner's own results: every bucket, the chart, the ranking and the plan."""
    start = html.index('<section aria-labelledby="all-buckets">')
    own = html[start : html.index('<section id="outside"')]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", own)  # masked anew each time


def test_outside_ratings_never_change_the_owners_scores_or_ranking(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    before_html = owner_client.get(results_url(done)).content.decode()
    before = (done.snapshot, done.summary, list(done.ratings.values()))
    before_fits = done.taken().assessment().fits  # type: ignore[union-attr]

    for value, label in ((1, "my manager"), (5, "a peer")):
        token = rate_token(owner_client, done, label=label)
        assert anon_client.post(rate_url(token), answers(value)).status_code == 302

    done.refresh_from_db()
    assert (done.snapshot, done.summary, list(done.ratings.values())) == before
    assert done.taken().assessment().fits == before_fits  # type: ignore[union-attr]
    after_html = owner_client.get(results_url(done)).content.decode()
    assert own_sections(after_html) == own_sections(before_html)
    assert "They never change your own scores, gaps, plan or ranking." in after_html


def test_the_owner_sees_outside_ratings_beside_their_own_with_calibration_gaps(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    token = rate_token(owner_client, done, label="my manager")
    data = answers(3, reading_papers="Skims the method sections")
    data["rating-reading-papers"] = "2"  # the hired-on cell: 4 own, 2 outside
    anon_client.post(rate_url(token), data)

    html = owner_client.get(results_url(done)).content.decode()
    article = html[html.index('<article class="outside-view"') : html.index("</article>")]
    assert "my manager" in article
    assert f"{timezone.localtime(OutsideView.objects.get().submitted_at):%-d %B %Y}" in article
    # Per cell: Research (hired on) 4 against 2, a gap; the others 4 against 3, not a gap.
    research = re.search(r"<tr class=\"focus-row\">.*?</tr>", article, re.S)
    assert research
    cells = re.findall(r"<td>(.*?)</td>", research.group(0), re.S)
    assert cells[:2] == ["4", "2"] and "-2" in cells[2] and "calibration gap" in cells[2]
    assert article.count("calibration gap</strong>") == 2  # the Research cell and its skill
    # Per skill, with the rater's comment, for the owner alone.
    row = re.search(r"<th scope=\"row\">Reading papers</th>.*?</tr>", article, re.S)
    assert row and "Skims the method sections" in row.group(0)
    # The headline says an outside view disagrees on a hired-on cell.
    headline = html[html.index('id="headline"') : html.index('aria-labelledby="all-buckets"')]
    assert "calibration gap" in headline and "my manager" in headline
    assert "a cell you are hired on, 2 where you score 4" in headline


def test_no_headline_when_outside_views_agree_on_hired_on_cells(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    anon_client.post(rate_url(rate_token(owner_client, done)), answers(3))
    html = owner_client.get(results_url(done)).content.decode()
    headline = html[html.index('id="headline"') : html.index('aria-labelledby="all-buckets"')]
    assert "calibration gap" not in headline
    assert "No calibration gaps" in html


def test_several_outside_views_each_by_label_and_date(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    for label in ("my manager", "a peer", "my mentor"):
        anon_client.post(rate_url(rate_token(owner_client, done, label=label)), answers(3))
    html = owner_client.get(results_url(done)).content.decode()
    assert html.count('<article class="outside-view"') == 3
    for label in ("my manager", "a peer", "my mentor"):
        assert f'-heading">{label} <span class="muted">' in html


def test_the_owner_deletes_an_outside_view(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    token = rate_token(owner_client, done)
    anon_client.post(rate_url(token), answers(2))
    view = OutsideView.objects.get()
    response = owner_client.post(reverse("audits:outside_delete", args=[done.public_id, view.pk]))
    assert response.status_code == 302
    assert response.url == results_url(done) + "#outside"
    assert not OutsideView.objects.exists()
    # The link stays closed.
    assert anon_client.post(rate_url(token), answers(2)).status_code == 409


def test_the_owner_withdraws_an_unanswered_rate_me_link(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    token = rate_token(owner_client, done)
    request = RatingRequest.objects.get()
    response = owner_client.post(
        reverse("audits:rate_me_withdraw", args=[done.public_id, request.pk]),
        {"confirm": "yes"},
        headers=HX,
    )
    assert response.status_code == 200 and len(response.content) <= 4 * KB
    assert anon_client.get(rate_url(token)).status_code == 404


def test_everything_goes_with_the_audit(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    share_token(owner_client, done)
    anon_client.post(rate_url(rate_token(owner_client, done)), answers(2))
    rate_token(owner_client, done)
    assert owner_client.post(reverse("audits:delete", args=[done.public_id])).status_code == 302
    assert not ShareLink.objects.exists()
    assert not RatingRequest.objects.exists()
    assert not OutsideView.objects.exists()


def test_progress_shows_the_later_audits_outside_views(
    owner: User, owner_client: Client, anon_client: Client, make_audit: MakeAudit, done: Audit
) -> None:
    later = make_audit(owner=owner, ratings=every_question(5), complete=True)
    anon_client.post(rate_url(rate_token(owner_client, later, label="my mentor")), answers(3))
    html = owner_client.get(reverse("audits:progress")).content.decode()
    assert "Outside views of your" in html
    assert "my mentor" in html and "calibration gap" in html


def test_exports_include_outside_views(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    anon_client.post(
        rate_url(rate_token(owner_client, done, label="my manager")),
        answers(2, reading_papers="=HYPERLINK(1)"),
    )
    data = owner_client.get("/audits/export.json").json()
    (views,) = [a["outside_views"] for a in data["audits"] if a["id"] == str(done.public_id)]
    assert views[0]["label"] == "my manager"
    assert views[0]["ratings"] == every_question(2)
    assert views[0]["comments"] == {"reading-papers": "=HYPERLINK(1)"}
    csv_text = owner_client.get("/audits/export.csv").content.decode()
    lines = csv_text.splitlines()
    assert lines[0].endswith(",note,rated_by")
    outside = [line for line in lines if line.endswith(",outside: my manager")]
    assert len(outside) == len(questions())
    assert any(",'=HYPERLINK(1)," in line for line in outside)
    assert sum(line.endswith(",self") for line in lines) == len(questions())


def test_results_and_progress_read_outside_views_in_one_query(
    owner: User,
    owner_client: Client,
    anon_client: Client,
    done: Audit,
    make_audit: MakeAudit,
    django_assert_num_queries: Any,
) -> None:
    later = make_audit(owner=owner, ratings=every_question(3), complete=True)
    for audit in (done, later):
        for n in range(3):
            anon_client.post(rate_url(rate_token(owner_client, audit, label=f"v{n}")), answers(2))
    owner_client.get(results_url(done))
    with django_assert_num_queries(RESULTS):
        assert "v2" in owner_client.get(results_url(done)).content.decode()
    with django_assert_num_queries(PROGRESS_QUERIES):
        assert "v2" in owner_client.get(reverse("audits:progress")).content.decode()


@pytest.mark.parametrize("url", ["/audits/export.json", "/audits/export.csv"])
def test_export_queries_stay_flat_with_outside_views(
    owner_client: Client,
    anon_client: Client,
    done: Audit,
    django_assert_num_queries: Any,
    url: str,
) -> None:
    for n in range(3):
        anon_client.post(rate_url(rate_token(owner_client, done, label=f"v{n}")), answers(2))
    with django_assert_num_queries(EXPORT_QUERIES[url]):
        assert owner_client.get(url).status_code == 200


# --- Rate limits ----------------------------------------------------------------------------


@override_settings(
    RATE_LIMIT_ENABLED=True, RATE_LIMITS={"share": "2/h", "outside": "1/h", "save": "100/m"}
)
def test_making_links_and_sending_outside_ratings_are_rate_limited(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    share_token(owner_client, done)
    rate_token(owner_client, done)
    over = owner_client.post(
        reverse("audits:share_create", args=[done.public_id]), {"share-days": "30"}
    )
    assert over.status_code == 429
    assert ShareLink.objects.count() == 1 and RatingRequest.objects.count() == 1

    first = RatingRequest.create_for(done, label="a")
    second = RatingRequest.create_for(done, label="b")
    assert anon_client.post(rate_url(first[1]), answers(2)).status_code == 302
    limited = anon_client.post(rate_url(second[1]), answers(2))
    assert limited.status_code == 429
    assert "Too many requests" in limited.content.decode()
    assert OutsideView.objects.count() == 1
    assert anon_client.get(rate_url(second[1])).status_code == 200  # reads are never limited


# --- Queries and sizes ----------------------------------------------------------------------


def test_query_counts(
    owner_client: Client,
    anon_client: Client,
    done: Audit,
    django_assert_num_queries: Any,
) -> None:
    share_url = reverse("audits:share", args=[done.public_id])
    owner_client.get(share_url)
    with django_assert_num_queries(SHARE_PAGE):
        assert owner_client.get(share_url).status_code == 200
    with django_assert_num_queries(SHARE_CREATE):
        token = share_token(owner_client, done)
    rate = rate_token(owner_client, done)
    with django_assert_num_queries(SHARED):
        assert anon_client.get(shared_url(token)).status_code == 200
    with django_assert_num_queries(RATE_ME_GET):
        assert anon_client.get(rate_url(rate)).status_code == 200
    sent = answers(2)
    with django_assert_num_queries(RATE_ME_POST):
        assert anon_client.post(rate_url(rate), sent).status_code == 302
    with django_assert_num_queries(THANKS):
        assert anon_client.get(reverse("audits:rate_me_thanks")).status_code == 200


def test_query_counts_stay_flat_with_many_links_and_views(
    owner_client: Client,
    anon_client: Client,
    done: Audit,
    django_assert_num_queries: Any,
) -> None:
    for n in range(10):
        share_token(owner_client, done)
        anon_client.post(rate_url(rate_token(owner_client, done, label=f"rater {n}")), answers(3))
    with django_assert_num_queries(SHARE_PAGE):
        owner_client.get(reverse("audits:share", args=[done.public_id]))


def test_pages_are_under_60_kb(owner_client: Client, anon_client: Client, done: Audit) -> None:
    for n in range(5):
        share_token(owner_client, done)
        rate_token(owner_client, done, label=f"rater {n}")
    for n in range(3):
        anon_client.post(rate_url(rate_token(owner_client, done, label=f"view {n}")), answers(2))
    token = share_token(owner_client, done)
    pages = {
        "sharing page": owner_client.get(reverse("audits:share", args=[done.public_id])),
        "results with outside views": owner_client.get(results_url(done)),
        "shared": anon_client.get(shared_url(token)),
        "rate me": anon_client.get(rate_url(rate_token(owner_client, done))),
        "thanks": anon_client.get(reverse("audits:rate_me_thanks")),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert len(response.content) <= 60 * KB, (name, len(response.content))
        assert_no_inline_code(response.content.decode(), where=name)


# --- Isolation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """A view that takes an audit id (and maybe one of its links' or views' ids)."""

    name: str
    method: str
    owner_status: int
    completed: bool = True
    data: dict[str, str] = field(default_factory=dict)
    item: str = ""  # "link", "request" or "view": the id of one of the audit's own

    def url(self, audit: Audit) -> str:
        args: list[Any] = [audit.public_id]
        if self.item == "link":
            args.append(ShareLink.objects.filter(audit=audit).first().pk)  # type: ignore[union-attr]
        elif self.item == "request":
            args.append(
                RatingRequest.objects.filter(audit=audit, used_at__isnull=True).first().pk  # type: ignore[union-attr]
            )
        elif self.item == "view":
            args.append(OutsideView.objects.filter(request__audit=audit).first().pk)  # type: ignore[union-attr]
        return reverse(f"audits:{self.name}", args=args)

    def send(self, client: Client, audit: Audit, token: str = "") -> Any:
        url = self.url(audit)
        # A token in hand, offered every way a visitor could: it must make no difference.
        query = f"?token={token}" if token else ""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if self.method == "get":
            return client.get(url + query, headers=headers)
        return client.post(url + query, {**self.data, "token": token}, headers=headers)


AUDIT_CALLS = [
    Call("audit", "get", 200, completed=False),
    Call("audit", "post", 302, completed=False, data={"rating-reading-papers": "5"}),
    Call("audit", "post", 302, completed=False, data={"track": "interpretability"}),
    # Not fully rated: the owner is sent back to the form, which lists what is left.
    Call("audit", "post", 302, completed=False, data={"action": "finish"}),
    Call("results", "get", 200),
    Call("copy", "post", 302),
    Call("delete", "get", 200),
    Call("delete", "post", 302),
    Call("share", "get", 200),
    Call("share_create", "post", 201, data={"share-days": "30"}),
    Call("share_revoke", "post", 302, data={"confirm": "yes"}, item="link"),
    Call("rate_me_create", "post", 201, data={"rate-label": "intruder", "rate-days": "30"}),
    Call("rate_me_withdraw", "post", 302, data={"confirm": "yes"}, item="request"),
    Call("outside_delete", "post", 302, item="view"),
]


def call_id(call: Call) -> str:
    return f"{call.method.upper()} {call.name}{'' if call.completed else ' (open)'}"


def db_state() -> list[list[dict[str, Any]]]:
    """Every row of every table an audit owns: any write at all changes this."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (Audit, Rating, ShareLink, RatingRequest, OutsideView)
    ]


@dataclass
class Holders:
    """The owner's audit with a link of each kind (and one answered), and who holds what."""

    audit: Audit
    share: str
    rate: str
    clients: dict[str, Client]
    tokens: dict[str, str]


def holders_for(call: Call, owner: User, other_user: User, make_audit: MakeAudit) -> Holders:
    audit = make_audit(owner=owner, ratings=every_question(4), complete=call.completed)
    if not call.completed:  # links need a completed audit; an open one has none to hold
        audit = make_audit(owner=owner, ratings={"reading-papers": 3})
        done = make_audit(owner=owner, ratings=every_question(4), complete=True)
    else:
        done = audit
    share = ShareLink.create_for(done)[1]
    rate = RatingRequest.create_for(done, label="answered")[1]
    RatingRequest.create_for(done, label="waiting")
    # The token holders: a browser that opened the share link, one that answered the rate-me
    # link, and the other user with links to their own audit, opened and answered.
    share_holder, rate_holder, other = Client(), Client(), Client()
    other.force_login(other_user)
    assert share_holder.get(shared_url(share)).status_code == 200
    assert rate_holder.get(rate_url(rate)).status_code == 200
    assert rate_holder.post(rate_url(rate), answers(2)).status_code == 302
    theirs = make_audit(owner=other_user, ratings=every_question(3), complete=True)
    their_share = ShareLink.create_for(theirs)[1]
    their_rate = RatingRequest.create_for(theirs, label="theirs")[1]
    assert other.get(shared_url(their_share)).status_code == 200
    assert other.post(rate_url(their_rate), answers(4)).status_code == 302
    return Holders(
        audit=audit,
        share=share,
        rate=rate,
        clients={
            "share token": share_holder,
            "rate-me token": rate_holder,
            "other user's token": other,
        },
        tokens={"share token": share, "rate-me token": rate, "other user's token": their_share},
    )


@pytest.mark.parametrize("call", AUDIT_CALLS, ids=call_id)
def test_the_owner_can_use_every_audit_view(
    call: Call, owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    if call.completed:
        audit = make_audit(owner=owner, ratings=every_question(4), complete=True)
        ShareLink.create_for(audit)
        RatingRequest.create_for(audit, label="waiting")
        RatingRequest.create_for(audit, label="answered")[0].submit(every_question(2), {})
    else:
        audit = make_audit(owner=owner, ratings={"reading-papers": 3})
    assert call.send(owner_client, audit).status_code == call.owner_status


@pytest.mark.parametrize("holder", ["share token", "rate-me token", "other user's token"])
@pytest.mark.parametrize("call", AUDIT_CALLS, ids=call_id)
def test_a_token_in_hand_opens_no_audit_view(
    call: Call, holder: str, owner: User, other_user: User, make_audit: MakeAudit
) -> None:
    state = holders_for(call, owner, other_user, make_audit)
    before = db_state()
    response = call.send(state.clients[holder], state.audit, token=state.tokens[holder])
    if response.status_code == 302:  # a page read logged out: log in first, nothing of it
        assert holder != "other user's token" and response.wsgi_request.method == "GET"
        assert response.url == "/account/login/?next=" + response.wsgi_request.path
    else:
        assert response.status_code == 404
    assert db_state() == before
    assert str(state.audit.public_id) not in response.content.decode()


SHARING_CALLS = [c for c in AUDIT_CALLS if c.name.startswith(("share", "rate_me", "outside"))]


@pytest.mark.parametrize("intruder", ["other user", "anonymous"])
@pytest.mark.parametrize("call", SHARING_CALLS, ids=call_id)
def test_nobody_else_can_use_the_sharing_views(
    call: Call, intruder: str, owner: User, other_user: User, make_audit: MakeAudit
) -> None:
    state = holders_for(call, owner, other_user, make_audit)
    client = Client()
    if intruder == "other user":
        client.force_login(other_user)
    before = db_state()
    response = call.send(client, state.audit)
    if response.status_code == 302:  # a page read logged out: log in first, nothing of it
        assert intruder == "anonymous" and response.wsgi_request.method == "GET"
        assert response.url == "/account/login/?next=" + response.wsgi_request.path
    else:
        assert response.status_code == 404
    assert db_state() == before


@pytest.mark.parametrize("name", ["share_revoke", "rate_me_withdraw", "outside_delete"])
def test_an_item_of_another_audit_is_not_found_under_your_own(
    name: str, owner: User, other_user: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    mine = make_audit(owner=owner, ratings=every_question(4), complete=True)
    theirs = make_audit(owner=other_user, ratings=every_question(4), complete=True)
    link, _ = ShareLink.create_for(theirs)
    waiting, _ = RatingRequest.create_for(theirs, label="waiting")
    answered, _ = RatingRequest.create_for(theirs, label="answered")
    view = answered.submit(every_question(2), {})
    item = {"share_revoke": link.pk, "rate_me_withdraw": waiting.pk, "outside_delete": view.pk}
    before = db_state()
    response = owner_client.post(reverse(f"audits:{name}", args=[mine.public_id, item[name]]))
    assert response.status_code == 404
    assert db_state() == before


def test_a_share_token_is_not_a_rate_me_token_and_back(
    owner_client: Client, anon_client: Client, done: Audit
) -> None:
    share, rate = share_token(owner_client, done), rate_token(owner_client, done)
    assert anon_client.get(rate_url(share)).status_code == 404
    assert anon_client.post(rate_url(share), answers(2)).status_code == 404
    assert anon_client.get(shared_url(rate)).status_code == 404
    assert not OutsideView.objects.exists()
