"""The performance budgets, enforced: queries per request, bytes per page, nothing off-site.

Query counts are pinned exactly in each page's own tests; here every page is held to its
budget at once, on a map ten times the guide's and with 50 audits per user.
"""

from __future__ import annotations

import gzip
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audits import plans
from audits.models import Audit
from tests.conftest import ALL_FOUR, HX, MakeAudit, grow_map_tenfold

pytestmark = pytest.mark.django_db

KB = 1024
QUERY_BUDGETS = {"home": 3, "form": 6, "save": 8, "results": 6, "tick": 7, "history": 7}
PAGE_BYTES = 60 * KB
FRAGMENT_BYTES = 4 * KB
FIRST_VIEW_GZIP_BYTES = 60 * KB


def fifty_audits(owner: User, make_audit: MakeAudit) -> tuple[Audit, Audit]:
    for n in range(48):
        make_audit(owner=owner, ratings=ALL_FOUR, complete=n % 2 == 0)
    open_audit = make_audit(owner=owner, ratings=ALL_FOUR)
    done = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    return open_audit, done


def queries(client: Client, method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    getattr(client, method)(url, **kwargs)  # warm: the map is read once per process
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code < 400, url
    return len(captured), response


@pytest.mark.parametrize("tenfold", [False, True], ids=["guide map", "10x map"])
def test_every_page_keeps_its_query_budget(
    tenfold: bool, owner: User, owner_client: Client, anon_client: Client, make_audit: Any
) -> None:
    open_audit, done = fifty_audits(owner, make_audit)
    if tenfold:
        grow_map_tenfold()
    measured = {
        "home": queries(anon_client, "get", "/")[0],
        "form": queries(owner_client, "get", f"/audits/{open_audit.public_id}/")[0],
        "save": queries(
            owner_client,
            "post",
            f"/audits/{open_audit.public_id}/",
            data={"rating-reading-papers": "4"},
            headers=HX,
        )[0],
        "results": queries(owner_client, "get", f"/audits/{done.public_id}/results/")[0],
        "tick": queries(
            owner_client,
            "post",
            tick_url(done),
            data={"done": "1"},
            headers=HX,
        )[0],
        "history": queries(owner_client, "get", "/audits/")[0],
    }
    over = {page: n for page, n in measured.items() if n > QUERY_BUDGETS[page]}
    assert not over, f"over budget: {over} (budgets {QUERY_BUDGETS})"


def tick_url(done: Audit) -> str:
    """Where a step of this completed audit's plan is ticked done: its first step."""
    return f"/audits/{done.public_id}/steps/{min(plans.step_ids(done.plan))}/"


def page_urls(owner: User, make_audit: Any) -> list[str]:
    open_audit, done = fifty_audits(owner, make_audit)
    return [
        "/",
        "/tracks/research-scientist/",
        "/audits/new/?track=interpretability",
        f"/audits/{open_audit.public_id}/",
        f"/audits/{done.public_id}/results/",
        "/audits/",
        "/audits/progress/",
        "/account/",
        f"/audits/{done.public_id}/again/",
    ]


def test_no_page_is_over_60_kb_of_html(owner: User, owner_client: Client, make_audit: Any) -> None:
    urls = page_urls(owner, make_audit)
    sizes = {}
    for url in urls:
        response = owner_client.get(url)
        assert response.status_code == 200, url
        sizes[url] = len(response.content)
    assert max(sizes.values()) <= PAGE_BYTES, sizes


def test_htmx_fragments_are_at_most_4_kb(
    owner: User, owner_client: Client, make_audit: Any
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR)
    url = f"/audits/{audit.public_id}/"
    save = owner_client.post(url, {"rating-reading-papers": "5"}, headers=HX)
    target = owner_client.post(url, {"track": "interpretability"}, headers=HX)
    done = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    tick = owner_client.post(tick_url(done), {"done": "1"}, headers=HX)
    hours = owner_client.post(f"/audits/{done.public_id}/plan/", {"hours": "3"}, headers=HX)
    for response in (save, target, tick, hours):
        assert response.status_code == 200
        assert "<html" not in response.content.decode()
    for response in (save, tick, hours):
        assert len(response.content) <= FRAGMENT_BYTES
    # A new target asks other questions, so its answer brings the form's questions (twelve, with
    # five described levels each) along: a page's budget, without the page around it.
    assert len(target.content) <= PAGE_BYTES


def assets(html: str) -> list[str]:
    """Every stylesheet, script and icon a page asks the browser to fetch."""
    return re.findall(r'<(?:link|script|img)\b[^>]*?\b(?:href|src)="([^"]+)"', html)


def test_first_view_of_home_is_at_most_60_kb_gzipped(anon_client: Client) -> None:
    html = anon_client.get("/").content
    total = len(gzip.compress(html, 6))
    fetched = assets(html.decode())
    assert any(url.endswith(".css") for url in fetched)
    for url in fetched:
        response = anon_client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        total += len(gzip.compress(body, 6))
    assert total <= FIRST_VIEW_GZIP_BYTES


def test_no_page_asks_for_anything_off_site(
    owner: User, owner_client: Client, anon_client: Client, make_audit: Any
) -> None:
    urls = page_urls(owner, make_audit)
    for client in (owner_client, anon_client):
        for url in urls[:3] + ["/account/login/", "/account/signup/"]:
            html = client.get(url).content.decode()
            for asset in assets(html):
                assert asset.startswith("/") and not asset.startswith("//"), (url, asset)
    # The form page loads htmx from our own static files, never a CDN.
    form = owner_client.get(urls[3]).content.decode()
    scripts = re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', form)
    assert scripts and all(s.startswith("/static/") for s in scripts)
