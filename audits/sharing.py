"""Sharing a completed audit read-only, and asking someone for an outside view of it.

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
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from audits import charts, fit_words
from audits.accounts import get_audit_for_visitor
from audits.forms import OutsideRatingsForm, RatingRequestForm, ShareLinkForm, scale_points
from audits.models import (
    LIVE_LINKS_PER_AUDIT,
    Audit,
    OutsideView,
    RatingRequest,
    RequestUsed,
    ShareLink,
)
from audits.plan_context import plan_context
from audits.ratelimit import rate_limited
from audits.templatetags import person
from audits.views import HtmxHttpRequest

# secrets.token_urlsafe(32): 43 characters of the URL-safe alphabet. Anything else is not a
# token, and is turned away before it is hashed or looked up.
TOKEN_LENGTH = 43
TOKEN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def looks_like_token(token: str) -> bool:
    return len(token) == TOKEN_LENGTH and set(token) <= TOKEN_ALPHABET


def for_link_holders(response: HttpResponse, *, has_forms: bool = False) -> HttpResponse:
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


def dead_link(request: HttpRequest) -> HttpResponse:
    """The one answer for a token that opens nothing: revoked, expired, unknown or malformed.
    Its words fit the likeliest cause (a link that was real) without telling the causes apart."""
    return for_link_holders(render(request, "audits/link_closed.html", status=404))


# --- The owner's sharing page ---------------------------------------------------------------


@dataclass(frozen=True)
class LinkKind:
    """What differs between the two kinds of link on the sharing page (the `kind` its URLs
    pass to create_link and revoke_link)."""

    model: type[ShareLink] | type[RatingRequest]
    form: type[ShareLinkForm] | type[RatingRequestForm]
    block: str  # the page's partial that lists them, which htmx swaps
    form_name: str  # the page's name for the form
    new_name: str  # the page's name for a new link (and, with "_url", its address)
    opens: str  # the URL name a token of this kind opens
    revoked: str  # said after a revoke, with {name} for the link's
    full: str  # said when an audit has as many live links of this kind as it may
    anchor: str  # the id of the page's section for this kind


KINDS = {
    "share": LinkKind(
        model=ShareLink,
        form=ShareLinkForm,
        block="share_links",
        form_name="share_form",
        new_name="new_link",
        opens="audits:shared",
        revoked=(
            "The share link {name} is revoked. Anyone who opens it now reads that it has"
            " expired or was withdrawn."
        ),
        full="live share links, the most one audit can have: revoke one, then try again.",
        anchor="share-links",
    ),
    "rate_me": LinkKind(
        model=RatingRequest,
        form=RatingRequestForm,
        block="rate_requests",
        form_name="request_form",
        new_name="new_request",
        opens="audits:rate_me",
        revoked=(
            "The rate-me link {name} is withdrawn. Anyone who opens it now reads that it has"
            " expired or was withdrawn."
        ),
        full=(
            "live unanswered rate-me links, the most one audit can have: withdraw one, then try"
            " again."
        ),
        anchor="rate-requests",
    ),
}


def link_name(link: ShareLink | RatingRequest) -> str:
    """How the page names one link: its owner's label, if any, and when it was made."""
    made = f"made {date_format(timezone.localtime(link.created_at), 'j M Y H:i')}"
    return f"“{link.label}”, {made}" if link.label else made


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
    return for_link_holders(render(request, template, context, status=status), has_forms=True)


@require_safe
def share(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """The owner's links: share links with their expiry and last opening, rate-me links."""
    audit = get_audit_for_visitor(request, public_id)
    if not audit.is_complete:  # nothing to share yet: the results page says what is missing
        return redirect("audits:results", public_id=public_id)
    return _sharing_page(request, audit)


@vary_on_headers("HX-Request")
@require_POST
@rate_limited("share")
def create_link(request: HtmxHttpRequest, public_id: UUID, kind: str) -> HttpResponse:
    """A new share or rate-me link (`kind`), its address shown once on the response."""
    link_kind = KINDS[kind]
    audit = get_audit_for_visitor(request, public_id)
    if not audit.is_complete:
        return redirect("audits:results", public_id=public_id)
    form = link_kind.form(request.POST)
    if not form.is_valid():
        refused = {link_kind.form_name: form}
        return _sharing_page(request, audit, partial=link_kind.block, status=400, **refused)
    if link_kind.model.objects.live().filter(audit=audit).count() >= LIVE_LINKS_PER_AUDIT:
        form.add_error(None, f"You have {LIVE_LINKS_PER_AUDIT} {link_kind.full}")
        refused = {link_kind.form_name: form}
        return _sharing_page(request, audit, partial=link_kind.block, status=409, **refused)
    link, token = link_kind.model.create_for(audit, **form.cleaned_data)
    # Shown once, on this response: it cannot be read back from the database.
    new_url = request.build_absolute_uri(reverse(link_kind.opens, args=[token]))
    made = {link_kind.new_name: link, f"{link_kind.new_name}_url": new_url}
    return _sharing_page(request, audit, partial=link_kind.block, status=201, **made)


@vary_on_headers("HX-Request")
@require_POST
@rate_limited("save")
def revoke_link(request: HtmxHttpRequest, public_id: UUID, link_id: int, kind: str) -> HttpResponse:
    """Close a share link, or withdraw a rate-me link nobody has answered yet: the first post
    asks the owner to confirm (the page again, the link named), a second with confirm=yes
    does it and says so."""
    link_kind = KINDS[kind]
    audit = get_audit_for_visitor(request, public_id)
    links = link_kind.model.objects.filter(audit=audit).revocable()
    link = get_object_or_404(links, pk=link_id)
    assert isinstance(link, ShareLink | RatingRequest)
    if request.POST.get("confirm") != "yes":
        asking: dict[str, Any] = {f"confirm_{kind}": link, f"confirm_{kind}_name": link_name(link)}
        return _sharing_page(request, audit, partial=link_kind.block, **asking)
    said = link_kind.revoked.format(name=link_name(link))
    link.revoke()
    if request.htmx:
        done: dict[str, Any] = {f"{kind}_done": said}
        return _sharing_page(request, audit, partial=link_kind.block, **done)
    messages.success(request, said)
    return redirect(reverse("audits:share", args=[audit.public_id]) + f"#{link_kind.anchor}")


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
    if not looks_like_token(token):
        return dead_link(request)
    try:
        link = ShareLink.objects.live().get_for_token(token)
    except ShareLink.DoesNotExist:
        return dead_link(request)
    if request.method == "GET":  # a HEAD (a link unfurler's) fetches nothing to read
        link.opened()
    audit = link.audit
    taken = audit.taken()
    if not link.include_notes:
        taken = dataclasses.replace(taken, notes={})
    assessment = taken.assessment()
    if assessment is None:
        return dead_link(request)
    context = {
        "audit": audit,
        "map": taken.guide.map,
        "assessment": assessment,
        "link": link,
        # The owner's templates, read by someone else: they name the owner "they", not "you".
        "viewer": person.SHARED,
        "chart": charts.results_chart(assessment),
        **fit_words.context(taken.guide.map, assessment),
        # The plan too, read-only: a link holder may not tick, re-plan or download for the owner.
        **plan_context(audit, taken, assessment, editable=False),
    }
    return for_link_holders(render(request, "audits/share_results.html", context))


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
        return dead_link(request)
    if form is None:
        form = OutsideRatingsForm(None, skill_map=skill_map, track=track)
    context = {
        "rating_request": rating_request,
        "track": track,
        "form": form,
        "scale": scale_points(skill_map),
        "honest_point": taken.guide.passages.get("honest_point", ""),
        "missing": form.unrated(),
    }
    response = render(request, "audits/rate_me.html", context, status=status)
    return for_link_holders(response, has_forms=True)


def _used(request: HttpRequest) -> HttpResponse:
    return for_link_holders(render(request, "audits/rate_me_used.html", status=409))


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("outside")
def rate_me(request: HttpRequest, token: str) -> HttpResponse:
    """The owner's questions for someone else to answer, once; never the owner's ratings."""
    if not looks_like_token(token):
        return dead_link(request)
    try:
        rating_request = RatingRequest.objects.unexpired().get_for_token(token)
    except RatingRequest.DoesNotExist:
        return dead_link(request)
    if rating_request.is_used:
        return _used(request)
    if request.method != "POST":
        return _rate_me_page(request, rating_request, None)
    taken = rating_request.audit.taken()
    track = taken.guide.map.track(taken.track)
    if track is None:
        return dead_link(request)
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
    return for_link_holders(render(request, "audits/rate_me_thanks.html"))
