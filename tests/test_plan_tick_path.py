"""A tick is small: it writes one row and redraws its step and the counter from the audit's own
map and the ticks, passing through a handful of the project's modules and never scoring."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.conftest import HX, MakeAudit
from tests.test_plan_pages import scientist_ratings, tick_url

pytestmark = pytest.mark.django_db
PROJECT = ("audits", "skillmap", "config")
# urls, plan_views, accounts (the ownership check), models (the tick's write and the ticks'
# read), plans (reading the steps), skillmap.guide (the audit's map, built once per process)
# and skillmap.values (the step's words).
TICK_MODULES = {
    "audits.context_processors",  # the page's log-in links (this browser's audits stay lazy)
    "audits.urls",
    "audits.plan_views",
    "audits.accounts",
    "audits.models",
    "audits.plans",
    "audits.ratelimit",
    "skillmap.guide",
    "skillmap.values",
}


@contextmanager
def project_modules_called() -> Iterator[set[str]]:
    """The project's modules whose functions run inside the block (middleware aside)."""
    called: set[str] = set()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            name = frame.f_globals.get("__name__", "")
            if name.startswith(PROJECT) and not name.startswith("config.middleware"):
                called.add(name)

    sys.setprofile(profile)
    try:
        yield called
    finally:
        sys.setprofile(None)


def test_a_tick_never_scores_the_audit(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=scientist_ratings(), complete=True)
    step = audit.plan["steps"][0]["id"]  # type: ignore[index]
    owner_client.get(f"/audits/{audit.public_id}/results/")  # the map, built once per process

    with project_modules_called() as called:
        response = owner_client.post(tick_url(audit, step), {"done": "1"}, headers=HX)

    assert response.status_code == 200
    print("modules a tick passes through:", sorted(called))
    assert "audits.scoring" not in called
    assert called <= TICK_MODULES, called - TICK_MODULES
