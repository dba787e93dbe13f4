"""One person's two audits six weeks apart, end to end through the site: the first plan, four
steps ticked, a re-audit from the same ratings with two moved, the second plan with the four
carried over as done and new work in their hours. Run with -s to read both plans."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from audits import plans
from audits.models import Audit, StepDone
from tests.conftest import MakeAudit
from tests.test_plan_pages import results, scientist_ratings, tick_url

pytestmark = pytest.mark.django_db


def printed(audit: Audit) -> str:
    taken = audit.taken()
    assessment = taken.assessment()
    assert assessment is not None and audit.plan is not None
    plan = plans.read(audit.plan, taken.guide.map, assessment, taken.notes, audit.ticks())
    step = assessment.next_step
    lines = [
        f"Audit completed {audit.completed_at:%Y-%m-%d}, {plan.hours} h a week; "
        f"what would move you most: {', '.join(s.name for s in step.raised) if step else '-'}",
        f"  {plan.done} of {len(plan.steps)} steps done; {plan.total} h in the six weeks, "
        f"{len(plan.later)} after them",
    ]
    for cp in plan.cells:
        for sp in cp.skills:
            if not sp.steps:
                continue
            lines.append(f"  {sp.skill.name} (you said {sp.rating}): {sp.realistic}")
            for p in sp.steps:
                mark = f"done {p.done_at:%Y-%m-%d}" if p.done_at else p.when
                lines.append(f"    {p.number:>2}. [{mark}] {p.step.title} ({p.step.hours} h)")
    lines.append(
        "  Weeks: "
        + "; ".join(
            f"{w.number}: " + ", ".join(f"#{p.number} {h}h" for p, h in w.steps) for w in plan.weeks
        )
    )
    return "\n".join(lines)


def test_two_audits_six_weeks_apart(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    first = make_audit(owner=owner, ratings=scientist_ratings(), complete=True)
    six_weeks_ago = timezone.now() - timedelta(weeks=6)
    Audit.objects.filter(pk=first.pk).update(completed_at=six_weeks_ago)
    first.refresh_from_db()
    ticked = [item["id"] for item in first.plan["steps"] if item["weeks"]][:4]  # type: ignore[index]
    for n, step in enumerate(ticked):
        assert owner_client.post(tick_url(first, step), {"done": "1"}).status_code == 302
        StepDone.objects.filter(owner=owner, step_id=step).update(
            done_at=six_weeks_ago + timedelta(days=7 * (n + 1))
        )
    print("\n--- First audit ---\n" + printed(first))

    assert owner_client.post(f"/audits/{first.public_id}/copy/").status_code == 302
    second = Audit.objects.filter(owner=owner).exclude(pk=first.pk).get()
    second.ratings.filter(skill__slug="reading-papers").update(value=3)
    finished = owner_client.post(f"/audits/{second.public_id}/", {"action": "finish"})
    assert finished.status_code == 302
    second.refresh_from_db()
    print("\n--- Second audit, six weeks later ---\n" + printed(second))

    carried = set(ticked) & plans.step_ids(second.plan)
    assert carried and carried <= set(second.ticks())
    assert all(i["weeks"] == [] for i in second.plan["steps"] if i["id"] in carried)  # type: ignore[index]
    assert f"{len(carried)} of {len(second.plan['steps'])} steps done." in results(  # type: ignore[index]
        owner_client, second
    )
