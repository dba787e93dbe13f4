"""Query counts for the pages not pinned with their own features (account and confirmation
pages, the health check), so that every page a person can reach has its count pinned."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.conftest import ALL_FOUR

pytestmark = pytest.mark.django_db

# session, user
SIGNED_IN = 2


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/account/", SIGNED_IN + 3),  # whether the email is confirmed, the cohorts
        ("/account/delete/", SIGNED_IN),
        ("/account/password_change/", SIGNED_IN),
        ("{audit}delete/", SIGNED_IN + 1),  # and the audit, scoped to its owner
    ],
)
def test_signed_in_pages(
    path: str,
    expected: int,
    owner: User,
    owner_client: Client,
    make_audit: Any,
    django_assert_num_queries: Any,
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR)
    url = path.format(audit=f"/audits/{audit.public_id}/")
    with django_assert_num_queries(expected):
        assert owner_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "path", ["/account/login/", "/account/signup/", "/account/password_reset/", "/nowhere/"]
)
def test_anonymous_pages_ask_the_database_nothing(
    path: str, anon_client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert anon_client.get(path).status_code in {200, 404}


def test_health_check_asks_one_question(
    anon_client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        assert anon_client.get("/healthz").status_code == 200
