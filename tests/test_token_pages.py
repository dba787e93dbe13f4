"""Every answer at an address that carries a token says noindex: the pages the views make, and
the ones made around them (a CSRF 403, a rate limit's 429, a refused body's 413)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from audits import reminders
from audits.models import Audit, RatingRequest, ShareLink
from tests.conftest import ALL_FOUR

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(owner: User, make_audit: Callable[..., Audit]) -> Audit:
    return make_audit(owner=owner, ratings=ALL_FOUR, complete=True)


def test_the_csrf_403_on_a_rate_me_link_says_noindex(completed: Audit) -> None:
    _, token = RatingRequest.create_for(completed, label="my manager")
    client = Client(enforce_csrf_checks=True)
    assert client.get(f"/rate/{token}/")["X-Robots-Tag"] == "noindex"

    refused = client.post(f"/rate/{token}/", {"rating-reading-papers": "3"})

    assert refused.status_code == 403
    assert refused["X-Robots-Tag"] == "noindex"


@override_settings(RATE_LIMIT_ENABLED=True, RATE_LIMITS={"outside": "1/h", "links": "1/h"})
def test_a_rate_limits_429_on_a_token_link_says_noindex(completed: Audit) -> None:
    client = Client()
    first, second = (RatingRequest.create_for(completed, label=label)[1] for label in ("a", "b"))
    client.post(f"/rate/{first}/", {"rating-reading-papers": "3"})

    limited = client.post(f"/rate/{second}/", {"rating-reading-papers": "3"})

    assert limited.status_code == 429
    assert limited["X-Robots-Tag"] == "noindex"
    unsubscribe = f"/reminders/unsubscribe/{reminders.unsubscribe_token(completed)}/"
    client.get(unsubscribe)
    assert client.get(unsubscribe).status_code == 429
    assert client.get(unsubscribe)["X-Robots-Tag"] == "noindex"


@override_settings(MAX_REQUEST_BODY_BYTES=100)
def test_a_body_refused_before_the_view_on_a_token_link_says_noindex(completed: Audit) -> None:
    _, token = ShareLink.create_for(completed)
    refused = Client().generic(
        "POST", f"/shared/{token}/", b"x" * 101, content_type="application/x-www-form-urlencoded"
    )
    assert refused.status_code == 413
    assert refused["X-Robots-Tag"] == "noindex"


def test_pages_without_a_token_are_left_alone(completed: Audit, owner_client: Client) -> None:
    assert "X-Robots-Tag" not in Client().get("/")
    assert "X-Robots-Tag" not in owner_client.get(f"/audits/{completed.public_id}/results/")
    assert "X-Robots-Tag" not in Client().get("/no-such-page/")
