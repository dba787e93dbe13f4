"""Cohorts: the organiser's page and export, the invitation and joining, and a member's choices.

Every organiser view looks its cohort up among those the visitor organises, in the query itself:
anyone else, member or not, signed in or not, gets the same 404 as for an audit that is not
theirs. The invitation token opens only its cohort's join page; a dead one gets the share
links' dead-link answer (audits.sharing.dead_link). What the organisers see is worked out by
audits.cohorts from the sharing members' latest completed audits, fetched in two queries.
"""

from __future__ import annotations

import csv
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from audits import cohorts, scoring
from audits.accounts import AuthenticatedHttpRequest
from audits.forms import CohortForm, CoOrganiserForm, InviteForm, MembershipForm
from audits.models import Audit, Cohort, CohortInvite, Membership, Shares, StepDone
from audits.ratelimit import rate_limited
from audits.sharing import dead_link, for_link_holders, looks_like_token
from audits.views import HtmxHttpRequest, csv_safe
from skillmap.guide import current_guide


def get_cohort_for_organiser(request: HttpRequest, public_id: UUID) -> Cohort:
    """The cohort, if this visitor organises it; a 404 otherwise (never a hint it exists)."""
    found = Cohort.objects.for_organiser(request.user).select_related("owner")
    return get_object_or_404(found, public_id=public_id)


def get_cohort_for_owner(request: HttpRequest, public_id: UUID) -> Cohort:
    """The cohort, if this visitor made it (adding organisers and deleting are theirs alone)."""
    if not request.user.is_authenticated:
        return get_object_or_404(Cohort.objects.none(), public_id=public_id)
    return get_object_or_404(Cohort.objects.filter(owner=request.user), public_id=public_id)


def cohort_figures(cohort: Cohort) -> cohorts.Figures:
    """The figures for a cohort: its memberships with each one's latest completed audit (one
    query), those audits with their map snapshots (one more) and their owners' done steps (one
    more), assessed here."""
    memberships = list(
        Membership.objects.filter(cohort=cohort).with_latest_audit().select_related("user")
    )
    sharing = {
        m.latest_audit_id: m  # type: ignore[attr-defined]
        for m in memberships
        if m.sharing and m.latest_audit_id is not None  # type: ignore[attr-defined]
    }
    audits = Audit.objects.filter(pk__in=list(sharing)).with_map_snapshot()
    # Each sharing member's done steps (a person's, across their audits), in one more query.
    done: dict[int, set[int]] = {}
    for owner_id, step_id in StepDone.objects.filter(
        owner_id__in=[m.user_id for m in sharing.values()]
    ).values_list("owner_id", "step_id"):
        done.setdefault(owner_id, set()).add(step_id)
    shared = []
    for audit in audits:
        taken = audit.taken()
        skill_map = taken.guide.map
        target = skill_map.track(taken.track)
        if target is None or audit.completed_at is None:
            continue
        # Only the target's cells: the ranking across tracks and the next step, which a full
        # assessment also works out, are nothing the cohort page shows.
        known = {s.slug for s in skill_map.skills}
        ratings = {slug: value for slug, value in taken.ratings.items() if slug in known}
        member = sharing[audit.pk]
        shared.append(
            cohorts.Shared(
                track=target,
                cells=scoring.cell_results(skill_map, target, ratings),
                ratings=ratings,
                completed_at=audit.completed_at,
                steps_done=audit.steps_done(done.get(member.user_id, set())),
                reaudit=(member.completed_audits or 0) > 1,  # type: ignore[attr-defined]
                name=member.user.username if member.named else "",
            )
        )
    shared.sort(key=lambda s: s.name)
    return cohorts.figures(
        shared,
        joined=len(memberships),
        min_group=cohort.min_group,
        skill_map=current_guide().map,
        now=timezone.now(),
    )


def _cohort_page(
    request: HtmxHttpRequest,
    cohort: Cohort,
    *,
    partial: str = "",
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context: dict[str, Any] = {
        "cohort": cohort,
        "is_owner": cohort.owner_id == request.user.pk,
        "co_organisers": list(cohort.co_organisers.order_by("username")),
        "invite": CohortInvite.objects.filter(cohort=cohort).live().first(),
        "invite_form": InviteForm(),
        "organiser_form": CoOrganiserForm(),
        "columns": cohorts.COLUMNS,
        **extra,
    }
    if partial and request.htmx:
        template = f"audits/cohort.html#{partial}"
    else:
        context["figures"] = cohort_figures(cohort)
        template = "audits/cohort.html"
    response = render(request, template, context, status=status)
    # The page may show a new invitation link: never kept by a cache, never sent onwards.
    return for_link_holders(response, has_forms=True)


# --- The organiser's pages ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("cohort")
def cohort_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            cohort = form.save(commit=False)
            cohort.owner = request.user
            cohort.save()
            invite, token = cohort.new_invite()
        return _invite_made(request, cohort, invite, token)  # type: ignore[arg-type]
    status = 400 if request.method == "POST" else 200
    return render(request, "audits/cohort_new.html", {"form": form}, status=status)


def _invite_made(
    request: HtmxHttpRequest, cohort: Cohort, invite: CohortInvite, token: str
) -> HttpResponse:
    # Shown once, on this response: it cannot be read back from the database.
    url = request.build_absolute_uri(reverse("audits:cohort_join", args=[token]))
    return _cohort_page(
        request, cohort, partial="invite", status=201, new_invite=invite, new_invite_url=url
    )


@vary_on_headers("HX-Request")
@require_safe
def cohort(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """What the organisers see: counts, a heat map, the common gaps; names only by consent."""
    return _cohort_page(request, get_cohort_for_organiser(request, public_id))


@require_safe
def cohort_export(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The aggregate table as CSV: the same figures as the page, hidden ones hidden."""
    found = get_cohort_for_organiser(request, public_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="skillmap-cohort.csv"'
    writer = csv.writer(response)
    writer.writerow([csv_safe("cohort"), csv_safe(found.name)])
    for row in cohorts.table_rows(cohort_figures(found)):
        writer.writerow([csv_safe(cell) for cell in row])
    return for_link_holders(response)


@vary_on_headers("HX-Request")
@require_POST
@rate_limited("cohort")
def cohort_invite(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """A new invitation link; the one before stops working."""
    found = get_cohort_for_organiser(request, public_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _cohort_page(request, found, partial="invite", status=400, invite_form=form)
    invite, token = found.new_invite(form.cleaned_data["days"])
    return _invite_made(request, found, invite, token)


@vary_on_headers("HX-Request")
@require_POST
@rate_limited("save")
def cohort_invite_revoke(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    found = get_cohort_for_organiser(request, public_id)
    for invite in CohortInvite.objects.filter(cohort=found).live():
        invite.revoke()
    if request.htmx:
        return _cohort_page(request, found, partial="invite")
    messages.success(request, "The invitation link no longer opens anything.")
    return redirect(found)


@vary_on_headers("HX-Request")
@require_POST
@rate_limited("save")
def cohort_organisers(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """The cohort's maker adds a co-organiser by username."""
    found = get_cohort_for_owner(request, public_id)
    form = CoOrganiserForm(request.POST)
    if not form.is_valid():
        return _cohort_page(request, found, partial="organisers", status=400, organiser_form=form)
    user: User = form.cleaned_data["username"]
    if user.pk != found.owner_id:
        found.co_organisers.add(user)
    if request.htmx:
        return _cohort_page(request, found, partial="organisers")
    messages.success(request, f"{user.username} now organises this cohort too.")
    return redirect(found)


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("save")
def cohort_delete(request: HttpRequest, public_id: UUID) -> HttpResponse:
    found = get_cohort_for_owner(request, public_id)
    if request.method == "POST":
        found.delete()
        messages.success(request, "The cohort is deleted. Its members’ audits are untouched.")
        return redirect("account")
    return render(request, "audits/cohort_delete.html", {"cohort": found})


# --- Joining --------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("cohort_join")
def cohort_join(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation: what the cohort is and what joining shares; a signed-out visitor signs
    in or up first and comes back here."""
    if not looks_like_token(token):
        return dead_link(request)
    try:
        invite = CohortInvite.objects.live().get_for_token(token)
    except CohortInvite.DoesNotExist:
        return dead_link(request)
    found = invite.cohort
    if not request.user.is_authenticated:
        return for_link_holders(redirect_to_login(request.get_full_path()))
    member = Membership.objects.filter(cohort=found, user=request.user).first()
    if member is not None:
        return for_link_holders(redirect("audits:cohort_membership", public_id=found.public_id))
    form = MembershipForm(request.POST or None, initial={"shares": Shares.LATEST})
    if request.method == "POST" and form.is_valid():
        joining = form.save(commit=False)
        joining.cohort = found
        joining.user = request.user
        try:
            with transaction.atomic():
                joining.save()
        except IntegrityError:  # a second click that lost the race: already a member
            pass
        messages.success(request, f"You joined {found.name}.")
        return redirect("audits:cohort_membership", public_id=found.public_id)
    status = 400 if request.method == "POST" else 200
    context = {"cohort": found, "form": form, "invite": invite}
    response = render(request, "audits/cohort_join.html", context, status=status)
    return for_link_holders(response, has_forms=True)


# --- A member's own choices -----------------------------------------------------------------


def _membership(request: HttpRequest, public_id: UUID) -> Membership:
    if not request.user.is_authenticated:
        return get_object_or_404(Membership.objects.none())
    found = Membership.objects.filter(user=request.user).select_related("cohort__owner")
    return get_object_or_404(found, cohort__public_id=public_id)


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("save")
def cohort_membership(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """What this member shares with the cohort: change it, or leave."""
    member = _membership(request, public_id)
    form = MembershipForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved. The cohort’s figures follow your choice at once.")
        return redirect("audits:cohort_membership", public_id=public_id)
    status = 400 if request.method == "POST" else 200
    context = {"member": member, "cohort": member.cohort, "form": form}
    return render(request, "audits/cohort_membership.html", context, status=status)


@require_POST
@rate_limited("save")
def cohort_leave(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = _membership(request, public_id)
    name = member.cohort.name
    member.delete()
    messages.success(request, f"You left {name}. You are in none of its figures any more.")
    return redirect("account")
