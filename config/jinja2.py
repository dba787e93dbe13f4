"""The site's own pages are Jinja2 templates (the admin stays on Django's).

Why: the signed-in pages spent most of their time in Django's template engine (issue #15); the
same pages render two to five times faster in Jinja2. The engine is Django's own Jinja2
backend with two additions:

- `"page.html#block"` renders one block of a page, the way `{% partialdef %}` fragments were
  named for htmx responses, so one template still holds its fragments (jinja2-fragments renders
  the block with the page's context);
- the environment offers what the templates used from Django: `url`, `static`, Django's own
  filters (`date`, `floatformat`, `pluralize`, …), `htmx_script`, and `cached`, a fragment kept
  in the map's process cache (Django's `{% cache %}` tag, for a template drawn from the map
  alone).

Undefined names render as nothing and chain (`user.is_authenticated` with no user is false), as
Django's engine does for the error pages rendered without a request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template import TemplateDoesNotExist, defaultfilters
from django.template.backends import jinja2 as django_jinja2
from django.templatetags.static import static
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from django_htmx.jinja import htmx_script
from jinja2_fragments import BlockNotFoundError, render_block
from markupsafe import Markup


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """`{% url %}`: the path of a named URL."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def cached(name: str, *vary_on: Any, caller: Callable[[], str]) -> Markup:
    """`{% call cached("name", key, ...) %}…{% endcall %}`: Django's `{% cache %}` tag on the
    map's process cache, forever, for a fragment drawn from the map alone (its digest among
    the keys). Never for anything of one visitor's."""
    key = make_template_fragment_key(name, vary_on)
    return Markup(caches["map"].get_or_set(key, lambda: str(caller())))


def date(value: Any, arg: str | None = None) -> str:
    """Django's `date` filter, in the current time zone as Django's engine gives it."""
    return defaultfilters.date(template_localtime(value), arg)


def environment(**options: Any) -> jinja2.Environment:
    # Django's backend has already set its own default; the site wants Django's leniency.
    options["undefined"] = jinja2.ChainableUndefined
    env = jinja2.Environment(**options)
    env.globals.update(url=url, static=static, htmx_script=htmx_script, cached=cached)
    env.filters.update(
        date=date,
        floatformat=defaultfilters.floatformat,
        pluralize=defaultfilters.pluralize,
        capfirst=defaultfilters.capfirst,
        yesno=defaultfilters.yesno,
        slugify=defaultfilters.slugify,
        stringformat=defaultfilters.stringformat,
        filesizeformat=defaultfilters.filesizeformat,
        default_if_none=defaultfilters.default_if_none,
    )
    return env


CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'


def page_context(
    backend: django_jinja2.Jinja2, context: dict[str, Any] | None, request: HttpRequest | None
) -> dict[str, Any]:
    """What Django's backend adds for a request, with the CSRF values worked out at most once
    per render: its lazy() values mask a new token each time they print, and a results page has
    a form per step of the plan. Still lazy, so a page without a form sets no CSRF cookie."""
    context = dict(context or {})
    if request is not None:
        context["request"] = request
        token = SimpleLazyObject(lambda: get_token(request))
        context["csrf_token"] = token
        context["csrf_input"] = SimpleLazyObject(lambda: format_html(CSRF_INPUT, token))
        for processor in backend.template_context_processors:
            context.update(processor(request))
    return context


class Jinja2(django_jinja2.Jinja2):
    """Django's Jinja2 backend, plus `"page.html#block"` for a single block of a page."""

    def from_string(self, template_code: str) -> Template:
        return Template(self.env.from_string(template_code), self)

    def get_template(self, template_name: str) -> Template | Block:  # type: ignore[override]
        name, _, block = template_name.partition("#")
        template = Template(super().get_template(name).template, self)
        if not block:
            return template
        if block not in template.template.blocks:
            raise TemplateDoesNotExist(template_name, backend=self)
        return Block(template, block)


class Template(django_jinja2.Template):
    def render(
        self, context: dict[str, Any] | None = None, request: HttpRequest | None = None
    ) -> str:
        # Django's render, given the request's part already (so it adds nothing of its own).
        return str(super().render(page_context(self.backend, context, request)))


class Block:
    """One block of a page, rendered with the context the whole page would get."""

    def __init__(self, page: Template, name: str) -> None:
        self.page = page
        self.name = name
        self.origin = page.origin

    def render(
        self, context: dict[str, Any] | None = None, request: HttpRequest | None = None
    ) -> str:
        template = self.page.template
        assert template.name is not None  # loaded by name, not from a string
        context = page_context(self.page.backend, context, request)
        try:
            return render_block(template.environment, template.name, self.name, context)
        except BlockNotFoundError as exc:  # checked in get_template; a template changed since
            raise TemplateDoesNotExist(f"{template.name}#{self.name}") from exc
