"""Accounts: sign up, log in, the account page and deleting it; the audits an anonymous
visitor keeps in their browser session until they sign in, which then become theirs;
get_audit_for_visitor, the one ownership check of every view that takes an audit's id (and the
way back to log in for an owner who follows a link logged out); and the email address reminders
go to, once a link mailed to it is followed."""

from __future__ import annotations

import email.policy
import hashlib
import logging
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audits.forms import DeleteAccountForm, EmailForm, SignUpForm
from audits.models import Audit, Cohort, EmailAddress, Membership, StepDone
from audits.ratelimit import rate_limited

logger = logging.getLogger(__name__)

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
    try:
        return get_object_or_404(found.select_related("track"), public_id=public_id)
    except Http404:
        # An account's audit opened logged out (a reminder read on a phone): its owner may be
        # the one asking. Anyone signed in, or an anonymous audit of another browser: a 404.
        owned = Audit.objects.filter(public_id=public_id, owner__isnull=False)
        if not request.user.is_authenticated and owned.exists():
            raise LogInToSee from None
        raise


class LogInToSee(Http404):
    """The page names an account's audit and the visitor is not logged in: on a page
    (LogInToSeeMiddleware), the log-in page, coming back here; anywhere else, a 404."""


class LogInToSeeMiddleware:
    """Turns LogInToSee into the way to log in and come back, for pages read in a browser (a
    GET or HEAD, not an htmx swap, where a log-in form in a panel would help nobody)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, LogInToSee) or request.method not in ("GET", "HEAD"):
            return None
        if getattr(request, "htmx", False):
            return None
        messages.info(request, "Log in to open that audit: it is kept in an account.")
        return redirect_to_login(request.path)


def safe_next(request: HttpRequest, url: str | None) -> str:
    """`url` if it is a page of this site (the `next` of log-in and sign-up), else ""."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


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
    after = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(after or "audits:history")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            claimed = claim_session_audits(request)
        welcome = "Welcome. " + (_kept(claimed) if claimed else "")
        if user.email:
            sent = ask_to_confirm(request, user, user.email)
            welcome += f" We’ve emailed {user.email} a link to confirm it." if sent else NOT_SENT
        messages.success(request, welcome.strip())
        return redirect(after or "audits:history")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "next": after}
    return render(request, "registration/signup.html", context, status=status)


@login_required
@require_safe
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        **email_context(request.user),
        "memberships": Membership.objects.filter(user=request.user).select_related("cohort"),
        "organising": Cohort.objects.for_organiser(request.user).order_by("name"),
    }
    return render(request, "registration/account.html", context)


# --- The email address reminders go to --------------------------------------------------------
# A new address is mailed a signed link; following it (within CONFIRM_MAX_AGE) makes it the
# account's address and the one reminders go to. The link signs the address it confirms, which
# must still be the one waiting: a used link, or one superseded by a later request, finds
# another (or none) and is refused.

CONFIRM_SALT = "audits.accounts.confirm_email"
CONFIRM_MAX_AGE = timedelta(days=3)


def reminder_address(user: AbstractBaseUser | AnonymousUser) -> str:
    """The address reminders go to: the account's, once confirmed; "" otherwise."""
    email = getattr(user, "email", "")
    if not email or not isinstance(user.pk, int):
        return ""
    record = EmailAddress.objects.filter(user_id=user.pk).first()
    return email if record is not None and record.confirmed == email else ""


def email_context(user: User) -> dict[str, Any]:
    """What the account page says about the address: the confirmed one, the one waiting."""
    record = EmailAddress.objects.filter(user=user).first()
    confirmed = record is not None and bool(user.email) and record.confirmed == user.email
    pending = record.pending if record is not None else ""
    return {
        "email_confirmed": confirmed,
        "email_pending": pending if pending != user.email or not confirmed else "",
        "email_form": EmailForm(),
    }


def confirmation_token(user: User, address: str) -> str:
    return signing.dumps([user.pk, address], salt=CONFIRM_SALT, compress=True)


def ask_to_confirm(request: HttpRequest, user: User, address: str) -> bool:
    """Make `address` the one waiting for confirmation and mail it the link; whether the mail
    went (a mail server that is down is logged, and the person told to ask again later)."""
    EmailAddress.objects.update_or_create(
        user=user, defaults={"pending": address, "asked_at": timezone.now()}
    )
    link = request.build_absolute_uri(
        reverse("confirm_email", args=[confirmation_token(user, address)])
    )
    context = {"user": user, "address": address, "link": link, "days": CONFIRM_MAX_AGE.days}
    try:
        PlainTextEmail(
            "Confirm your email address for Skills Map",
            loader.render_to_string("registration/confirm_email.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [address],
        ).send()
    except Exception as exc:  # noqa: BLE001 - the account is made; only the mail failed
        logger.error("Confirmation mail for user %s not sent: %s", user.pk, exc)
        return False
    return True


NOT_SENT = (
    " We couldn’t send the link just now. Ask for it again on your account page in a while; "
    "until it is confirmed, nothing is sent to that address."
)


@login_required
@require_POST
@rate_limited("password_reset")  # each asks for a mail to be sent: the same limit as a reset
def change_email(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add or change the account's address: it is mailed a link, and changes nothing (the old
    address stays for resets and reminders) until the link is followed."""
    form = EmailForm(request.POST)
    if not form.is_valid():
        context = {**email_context(request.user), "email_form": form}
        return render(request, "registration/account.html", context, status=400)
    address = form.cleaned_data["email"]
    if address == request.user.email and reminder_address(request.user):
        EmailAddress.objects.filter(user=request.user).update(pending="")
        messages.info(request, f"{address} is your confirmed address already.")
    elif not ask_to_confirm(request, request.user, address):
        messages.error(request, NOT_SENT.strip())
    else:
        messages.success(
            request,
            f"We’ve emailed {address} a link. Follow it within {CONFIRM_MAX_AGE.days} days to "
            "confirm the address; nothing is sent to it before then.",
        )
    return redirect("account")


def _waiting(token: str) -> tuple[EmailAddress | None, str]:
    """The record a confirmation link is for, or None and why not."""
    try:
        user_pk, address = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        return None, "expired"
    except (signing.BadSignature, ValueError, TypeError):
        return None, "bad"
    record = EmailAddress.objects.select_related("user").filter(user_id=user_pk).first()
    if record is None or not address or record.pending != address:
        return None, "used"
    return record, ""


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("links", reads=True)
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm an address by the link mailed to it, without logging in (it may be read on a
    phone). The link shows one button, so a mail scanner that follows links confirms nothing."""
    record, problem = _waiting(token)
    if record is None:
        context = {"problem": problem}
        return render(request, "registration/confirm_email.html", context, status=400)
    if request.method == "POST":
        with transaction.atomic():
            claimed = EmailAddress.objects.filter(pk=record.pk, pending=record.pending).update(
                confirmed=record.pending, pending=""
            )
            if not claimed:  # followed twice at once: the other one confirmed it
                context = {"problem": "used"}
                return render(request, "registration/confirm_email.html", context, status=400)
            User.objects.filter(pk=record.user_id).update(email=record.pending)
        return render(request, "registration/confirm_email.html", {"done": record.pending})
    return render(
        request, "registration/confirm_email.html", {"token": token, "address": record.pending}
    )


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
