from django.urls import path

from skillmap import views

app_name = "skillmap"

urlpatterns = [
    path("", views.home, name="home"),
    path("tracks/<slug:slug>/", views.track, name="track"),
]
