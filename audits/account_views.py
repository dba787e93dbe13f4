"""Accounts: sign up, log in (claiming this browser's audits), and the user's own pages."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe, require_http_methods

from audits.forms import SignUpForm
from audits.models import Audit
from audits.views import SESSION_AUDITS, private, session_audit_ids


def claim_session_audits(request: HttpRequest) -> int:
    """Move this browser's anonymous audits to the account that just signed in."""
    ids = session_audit_ids(request)
    if not ids:
        return 0
    claimed = Audit.objects.filter(owner=None, public_id__in=ids).update(owner=request.user)
    request.session.pop(SESSION_AUDITS, None)
    return claimed


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        claim_session_audits(self.request)
        return response


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("audits:history")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            claim_session_audits(request)
        return redirect("audits:history")
    status = 400 if request.method == "POST" else 200
    return private(render(request, "registration/signup.html", {"form": form}, status=status))


@login_required
@require_safe
def account(request: HttpRequest) -> HttpResponse:
    return private(render(request, "registration/account.html"))


@login_required
@require_safe
def history(request: HttpRequest) -> HttpResponse:
    audits = Audit.objects.filter(owner=request.user).select_related("track")
    page = Paginator(audits, 20).get_page(request.GET.get("page"))
    return private(render(request, "audits/history.html", {"page": page}))
