from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django_htmx.middleware import HtmxDetails


class ErrorPageMiddleware:
    """Give bare error responses (a 405 from require_POST has no body) the site's own page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            response.content = loader.render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response


class PermissionsPolicyMiddleware:
    """Turn off browser features the site never uses (Django has no setting for this header)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class PrivateByDefaultMiddleware:
    """Every page is private and never stored unless its view says otherwise.

    Most pages show someone's own ratings; the few that are the same for everyone (the map's
    pages) set their own Cache-Control, and this leaves any response that has one alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response.headers:
            patch_cache_control(response, private=True, no_store=True)
        return response


class NoindexTokenLinksMiddleware:
    """Every response at an address that carries a token (a share, rate-me, unsubscribe or
    password-reset link) says noindex: the views' own pages, and also the answers made before
    or around them (a CSRF 403, a rate limit's 429, a refused body's 413)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if match is None:  # answered before the URL was resolved
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return response
        if "token" in match.kwargs:
            response.headers.setdefault("X-Robots-Tag", "noindex")
        return response


class RequestBodyMiddleware:
    """Refuse a body over MAX_REQUEST_BODY_BYTES with a 413 from its Content-Length alone,
    before anything reads it. Below the cap, DATA_UPLOAD_MAX_MEMORY_SIZE still refuses a large
    form with a 400.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Above django-htmx's middleware: say here whether htmx asked, so a live save that is
        # refused gets a note for its panel, not a whole page inside it.
        request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # as Django reads it: no body
        if length > settings.MAX_REQUEST_BODY_BYTES:
            context = {"limit": settings.MAX_REQUEST_BODY_BYTES}
            return render(request, "413.html", context, status=413)
        return self.get_response(request)
