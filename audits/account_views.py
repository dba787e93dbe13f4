"""Accounts and a person's own data: sign up, log in (claiming this browser's audits), history,
progress between audits, export, and deleting an audit or the whole account."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from audits import scoring
from audits.forms import DeleteAccountForm, SignUpForm
from audits.models import Audit, Rating
from audits.ratelimit import rate_limited
from audits.views import (
    SESSION_AUDITS,
    forget_results,
    get_audit_for_visitor,
    private,
    session_audit_ids,
)

EXPORT_FORMAT = "skillmap-audits/1"


class AuthenticatedHttpRequest(HttpRequest):
    """A request to a @login_required view: its user is a real account."""

    user: User


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
    http_method_names = ["get", "head", "post", "options"]  # a PUT is not a log-in

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if claimed := claim_session_audits(self.request):
            messages.success(self.request, _kept(claimed))
        return private(response)


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
    return private(render(request, "registration/signup.html", {"form": form}, status=status))


@login_required
@require_safe
def account(request: HttpRequest) -> HttpResponse:
    return private(render(request, "registration/account.html"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        mine = Audit.objects.filter(owner_id=user.pk)
        public_ids = list(mine.values_list("public_id", flat=True))
        logout(request)
        user.delete()  # the account's audits and ratings go with it (CASCADE)
        forget_results(public_ids)
        messages.success(request, "Your account and all its audits are deleted.")
        # Not the map: its anonymous page is shared and shows no messages, so this one would
        # be lost there and turn up on some later page instead.
        return redirect("login")
    status = 400 if request.method == "POST" else 200
    return private(
        render(request, "registration/delete_account.html", {"form": form}, status=status)
    )


@login_required
@require_safe
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    audits = (
        Audit.objects.filter(owner=request.user)
        .select_related("track")
        .defer("snapshot")
        .order_by("-created_at", "-id")
    )
    page = Paginator(audits, 20).get_page(request.GET.get("page"))
    prefix = reverse("audits:history")
    rows = [_history_row(a, prefix) for a in page.object_list]
    return private(render(request, "audits/history.html", {"page": page, "rows": rows}))


def _when(moment: datetime) -> tuple[str, str]:
    local = timezone.localtime(moment)
    return local.isoformat(timespec="seconds"), f"{local.day} {local:%b %Y}"


def _history_row(audit: Audit, prefix: str) -> dict[str, Any]:
    """One row, ready to print: the page's loop stays flat (dates and links made once here)."""
    started_iso, started = _when(audit.created_at)
    done = _when(audit.completed_at) if audit.completed_at else None
    url = f"{prefix}{audit.public_id}/"
    return {
        "track": audit.track.name,
        "started": started,
        "started_iso": started_iso,
        "completed": done,
        "headline": (audit.summary or {}).get("headline", ""),
        "open_url": f"{url}results/" if done else url,
        "open_text": "Results" if done else "Continue",
        "open_hint": f" of the {audit.track.name} audit from {started}"
        if done
        else f" the {audit.track.name} audit from {started}",
        "delete_url": f"{url}delete/",
        "delete_hint": f" the {audit.track.name} audit from {started}",
    }


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


@login_required
@require_safe
def progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What moved between two completed audits, and every bucket's score over time."""
    completed = list(
        Audit.objects.filter(owner=request.user, completed_at__isnull=False)
        .select_related("track")
        .defer("snapshot")
        .order_by("completed_at", "id")
    )
    context: dict[str, Any] = {"completed": completed}
    if len(completed) < 2:
        return private(render(request, "audits/progress.html", context))

    by_id = {str(a.public_id): a for a in completed}
    earlier, later = completed[-2], completed[-1]
    first, second = request.GET.get("a", ""), request.GET.get("b", "")
    if first or second:
        if first not in by_id or second not in by_id or first == second:
            context["error"] = "Pick two different completed audits of yours to compare."
            return private(render(request, "audits/progress.html", context, status=400))
        earlier, later = sorted((by_id[first], by_id[second]), key=completed.index)

    snapshots = dict(
        Audit.objects.filter(pk__in=[earlier.pk, later.pk]).values_list("pk", "snapshot")
    )
    before, after = snapshots[earlier.pk] or {}, snapshots[later.pk] or {}
    taken = scoring.SkillMap.from_dict(after["map"])
    same_target = earlier.track_id == later.track_id
    target = taken.track(after["track"])
    skills = [
        {"skill": s, **_change(before["ratings"].get(s.slug), after["ratings"].get(s.slug))}
        for s in taken.skills
    ]
    buckets = []
    for bucket in taken.buckets:
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
            "chart": _progress_chart(completed, taken.buckets),
        }
    )
    return private(render(request, "audits/progress.html", context))


def _progress_chart(completed: list[Audit], buckets: tuple[scoring.Bucket, ...]) -> dict[str, Any]:
    """A line per bucket across completed audits; lines differ by dash and marker, not colour."""
    left, top, width, height = 40, 10, 440, 200
    count = len(completed)
    step = width / max(1, count - 1)

    def y(score: float) -> float:
        return round(top + height - (score / scoring.RATING_MAX) * height, 1)

    lines = []
    for index, bucket in enumerate(buckets):
        points = []
        for i, audit in enumerate(completed):
            score = (audit.summary or {}).get("buckets", {}).get(bucket.slug)
            if score is not None:
                points.append({"x": round(left + i * step, 1), "y": y(score), "score": score})
        lines.append(
            {
                "bucket": bucket,
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
                "style": index % 4,
            }
        )
    return {
        "lines": lines,
        "width": left + width + 130,
        "height": top + height + 40,
        "axis_y": top + height,
        "left": left,
        "right": left + width,
        "ticks": [{"value": v, "y": y(v)} for v in range(1, scoring.RATING_MAX + 1)],
        "labels": [
            {"x": round(left + i * step, 1), "text": a.completed_at.strftime("%d %b")}
            for i, a in enumerate(completed)
            if a.completed_at
        ],
        "rows": [
            {
                "audit": a,
                "scores": [(a.summary or {}).get("buckets", {}).get(b.slug) for b in buckets],
            }
            for a in completed
        ],
    }


# --- Own your data --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def delete_audit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    the_audit = get_audit_for_visitor(request, public_id)
    if request.method == "POST":
        the_audit.delete()
        forget_results([public_id])
        if ids := session_audit_ids(request):  # an anonymous browser's list names it no more
            request.session[SESSION_AUDITS] = [i for i in ids if i != str(public_id)]
        messages.success(request, f"Your {the_audit.track.name} audit is deleted.")
        # Not the map, whose shared anonymous page shows no messages (see delete_account).
        return redirect("audits:history" if request.user.is_authenticated else "audits:new")
    return private(render(request, "audits/delete.html", {"audit": the_audit}))


def _export_audits(request: AuthenticatedHttpRequest) -> list[Audit]:
    ratings = Rating.objects.select_related("skill__bucket").order_by("skill__position", "id")
    return list(
        Audit.objects.filter(owner=request.user)
        .select_related("track")
        .prefetch_related(Prefetch("ratings", queryset=ratings))
        .order_by("created_at", "id")
    )


@login_required
@require_safe
def export_json(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything: each audit with its ratings and, once completed, its snapshot."""
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "user": request.user.get_username(),
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
                "snapshot": a.snapshot,
            }
            for a in _export_audits(request)
        ],
    }
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="skillmap-audits.json"'
    return private(response)


CSV_COLUMNS = [
    "audit_id",
    "track",
    "status",
    "created_at",
    "completed_at",
    "skill",
    "skill_name",
    "bucket",
    "value",
    "note",
]


@login_required
@require_safe
def export_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One row per rating."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="skillmap-ratings.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for a in _export_audits(request):
        for r in a.ratings.all():
            row = [
                a.public_id,
                a.track.name,
                "completed" if a.is_complete else "in progress",
                a.created_at.isoformat(),
                a.completed_at.isoformat() if a.completed_at else "",
                r.skill.slug,
                r.skill.name,
                r.skill.bucket.slug,
                r.value,
                r.note,
            ]
            writer.writerow([_csv_safe(str(cell)) for cell in row])
    return private(response)


def _csv_safe(text: str) -> str:
    """Keep a spreadsheet from running a cell as a formula. Every cell goes through it: notes
    are the person's own words, and track and skill names are whatever staff typed."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
