"""The app's URLs plus a hello-world page (the baseline every page is measured against) and two
floors: hello plus the map's revision, and hello plus a signed-in visitor too.

Mounted only by tests.bench_settings, so it goes through the same middleware and worker as the
real pages, and never exists in production.
"""

from importlib import import_module

from django.conf import settings
from django.conf import urls as django_defaults
from django.http import HttpRequest, HttpResponse
from django.urls import path

from skillmap.guide import current_guide

app_urls = import_module(settings.APP_URLCONF)  # type: ignore[misc]  # tests.bench_settings


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world")


def revision(request: HttpRequest) -> HttpResponse:
    """The least any map page does: hello plus asking for the map's revision (one query)."""
    return HttpResponse(f"Map revision {current_guide().revision}")


def signed_in(request: HttpRequest) -> HttpResponse:
    """The least any signed-in page does: the session, the user and the map's revision."""
    return HttpResponse(f"{request.user.is_authenticated}, map {current_guide().revision}")


urlpatterns = [
    *app_urls.urlpatterns,
    path("bench/hello/", hello),
    path("bench/revision/", revision),
    path("bench/signed-in/", signed_in),
]

# Django looks the error views up on the root URLconf: the app's, or Django's own if it has none.
handler400 = getattr(app_urls, "handler400", django_defaults.handler400)
handler403 = getattr(app_urls, "handler403", django_defaults.handler403)
handler404 = getattr(app_urls, "handler404", django_defaults.handler404)
handler500 = getattr(app_urls, "handler500", django_defaults.handler500)
