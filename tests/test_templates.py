"""The site and the admin on one engine, Django's: a page's fragments by name (its built-in
partials), one CSRF token per page, dates in the current time zone, and the error pages drawn
with no request at all."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.template import TemplateDoesNotExist, engines
from django.template.base import PartialTemplate
from django.template.loader import get_template, render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from tests.conftest import ALL_FOUR, MakeAudit

# Every fragment a view renders by name ("page.html#name"), and the pages that include one.
FRAGMENTS = [
    "audits/audit.html#panel",
    "audits/audit.html#lost",
    "audits/closed.html#explanation",
    "audits/_plan.html#schedule",
    "audits/_plan.html#ticked",
    "audits/share_manage.html#share_links",
    "audits/share_manage.html#rate_requests",
    "audits/results.html#body",
    "audits/_outside.html#headline",
    "audits/_outside.html#views",
]


def test_one_engine_for_the_site_and_the_admin() -> None:
    assert list(engines) == ["django"]
    assert get_template("audits/audit.html").backend is engines["django"]  # type: ignore[attr-defined]
    # The admin's one override sits with the other templates, found before the admin's own.
    admin = get_template("admin/base_site.html")
    assert "templates/admin/base_site.html" in str(admin.origin.name)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", FRAGMENTS)
def test_each_fragment_is_found_by_name(name: str) -> None:
    template = get_template(name)
    assert isinstance(template.template, PartialTemplate)  # type: ignore[attr-defined]


def test_a_fragment_that_does_not_exist_is_not_found() -> None:
    with pytest.raises(TemplateDoesNotExist):
        get_template("audits/audit.html#no-such-partial")


def test_a_fragment_is_drawn_with_the_page_context() -> None:
    context = {"login_url": "/accounts/login/?next=/x/"}
    html = render_to_string("audits/audit.html#lost", context, RequestFactory().get("/"))
    assert html.startswith('<p id="panel-status"')
    assert "/accounts/login/?next=/x/" in html
    assert "<html" not in html  # the fragment alone, not the page


@pytest.mark.django_db
def test_every_form_on_a_page_carries_one_token(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    done = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    html = owner_client.get(f"/audits/{done.public_id}/results/").content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert len(tokens) > 5  # log-out, the plan's hours, a tick per step, copy
    # The same token on every form and in the body's htmx headers, once per page.
    headers = re.findall(r"data-hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", html)
    assert len(set(tokens + headers)) == 1
    assert len(headers) == 1


def test_a_page_without_a_form_sets_no_csrf_cookie() -> None:
    request = RequestFactory().get("/")
    render_to_string("405.html", request=request)
    assert "CSRF_COOKIE_NEEDS_UPDATE" not in request.META


def test_dates_print_in_the_current_time_zone() -> None:
    moment = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    template = engines["django"].from_string('{{ moment|date:"j F Y H:i" }}')
    with timezone.override("Europe/Berlin"):
        assert template.render({"moment": moment}) == "1 July 2026 01:30"
    with timezone.override("UTC"):
        assert template.render({"moment": moment}) == "30 June 2026 23:30"


def test_the_error_pages_render_with_no_request_at_all() -> None:
    # The 500 page and Django's CSRF failure page are drawn without a request or its context.
    assert "<h1>" in render_to_string("500.html")
    assert "Log in" in render_to_string("404.html")  # base.html's signed-out nav
