"""The six-week plan on the results page, and coming back: hours, ticks, the calendar file,
"audit again", the reminder switch and the reminder's unsubscribe link."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from audits import plans, reminders
from audits.accounts import get_audit_for_visitor, reminder_address
from audits.forms import HoursForm
from audits.models import Audit, StepNotInPlan
from audits.plan_context import PLAN, plan_context
from audits.ratelimit import rate_limited
from audits.views import HtmxHttpRequest, results_page


def _results_url(audit: Audit, anchor: str = "six-weeks") -> str:
    return reverse("audits:results", args=[audit.public_id]) + f"#{anchor}"


# --- Hours and ticks ------------------------------------------------------------------------


@vary_on_headers("HX-Request")
@require_POST
@rate_limited("save")
def plan_hours(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """Re-plan for a number of hours a week: the schedule (htmx) or back to the results."""
    audit = get_audit_for_visitor(request, public_id, completed=True, snapshot=True)
    form: HoursForm | None = HoursForm(request.POST)
    if form is not None and form.is_valid():
        audit.replan(form.cleaned_data["hours"])
        if not request.htmx:
            messages.success(request, f"Your plan now fits {audit.plan['hours']} hours a week.")  # type: ignore[index]
            return redirect(_results_url(audit, "plan-schedule"))
        form = None
    taken = audit.taken()
    assessment = taken.assessment()
    if assessment is None:
        raise Http404("This audit's snapshot has no target track.")
    status = 200 if form is None else 400
    if request.htmx:
        context = {"audit": audit, **plan_context(audit, taken, assessment, form)}
        return render(request, f"{PLAN}#schedule", context, status=status)
    return results_page(request, audit, status=status, hours_form=form)


@vary_on_headers("HX-Request")
@require_POST
@rate_limited("save")
def tick(request: HtmxHttpRequest, public_id: UUID, step_id: int) -> HttpResponse:
    """Tick a step of this audit's plan done (done=1) or not (done=0): for the person, so on
    every plan of theirs. htmx gets the step and the counter redrawn from the audit's map and
    the ticks alone (nothing is scored); without JavaScript, back to the step."""
    audit = get_audit_for_visitor(request, public_id, completed=True, snapshot=True)
    done = request.POST.get("done")
    if done not in ("0", "1"):
        return HttpResponse("done must be 0 or 1.", status=400, content_type="text/plain")
    try:
        audit.tick(step_id, done == "1")
    except StepNotInPlan:
        raise Http404("That step is not in this audit's plan.") from None
    if not request.htmx:
        messages.success(request, "Marked done." if done == "1" else "Marked not done.")
        return redirect(_results_url(audit, f"step-{step_id}"))
    assert audit.plan is not None  # a completed audit's plan listed the step
    steps = plans.read_steps(audit.plan, audit.taken().guide.map, audit.ticks())
    context = {
        "audit": audit,
        "plan_editable": True,
        "p": next(p for p in steps if p.step.id == step_id),
        "steps_done": sum(1 for p in steps if p.done),
        "steps_listed": len(steps),
        "announce": "Marked done." if done == "1" else "Marked not done.",
    }
    return render(request, f"{PLAN}#ticked", context)


# --- Coming back ----------------------------------------------------------------------------


@require_safe
@rate_limited("links", reads=True)
def reaudit_ics(request: HttpRequest, public_id: UUID) -> HttpResponse:
    audit = get_audit_for_visitor(request, public_id, completed=True)
    again = request.build_absolute_uri(reverse("audits:again", args=[audit.public_id]))
    response = HttpResponse(reminders.calendar(audit, again), content_type="text/calendar")
    response["Content-Disposition"] = 'attachment; filename="skills-map-re-audit.ics"'
    return response


@require_safe
def again(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Where the calendar entry and the reminder lead: the way to audit again from this audit
    (the copy is a POST, so following a link never makes an audit)."""
    audit = get_audit_for_visitor(request, public_id)
    return render(request, "audits/again.html", {"audit": audit})


@require_POST
@rate_limited("save")
def reminder(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Switch the emailed re-audit reminder on (on=1) or off (on=0) for one's own audit.
    Only an account's own audits have one: anyone else gets a 404, as for any audit not theirs."""
    if not request.user.is_authenticated:
        raise Http404("Reminders are for signed-in owners.")
    audit = get_audit_for_visitor(request, public_id, completed=True)
    on = request.POST.get("on")
    if on not in ("0", "1"):
        return HttpResponse("on must be 0 or 1.", status=400, content_type="text/plain")
    email = reminder_address(request.user)
    if on == "1" and not email:
        messages.error(
            request,
            format_html(
                "Your account has no confirmed email address to send a reminder to. Add one, "
                'or confirm it, on <a href="{}#email">your account page</a>.',
                reverse("account"),
            ),
        )
        return redirect(_results_url(audit, "reminder"))
    Audit.objects.filter(pk=audit.pk).update(
        remind=on == "1", reminded_at=None, reminder_failures=0
    )
    day = audit.reaudit_on
    messages.success(
        request,
        f"We’ll email {email} on {day.day} {day:%B %Y}."
        if on == "1" and day
        else "No reminder will be emailed for this audit.",
    )
    return redirect(_results_url(audit, "reminder"))


@csrf_exempt  # the signed token is the authority, and mail clients post without a session
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("links", reads=True)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Turn reminders off, without logging in. The link shows one button (so a mail scanner that
    follows links changes nothing); mail clients' one-click unsubscribe posts straight here."""
    audit = reminders.audit_for_token(token)
    if audit is None:
        return render(request, "audits/unsubscribe.html", {"bad": True}, status=400)
    if request.method == "POST":
        turned_off = reminders.turn_off_for_owner(audit)
        return render(request, "audits/unsubscribe.html", {"done": True, "was_off": not turned_off})
    if not reminders.any_on_for_owner(audit):
        return render(request, "audits/unsubscribe.html", {"done": True, "was_off": True})
    return render(request, "audits/unsubscribe.html", {"token": token})
