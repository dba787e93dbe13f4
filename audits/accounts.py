"""Accounts: sign up, log in, the account page and deleting it; the audits an anonymous
visitor keeps in their browser session until they sign in, which then become theirs; and
get_audit_for_visitor, the one ownership check of every view that takes an audit's id."""

from __future__ import annotations

import email.policy
import hashlib
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.views.decorators.http import require_http_methods, require_safe

from audits.forms import DeleteAccountForm, SignUpForm
from audits.models import Audit, Cohort, Membership, StepDone
from audits.ratelimit import rate_limited

SESSION_AUDITS = "audit_ids"
SESSION_AUDITS_MAX = 50


def session_audit_ids(request: HttpRequest) -> list[str]:
    return list(request.session.get(SESSION_AUDITS, []))


def get_audit_for_visitor(
    request: HttpRequest, public_id: UUID, *, completed: bool = False, snapshot: bool = False
) -> Audit:
    """The audit, if it is this visitor's; a 404 otherwise (never a hint that it exists).
    `completed`: only once completed (a 404 while it is open). `snapshot`: with the map
    snapshot a completed audit is read from (Audit.taken)."""
    found = Audit.objects.for_visitor(request.user, session_audit_ids(request))
    if completed:
        found = found.filter(completed_at__isnull=False)
    if snapshot:
        found = found.with_map_snapshot()
    return get_object_or_404(found.select_related("track"), public_id=public_id)


def visitor_key(request: HttpRequest) -> str:
    """Who is starting audits: the account, or for a visitor without one their browser's CSRF
    cookie (the one thing both clicks of a first visit share: the session may not exist yet).
    Empty when neither is known."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    return "browser:" + hashlib.sha256(cookie.encode()).hexdigest()[:32] if cookie else ""


def start_key(visitor: str, track_slug: str) -> str:
    """The cache key that holds the audit a visitor just started for a track (a double click
    lands on it instead of making another)."""
    return f"start:{visitor}:{track_slug}"


def forget_starts(visitor: str, track_slugs: Iterable[str]) -> None:
    """Deleting audits leaves nothing of them in the cache: not even a just-started one's id."""
    if visitor:
        cache.delete_many([start_key(visitor, slug) for slug in track_slugs])


def remember_audit(request: HttpRequest, audit: Audit) -> None:
    """An anonymous visitor's audits belong to their browser session until they sign in."""
    if request.user.is_authenticated:
        return
    ids = [str(audit.public_id), *session_audit_ids(request)]
    request.session[SESSION_AUDITS] = ids[:SESSION_AUDITS_MAX]


class AuthenticatedHttpRequest(HttpRequest):
    """A request to a @login_required view: its user is a real account."""

    user: User


def claim_session_audits(request: HttpRequest) -> int:
    """Move this browser's anonymous audits to the account that just signed in."""
    ids = session_audit_ids(request)
    if not ids:
        return 0
    anonymous = Audit.objects.filter(owner=None, public_id__in=ids)
    StepDone.objects.claim(anonymous.values_list("pk", flat=True), request.user.pk)
    claimed = anonymous.update(owner=request.user)
    request.session.pop(SESSION_AUDITS, None)
    return claimed


# The mail's lines go out as they are (7bit for ASCII, 8bit otherwise), never quoted-printable:
# a reset link copied out of a printed or plain-text mail then works, with no "=" soft breaks.
# 998 is the longest line mail allows (RFC 5322).
PLAIN_TEXT_MAIL = email.policy.default.clone(max_line_length=998)


class PlainTextEmail(EmailMessage):
    def message(self, *, policy: Any = PLAIN_TEXT_MAIL) -> Any:
        return super().message(policy=policy)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, sending the app's own mail (templates/registration/)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        PlainTextEmail(subject, body, from_email, [to_email]).send()


class LogoutView(auth_views.LogoutView):
    """Log out, then say so on the page it lands on."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You’re logged out. Log in again to see your audits.")
        return response


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    http_method_names = ["get", "head", "post", "options"]  # a PUT is not a log-in

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if claimed := claim_session_audits(self.request):
            messages.success(self.request, _kept(claimed))
        return response


def _kept(count: int) -> str:
    return f"{count} audit{'s' if count != 1 else ''} from this browser moved to your account."


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("signup")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("audits:history")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            claimed = claim_session_audits(request)
        messages.success(request, "Welcome. " + (_kept(claimed) if claimed else ""))
        return redirect("audits:history")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


@login_required
@require_safe
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    cohorts = {
        "memberships": Membership.objects.filter(user=request.user).select_related("cohort"),
        "organising": Cohort.objects.for_organiser(request.user).order_by("name"),
    }
    return render(request, "registration/account.html", cohorts)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        visitor = visitor_key(request)
        tracks = set(Audit.objects.filter(owner=user).values_list("track__slug", flat=True))
        logout(request)
        user.delete()  # the account's audits and ratings go with it (CASCADE)
        forget_starts(visitor, tracks)
        messages.success(request, "Your account and all its audits are deleted.")
        return redirect("skillmap:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/delete_account.html", {"form": form}, status=status)
