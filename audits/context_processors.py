"""What every page may show of this visitor's audits, for templates outside this app too (the
map's home page lives in skillmap, which knows nothing of audits): asked for by name in
settings, and read only by the pages that show it, so other pages pay nothing."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.utils import timezone

from audits.accounts import safe_next, session_audit_ids
from audits.models import Audit
from skillmap.guide import current_guide

# Pages whose log-in link carries on the `next` they were given rather than naming themselves
# (logging in to come back to the log-in page would go round in a circle).
AUTH_PAGES = {"login", "signup", "logout", "password_reset", "password_reset_done"}


@dataclass(frozen=True)
class OpenAudit:
    audit: Audit
    rated: int
    asked: int


class ThisBrowser:
    """This visitor's audits: an account's, or those an anonymous browser's session holds.
    Each is looked up on first use."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def _audits(self) -> Any:
        found = Audit.objects.for_visitor(self.request.user, session_audit_ids(self.request))
        return found.select_related("track").defer("snapshot")

    @cached_property
    def open_audit(self) -> OpenAudit | None:
        """The open audit touched last, with how many of its form's questions are rated."""
        audit = self._audits().filter(completed_at__isnull=True).order_by("-updated_at", "-id")
        found = audit.first()
        if found is None:
            return None
        skill_map = current_guide().map
        target = skill_map.track(found.track.slug)
        asked = skill_map.questions_for(target) if target else skill_map.skills
        rated = found.ratings.filter(skill__slug__in=[s.slug for s in asked]).count()
        return OpenAudit(found, rated, len(asked))

    @cached_property
    def latest(self) -> Audit | None:
        """The audit completed last: its results, re-audit date and plan's progress."""
        completed = self._audits().filter(completed_at__isnull=False)
        return completed.order_by("-completed_at", "-id").first()

    @cached_property
    def reaudit_due(self) -> bool:
        """Whether the latest audit's re-audit date has come."""
        day = self.latest.reaudit_on if self.latest is not None else None
        return day is not None and day <= timezone.localdate()

    @cached_property
    def steps(self) -> str:
        """ "4 of 18 steps done" for the latest audit's plan, or ""."""
        if self.latest is None:
            return ""
        done, listed = self.latest.steps_done(self.latest.ticks())
        return f"{done} of {listed} steps done" if listed else ""


def login_query(request: HttpRequest) -> str:
    """The query of the header's log-in and sign-up links: come back to this page afterwards
    (its path alone, so a page drawn once for everyone names no one's query)."""
    match = request.resolver_match
    if match is None or "token" in match.kwargs:
        back = ""  # no page here, or one whose address is a bearer link: never carried along
    elif match.url_name in AUTH_PAGES:
        try:
            asked = request.GET.get("next")  # never the body: it may be refused
        except SuspiciousOperation:  # a query Django will not read (too many fields): no way back
            asked = None
        back = safe_next(request, asked)
    else:
        back = request.path if request.method in ("GET", "HEAD") else ""
    return "?" + urlencode({"next": back}) if back and back != "/" else ""


def this_browser(request: HttpRequest) -> dict[str, Any]:
    return {"this_browser": ThisBrowser(request), "login_query": login_query(request)}
