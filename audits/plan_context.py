"""What the results page's six-week plan shows (templates/audits/_plan.html), shared by the
results view, the shared results and the plan's own views; and the progress page's steps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from audits import plans
from audits.forms import HoursForm
from audits.models import Audit, StepDone, Taken
from audits.scoring import Assessment
from skillmap.values import Skill

PLAN = "audits/_plan.html"


def plan_context(
    audit: Audit,
    taken: Taken,
    assessment: Assessment,
    hours_form: HoursForm | None = None,
    editable: bool = True,
) -> dict[str, Any]:
    """What the results page's plan (templates/audits/_plan.html) shows: the steps, the guide's
    honest point and the re-audit date. `editable`: the audit's own visitor, who may change
    hours, tick steps and download the calendar file (a page shown to anyone else passes False:
    the plan is then read-only)."""
    plan = (
        plans.read(audit.plan, taken.guide.map, assessment, taken.notes, audit.ticks())
        if audit.plan
        else None
    )
    hours = plan.hours if plan else plans.DEFAULT_HOURS
    return {
        "plan": plan,
        "steps_done": plan.done if plan else 0,
        "steps_listed": len(plan.steps) if plan else 0,
        "hours_per_point": plans.HOURS_PER_POINT,
        "plan_editable": editable,
        "plan_cells": plan.cells if plan else _cells_without_plan(taken, assessment),
        "hours_form": hours_form or HoursForm(initial={"hours": hours}),
        "honest_point": taken.guide.passages.get("honest_point", ""),
        "reaudit_on": audit.reaudit_on,
    }


def _cells_without_plan(taken: Taken, assessment: Assessment) -> tuple[plans.CellPlan, ...]:
    """An audit completed before plans: its gaps and ratings, with no steps."""
    return plans.read({"steps": []}, taken.guide.map, assessment, taken.notes).cells


@dataclass(frozen=True)
class StepsMoved:
    skill: Skill
    done: int
    move: int | None  # the rating's change, None if not rated in both


def steps_and_moves(earlier: Audit, later: Audit, before: Taken, after: Taken) -> dict[str, Any]:
    """For the progress page: the steps of the earlier audit's plan done by the time of the
    later audit, per skill, and whether the skills with the most steps done are the ones whose
    rating moved the most."""
    ticks = StepDone.objects.counting_for(earlier)
    if later.completed_at is not None:
        ticks = ticks.filter(done_at__lte=later.completed_at)
    done = plans.done_by_skill(earlier.plan, set(ticks.values_list("step_id", flat=True)))
    moves = {
        slug: after.ratings[slug] - value
        for slug, value in before.ratings.items()
        if slug in after.ratings
    }
    skill_map = after.guide.map
    rows = sorted(
        (
            StepsMoved(skill, done[skill.slug], moves.get(skill.slug))
            for skill in skill_map.skills
            if skill.slug in done
        ),
        key=lambda r: -r.done,
    )
    if not rows or not moves:
        return {"rows": rows, "verdict": None}
    busiest = [r for r in rows if r.done == rows[0].done]
    best = max(moves.values())
    busiest_move = max((r.move for r in busiest if r.move is not None), default=None)
    if busiest_move is not None and busiest_move == best and best > 0:
        verdict = "Yes: the skills you did the most steps for moved the most."
    else:
        leaders = [s.name for s in skill_map.skills if moves.get(s.slug) == best]
        verdict = (
            "Not this time: the most steps went to "
            + ", ".join(r.skill.name for r in busiest)
            + f"; the largest move ({best:+d}) was in "
            + ", ".join(leaders)
            + "."
        )
    return {"rows": rows, "verdict": verdict}
