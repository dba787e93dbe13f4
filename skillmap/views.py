"""The map's own pages: the guide's matrix on `/`, and one page per track."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial, wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.cache import patch_cache_control
from django.views.decorators.http import etag, require_safe

from skillmap.guide import Guide, current_guide


def _shared(request: HttpRequest) -> bool:
    """Whether this visitor sees the page every anonymous visitor sees: not when signed in
    (their nav), not with a message waiting for them, and not with a session of their own (a
    browser holding audits is shown the way back to them)."""
    return (
        not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not len(messages.get_messages(request))
    )


def _guide(request: HttpRequest) -> Guide:
    # The ETag and the view both need it; ask the database for the revision once.
    guide: Guide | None = getattr(request, "_skillmap_guide", None)
    if guide is None:
        guide = current_guide()
        request._skillmap_guide = guide  # type: ignore[attr-defined]
    return guide


def _map_etag(request: HttpRequest, **kwargs: Any) -> str | None:
    return f"map-{_guide(request).digest[:16]}" if _shared(request) else None


def map_page(
    view: Callable[..., tuple[str, dict[str, Any]]], *, with_form: bool = False
) -> Callable[..., HttpResponse]:
    """A page that depends only on the map: the same for every anonymous visitor, so it
    carries no per-visitor token, is rendered once per map content in each process, and is
    revalidated by its ETag (a 304 while the map is unchanged).

    A page `with_form` posts with a visitor's own CSRF token, so it is drawn for each visitor
    and never shared; its map part still comes from the map's cache ({% cache %} fragments).
    """

    def shared(request: HttpRequest) -> bool:
        return not with_form and _shared(request)

    def page_etag(request: HttpRequest, **kwargs: Any) -> str | None:
        return None if with_form else _map_etag(request)

    @etag(page_etag)
    def page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        guide = _guide(request)
        template, context = view(request, guide, **kwargs)
        if not shared(request):
            return render(request, template, context)
        html = caches["map"].get_or_set(
            f"page:{guide.digest}:{request.path}",
            lambda: loader.render_to_string(template, {**context, "cacheable": True}, request),
        )
        return HttpResponse(html)

    @require_safe
    @wraps(view)
    def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        is_shared = shared(request)
        response = page(request, **kwargs)  # a 200, or the 304 the ETag allows
        if is_shared:
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        else:
            patch_cache_control(response, private=True, no_cache=True)
        return response

    return wrapped


@map_page
def home(request: HttpRequest, guide: Guide) -> tuple[str, dict[str, Any]]:
    return "skillmap/home.html", {"guide": guide, "map": guide.map}


# Its "Audit yourself" button posts to the start view, which needs the visitor's CSRF token.
@partial(map_page, with_form=True)
def track(request: HttpRequest, guide: Guide, slug: str) -> tuple[str, dict[str, Any]]:
    chosen = guide.map.track(slug)
    if chosen is None:
        raise Http404("No track by that name.")
    focus, fallback = chosen.focus()
    changes = [datetime.fromisoformat(c.updated_at) for c in chosen.cells if c.updated_at]
    return "skillmap/track.html", {
        "digest": guide.digest,
        "updated": max(changes, default=None),
        "map": guide.map,
        "track": chosen,
        "focus": focus,
        "focus_is_fallback": fallback,
        "rows": [(b, chosen.cell(b.slug)) for b in guide.map.buckets],
    }
