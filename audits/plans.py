"""The six-week plan: which steps to take for which gaps, fitted to the hours a person has.

Pure functions on the map's plain values and scoring's results; no database here. The plan is
stored with the completed audit (Audit.plan, built by Audit.complete) in this compact form:

    {"hours": 5,                                  # hours a week, 1-40
     "steps": [{"id": 12, "skill": "reading-papers", "weeks": [[1, 5], [2, 1]]},
               {"id": 13, "skill": "reading-papers", "weeks": []}, ...],  # [] = after six weeks
     "done": {"12": "2026-03-01T10:00:00+00:00"}}  # ticked steps, when

The steps themselves (titles, hours) are read from the audit's own frozen map, so later edits to
steps never change a past plan.

How it is built:
- Focus cells: the target track's hired-on cells that have a gap, largest first; then its other
  cells with a gap, largest first.
- For each, the skills that measure it and fall short of its target, weakest first; for each such
  skill, three steps that serve the target track (Step.serves) and whose rating range fits the
  person's rating: those written for the fewest tracks first (the target's own before the ones
  every track shares), then by position; listed by position. Where fewer than three fit, the
  nearest steps above the rating (by how far their range starts above it) make it up to three;
  a step for ratings below the person's (remedial) is never listed, so someone at 4 is never
  sent back to a tutorial.
  Where the target's steps run out, the skill gets fewer than three. Three keeps the plan a plan,
  not a catalogue; the next audit, at the new rating, picks the next three.
- Scheduling: in that order, each step is placed in the next free hours of weeks 1-6 if it fits in
  what is left of hours x 6 (a step may run over into the next week); a step that does not fit
  goes "after six weeks", and a later, smaller one may still take the time left.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from audits.scoring import Assessment, CellResult
from skillmap.values import Skill, SkillMap, Step

DEFAULT_HOURS = 5
MIN_HOURS = 1
MAX_HOURS = 40
WEEKS = 6
STEPS_PER_SKILL = 3


def focus_cells(assessment: Assessment) -> tuple[CellResult, ...]:
    """The cells the plan works on, in order: hired-on gaps, then the other gaps."""
    first = assessment.focus_gaps
    others = sorted(
        (c for c in assessment.cells if c.gap and not c.is_focus), key=lambda c: -(c.gap or 0)
    )
    return (*first, *others)


def short_skills(cell: CellResult, ratings: Mapping[str, int]) -> tuple[Skill, ...]:
    """The skills measuring this cell that fall short of its target, weakest first."""
    if cell.target is None:
        return ()
    short = [s for s in cell.measured_by if s.slug in ratings and ratings[s.slug] < cell.target]
    return tuple(sorted(short, key=lambda s: ratings[s.slug]))


def choose_steps(
    skill_map: SkillMap, skill_slug: str, rating: int, track_slug: str | None = None
) -> tuple[Step, ...]:
    """Up to three steps for this skill at this rating, by position: those that serve the
    target track (any track if none is given) and suit the rating, the target's most specific
    first, made up with the nearest ones above it. Never one for ratings below this
    (remedial)."""
    steps = [
        s
        for s in skill_map.steps_for(skill_slug)
        if (track_slug is None or s.serves(track_slug)) and not s.remedial_for(rating)
    ]
    fitting = [s for s in steps if s.suits(rating)]
    if track_slug is not None:
        # The target's own steps first: one written for few tracks (a policy brief for Policy)
        # says more to this person than one for every track (a personal site).
        fitting.sort(key=lambda s: (len(s.tracks) or len(skill_map.tracks), s.position))
    fitting = sorted(fitting[:STEPS_PER_SKILL], key=lambda s: s.position)
    if len(fitting) < STEPS_PER_SKILL:

        def distance(step: Step) -> int:
            return (step.min_rating or 1) - rating  # each is above the rating: none is remedial

        nearest = sorted((s for s in steps if s not in fitting), key=distance)
        extra = nearest[: STEPS_PER_SKILL - len(fitting)]
        fitting = sorted([*fitting, *extra], key=lambda s: s.position)
    return tuple(fitting)


def priorities(skill_map: SkillMap, assessment: Assessment) -> list[tuple[Skill, Step]]:
    """Every step the plan lists, in priority order, with the skill it is for: only steps
    that serve the assessment's target track."""
    listed: list[tuple[Skill, Step]] = []
    seen: set[str] = set()
    target = assessment.track.slug
    for cell in focus_cells(assessment):
        for skill in short_skills(cell, assessment.ratings):
            if skill.slug in seen:  # a skill measuring two cells is planned once, for the first
                continue
            seen.add(skill.slug)
            rating = assessment.ratings[skill.slug]
            listed.extend(
                (skill, step) for step in choose_steps(skill_map, skill.slug, rating, target)
            )
    return listed


def schedule(hours_each: list[int], per_week: int) -> list[list[list[int]]]:
    """For each step's hours, in order, the [week, hours] it takes; [] if it does not fit."""
    left = per_week * WEEKS
    week, used = 1, 0
    placed: list[list[list[int]]] = []
    for hours in hours_each:
        if hours > left:
            placed.append([])
            continue
        left -= hours
        parts: list[list[int]] = []
        remaining = hours
        while remaining:
            if used == per_week:
                week, used = week + 1, 0
            take = min(remaining, per_week - used)
            parts.append([week, take])
            used += take
            remaining -= take
        placed.append(parts)
    return placed


def valid_hours(hours: int) -> bool:
    return MIN_HOURS <= hours <= MAX_HOURS


def build(
    skill_map: SkillMap,
    assessment: Assessment,
    hours: int = DEFAULT_HOURS,
    done: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The stored plan for these results at this many hours a week; ticks (`done`) are kept for
    the steps still in it."""
    if not valid_hours(hours):
        raise ValueError(f"hours a week must be {MIN_HOURS}-{MAX_HOURS}, not {hours}")
    listed = priorities(skill_map, assessment)
    weeks = schedule([step.hours for _, step in listed], hours)
    ids = {str(step.id) for _, step in listed}
    return {
        "hours": hours,
        "steps": [
            {"id": step.id, "skill": skill.slug, "weeks": parts}
            for (skill, step), parts in zip(listed, weeks, strict=True)
        ],
        "done": {key: when for key, when in (done or {}).items() if key in ids},
    }


def step_ids(stored: Mapping[str, Any] | None) -> set[int]:
    return {item["id"] for item in (stored or {}).get("steps", ())}


def progress(stored: Mapping[str, Any] | None) -> tuple[int, int]:
    """(steps done, steps listed): what the history page shows, from the stored plan alone."""
    if not stored:
        return 0, 0
    ids = step_ids(stored)
    return sum(1 for key in stored.get("done", {}) if int(key) in ids), len(ids)


def done_by_skill(stored: Mapping[str, Any] | None) -> dict[str, int]:
    """How many steps were ticked done for each skill."""
    counts: dict[str, int] = {}
    if not stored:
        return counts
    done = stored.get("done", {})
    for item in stored.get("steps", ()):
        if str(item["id"]) in done:
            counts[item["skill"]] = counts.get(item["skill"], 0) + 1
    return counts


# --- Reading a stored plan, for pages and the reminder email ---------------------------------


@dataclass(frozen=True)
class PlannedStep:
    number: int
    step: Step
    skill: Skill
    weeks: tuple[tuple[int, int], ...]
    done_at: str = ""

    @property
    def done(self) -> bool:
        return bool(self.done_at)

    @property
    def later(self) -> bool:
        """Does not fit in the six weeks at this many hours."""
        return not self.weeks

    @property
    def when(self) -> str:
        """ "Week 2", "Weeks 2–3", or "After six weeks"."""
        if not self.weeks:
            return "After six weeks"
        first, last = self.weeks[0][0], self.weeks[-1][0]
        return f"Week {first}" if first == last else f"Weeks {first}–{last}"


@dataclass(frozen=True)
class SkillPlan:
    skill: Skill
    rating: int
    note: str
    steps: tuple[PlannedStep, ...]


@dataclass(frozen=True)
class CellPlan:
    cell: CellResult
    skills: tuple[SkillPlan, ...]


@dataclass(frozen=True)
class Week:
    number: int
    hours: int
    steps: tuple[tuple[PlannedStep, int], ...]  # each step with its hours in this week


@dataclass(frozen=True)
class Plan:
    hours: int
    cells: tuple[CellPlan, ...]
    steps: tuple[PlannedStep, ...]

    @property
    def weeks(self) -> tuple[Week, ...]:
        return tuple(
            Week(
                number=n,
                hours=sum(h for p in self.steps for w, h in p.weeks if w == n),
                steps=tuple((p, h) for p in self.steps for w, h in p.weeks if w == n),
            )
            for n in range(1, WEEKS + 1)
        )

    @property
    def total(self) -> int:
        """Hours scheduled in the six weeks."""
        return sum(h for p in self.steps for _, h in p.weeks)

    @property
    def later(self) -> tuple[PlannedStep, ...]:
        return tuple(p for p in self.steps if p.later)

    @property
    def later_hours(self) -> int:
        return sum(p.step.hours for p in self.later)

    @property
    def done(self) -> int:
        return sum(1 for p in self.steps if p.done)

    @property
    def open_steps(self) -> tuple[PlannedStep, ...]:
        return tuple(p for p in self.steps if not p.done)


def read(
    stored: Mapping[str, Any],
    skill_map: SkillMap,
    assessment: Assessment,
    notes: Mapping[str, str] | None = None,
) -> Plan:
    """The stored plan with its steps as the audit's own map has them, grouped by cell and skill."""
    done = stored.get("done", {})
    planned: list[PlannedStep] = []
    for item in stored.get("steps", ()):
        step, skill = skill_map.step(item["id"]), skill_map.skill(item["skill"])
        if step is None or skill is None:  # not in this map: nothing to show for it
            continue
        planned.append(
            PlannedStep(
                number=len(planned) + 1,
                step=step,
                skill=skill,
                weeks=tuple((w, h) for w, h in item["weeks"]),
                done_at=done.get(str(step.id), ""),
            )
        )
    cells = []
    for cell in focus_cells(assessment):
        skills = tuple(
            SkillPlan(
                skill=skill,
                rating=assessment.ratings[skill.slug],
                note=(notes or {}).get(skill.slug, ""),
                steps=tuple(p for p in planned if p.skill.slug == skill.slug),
            )
            # Every rated skill measuring the cell, weakest first (the order steps are planned
            # in); those that meet the target have no steps.
            for skill in sorted(
                (s for s in cell.measured_by if s.slug in assessment.ratings),
                key=lambda s: assessment.ratings[s.slug],
            )
        )
        cells.append(CellPlan(cell=cell, skills=skills))
    return Plan(hours=stored.get("hours", DEFAULT_HOURS), cells=tuple(cells), steps=tuple(planned))
