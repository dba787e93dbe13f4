from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from audits import accounts
from audits.ratelimit import rate_limited
from config import views

FORM_METHODS = ["get", "head", "post", "options"]

urlpatterns = [
    path("", include("skillmap.urls")),
    path("", include("audits.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("account/", accounts.account, name="account"),
    path("account/signup/", accounts.signup, name="signup"),
    path("account/delete/", accounts.delete_account, name="delete_account"),
    path("account/email/", accounts.change_email, name="change_email"),
    path("account/email/confirm/<str:token>/", accounts.confirm_email, name="confirm_email"),
    path(
        "account/login/",
        rate_limited("login")(accounts.LoginView.as_view()),
        name="login",
    ),
    path("account/logout/", accounts.LogoutView.as_view(), name="logout"),
    path(
        "account/password_reset/",
        rate_limited("password_reset")(
            auth_views.PasswordResetView.as_view(
                http_method_names=FORM_METHODS, form_class=accounts.PasswordResetForm
            )
        ),
        name="password_reset",
    ),
    path("account/", include("django.contrib.auth.urls")),
    # The admin's own log-in view, under the same per-client limit as the site's.
    path("admin/login/", rate_limited("login")(admin.site.login)),
    # Before the admin's own, which it replaces: "view on site" only for what staff may view.
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(views.view_on_site),
    ),
    path("admin/", admin.site.urls),
]

handler400 = "config.views.bad_request"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
