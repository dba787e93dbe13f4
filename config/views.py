"""The site's own operational pages: the health check, the error pages, and the admin's
"view on site" shortcut limited to what the staff user may view."""

from django.contrib import admin
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Django's default re-checks CSRF, which reads the refused body again: a 500, not a 400.
    return HttpResponse(loader.get_template("400.html").render({}, request), status=400)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    # The header's log-in links carry no way back to an address that opens nothing: the page
    # stays the same for every id, so it never echoes which one was asked for.
    return render(request, "404.html", {"login_query": ""}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database: whatever broke may break them too.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def view_on_site(request: HttpRequest, content_type_id: str, object_id: str) -> HttpResponse:
    """The admin's "view on site" redirect, for objects of a model this staff user may view in
    the admin, 404 for any other. Django's own redirects any staff user to the page of any
    object that has one: walking the ids would list every audit's public id to an editor of
    the map."""
    try:
        model = ContentType.objects.get(pk=content_type_id).model_class()
    except (ContentType.DoesNotExist, ValueError, ValidationError):
        raise Http404("No such content type.") from None
    if model is None or not admin.site.is_registered(model):
        raise Http404("No such object.")
    if not admin.site.get_model_admin(model).has_view_permission(request):
        raise Http404("No such object.")
    return contenttype_views.shortcut(request, content_type_id, object_id)
