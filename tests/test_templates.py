"""The site's Jinja2 backend (config/jinja2.py): fragments by name, the CSRF values worked out
once per page, Django's filters as Django's engine applies them, and Django's leniency."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.template import TemplateDoesNotExist, engines
from django.template.loader import get_template, render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from config.jinja2 import Block, Template
from tests.conftest import ALL_FOUR, MakeAudit


def test_a_page_and_one_of_its_blocks_are_found_by_name() -> None:
    assert isinstance(get_template("audits/audit.html"), Template)
    assert isinstance(get_template("audits/audit.html#panel"), Block)
    with pytest.raises(TemplateDoesNotExist):
        get_template("audits/audit.html#no-such-block")


def test_the_admin_keeps_djangos_engine() -> None:
    template = get_template("admin/base_site.html")
    assert template.backend is engines["django"]  # type: ignore[union-attr]


@pytest.mark.django_db
def test_every_form_on_a_page_carries_one_token(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    done = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    html = owner_client.get(f"/audits/{done.public_id}/results/").content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert len(tokens) > 5  # log-out, the plan's hours, a tick per step, copy
    assert len(set(tokens)) == 1


def test_a_page_without_a_form_sets_no_csrf_cookie() -> None:
    request = RequestFactory().get("/")
    render_to_string("405.html", request=request)
    assert "CSRF_COOKIE_NEEDS_UPDATE" not in request.META


def test_dates_print_in_the_current_time_zone() -> None:
    moment = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    template = engines["jinja2"].from_string('{{ moment|date("j F Y H:i") }}')
    with timezone.override("Europe/Berlin"):
        assert template.render({"moment": moment}) == "1 July 2026 01:30"
    with timezone.override("UTC"):
        assert template.render({"moment": moment}) == "30 June 2026 23:30"


def test_undefined_names_render_as_nothing_as_in_djangos_engine() -> None:
    template = engines["jinja2"].from_string(
        "[{{ missing }}{{ user.is_authenticated }}{% if request.htmx %}htmx{% endif %}]"
    )
    assert template.render({}) == "[]"


def test_the_error_pages_render_with_no_request_at_all() -> None:
    # The 500 page and Django's CSRF failure page are drawn without a request or its context.
    assert "<h1>" in render_to_string("500.html")
    assert "Log in" in render_to_string("404.html")  # base.html's signed-out nav
