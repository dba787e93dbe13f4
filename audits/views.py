"""People's audits: starting one, rating, results, history, progress, export and deletion."""

from __future__ import annotations

import csv
import json
import time
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from audits import charts, fit_words, outside, scoring
from audits.accounts import (
    SESSION_AUDITS,
    AuthenticatedHttpRequest,
    forget_starts,
    get_audit_for_visitor,
    remember_audit,
    session_audit_ids,
    start_key,
    visitor_key,
)
from audits.context_processors import ThisBrowser
from audits.forms import RatingsForm, TrackChoiceForm, question_count, scale_points
from audits.models import (
    Audit,
    AuditClosed,
    AuditIncomplete,
    Rating,
    RatingRequest,
    StepDone,
    Taken,
)
from audits.plan_context import plan_context, steps_and_moves
from audits.ratelimit import over_limit, rate_limited, too_many
from skillmap.guide import Guide, current_guide
from skillmap.models import Track
from skillmap.values import SkillMap

EXPORT_FORMAT = "skillmap-audits/3"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# --- Starting an audit ----------------------------------------------------------------------


# A second "Start rating" from the same browser for the same track within this many seconds
# (a double click) lands on the audit the first one made rather than making another.
START_WINDOW = 10


def _start_once(request: HttpRequest, track_slug: str) -> Audit:
    """A new audit for this visitor and track, or the one they started a moment ago.

    Keyed by the account, or for a visitor without one by their browser's CSRF cookie (the one
    thing both clicks of a first visit share: the session may not exist yet). The cache holds
    the claim: one shared count with REDIS_URL, per process without it.
    """
    visitor = visitor_key(request)
    key = start_key(visitor, track_slug)
    if visitor and not cache.add(key, "", timeout=START_WINDOW):
        # The first click is making (or has made) its audit: wait a moment for its id.
        for _ in range(40):
            started = cache.get(key)
            if started:
                found = Audit.objects.filter(public_id=started, completed_at=None).first()
                if found is not None:
                    return found
                break
            time.sleep(0.05)
    owner = request.user if request.user.is_authenticated else None
    audit = Audit.objects.create(owner=owner, track=Track.objects.get(slug=track_slug))
    if visitor:
        cache.set(key, str(audit.public_id), timeout=START_WINDOW)
    return audit


def _just_started(request: HttpRequest, form: TrackChoiceForm) -> bool:
    """Whether this visitor started an audit for the track a moment ago (the second click of
    a double click lands on it, never on the question whether to start another)."""
    return cache.get(start_key(visitor_key(request), form.chosen().slug)) is not None


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("start")
def new_audit(request: HttpRequest) -> HttpResponse:
    guide = current_guide()
    status = 200
    if request.method == "POST":
        form = TrackChoiceForm(request.POST, skill_map=guide.map, with_counts=True)
        if form.is_valid():
            open_audit = ThisBrowser(request).open_audit
            choice = request.POST.get("choice")
            if open_audit is not None and choice == "continue":
                return redirect(open_audit.audit)
            if open_audit is not None and choice != "fresh" and not _just_started(request, form):
                # One open already: ask, rather than silently opening a second.
                context = {"map": guide.map, "form": form, "open": open_audit, "asking": True}
                return render(request, "audits/new.html", context)
            audit = _start_once(request, form.chosen().slug)
            remember_audit(request, audit)
            return redirect(audit)
        status = 400
    else:
        asked = request.GET.get("track")
        form = TrackChoiceForm(
            {"track": asked} if asked else None, skill_map=guide.map, with_counts=True
        )
        if asked and not form.is_valid():
            status = 400
    chosen = request.method != "POST" and bool(request.GET.get("track")) and status == 200
    context = {"map": guide.map, "form": form, "chosen": chosen}
    return render(request, "audits/new.html", context, status=status)


# --- Rating ---------------------------------------------------------------------------------


def _closed(request: HtmxHttpRequest, audit: Audit) -> HttpResponse:
    """Completed audits are kept as they were; say so, and offer a fresh copy.

    A live save gets only the explanation, for the panel it would have replaced.
    """
    template = "audits/closed.html#explanation" if request.htmx else "audits/closed.html"
    return render(request, template, {"audit": audit}, status=409)


def _lost(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """A live save for an audit this visitor cannot see (logged out in another tab, say): a
    note for the panel, never a whole 404 page swapped into it."""
    url = reverse("audits:audit", kwargs={"public_id": public_id})
    context = {"login_url": f"{reverse('login')}?{urlencode({'next': url})}"}
    return render(request, "audits/audit.html#lost", context, status=404)


# Set when finishing found questions unrated; the form's next view shows them at the top.
FINISH_REFUSED = "finish_refused"


def _form_page(
    request: HtmxHttpRequest,
    audit: Audit,
    guide: Guide,
    form: RatingsForm | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    """The rating form, or (for htmx) just its panel, with the ratings stored now."""
    stored = audit.ratings_by_slug()
    if form is None:
        form = RatingsForm(skill_map=guide.map, initial=stored, fragments=guide.digest)
    target = guide.map.track(audit.track.slug)
    if target is None:  # the track's slug was changed in admin since this page was built
        raise Http404("That track is no longer on the map.")
    ratings = {slug: value for slug, (value, _) in stored.items()}
    context = {
        "audit": audit,
        "map": guide.map,
        "guide": guide,
        "form": form,
        **fit_words.context(guide.map, scoring.assess(guide.map, target, ratings)),
        **extra,
    }
    partial = request.htmx
    if not partial or extra.get("questions_changed"):
        # The questions are drawn only on the whole page, or when a new target changes them:
        # a live save's panel needs none of this.
        sections = form.sections(target)
        context |= {
            "sections": sections,
            "optional_open": any(fs["skill"].slug in ratings for fs in sections["optional"]),
            "track_form": TrackChoiceForm(initial={"track": target.slug}, skill_map=guide.map),
            "count": question_count(guide.map, target),
            "scale": scale_points(guide.map),
        }
    template = "audits/audit.html#panel" if partial else "audits/audit.html"
    return render(request, template, context, status=status)


def _unrated(guide: Guide, audit: Audit) -> list[Any]:
    """The questions the target's form asks that are still unrated."""
    rated = audit.ratings_by_slug()
    target = guide.map.track(audit.track.slug)
    asked = guide.map.questions_for(target) if target else guide.map.skills
    return [s for s in asked if s.slug not in rated]


# What a press of one of the form's buttons asks for, besides saving what is on the page.
ACTIONS = {"save", "change_target", "finish"}


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("save")
def rate(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """The one form for rating, changing the target and finishing, for the visitor's own open
    audit (404 otherwise). A completed audit is closed to changes: reading it leads to its
    results, and a post is answered with why nothing changed."""
    try:
        audit = get_audit_for_visitor(request, public_id)
    except Http404:
        if request.htmx:
            return _lost(request, public_id)
        raise
    if audit.is_complete:
        if request.method == "POST":
            return _closed(request, audit)
        return redirect("audits:results", public_id=audit.public_id)
    try:
        return _rate(request, audit, current_guide())
    except AuditClosed:  # completed in another tab while this request ran
        return _closed(request, audit)


def _rate(request: HtmxHttpRequest, audit: Audit, guide: Guide) -> HttpResponse:
    """Every post first saves what the page holds (the ratings and notes, and the target as it
    is selected), so no button ever loses a chosen rating; then "finish" completes the audit.
    Live saves (htmx, on every change) answer with the panel; a plain post redirects back.
    """
    if request.method != "POST":
        missing = None
        if request.session.pop(FINISH_REFUSED, None) == str(audit.public_id):
            missing = _unrated(guide, audit) or None
        return _form_page(request, audit, guide, missing=missing)
    action = request.POST.get("action") or "save"
    form = RatingsForm(request.POST, skill_map=guide.map, fragments=guide.digest)
    unknown = form.unknown_fields()
    if unknown:
        form.add_error(None, "These are not skills on the map: " + ", ".join(unknown) + ".")
    if action not in ACTIONS:
        form.add_error(None, "That button does nothing here: choose save, change or finish.")
    track_form = TrackChoiceForm(request.POST, skill_map=guide.map)
    new_track = None
    if "track" in request.POST:
        if track_form.is_valid():
            if track_form.chosen().slug != audit.track.slug:
                new_track = Track.objects.get(slug=track_form.chosen().slug)
        else:
            if not request.htmx:
                messages.error(request, str(track_form.errors["track"][0]))
            return _form_page(
                request, audit, guide, form, status=400, track_errors=track_form.errors["track"]
            )
    if not form.is_valid():
        return _form_page(request, audit, guide, form, status=400)
    if action == "finish" and over_limit(request, "start"):
        return too_many(request, "start")
    if new_track is None:
        audit.save_ratings(form.values())
    else:
        with transaction.atomic():
            audit.save_ratings(form.values())
            audit.change_track(new_track)
    if action == "finish":
        return _finish(request, audit, guide)
    if request.htmx:
        # A new target may ask other questions: the panel brings the form's questions along.
        return _form_page(request, audit, guide, form, questions_changed=new_track is not None)
    if new_track is not None:
        messages.success(request, f"Your target is now {audit.track.name}. Your ratings are saved.")
    else:
        messages.success(request, "Your ratings are saved.")
    return redirect(audit)


def _finish(request: HtmxHttpRequest, audit: Audit, guide: Guide) -> HttpResponse:
    """Complete the audit and show its results; with questions left, back to the form, whose
    next view lists them at the top (post/redirect/get: the address stays the form's)."""
    url = reverse("audits:results", kwargs={"public_id": audit.public_id})
    try:
        audit.complete(guide)
    except AuditIncomplete:
        request.session[FINISH_REFUSED] = str(audit.public_id)
        url = audit.get_absolute_url()
    except AuditClosed:  # completed in another tab meanwhile: its results are there
        pass
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


# The rule page's worked example when it is not shown one of the reader's own audits: an
# illustration, labelled as one (the person the ranking rules were checked against).
EXAMPLE_TRACK = "research-scientist"
EXAMPLE_RATING = 3


@require_safe
def rule(request: HttpRequest) -> HttpResponse:
    """The scoring rule in full, which the audit panel and the results link to. With
    `?audit=<public_id>` of one of the visitor's own audits, the worked example is built from
    its cells (any other id: the same 404); without, from a fixed illustrative set."""
    skill_map = current_guide().map
    audit = None
    asked = request.GET.get("audit")
    if asked is not None:
        try:
            public_id = UUID(asked)
        except ValueError:
            raise Http404("No audit of yours has that id.") from None
        audit = get_audit_for_visitor(request, public_id, snapshot=True)
    if audit is not None and audit.is_complete:
        assessment = audit.taken().assessment()
    else:
        assessment = _example(skill_map, audit)
    context = {
        "map": skill_map,
        "rules": 3,
        "audit": audit,
        "example_rating": EXAMPLE_RATING,
        "levels": _level_rows(skill_map),
        "tie_margin": scoring.TIE_MARGIN,
        "steep_gap": scoring.STEEP_GAP,
        "bands": scoring.BANDS,
        "assessment": assessment,
        "worked": scoring.worked_example(assessment) if assessment else None,
    }
    return render(request, "audits/rule.html", context)


def _example(skill_map: SkillMap, audit: Audit | None) -> scoring.Assessment | None:
    """An open audit's ratings so far against today's map, or the fixed illustration."""
    if audit is not None:
        target = skill_map.track(audit.track.slug)
        ratings = {slug: value for slug, (value, _) in audit.ratings_by_slug().items()}
    else:
        target = skill_map.track(EXAMPLE_TRACK) or next(iter(skill_map.tracks), None)
        asked = skill_map.questions_for(target) if target else ()
        ratings = {s.slug: EXAMPLE_RATING for s in asked}
    return scoring.assess(skill_map, target, ratings) if target else None


def _level_rows(skill_map: SkillMap) -> dict[str, Any]:
    """The levels with what each asks and its weight, and the groups of levels that ask for the
    same rating (they differ only in weight, which the page says plainly)."""
    by_target: dict[int, list[str]] = {}
    for level in skill_map.levels:
        by_target.setdefault(level.target, []).append(level.name)
    return {
        "rows": skill_map.levels,
        "same": [(target, names) for target, names in by_target.items() if len(names) > 1],
        "alone": [(target, names[0]) for target, names in by_target.items() if len(names) == 1],
    }


@require_safe
def results(request: HttpRequest, public_id: UUID) -> HttpResponse:
    audit = get_audit_for_visitor(request, public_id, snapshot=True)
    if not audit.is_complete:
        messages.info(request, "Rate every skill, then choose “See my results”.")
        return redirect(audit)
    return results_page(request, audit)


def results_page(
    request: HttpRequest, audit: Audit, status: int = 200, **plan_extra: Any
) -> HttpResponse:
    """A completed audit's results, from what it was taken against (Audit.taken) alone.
    `plan_extra` reaches the plan's context (a refused hours form, with a 4xx status)."""
    taken = audit.taken()
    assessment = taken.assessment()
    if assessment is None:
        raise Http404("This audit's snapshot has no target track.")
    context: dict[str, Any] = {
        "audit": audit,
        "map": taken.guide.map,
        "assessment": assessment,
        "chart": charts.results_chart(assessment),
        **fit_words.context(taken.guide.map, assessment),
        **plan_context(audit, taken, assessment, **plan_extra),
        **_against_today(request, taken, assessment),
        **outside.context(audit, taken, assessment),  # beside, never in, the owner's scores
    }
    return render(request, "audits/results.html", context, status=status)


def _against_today(
    request: HttpRequest, taken: Taken, assessment: scoring.Assessment
) -> dict[str, Any]:
    """Whether the target's requirements changed since the audit; on request, the same ratings
    scored against today's map beside the ones they were taken against."""
    today_map = current_guide().map
    today_track = today_map.track(taken.track)
    if today_track is None:
        return {"changed": True, "track_gone": True}
    if not taken.guide.map.requirements_differ(today_map, taken.track):
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


@require_POST
@rate_limited("start")
def copy(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Audit again: a new audit for the same track, pre-filled with these ratings."""
    audit = get_audit_for_visitor(request, public_id)
    owner = request.user if request.user.is_authenticated else None
    fresh = audit.copy_for(owner)
    remember_audit(request, fresh)
    messages.success(
        request, "A new audit, pre-filled with your last ratings. Move only what has changed."
    )
    return redirect(fresh)


# --- History and progress -------------------------------------------------------------------


@login_required
@require_safe
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    audits = Audit.objects.listing(request.user).order_by("-created_at", "-id")
    page = Paginator(audits, 20).get_page(request.GET.get("page"))
    done = set(StepDone.objects.of_owner(request.user).values_list("step_id", flat=True))
    rated = _rated_so_far([a for a in page.object_list if a.completed_at is None])
    rows = [_history_row(a, done, rated.get(a.pk, "")) for a in page.object_list]
    return render(request, "audits/history.html", {"page": page, "rows": rows})


def _rated_so_far(open_audits: list[Audit]) -> dict[int, str]:
    """ "3 of 8 rated" for each open audit: its target's questions on today's map, as its form
    counts them. One query for all their ratings (and the map's revision), none without any."""
    if not open_audits:
        return {}
    skill_map = current_guide().map
    rated: dict[int, set[str]] = {}
    ratings = Rating.objects.filter(audit__in=open_audits).values_list("audit_id", "skill__slug")
    for audit_id, slug in ratings:
        rated.setdefault(audit_id, set()).add(slug)
    counts = {}
    for audit in open_audits:
        target = skill_map.track(audit.track.slug)
        if target is not None:
            asked = {s.slug for s in skill_map.questions_for(target)}
            counts[audit.pk] = f"{len(asked & rated.get(audit.pk, set()))} of {len(asked)} rated"
    return counts


def _when(moment: datetime) -> tuple[str, str]:
    local = timezone.localtime(moment)
    return local.isoformat(timespec="seconds"), f"{local.day} {local:%b %Y}"


def _history_row(audit: Audit, steps_done: set[int], rated: str = "") -> dict[str, Any]:
    """One row, ready to print: the page's loop stays flat (dates and links made once here).
    `rated`: how far an open audit has got ("3 of 8 rated")."""
    started_iso, started = _when(audit.created_at)
    done = _when(audit.completed_at) if audit.completed_at else None
    ids = [audit.public_id]
    return {
        "track": audit.track.name,
        "started": started,
        "started_iso": started_iso,
        "completed": done,
        "headline": (audit.summary or {}).get("headline", ""),
        "steps": _steps_done(audit, steps_done),
        "rated": rated,
        "open_url": reverse("audits:results", args=ids) if done else audit.get_absolute_url(),
        "open_text": "Results" if done else "Continue",
        "open_hint": f" of the {audit.track.name} audit from {started}"
        if done
        else f" the {audit.track.name} audit from {started}",
        "delete_url": reverse("audits:delete", args=ids),
        "delete_hint": f" the {audit.track.name} audit from {started}",
    }


def _steps_done(audit: Audit, steps_done: set[int]) -> str:
    """ "4 of 9 steps done", from the plan stored on the row and the person's done steps (no
    snapshot is read)."""
    done, listed = audit.steps_done(steps_done)
    return f"{done} of {listed} steps done" if listed else ""


# --- Progress -------------------------------------------------------------------------------


def _change(before: float | None, after: float | None) -> dict[str, Any]:
    """How a score moved; `size` is unsigned, since the direction already says "up" or "down"."""
    if before is None or after is None:
        return {
            "before": before,
            "after": after,
            "delta": None,
            "size": None,
            "direction": "not measured",
        }
    delta = round(after - before, 2)
    direction = "up" if delta > 0 else "down" if delta < 0 else "same"
    return {
        "before": before,
        "after": after,
        "delta": delta,
        "size": abs(delta),
        "direction": direction,
    }


def _named_moves(moves: list[tuple[str, int]]) -> str:
    return ", ".join(f"{name} {int(move):+d}" for name, move in moves)


def _moved_summary(worked_on: list[Any], skills: list[dict[str, Any]]) -> str:
    """One plain sentence: whether the skills worked on (steps ticked done in the earlier
    audit's plan) moved; with none ticked, which skills moved at all."""
    if worked_on:
        moves = [(r.skill.name, r.move) for r in worked_on if r.move is not None]
        up = [(name, move) for name, move in moves if move > 0]
        flat = [name for name, move in moves if move <= 0]
        count = len(worked_on)
        said = f"You did steps for {count} skill{pluralize(count)}"
        if not up:
            names = ", ".join(r.skill.name for r in worked_on)
            verdict = "it did not move up" if count == 1 else "none of them moved up"
            return f"{said} ({names}): {verdict}."
        if not flat:
            return f"{said}: {'it' if count == 1 else 'all'} moved up ({_named_moves(up)})."
        return f"{said}: {_named_moves(up)} moved up; {', '.join(flat)} did not."
    moved = [(r["skill"].name, r["delta"]) for r in skills if r["delta"]]
    up = [(name, delta) for name, delta in moved if delta > 0]
    down = [(name, delta) for name, delta in moved if delta < 0]
    if not moved:
        return "No step was ticked done, and no skill's rating moved."
    parts = [f"up: {_named_moves(up)}"] if up else []
    parts += [f"down: {_named_moves(down)}"] if down else []
    return "No step was ticked done; ratings that moved " + "; ".join(parts) + "."


@login_required
@require_safe
def progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What moved between two completed audits, and every bucket's score over time."""
    listing = Audit.objects.listing(request.user).filter(completed_at__isnull=False)
    completed = list(listing.order_by("completed_at", "id"))
    context: dict[str, Any] = {"completed": completed}
    if len(completed) < 2:
        return render(request, "audits/progress.html", context)

    by_id = {str(a.public_id): a for a in completed}
    earlier, later = completed[-2], completed[-1]
    first, second = request.GET.get("a", ""), request.GET.get("b", "")
    if first or second:
        if first not in by_id or second not in by_id or first == second:
            context["error"] = "Pick two different completed audits of yours to compare."
            return render(request, "audits/progress.html", context, status=400)
        earlier, later = sorted((by_id[first], by_id[second]), key=completed.index)

    pair = Audit.objects.filter(pk__in=[earlier.pk, later.pk]).with_map_snapshot()
    taken = {a.pk: a.taken() for a in pair}
    before, after = taken[earlier.pk], taken[later.pk]
    skill_map = after.guide.map
    same_target = earlier.track_id == later.track_id
    target = skill_map.track(after.track)
    skills = [
        {"skill": s, **_change(before.ratings.get(s.slug), after.ratings.get(s.slug))}
        for s in skill_map.skills
    ]
    buckets = []
    for bucket in skill_map.buckets:
        cell = target.cell(bucket.slug) if target else None
        row = _change(
            (earlier.summary or {}).get("buckets", {}).get(bucket.slug),
            (later.summary or {}).get("buckets", {}).get(bucket.slug),
        )
        buckets.append({"bucket": bucket, "cell": cell if same_target else None, **row})
    context.update(
        {
            "earlier": earlier,
            "later": later,
            "same_target": same_target,
            "skills": skills,
            "buckets": buckets,
            "chart": charts.progress_chart(completed, skill_map.buckets),
            "plan_moves": (plan_moves := steps_and_moves(earlier, later, before, after)),
            "moved": _moved_summary(plan_moves["rows"], skills),
        }
    )
    if (later_assessment := after.assessment()) is not None:  # the later audit's outside views
        context.update(outside.context(later, after, later_assessment))
    return render(request, "audits/progress.html", context)


# --- Own your data --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def delete_audit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    audit = get_audit_for_visitor(request, public_id)
    if request.method == "POST":
        audit.delete()
        forget_starts(visitor_key(request), [audit.track.slug])
        if ids := session_audit_ids(request):  # an anonymous browser's list names it no more
            request.session[SESSION_AUDITS] = [i for i in ids if i != str(public_id)]
        messages.success(request, f"Your {audit.track.name} audit is deleted.")
        return redirect("audits:history" if request.user.is_authenticated else "audits:new")
    return render(request, "audits/delete.html", {"audit": audit})


def _export_audits(request: AuthenticatedHttpRequest) -> list[Audit]:
    ratings = Rating.objects.select_related("skill__bucket").order_by("skill__position", "id")
    return list(
        Audit.objects.filter(owner=request.user)
        .select_related("track")
        .with_map_snapshot()
        .prefetch_related(
            Prefetch("ratings", queryset=ratings),
            Prefetch("rating_requests", queryset=_answered_requests()),
        )
        .order_by("created_at", "id")
    )


def _answered_requests() -> Any:
    """Rate-me requests with the outside view they collected (for the export)."""
    answered = RatingRequest.objects.filter(outside_view__isnull=False)
    return answered.select_related("outside_view").order_by("outside_view__submitted_at", "id")


def _outside_views(audit: Audit) -> list[dict[str, Any]]:
    return [
        {
            "label": r.label,
            "requested_at": r.created_at,
            "submitted_at": r.outside_view.submitted_at,
            "ratings": r.outside_view.ratings,
            "comments": r.outside_view.comments,
        }
        for r in audit.rating_requests.all()
    ]


def _exported_plan(audit: Audit, done: dict[int, datetime]) -> dict[str, Any] | None:
    """A completed audit's plan: hours a week, and each step (titled from the audit's own map)
    with its weeks and when the person marked it done (null: not done)."""
    if audit.plan is None:
        return None
    skill_map = audit.taken().guide.map
    steps = []
    for item in audit.plan.get("steps", ()):
        step = skill_map.step(item["id"])
        steps.append(
            {
                "id": item["id"],
                "skill": item["skill"],
                "title": step.title if step else "",
                "weeks": item["weeks"],
                "done_at": done.get(item["id"]),
            }
        )
    return {"hours_a_week": audit.plan.get("hours"), "steps": steps}


@login_required
@require_safe
def export_json(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything: each audit with its ratings and, once completed, its snapshot and plan; the
    steps the person has done, with when."""
    ticks = StepDone.objects.of_owner(request.user).order_by("done_at", "step_id")
    done = dict(ticks.values_list("step_id", "done_at"))
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "user": request.user.get_username(),
        "steps_done": [{"step": step, "done_at": when} for step, when in done.items()],
        "audits": [
            {
                "id": str(a.public_id),
                "track": {"slug": a.track.slug, "name": a.track.name},
                "created_at": a.created_at,
                "updated_at": a.updated_at,
                "completed_at": a.completed_at,
                "ratings": [
                    {
                        "skill": r.skill.slug,
                        "skill_name": r.skill.name,
                        "bucket": r.skill.bucket.slug,
                        "value": r.value,
                        "note": r.note,
                        "updated_at": r.updated_at,
                    }
                    for r in a.ratings.all()
                ],
                "summary": a.summary,
                "snapshot": a.taken().as_dict() if a.is_complete else None,
                "plan": _exported_plan(a, done),
                "remind": a.remind,
                "reminded_at": a.reminded_at,
                # Other people's ratings of this audit, beside the owner's own.
                "outside_views": _outside_views(a),
            }
            for a in _export_audits(request)
        ],
    }
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="skillmap-audits.json"'
    return response


CSV_COLUMNS = [
    "audit_id",
    "track",
    "status",
    "created_at",
    "completed_at",
    "plan_hours_a_week",
    "remind",
    "skill",
    "skill_name",
    "bucket",
    "value",
    "note",
    "rated_by",
]


@login_required
@require_safe
def export_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One row per rating: the owner's own ("self"), then each outside view's ("outside: label",
    its comment in `note`)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="skillmap-ratings.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for a in _export_audits(request):
        plan_cells = [(a.plan or {}).get("hours", ""), "yes" if a.remind else "no"]
        for r in a.ratings.all():
            row = [
                a.public_id,
                a.track.name,
                "completed" if a.is_complete else "in progress",
                a.created_at.isoformat(),
                a.completed_at.isoformat() if a.completed_at else "",
                *plan_cells,
                r.skill.slug,
                r.skill.name,
                r.skill.bucket.slug,
                r.value,
                r.note,
                "self",
            ]
            writer.writerow([csv_safe(str(cell)) for cell in row])
        views = _outside_views(a)
        skills = a.taken().guide.map.skills if views else ()  # the map's order, as above
        for view in views:
            for skill in (s for s in skills if s.slug in view["ratings"]):
                row = [
                    a.public_id,
                    a.track.name,
                    "completed",
                    a.created_at.isoformat(),
                    a.completed_at.isoformat() if a.completed_at else "",
                    *plan_cells,
                    skill.slug,
                    skill.name,
                    skill.bucket,
                    view["ratings"][skill.slug],
                    view["comments"].get(skill.slug, ""),
                    f"outside: {view['label']}",
                ]
                writer.writerow([csv_safe(str(cell)) for cell in row])
    return response


def csv_safe(text: str) -> str:
    """Keep a spreadsheet from running a cell as a formula. Every cell goes through it: notes
    are the person's own words, and track and skill names are whatever staff typed."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
