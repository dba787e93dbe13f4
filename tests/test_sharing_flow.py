"""The link flow on the sharing page and what a rater reads: labels, confirm steps, the dead-link
page, who is asking, and the rate-me form's error summary."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from audits.models import Audit, RatingRequest, ShareLink
from skillmap.guide import current_guide
from tests.conftest import HX, MakeAudit
from tests.test_sharing import (
    answers,
    every_question,
    questions,
    rate_token,
    rate_url,
    share_token,
    shared_url,
)

pytestmark = pytest.mark.django_db

DEAD = "This link has expired or was withdrawn by its owner"


@pytest.fixture
def done(owner: User, make_audit: MakeAudit) -> Audit:
    """The owner's completed Research Scientist audit, 4 on every question."""
    return make_audit(owner=owner, ratings=every_question(4), complete=True)


def share_page(client: Client, audit: Audit) -> str:
    response = client.get(reverse("audits:share", args=[audit.public_id]))
    assert response.status_code == 200
    return response.content.decode()


# --- The two forms on one page --------------------------------------------------------------


def test_the_two_forms_have_their_own_ids_names_and_labels(owner_client: Client, done: Audit):
    html = share_page(owner_client, done)
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    for prefix in ("share", "rate"):
        assert f'<label for="id_{prefix}-days">Expires after</label>' in html
        assert f'<select name="{prefix}-days" id="id_{prefix}-days">' in html
    assert 'name="share-label"' in html and 'name="rate-label"' in html
    assert 'name="rate-from_name"' in html
    assert "Sign it" in html  # the owner is told to sign their note


def test_the_checkbox_comes_with_its_own_label(owner_client: Client, done: Audit):
    html = share_page(owner_client, done)
    assert '<label for="id_share-include_notes">Include my notes</label>' in html
    assert 'type="checkbox" name="share-include_notes"' in html


# --- A new link -----------------------------------------------------------------------------


def test_a_new_link_is_shown_whole_focused_with_a_copy_button_for_script(
    owner_client: Client, done: Audit
):
    token = share_token(owner_client, done, label="for my mentor")
    response = owner_client.get(reverse("audits:share", args=[done.public_id]))
    assert token not in response.content.decode()  # shown only on the response that made it
    made = owner_client.post(
        reverse("audits:share_create", args=[done.public_id]),
        {"share-days": "30", "share-label": "for the team"},
    )
    html = made.content.decode()
    field = re.search(r'<textarea id="new-share-link"[^>]*>([^<]+)</textarea>', html)
    assert field, html
    assert "readonly" in field.group(0) and "autofocus" in field.group(0)
    assert re.fullmatch(r"http://testserver/shared/[A-Za-z0-9_-]{43}/", field.group(1))
    assert '<label for="new-share-link" class="visually-hidden">' in html
    # The button is the script's to show: without script it would copy nothing.
    assert '<button type="button" class="copy-link" data-copy="new-share-link" hidden>' in html
    assert "js/share.js" in html
    assert "Your new link for for the team" in html


def test_links_carry_their_labels_in_the_list(owner_client: Client, done: Audit):
    share_token(owner_client, done, label="for my mentor")
    share_token(owner_client, done)
    rate_token(owner_client, done, label="my manager", from_name="Ana")
    html = share_page(owner_client, done)
    assert '<th scope="row">for my mentor</th>' in html
    assert '<th scope="row"><span class="muted">no label</span></th>' in html
    assert 'my manager <span class="muted">(from Ana)</span>' in html
    assert "Last fetched" in html and "Last opened" not in html
    assert re.search(
        r"Revoke…<span class=\"visually-hidden\"> the link for for my mentor, made ", html
    )


# --- Revoking asks first, then says what happened -------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_revoking_asks_to_confirm_then_says_what_happened(
    owner_client: Client, anon_client: Client, done: Audit, htmx: bool
):
    token = share_token(owner_client, done, label="for my mentor")
    link = ShareLink.objects.get()
    url = reverse("audits:share_revoke", args=[done.public_id, link.pk])
    headers = HX if htmx else {}
    asked = owner_client.post(url, headers=headers)
    html = asked.content.decode()
    assert asked.status_code == 200
    assert 'id="confirm-share"' in html and "autofocus" in html
    assert "Revoke the link “for my mentor”, made " in html
    assert '<input type="hidden" name="confirm" value="yes">' in html
    assert "No, keep it" in html
    assert anon_client.get(shared_url(token)).status_code == 200  # nothing done yet

    done_response = owner_client.post(url, {"confirm": "yes"}, headers=headers)
    said = "The share link “for my mentor”, made "
    if htmx:
        assert done_response.status_code == 200
        done_html = done_response.content.decode()
        assert '<p class="link-done" role="status" tabindex="-1" autofocus>' + said in done_html
    else:
        assert done_response.status_code == 302
        assert done_response["Location"].endswith("/share/#share-links")
        page = owner_client.get(done_response["Location"]).content.decode()
        assert said in page and "is revoked" in page
    assert anon_client.get(shared_url(token)).status_code == 404


def test_withdrawing_a_rate_me_link_asks_first_too(
    owner_client: Client, anon_client: Client, done: Audit
):
    token = rate_token(owner_client, done, label="my manager")
    request = RatingRequest.objects.get()
    url = reverse("audits:rate_me_withdraw", args=[done.public_id, request.pk])
    asked = owner_client.post(url, headers=HX)
    assert "Withdraw the link “my manager”, made " in asked.content.decode()
    assert RatingRequest.objects.exists()
    withdrawn = owner_client.post(url, {"confirm": "yes"}, headers=HX)
    assert "The rate-me link “my manager”, made " in withdrawn.content.decode()
    assert not RatingRequest.objects.exists()
    assert anon_client.get(rate_url(token)).status_code == 404


# --- Dead links -----------------------------------------------------------------------------


def test_every_dead_link_says_it_expired_or_was_withdrawn(
    owner_client: Client, anon_client: Client, done: Audit
):
    token = share_token(owner_client, done)
    ShareLink.objects.get().revoke()
    for url in (shared_url(token), rate_url("x" * 43), shared_url("not-a-token")):
        response = anon_client.get(url)
        html = response.content.decode()
        assert response.status_code == 404
        assert f"<h1>{DEAD}</h1>" in html
        assert "another account or browser" not in html


# --- What the rater reads -------------------------------------------------------------------


def test_the_rater_learns_who_is_asking_and_reads_the_caption_first(
    owner_client: Client, anon_client: Client, done: Audit
):
    token = rate_token(owner_client, done, from_name="Ana Lopez", note_to_rater="Be blunt. Ana")
    html = anon_client.get(rate_url(token)).content.decode()
    assert "<strong>Ana Lopez</strong>, who is aiming for Research Scientist" in html
    caption, note = html.index("Their note to you"), html.index("Be blunt. Ana")
    assert caption < note
    assert "my manager" not in html  # the owner's own label stays theirs


def test_no_name_is_shown_unless_the_owner_gives_one(
    owner_client: Client, anon_client: Client, done: Audit
):
    token = rate_token(owner_client, done)
    html = anon_client.get(rate_url(token)).content.decode()
    assert "Someone who is aiming for Research Scientist" in html
    assert RatingRequest.objects.get().from_name == ""


def test_the_rate_me_form_uses_the_owners_question_cards(
    owner_client: Client, anon_client: Client, done: Audit
):
    token = rate_token(owner_client, done)
    html = anon_client.get(rate_url(token)).content.decode()
    skill_map = current_guide().map
    for slug in questions():
        skill = next(s for s in skill_map.skills if s.slug == slug)
        card = html[html.index(f'id="skill-{slug}"') :]
        card = card[: card.index("</fieldset>")]
        if len(skill.levels) == 5:  # one choice per row, its words beside it
            assert '<div class="choices described">' in card
            assert all(escape(level) in card for level in skill.levels)
        if skill.added:  # the app's own question is marked as such here too
            assert "Added by Skills Map" in card or "Skills Map’s own question" in card
    assert "js/audit" in html  # its script focuses the error summary


def test_a_missing_rating_is_a_focused_summary_linking_to_each_question(
    owner_client: Client, anon_client: Client, done: Audit
):
    token = rate_token(owner_client, done)
    data = answers(3)
    first, second = questions()[:2]
    del data[f"rating-{first}"]
    del data[f"rating-{second}"]
    response = anon_client.post(rate_url(token), data)
    html = response.content.decode()
    assert response.status_code == 400
    summary = html[html.index('<div class="error-summary" id="error-summary" tabindex="-1"') :]
    summary = summary[: summary.index("</div>")]
    assert "Rate every skill first" in summary and "Nothing was sent. 2 still to rate:" in summary
    assert f'href="#id_rating-{first}_0"' in summary and f'href="#id_rating-{second}_0"' in summary
    assert f'id="id_rating-{first}_0"' in html  # the links land on the first radio
    # It comes before the form, at the top of the page, after the heading.
    assert html.index('id="error-summary"') < html.index('class="ratings-form"')


def test_a_bad_comment_is_a_summary_too(owner_client: Client, anon_client: Client, done: Audit):
    token = rate_token(owner_client, done)
    data = answers(3)
    data[f"note-{questions()[0]}"] = "x" * 281
    html = anon_client.post(rate_url(token), data).content.decode()
    assert 'id="error-summary"' in html and "Nothing was sent" in html
    assert f'href="#id_note-{questions()[0]}"' in html


def test_the_self_audit_summary_reads_as_before(
    owner: User, owner_client: Client, make_audit: MakeAudit
):
    audit = make_audit(owner=owner)
    response = owner_client.post(
        reverse("audits:audit", args=[audit.public_id]), {"action": "finish"}, follow=True
    )
    assert "still to rate before your results:" in response.content.decode()
