"""Share links and rate-me links under load from their holders and their owner: a HEAD (a chat
app's link expander) never counts as an opening, a GET stamps it at most once a minute, and an
audit has at most 20 live links of each kind, the next refused with a clear message and
nothing lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from audits.models import LIVE_LINKS_PER_AUDIT, Audit, RatingRequest, ShareLink
from tests.conftest import ALL_FOUR

pytestmark = pytest.mark.django_db

UNFURLER = "Mozilla/5.0 (compatible; Slackbot-LinkExpanding 1.0; +https://api.slack.com/robots)"
KB = 1024


@pytest.fixture
def completed(owner: User, make_audit: Callable[..., Audit]) -> Audit:
    return make_audit(owner=owner, ratings=ALL_FOUR, complete=True)


def stamp(link: ShareLink) -> Any:
    return ShareLink.objects.get(pk=link.pk).last_opened_at


# --- When a share link counts as fetched ----------------------------------------------------


def test_a_head_never_marks_a_share_link_fetched(
    completed: Audit, django_assert_num_queries: Any
) -> None:
    link, token = ShareLink.create_for(completed)
    with django_assert_num_queries(2):  # the link and the plan's ticks, read; nothing written
        response = Client().head(f"/shared/{token}/", headers={"User-Agent": UNFURLER})
    assert response.status_code == 200
    assert stamp(link) is None


def test_a_get_stamps_it_at_most_once_a_minute(
    completed: Audit, django_assert_num_queries: Any
) -> None:
    link, token = ShareLink.create_for(completed)
    holder = Client()
    assert holder.get(f"/shared/{token}/").status_code == 200
    first = stamp(link)
    assert first is not None

    with django_assert_num_queries(2):  # within the minute: the link and ticks read, not written
        assert holder.get(f"/shared/{token}/").status_code == 200
    assert stamp(link) == first

    earlier = timezone.now() - timedelta(minutes=2)
    ShareLink.objects.filter(pk=link.pk).update(last_opened_at=earlier)
    assert holder.get(f"/shared/{token}/").status_code == 200
    assert stamp(link) > earlier


def test_two_holders_in_the_same_minute_write_once(completed: Audit) -> None:
    """Both read the link before either stamps it: the second's conditional UPDATE finds the
    stamp fresh and changes nothing."""
    link, _ = ShareLink.create_for(completed)
    a, b = ShareLink.objects.get(pk=link.pk), ShareLink.objects.get(pk=link.pk)
    a.opened()
    first = stamp(link)
    b.opened()
    assert stamp(link) == first


# --- At most 20 live links of each kind -----------------------------------------------------


def test_the_21st_live_share_link_is_refused_and_nothing_is_lost(
    owner_client: Client, completed: Audit
) -> None:
    url = f"/audits/{completed.public_id}/share/links/"
    for _ in range(LIVE_LINKS_PER_AUDIT):
        ShareLink.create_for(completed)
    revoked, _ = ShareLink.create_for(completed)
    revoked.revoke()
    expired, _ = ShareLink.create_for(completed)
    ShareLink.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - timedelta(days=40), expires_at=timezone.now() - timedelta(1)
    )

    for headers in ({}, {"HX-Request": "true"}):
        refused = owner_client.post(
            url, {"share-days": "7", "share-include_notes": "on"}, headers=headers
        )
        assert refused.status_code == 409
        html = refused.content.decode()
        assert "You have 20 live share links, the most one audit can have: revoke one" in html
        assert 'value="7" selected' in html  # the choices made are kept
        assert "/shared/" not in html  # no new link
    assert ShareLink.objects.live().filter(audit=completed).count() == LIVE_LINKS_PER_AUDIT

    ShareLink.objects.live().filter(audit=completed).first().revoke()  # type: ignore[union-attr]
    assert owner_client.post(url, {"share-days": "7"}).status_code == 201


def test_the_21st_unanswered_rate_me_link_is_refused_and_nothing_is_lost(
    owner_client: Client, anon_client: Client, completed: Audit
) -> None:
    url = f"/audits/{completed.public_id}/share/requests/"
    for n in range(LIVE_LINKS_PER_AUDIT):
        RatingRequest.create_for(completed, label=f"rater {n}")
    answered, _ = RatingRequest.create_for(completed, label="answered")
    RatingRequest.objects.filter(pk=answered.pk).update(used_at=timezone.now())

    data = {"rate-label": "my mentor", "rate-note_to_rater": "Be frank, please.", "rate-days": "90"}
    refused = owner_client.post(url, data)

    assert refused.status_code == 409
    html = refused.content.decode()
    assert "You have 20 live unanswered rate-me links, the most one audit can have" in html
    assert 'value="my mentor"' in html and "Be frank, please." in html
    assert not RatingRequest.objects.filter(label="my mentor").exists()

    RatingRequest.objects.filter(label="rater 0").delete()  # withdrawn
    assert owner_client.post(url, data).status_code == 201


def test_the_sharing_page_at_the_caps_is_under_60_kb(
    owner_client: Client, completed: Audit
) -> None:
    for n in range(LIVE_LINKS_PER_AUDIT):
        ShareLink.create_for(completed, include_notes=True)
        RatingRequest.create_for(
            completed, label=f"someone with a long name {n:02}", note_to_rater="x" * 500
        )
    page = owner_client.get(f"/audits/{completed.public_id}/share/")
    assert page.status_code == 200
    print(f"\nsharing page at the caps: {len(page.content)} bytes")
    assert len(page.content) < 60 * KB, len(page.content)
