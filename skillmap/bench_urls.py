"""The app's URLs plus a hello-world page: the floor every real page is measured against.

Mounted only by skillmap.bench_settings, so it goes through the same middleware and worker as
the real pages, and never exists in production.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler404, handler500
from config.urls import urlpatterns as app_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world")


urlpatterns = [*app_urlpatterns, path("bench/hello/", hello)]
