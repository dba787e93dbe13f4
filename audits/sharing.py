"""Sharing a completed audit read-only, and asking someone for an outside view of it (#14).

Two kinds of bearer link, both made by the audit's owner on its sharing page:
- a share link (/shared/<token>/) shows the results read-only to whoever holds it, until it
  expires or the owner revokes it;
- a rate-me link (/rate/<token>/) shows one person, with no account, the owner's questions;
  it takes one answer, which the owner then sees beside their own ratings.

Tokens exist only in the owner's browser and the links they hand out: the database keeps their
SHA-256 (audits.models.hash_token). A dead share link (revoked, expired or never made) gets the
same 404 whatever the reason. Every page a token opens says noindex, sends no Referer onwards
(the token is in its address) and is never stored by a cache.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from audits.forms import NOTE_PREFIX, RATING_PREFIX, RatingsForm, scale_points
from audits.models import (
    LIVE_LINKS_PER_AUDIT,
    Audit,
    Expiry,
    OutsideView,
    RatingRequest,
    RequestUsed,
    ShareLink,
)
from audits.plan_context import plan_context
from audits.ratelimit import rate_limited
from audits.views import HtmxHttpRequest, _plan, get_audit_for_visitor
from skillmap import values

# secrets.token_urlsafe(32): 43 characters of the URL-safe alphabet. Anything else is not a
# token, and is turned away before it is hashed or looked up.
TOKEN_LENGTH = 43
TOKEN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _looks_like_token(token: str) -> bool:
    return len(token) == TOKEN_LENGTH and set(token) <= TOKEN_ALPHABET


def _for_link_holders(response: HttpResponse, *, has_forms: bool = False) -> HttpResponse:
    """Headers for any page whose address carries a token (or that shows a new one).

    A page without forms sends no Referer at all. A page with a form keeps the site's
    same-origin policy (the token goes nowhere but back to this site): under no-referrer,
    Chromium sends `Origin: null` with a form's POST, and Django's CSRF check refuses it.
    """
    response["X-Robots-Tag"] = "noindex"
    if not has_forms:  # SecurityMiddleware sets its same-origin policy only where none is set
        response["Referrer-Policy"] = "no-referrer"
    patch_cache_control(response, private=True, no_store=True)
    return response


def _dead_link(request: HttpRequest) -> HttpResponse:
    """The one answer for a token that opens nothing: revoked, expired, unknown or malformed."""
    return _for_link_holders(render(request, "404.html", status=404))


# --- Forms ----------------------------------------------------------------------------------


class ShareLinkForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Expires after", choices=Expiry.choices, coerce=int, initial=Expiry.MONTH
    )
    include_notes = forms.BooleanField(
        label="Include my notes", required=False, help_text="Your notes show in the plan."
    )


class RatingRequestForm(forms.Form):
    label = forms.CharField(
        label="Who is it for?",
        max_length=80,
        help_text="Only you see this, e.g. “my manager”.",
    )
    note_to_rater = forms.CharField(
        label="A note to them",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Shown at the top of their form.",
    )
    days = forms.TypedChoiceField(
        label="Expires after", choices=Expiry.choices, coerce=int, initial=Expiry.MONTH
    )


class OutsideRatingsForm(RatingsForm):
    """The owner's own form, for someone else: the questions the owner's target track asks on
    the map the audit was taken against, every one to be rated, each with an optional comment."""

    def __init__(self, data: QueryDict | None, *, skill_map: values.SkillMap, track: values.Track):
        asked = dataclasses.replace(skill_map, skills=skill_map.questions_for(track))
        super().__init__(data, skill_map=asked)
        for skill in asked.skills:
            self.fields[NOTE_PREFIX + skill.slug].label = f"Your comment on {skill.name}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for skill in self.skill_map.skills:
            name = RATING_PREFIX + skill.slug
            if cleaned.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, "Rate this from 1 to 5.")
        return cleaned

    def answers(self) -> tuple[dict[str, int], dict[str, str]]:
        """({skill slug: rating}, {skill slug: comment}) for every question."""
        ratings = {
            s.slug: int(self.cleaned_data[RATING_PREFIX + s.slug]) for s in self.skill_map.skills
        }
        comments = {
            s.slug: self.cleaned_data.get(NOTE_PREFIX + s.slug, "") for s in self.skill_map.skills
        }
        return ratings, comments


# --- The owner's sharing page ---------------------------------------------------------------


def _completed_audit(request: HttpRequest, public_id: UUID) -> Audit | None:
    """The visitor's own completed audit (404 if not theirs); None while it is still open."""
    audit = get_audit_for_visitor(request, public_id)
    return audit if audit.is_complete else None


def _sharing_page(
    request: HtmxHttpRequest,
    audit: Audit,
    *,
    partial: str = "",
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context: dict[str, Any] = {
        "audit": audit,
        "links": list(ShareLink.objects.live().filter(audit=audit)),
        "requests": list(RatingRequest.objects.filter(audit=audit).unexpired()),
        "share_form": ShareLinkForm(),
        "request_form": RatingRequestForm(),
        **extra,
    }
    template = (
        f"audits/share_manage.html#{partial}"
        if partial and request.htmx
        else "audits/share_manage.html"
    )
    return _for_link_holders(render(request, template, context, status=status), has_forms=True)


def _at_most(cap: int, links: str, undo: str) -> str:
    return f"You have {cap} live {links}, the most one audit can have: {undo} one, then try again."


def _not_yet(audit_id: UUID) -> HttpResponse:
    return redirect("audits:results", public_id=audit_id)


@require_safe
def share(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """The owner's links: share links with their expiry and last opening, rate-me links."""
    audit = _completed_audit(request, public_id)
    if audit is None:
        return _not_yet(public_id)
    return _sharing_page(request, audit)


@vary_on_headers("HX-Request")
@require_POST
@rate_limited("share")
def create_share_link(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    audit = _completed_audit(request, public_id)
    if audit is None:
        return _not_yet(public_id)
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        return _sharing_page(request, audit, partial="share_links", status=400, share_form=form)
    if ShareLink.objects.live().filter(audit=audit).count() >= LIVE_LINKS_PER_AUDIT:
        form.add_error(None, _at_most(LIVE_LINKS_PER_AUDIT, "share links", "revoke"))
        return _sharing_page(request, audit, partial="share_links", status=409, share_form=form)
    link, token = ShareLink.create_for(
        audit, form.cleaned_data["days"], form.cleaned_data["include_notes"]
    )
    # Shown once, on this response: it cannot be read back from the database.
    new_url = request.build_absolute_uri(reverse("audits:shared", args=[token]))
    return _sharing_page(
        request, audit, partial="share_links", status=201, new_link=link, new_link_url=new_url
    )


@vary_on_headers("HX-Request")
@require_POST
@rate_limited("save")
def revoke_share_link(request: HtmxHttpRequest, public_id: UUID, link_id: int) -> HttpResponse:
    audit = get_audit_for_visitor(request, public_id)
    get_object_or_404(ShareLink.objects.filter(audit=audit), pk=link_id).revoke()
    if request.htmx:
        return _sharing_page(request, audit, partial="share_links")
    messages.success(request, "That share link no longer opens anything.")
    return redirect("audits:share", public_id=audit.public_id)


@vary_on_headers("HX-Request")
@require_POST
@rate_limited("share")
def create_rating_request(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    audit = _completed_audit(request, public_id)
    if audit is None:
        return _not_yet(public_id)
    form = RatingRequestForm(request.POST)
    if not form.is_valid():
        return _sharing_page(request, audit, partial="rate_requests", status=400, request_form=form)
    if RatingRequest.objects.live().filter(audit=audit).count() >= LIVE_LINKS_PER_AUDIT:
        form.add_error(None, _at_most(LIVE_LINKS_PER_AUDIT, "unanswered rate-me links", "withdraw"))
        return _sharing_page(request, audit, partial="rate_requests", status=409, request_form=form)
    rating_request, token = RatingRequest.create_for(
        audit,
        form.cleaned_data["label"],
        form.cleaned_data["note_to_rater"],
        form.cleaned_data["days"],
    )
    new_url = request.build_absolute_uri(reverse("audits:rate_me", args=[token]))
    return _sharing_page(
        request,
        audit,
        partial="rate_requests",
        status=201,
        new_request=rating_request,
        new_request_url=new_url,
    )


@vary_on_headers("HX-Request")
@require_POST
@rate_limited("save")
def withdraw_rating_request(
    request: HtmxHttpRequest, public_id: UUID, request_id: int
) -> HttpResponse:
    """Close a rate-me link nobody has answered yet (an answered one is closed already)."""
    audit = get_audit_for_visitor(request, public_id)
    unanswered = RatingRequest.objects.filter(audit=audit, used_at__isnull=True)
    get_object_or_404(unanswered, pk=request_id).delete()
    if request.htmx:
        return _sharing_page(request, audit, partial="rate_requests")
    messages.success(request, "That rate-me link no longer opens anything.")
    return redirect("audits:share", public_id=audit.public_id)


@require_POST
@rate_limited("save")
def delete_outside_view(request: HttpRequest, public_id: UUID, view_id: int) -> HttpResponse:
    """The owner deletes an outside view; its link stays closed."""
    audit = get_audit_for_visitor(request, public_id)
    view = get_object_or_404(OutsideView.objects.filter(request__audit=audit), pk=view_id)
    view.delete()
    messages.success(request, "That outside view is deleted.")
    return redirect(reverse("audits:results", args=[audit.public_id]) + "#outside")


# --- What a share link opens ----------------------------------------------------------------


@require_safe
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """The results, read-only: nothing of the owner's account, notes only if they said so."""
    if not _looks_like_token(token):
        return _dead_link(request)
    try:
        link = ShareLink.objects.live().get_for_token(token)
    except ShareLink.DoesNotExist:
        return _dead_link(request)
    if request.method == "GET":  # a HEAD (a link unfurler's) fetches nothing to read
        link.opened()
    audit = link.audit
    taken = audit.taken()
    if not link.include_notes:
        taken = dataclasses.replace(taken, notes={})
    assessment = taken.assessment()
    if assessment is None:
        return _dead_link(request)
    context = {
        "audit": audit,
        "map": taken.guide.map,
        "assessment": assessment,
        "link": link,
        **_plan(audit, taken, assessment),
        # The plan too, read-only: a link holder may not tick, re-plan or download for the owner.
        **plan_context(audit, taken, assessment, editable=False),
    }
    return _for_link_holders(render(request, "audits/share_results.html", context))


# --- What a rate-me link opens --------------------------------------------------------------


def _rate_me_page(
    request: HttpRequest,
    rating_request: RatingRequest,
    form: OutsideRatingsForm | None,
    status: int = 200,
) -> HttpResponse:
    taken = rating_request.audit.taken()
    skill_map = taken.guide.map
    track = skill_map.track(taken.track)
    if track is None:
        return _dead_link(request)
    if form is None:
        form = OutsideRatingsForm(None, skill_map=skill_map, track=track)
    context = {
        "rating_request": rating_request,
        "track": track,
        "form": form,
        "scale": scale_points(skill_map),
        "honest_point": taken.guide.passages.get("honest_point", ""),
    }
    response = render(request, "audits/rate_me.html", context, status=status)
    return _for_link_holders(response, has_forms=True)


def _used(request: HttpRequest) -> HttpResponse:
    return _for_link_holders(render(request, "audits/rate_me_used.html", status=409))


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("outside")
def rate_me(request: HttpRequest, token: str) -> HttpResponse:
    """The owner's questions for someone else to answer, once; never the owner's ratings."""
    if not _looks_like_token(token):
        return _dead_link(request)
    try:
        rating_request = RatingRequest.objects.unexpired().get_for_token(token)
    except RatingRequest.DoesNotExist:
        return _dead_link(request)
    if rating_request.is_used:
        return _used(request)
    if request.method != "POST":
        return _rate_me_page(request, rating_request, None)
    taken = rating_request.audit.taken()
    track = taken.guide.map.track(taken.track)
    if track is None:
        return _dead_link(request)
    form = OutsideRatingsForm(request.POST, skill_map=taken.guide.map, track=track)
    unknown = form.unknown_fields()
    if unknown:
        form.add_error(None, "These are not questions on this form: " + ", ".join(unknown) + ".")
        return _rate_me_page(request, rating_request, form, status=400)
    if not form.is_valid():
        return _rate_me_page(request, rating_request, form, status=400)
    try:
        rating_request.submit(*form.answers())
    except RequestUsed:
        return _used(request)
    return redirect("audits:rate_me_thanks")


@require_safe
def rate_me_thanks(request: HttpRequest) -> HttpResponse:
    return _for_link_holders(render(request, "audits/rate_me_thanks.html"))
