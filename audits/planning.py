"""A completed audit's six-week plan and its re-audit reminder: the fields and the writes.

Audit inherits these (audits.models). The plan is built from the audit's own frozen map by the
pure audits.plans, once at completion (Audit.complete calls `make_plan`), again only when the
person changes their hours; ticks are kept for the steps still in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from audits import plans

if TYPE_CHECKING:
    from audits.models import Audit, Taken


class StepNotInPlan(Exception):
    """The step is not one this audit's plan lists."""


class Planned(models.Model):
    plan = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="The six-week plan made at completion: hours a week, the steps with their "
        "weeks, and which are done (audits.plans). Null for audits completed before plans.",
    )
    remind = models.BooleanField(
        "email a reminder to re-audit",
        default=False,
        help_text="Only for signed-in owners with an email address; off by default.",
    )
    reminded_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the reminder was sent (once)."
    )
    reminder_failures = models.PositiveSmallIntegerField(
        default=0,
        editable=False,
        help_text="Runs of send_reminders that failed to send it; at REMINDER_ATTEMPTS "
        "(audits.reminders) it is no longer tried.",
    )

    class Meta:
        abstract = True

    def make_plan(self, taken: Taken, hours: int = plans.DEFAULT_HOURS) -> dict[str, Any] | None:
        """A plan for these results, keeping the ticks of steps it still lists."""
        assessment = taken.assessment()
        if assessment is None:
            return None
        done = (self.plan or {}).get("done", {})
        return plans.build(taken.guide.map, assessment, hours, done)

    def _locked(self) -> Audit:
        """This completed audit's row, re-read and held for the caller's transaction."""
        from audits.models import Audit  # Audit is built on this class

        locked = Audit.objects.select_for_update(of=("self",)).with_map_snapshot()
        return locked.get(pk=self.pk, completed_at__isnull=False)

    def _store(self, plan: dict[str, Any] | None) -> None:
        self.plan = plan
        type(self)._default_manager.filter(pk=self.pk).update(plan=plan)

    def replan(self, hours: int) -> None:
        """Fit the plan to a new number of hours a week (1-40)."""
        if not plans.valid_hours(hours):
            raise ValueError(hours)
        with transaction.atomic():
            locked = self._locked()
            self._store(locked.make_plan(locked.taken(), hours))

    def tick(self, step_id: int, done: bool) -> None:
        """Mark one of the plan's steps done (with when) or not done."""
        with transaction.atomic():
            locked = self._locked()
            plan = locked.plan
            if plan is None or step_id not in plans.step_ids(plan):
                raise StepNotInPlan(step_id)
            ticks = dict(plan.get("done", {}))
            if done:
                ticks.setdefault(str(step_id), timezone.now().isoformat(timespec="seconds"))
            else:
                ticks.pop(str(step_id), None)
            self._store({**plan, "done": ticks})

    @property
    def steps_done(self) -> tuple[int, int]:
        """(done, listed), from the stored plan alone: no snapshot is read."""
        return plans.progress(self.plan)
