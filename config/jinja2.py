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
from django.template import TemplateDoesNotExist, defaultfilters
from django.template.backends import jinja2 as django_jinja2
from django.template.backends.utils import csrf_input_lazy, csrf_token_lazy
from django.templatetags.static import static
from django.urls import reverse
from django.utils.timezone import template_localtime
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


def default_if_none(value: Any, default: Any = "") -> Any:
    return default if value is None else value


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
        default_if_none=default_if_none,
    )
    return env


class Jinja2(django_jinja2.Jinja2):
    """Django's Jinja2 backend, plus `"page.html#block"` for a single block of a page."""

    def get_template(self, template_name: str) -> Any:
        name, _, block = template_name.partition("#")
        template = super().get_template(name)
        if not block:
            return template
        if block not in template.template.blocks:
            raise TemplateDoesNotExist(template_name, backend=self)
        return Block(template, block)


class Block:
    """One block of a page, rendered with the context the whole page would get."""

    def __init__(self, page: django_jinja2.Template, name: str) -> None:
        self.page = page
        self.name = name
        self.origin = page.origin

    def render(
        self, context: dict[str, Any] | None = None, request: HttpRequest | None = None
    ) -> str:
        context = dict(context or {})
        if request is not None:
            context["request"] = request
            context["csrf_input"] = csrf_input_lazy(request)
            context["csrf_token"] = csrf_token_lazy(request)
            for processor in self.page.backend.template_context_processors:
                context.update(processor(request))
        template = self.page.template
        assert template.name is not None  # loaded by name, not from a string
        try:
            return render_block(template.environment, template.name, self.name, context)
        except BlockNotFoundError as exc:  # checked in get_template; a template changed since
            raise TemplateDoesNotExist(f"{template.name}#{self.name}") from exc
