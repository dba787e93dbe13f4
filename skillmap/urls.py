from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from audits import account_views, views
from audits.ratelimit import rate_limited

FORM_METHODS = ["get", "head", "post", "options"]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("audits.urls")),
    path("account/", account_views.account, name="account"),
    path("account/signup/", account_views.signup, name="signup"),
    path("account/delete/", account_views.delete_account, name="delete_account"),
    path(
        "account/login/",
        rate_limited("login")(account_views.LoginView.as_view()),
        name="login",
    ),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password_reset/",
        rate_limited("password_reset")(
            auth_views.PasswordResetView.as_view(http_method_names=FORM_METHODS)
        ),
        name="password_reset",
    ),
    path("account/", include("django.contrib.auth.urls")),
    # The admin's own log-in view, under the same per-client limit as the site's.
    path("admin/login/", rate_limited("login")(admin.site.login)),
    path("admin/", admin.site.urls),
]

handler400 = "audits.views.bad_request"
handler404 = "audits.views.page_not_found"
handler500 = "audits.views.server_error"
