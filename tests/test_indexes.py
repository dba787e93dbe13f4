"""Every query on user-owned data has an index (EXPLAIN on PostgreSQL; SQLite's query plan)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import QuerySet

from audits.models import Audit, Rating
from tests.conftest import MakeAudit

pytestmark = pytest.mark.django_db


def plan(queryset: QuerySet[Any]) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # With sequential scans priced out, the planner shows whether an index can serve.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def uses_an_index(text: str) -> bool:
    if connection.vendor == "postgresql":
        return "Index" in text and "Seq Scan" not in text
    return "SCAN audits_" not in text and ("USING INDEX" in text or "USING COVERING INDEX" in text)


QUERIES: dict[str, Callable[[User, Audit], QuerySet[Any]]] = {
    # history and progress: a user's audits, newest first
    "history": lambda user, audit: Audit.objects.filter(owner=user).order_by("-created_at", "-id"),
    "completed": lambda user, audit: Audit.objects.filter(
        owner=user, completed_at__isnull=False
    ).order_by("completed_at", "id"),
    # every page that takes an audit id
    "audit by id": lambda user, audit: Audit.objects.filter(owner=user, public_id=audit.public_id),
    # the form and the save: an audit's ratings
    "ratings": lambda user, audit: Rating.objects.filter(audit=audit),
}


@pytest.mark.parametrize("name", QUERIES)
def test_query_on_user_data_uses_an_index(name: str, owner: User, make_audit: MakeAudit) -> None:
    audit = make_audit(owner=owner, ratings={"reading-papers": 3})
    text = plan(QUERIES[name](owner, audit))
    assert uses_an_index(text), f"{name}:\n{text}"
