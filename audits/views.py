from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from audits import scoring
from audits.forms import RatingsForm, TrackChoiceForm, scale_points
from audits.models import Audit, AuditClosed, AuditIncomplete, Track
from audits.ratelimit import rate_limited
from audits.reference import Guide, current_guide


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# --- The map --------------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    guide = current_guide()
    return map_page(request, guide, "audits/home.html", {"guide": guide, "map": guide.map})


@require_safe
def track(request: HttpRequest, slug: str) -> HttpResponse:
    guide = current_guide()
    chosen = guide.map.track(slug)
    if chosen is None:
        raise Http404("No track by that name.")
    focus, fallback = chosen.focus()
    context = {
        "map": guide.map,
        "track": chosen,
        "focus": focus,
        "focus_is_fallback": fallback,
        "rows": [(b, chosen.cell(b.slug)) for b in guide.map.buckets],
    }
    return map_page(request, guide, "audits/track.html", context)


# Pages that depend only on the map, rendered once per revision for anonymous visitors.
_anonymous_pages: dict[tuple[int, str], str] = {}


def map_page(
    request: HttpRequest, guide: Guide, template: str, context: dict[str, Any]
) -> HttpResponse:
    """A page of the map: the same for every anonymous visitor, so it carries no per-visitor
    token, is rendered once per map revision, and is revalidated by ETag (a 304 when unchanged).
    A signed-in visitor (their nav) or one with a message waiting gets a private render."""
    if request.user.is_authenticated or len(messages.get_messages(request)):
        response = render(request, template, context)
        patch_cache_control(response, private=True, no_cache=True)
        return response
    etag = f'"map-{guide.revision}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        key = (guide.revision, request.path)
        html = _anonymous_pages.get(key)
        if html is None:
            if any(revision != guide.revision for revision, _ in _anonymous_pages):
                _anonymous_pages.clear()
            html = loader.render_to_string(template, {**context, "cacheable": True}, request)
            _anonymous_pages[key] = html
        response = HttpResponse(html)
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


# --- Starting an audit ----------------------------------------------------------------------

SESSION_AUDITS = "audit_ids"
SESSION_AUDITS_MAX = 50


def session_audit_ids(request: HttpRequest) -> list[str]:
    return list(request.session.get(SESSION_AUDITS, []))


def remember_audit(request: HttpRequest, audit: Audit) -> None:
    """An anonymous visitor's audits belong to their browser session until they sign in."""
    if request.user.is_authenticated:
        return
    ids = [str(audit.public_id), *session_audit_ids(request)]
    request.session[SESSION_AUDITS] = ids[:SESSION_AUDITS_MAX]


def get_audit_for_visitor(request: HttpRequest, public_id: UUID) -> Audit:
    """The audit, if it is this visitor's; a 404 otherwise (never a hint that it exists)."""
    visible = Audit.objects.for_visitor(request.user, session_audit_ids(request))
    return get_object_or_404(visible.select_related("track"), public_id=public_id)


def private(response: HttpResponse) -> HttpResponse:
    """Someone's ratings: never in a shared cache, never shown again from the back button."""
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("start")
def new_audit(request: HttpRequest) -> HttpResponse:
    guide = current_guide()
    status = 200
    if request.method == "POST":
        form = TrackChoiceForm(request.POST, skill_map=guide.map)
        if form.is_valid():
            owner = request.user if request.user.is_authenticated else None
            audit = Audit.objects.create(
                owner=owner, track=Track.objects.get(slug=form.chosen().slug)
            )
            remember_audit(request, audit)
            return redirect(audit)
        status = 400
    else:
        asked = request.GET.get("track")
        form = TrackChoiceForm({"track": asked} if asked else None, skill_map=guide.map)
        if asked and not form.is_valid():
            status = 400
    return private(
        render(request, "audits/new.html", {"map": guide.map, "form": form}, status=status)
    )


# --- Rating ---------------------------------------------------------------------------------


def _audit_context(
    audit: Audit, guide: Guide, form: RatingsForm, ratings: dict[str, int]
) -> dict[str, Any]:
    target = guide.map.track(audit.track.slug)
    if target is None:  # the track's slug was changed in admin since this page was built
        raise Http404("That track is no longer on the map.")
    return {
        "audit": audit,
        "map": guide.map,
        "guide": guide,
        "form": form,
        "track_form": TrackChoiceForm(initial={"track": target.slug}, skill_map=guide.map),
        "assessment": scoring.assess(guide.map, target, ratings),
        "scale": scale_points(guide.map),
    }


def _closed(request: HtmxHttpRequest, audit: Audit) -> HttpResponse:
    """Completed audits are kept as they were; say so, and offer a fresh copy.

    A live save gets only the explanation, for the panel it would have replaced.
    """
    template = "audits/closed.html#explanation" if request.htmx else "audits/closed.html"
    return private(render(request, template, {"audit": audit}, status=409))


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("save")
def audit(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """The rating form. Live saves (htmx) answer with the panel; a plain post redirects back."""
    the_audit = get_audit_for_visitor(request, public_id)
    if the_audit.is_complete:
        if request.method == "POST":
            return _closed(request, the_audit)
        return redirect("audits:results", public_id=the_audit.public_id)
    guide = current_guide()
    status = 200
    if request.method == "POST":
        # A bound form shows what was posted, so the stored ratings are read once, afterwards.
        form = RatingsForm(request.POST, skill_map=guide.map)
        unknown = form.unknown_fields()
        if unknown:
            form.add_error(None, "These are not skills on the map: " + ", ".join(unknown) + ".")
            status = 400
        elif form.is_valid():
            try:
                the_audit.save_ratings(form.values())
            except AuditClosed:
                return _closed(request, the_audit)
            if not request.htmx:
                messages.success(request, "Your ratings are saved.")
                return redirect(the_audit)
        else:
            status = 400
        stored = the_audit.ratings_by_slug()
    else:
        stored = the_audit.ratings_by_slug()
        form = RatingsForm(skill_map=guide.map, initial=stored)
    ratings = {slug: value for slug, (value, _) in stored.items()}
    context = _audit_context(the_audit, guide, form, ratings)
    template = "audits/audit.html#panel" if request.htmx else "audits/audit.html"
    return private(render(request, template, context, status=status))


@vary_on_headers("HX-Request")
@require_POST
@rate_limited("save")
def change_track(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    the_audit = get_audit_for_visitor(request, public_id)
    if the_audit.is_complete:
        return _closed(request, the_audit)
    guide = current_guide()
    form = TrackChoiceForm(request.POST, skill_map=guide.map)
    stored = the_audit.ratings_by_slug()
    status = 200
    if form.is_valid():
        try:
            the_audit.change_track(Track.objects.get(slug=form.chosen().slug))
        except AuditClosed:
            return _closed(request, the_audit)
        if not request.htmx:
            messages.success(request, f"Your target is now {the_audit.track.name}.")
            return redirect(the_audit)
    else:
        status = 400
        if not request.htmx:
            messages.error(request, str(form.errors["track"][0]))
    ratings = {slug: value for slug, (value, _) in stored.items()}
    context = _audit_context(
        the_audit, guide, RatingsForm(skill_map=guide.map, initial=stored), ratings
    )
    context["track_errors"] = form.errors.get("track")
    template = "audits/audit.html#panel" if request.htmx else "audits/audit.html"
    return private(render(request, template, context, status=status))


@vary_on_headers("HX-Request")
@require_POST
@rate_limited("start")
def complete(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    the_audit = get_audit_for_visitor(request, public_id)
    if the_audit.is_complete:
        return redirect("audits:results", public_id=the_audit.public_id)
    guide = current_guide()
    try:
        the_audit.complete(
            {
                "map": guide.map.to_dict(),
                "revision": guide.revision,
                "honest_point": guide.passages.get("honest_point", ""),
            },
            [s.slug for s in guide.map.skills],
        )
    except AuditClosed:
        return redirect("audits:results", public_id=the_audit.public_id)
    except AuditIncomplete as missing:
        names = [s.name for s in guide.map.skills if s.slug in missing.missing]
        stored = the_audit.ratings_by_slug()
        form = RatingsForm(skill_map=guide.map, initial=stored)
        context = _audit_context(
            the_audit, guide, form, {slug: v for slug, (v, _) in stored.items()}
        )
        context["missing"] = names
        return private(render(request, "audits/audit.html", context, status=400))
    url = reverse("audits:results", kwargs={"public_id": the_audit.public_id})
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_safe
def results(request: HttpRequest, public_id: UUID) -> HttpResponse:
    the_audit = get_audit_for_visitor(request, public_id)
    if not the_audit.is_complete:
        messages.info(request, "Rate every skill, then choose “See my results”.")
        return redirect(the_audit)
    snapshot = the_audit.snapshot or {}
    taken = scoring.SkillMap.from_dict(snapshot["map"])
    target = taken.track(snapshot["track"])
    if target is None:
        raise Http404("This audit's snapshot has no target track.")
    assessment = scoring.assess(taken, target, snapshot["ratings"])
    context: dict[str, Any] = {"audit": the_audit, "map": taken, "assessment": assessment}
    # A completed audit's results never change, so they are rendered once and kept; the plan
    # and the chart are worked out only for that one render.
    key = f"results-body:{the_audit.public_id}"
    body = cache.get(key)
    if body is None:
        body = loader.render_to_string(
            "audits/results.html#body",
            {**context, **_results_body(the_audit, taken, assessment)},
            request,
        )
        cache.set(key, body, timeout=24 * 3600)
    context["body"] = body
    context.update(_against_today(request, taken, target, assessment))
    return private(render(request, "audits/results.html", context))


def forget_results(public_ids: Iterable[UUID]) -> None:
    """Drop deleted audits' rendered results from the cache: their notes go with them."""
    cache.delete_many([f"results-body:{public_id}" for public_id in public_ids])


def _results_body(
    audit: Audit, taken: scoring.SkillMap, assessment: scoring.Assessment
) -> dict[str, Any]:
    """What only the rendered body needs: the six-week plan, the chart, the re-audit date."""
    snapshot = audit.snapshot or {}
    notes = snapshot.get("notes", {})
    plan = [
        (
            cell,
            [
                (skill, assessment.ratings.get(skill.slug), notes.get(skill.slug, ""))
                for skill in taken.skills_in(cell.bucket.slug)
            ],
        )
        for cell in assessment.focus_gaps
    ]
    return {
        "plan": plan,
        "chart": _chart(assessment),
        "honest_point": snapshot.get("honest_point", ""),
        "reaudit_on": (audit.completed_at or timezone.now()) + timedelta(weeks=6),
    }


def _against_today(
    request: HttpRequest,
    taken: scoring.SkillMap,
    target: scoring.Track,
    assessment: scoring.Assessment,
) -> dict[str, Any]:
    """Whether the target's requirements changed since the audit; on request, the same ratings
    scored against today's map beside the ones they were taken against."""
    today_map = current_guide().map
    today_track = today_map.track(target.slug)
    if today_track is None:
        return {"changed": True, "track_gone": True}
    if not taken.requirements_differ(today_map, target.slug):
        return {"changed": False}
    if request.GET.get("against") != "today":
        return {"changed": True}
    today = scoring.assess(today_map, today_track, assessment.ratings)
    now_by_bucket = {c.bucket.slug: c for c in today.cells}
    return {
        "changed": True,
        "today": today,
        "comparison": [(c, now_by_bucket.get(c.bucket.slug)) for c in assessment.cells],
    }


def _chart(assessment: scoring.Assessment) -> dict[str, Any]:
    """Geometry for the results page's SVG: a bar per bucket, a line at its target."""
    left, span, row_height = 140, 340, 40
    per_point = span / scoring.RATING_MAX
    rows = []
    for index, c in enumerate(assessment.cells):
        row: dict[str, Any] = {
            "y": index * row_height,
            "label": c.bucket.short_name,
            "focus": c.is_focus,
            "bar": None,
            "target_x": None,
            "text": "not measured",
        }
        # The chart says what the table says: a cell with no level is not measured, so it
        # gets no bar (a maths rating drawn against "Law / econ / IR / policy" would mislead).
        if c.score is not None and c.target is not None:
            row["bar"] = round(c.score * per_point, 1)
            row["target_x"] = round(left + c.target * per_point, 1)
            # Rounded as the table's |floatformat:"-1" rounds, so the two always agree.
            row["text"] = f"{floatformat(c.score, -1)} / {c.target}"
        rows.append(row)
    return {
        "rows": rows,
        "left": left,
        "span": span,
        "width": left + span + 90,
        "height": max(1, len(rows)) * row_height,
    }


@require_POST
@rate_limited("start")
def copy(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Audit again: a new audit for the same track, pre-filled with these ratings."""
    the_audit = get_audit_for_visitor(request, public_id)
    owner = request.user if request.user.is_authenticated else None
    fresh = the_audit.copy_for(owner)
    remember_audit(request, fresh)
    messages.success(
        request, "A new audit, pre-filled with your last ratings. Move only what has changed."
    )
    return redirect(fresh)


# --- Operations -----------------------------------------------------------------------------


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Django's default re-checks CSRF, which reads the refused body again: a 500, not a 400.
    return HttpResponse(loader.get_template("400.html").render({}, request), status=400)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database: whatever broke may break them too.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
