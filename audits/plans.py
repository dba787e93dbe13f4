"""The six-week plan: which steps to take for which gaps, fitted to the hours a person has.

Pure functions on the map's plain values and scoring's results; no database here. The plan is
stored with the completed audit (Audit.plan, built by Audit.complete) in this compact form:

    {"hours": 5,                                  # hours a week, 1-40
     "steps": [{"id": 12, "skill": "reading-papers", "weeks": [[1, 5], [2, 1]]},
               {"id": 13, "skill": "reading-papers", "weeks": []}, ...]}
                                        # [] = no hours: done when planned, or after six weeks

Which steps are done is not stored here: a done step is the person's, on every plan of theirs
(audits.models.StepDone), and is passed in to build and read.

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
- Scheduling (see `schedule`): steps already done take no hours; the skills "What would move you
  most" raises go first, so the two never disagree; a step never comes before, or without, the
  step it builds on; a skill's steps are taken in the order they were chosen by (`preference`:
  the target's own first, then by position), each after the step of its skill it builds on
  (`skill_orders`), so an engineer aiming at interpretability reaches Neel Nanda's
  interpretability reading in the six weeks, after Keshav's method and before the ResNet paper;
  one left for later holds back the rest of its skill in that order (a step waiting for one
  the plan does not list comes last, holding back nothing); a step with a weekly rhythm takes
  an even share of its hours each week.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from audits.scoring import Assessment, CellResult
from skillmap.values import Skill, SkillMap, Step

DEFAULT_HOURS = 5
MIN_HOURS = 1
MAX_HOURS = 40
WEEKS = 6
STEPS_PER_SKILL = 3
# The app's rule of thumb for realistic_move: hours of deliberate work per point of a rating.
HOURS_PER_POINT = 20


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


def preference(step: Step, track_count: int) -> tuple[int, int]:
    """How a step ranks among its skill's, for a target track: the target's own steps first,
    since one written for few tracks (a policy brief for Policy) says more to this person than
    one for every track (a personal site, no tracks named), then by position. Which steps are
    chosen (`choose_steps`) and the order a skill's steps are taken in (`schedule`)."""
    return (len(step.tracks) or track_count, step.position)


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
        fitting.sort(key=lambda s: preference(s, len(skill_map.tracks)))
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


def realistic_move(gap: int, hours: int) -> str:
    """What six weeks can realistically move one skill, given the hours the plan gives it.

    The rule (the app's own rule of thumb, not the guide's): a point of a 1-5 self-rating takes
    about HOURS_PER_POINT hours of deliberate work, and no more than one point moves in six
    weeks, whatever the hours (a rating says what you can do unaided, and that settles slowly).
    So: no hours, "nothing in these six weeks"; under HOURS_PER_POINT, "a start on a gap of N"
    (or "a start on it" for a gap of 1); at or over, "about one point" (and "the gap of 1,
    closed", where it is the whole gap)."""
    if hours <= 0:
        return "nothing in these six weeks: its steps come after them"
    if hours < HOURS_PER_POINT:
        return "a start on it" if gap <= 1 else f"a start on a gap of {gap}"
    if gap <= 1:
        return "about one point: the gap of 1, closed"
    return f"about one point of a gap of {gap}"


@dataclass
class _Week:
    free: list[int]

    def fits_from(self, start: int) -> int:
        return sum(self.free[start - 1 :])


def _shares(hours: int, weeks: int) -> list[int]:
    """`hours` spread evenly over `weeks`, the odd hours in the first weeks."""
    base, extra = divmod(hours, weeks)
    return [base + (1 if n < extra else 0) for n in range(weeks)]


def skill_orders(
    steps: Sequence[Step], track_count: int, satisfied: Collection[int] = ()
) -> dict[str, list[int]]:
    """For each skill, the indices of its steps in `steps` in the order they are taken: by
    `preference` (the target's own steps first, then by position), each step after the step of
    its skill it builds on (unless that is in `satisfied`: done, or the person is past it),
    which is pulled in front of it. So an interpretability entrant reads Keshav's paper-reading
    method, then Neel Nanda's interpretability literature, then the ResNet paper.

    A step that cannot be taken in these weeks whatever the hours (it builds, directly or
    through others, on a step not in `steps` nor in `satisfied`) comes last in its skill's
    order, so that waiting for what is not planned holds back nothing else."""
    index = {step.id: n for n, step in enumerate(steps)}
    stuck: dict[int, bool] = {}

    def waits_for_unplanned(n: int) -> bool:
        if n not in stuck:
            stuck[n] = True  # a loop of prerequisites is never taken either
            before = steps[n].builds_on
            if before is None or before in satisfied:
                stuck[n] = False
            else:
                k = index.get(before)
                stuck[n] = k is None or waits_for_unplanned(k)
        return stuck[n]

    def rank(n: int) -> tuple[bool, int, int]:
        return (waits_for_unplanned(n), *preference(steps[n], track_count))

    orders: dict[str, list[int]] = {}
    for n in sorted(range(len(steps)), key=rank):
        taken = orders.setdefault(steps[n].skill, [])
        chain: list[int] = []
        while n not in taken and n not in chain:  # `chain`: a loop of prerequisites stops
            chain.append(n)
            before = steps[n].builds_on
            k = index.get(before) if before is not None and before not in satisfied else None
            if k is None or steps[k].skill != steps[n].skill:
                break
            n = k
        taken.extend(m for m in reversed(chain) if m not in taken)
    return orders


def schedule(
    steps: Sequence[Step],
    per_week: int,
    *,
    done: Collection[int] = (),
    met: Collection[int] = (),
    first: Collection[str] = (),
    track_count: int | None = None,
) -> list[list[list[int]]]:
    """For each step (in the plan's order), the [week, hours] it takes; [] if it has none in
    the six weeks (done already, or left for after them).

    - Steps in `done` take no hours: the weeks go to new work.
    - The steps of the skills in `first` (what "What would move you most" raises) are placed
      first, so week 1 starts with them; then the rest, in the plan's order.
    - A step is never placed before, nor without, the step it builds on (`builds_on`), unless
      that one is done or in `met` (the person is past it). A prerequisite the plan lists later
      is pulled forward; one it does not list leaves the step for after six weeks.
    - Within a skill, steps are taken in the order `skill_orders` gives (the target's own steps
      first, then by position, a prerequisite before the step that builds on it; `track_count`
      is the map's number of tracks, which a step naming none serves; without it, a step naming
      none comes after every step naming some): one left for later holds back every step after
      it in that order (no filling leftover hours with a later, smaller step).
    - A step starts no earlier than the week the step it builds on ends, nor earlier than the
      step before it in its skill's order starts. It takes the earliest free hours from there
      (running over into the next weeks) if all its hours fit by week 6; a step with a weekly
      rhythm (`weekly` weeks) takes an even share of its hours in each of that many weeks in a row.
    """
    done_ids = set(done)
    satisfied = done_ids | set(met)
    index = {step.id: n for n, step in enumerate(steps)}
    everyone = track_count or 1 + max((len(s.tracks) for s in steps), default=0)
    ahead: dict[int, list[int]] = {}  # each step's earlier steps in its skill's order
    for order in skill_orders(steps, everyone, satisfied).values():
        for i, n in enumerate(order):
            ahead[n] = order[:i]
    placed: list[list[list[int]] | None] = [None] * len(steps)
    weeks = _Week([per_week] * WEEKS)
    deferred: set[int] = set()
    visiting: set[int] = set()

    def end_week(n: int) -> int:
        parts = placed[n]
        return parts[-1][0] if parts else 1

    def place(n: int) -> bool:
        """Place steps[n] if it can be; whether it has its hours (or is done)."""
        if placed[n] is not None:
            return n not in deferred
        step = steps[n]
        if step.id in done_ids:
            placed[n] = []
            return True
        if n in visiting:  # a loop of prerequisites: none of it can come first
            return False
        visiting.add(n)
        try:
            earliest = 1
            for m in ahead[n]:  # the skill's earlier steps first
                if steps[m].id not in done_ids:
                    if not place(m):
                        return defer(n)
                    if placed[m]:
                        earliest = max(earliest, placed[m][0][0])  # type: ignore[index]
            before = step.builds_on
            if before is not None and before not in satisfied:
                k = index.get(before)
                if k is None or not place(k):
                    return defer(n)
                if placed[k]:
                    earliest = max(earliest, end_week(k))
            parts = fit(step, earliest)
            if parts is None:
                return defer(n)
            placed[n] = parts
            return True
        finally:
            visiting.discard(n)

    def defer(n: int) -> bool:
        placed[n] = []
        deferred.add(n)
        return False

    def fit(step: Step, earliest: int) -> list[list[int]] | None:
        if step.weekly and step.weekly > 1:
            shares = _shares(step.hours, step.weekly)
            for start in range(earliest, WEEKS - step.weekly + 2):
                span = range(start, start + step.weekly)
                if all(weeks.free[w - 1] >= h for w, h in zip(span, shares, strict=True)):
                    for w, h in zip(span, shares, strict=True):
                        weeks.free[w - 1] -= h
                    return [[w, h] for w, h in zip(span, shares, strict=True) if h]
            return None
        if step.hours > weeks.fits_from(earliest):
            return None
        parts: list[list[int]] = []
        remaining = step.hours
        for w in range(earliest, WEEKS + 1):
            take = min(remaining, weeks.free[w - 1])
            if take:
                parts.append([w, take])
                weeks.free[w - 1] -= take
                remaining -= take
            if not remaining:
                break
        return parts

    order = [n for n, s in enumerate(steps) if s.skill in first]
    order += [n for n in range(len(steps)) if n not in set(order)]
    for n in order:
        place(n)
    return [parts or [] for parts in placed]


def valid_hours(hours: int) -> bool:
    return MIN_HOURS <= hours <= MAX_HOURS


def prerequisites_met(skill_map: SkillMap, ratings: Mapping[str, int]) -> set[int]:
    """The steps a person is past by their ratings: rated above the step's range."""
    return {
        s.id
        for s in skill_map.steps
        if s.max_rating is not None and ratings.get(s.skill, 0) > s.max_rating
    }


def first_skills(assessment: Assessment) -> set[str]:
    """The skills "What would move you most" raises: the plan starts with them."""
    step = assessment.next_step
    return {s.slug for s in step.raised} if step else set()


def build(
    skill_map: SkillMap,
    assessment: Assessment,
    hours: int = DEFAULT_HOURS,
    done: Collection[int] = (),
) -> dict[str, Any]:
    """The stored plan for these results at this many hours a week. `done`: the ids of the
    steps this person has done, listed but given no hours."""
    if not valid_hours(hours):
        raise ValueError(f"hours a week must be {MIN_HOURS}-{MAX_HOURS}, not {hours}")
    listed = priorities(skill_map, assessment)
    weeks = schedule(
        [step for _, step in listed],
        hours,
        done=done,
        met=prerequisites_met(skill_map, assessment.ratings),
        first=first_skills(assessment),
        track_count=len(skill_map.tracks),
    )
    return {
        "hours": hours,
        "steps": [
            {"id": step.id, "skill": skill.slug, "weeks": parts}
            for (skill, step), parts in zip(listed, weeks, strict=True)
        ],
    }


def step_ids(stored: Mapping[str, Any] | None) -> set[int]:
    return {item["id"] for item in (stored or {}).get("steps", ())}


def progress(stored: Mapping[str, Any] | None, done: Collection[int]) -> tuple[int, int]:
    """(steps done, steps listed): what the history page shows, from the stored plan and the
    person's done step ids."""
    ids = step_ids(stored)
    return len(ids & set(done)), len(ids)


def done_by_skill(stored: Mapping[str, Any] | None, done: Collection[int]) -> dict[str, int]:
    """How many of the plan's steps are done, for each skill."""
    counts: dict[str, int] = {}
    done_ids = set(done)
    for item in (stored or {}).get("steps", ()):
        if item["id"] in done_ids:
            counts[item["skill"]] = counts.get(item["skill"], 0) + 1
    return counts


# --- Reading a stored plan, for pages and the reminder email ---------------------------------


@dataclass(frozen=True)
class PlannedStep:
    number: int
    step: Step
    skill: Skill
    weeks: tuple[tuple[int, int], ...]
    done_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def later(self) -> bool:
        """Has no hours in the six weeks (and is not done)."""
        return not self.weeks and not self.done

    @property
    def scheduled_hours(self) -> int:
        return sum(h for _, h in self.weeks)

    @property
    def when(self) -> str:
        """ "Week 2", "Weeks 2–3", "Done" or "After six weeks"."""
        if not self.weeks:
            return "Done" if self.done else "After six weeks"
        first, last = self.weeks[0][0], self.weeks[-1][0]
        return f"Week {first}" if first == last else f"Weeks {first}–{last}"


@dataclass(frozen=True)
class SkillPlan:
    skill: Skill
    rating: int
    note: str
    steps: tuple[PlannedStep, ...]
    target: int | None = None

    @property
    def gap(self) -> int:
        return max(0, (self.target or 0) - self.rating)

    @property
    def hours(self) -> int:
        """The hours this plan's six weeks give the skill (its steps done since included; those
        done before the plan was made have none)."""
        return sum(p.scheduled_hours for p in self.steps)

    @property
    def realistic(self) -> str:
        """What six weeks at these hours can realistically move it (realistic_move)."""
        return realistic_move(self.gap, self.hours)


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
        return sum(p.scheduled_hours for p in self.steps)

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


def read_steps(
    stored: Mapping[str, Any], skill_map: SkillMap, done: Mapping[int, datetime] | None = None
) -> tuple[PlannedStep, ...]:
    """The stored plan's steps as the audit's own map has them, numbered, with when each was
    done: all a tick redraws (no scoring)."""
    done = done or {}
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
                done_at=done.get(step.id),
            )
        )
    return tuple(planned)


def read(
    stored: Mapping[str, Any],
    skill_map: SkillMap,
    assessment: Assessment,
    notes: Mapping[str, str] | None = None,
    done: Mapping[int, datetime] | None = None,
) -> Plan:
    """The stored plan grouped by cell and skill, with the person's ticks (`done`)."""
    planned = read_steps(stored, skill_map, done)
    cells = []
    for cell in focus_cells(assessment):
        skills = tuple(
            SkillPlan(
                skill=skill,
                rating=assessment.ratings[skill.slug],
                note=(notes or {}).get(skill.slug, ""),
                steps=tuple(p for p in planned if p.skill.slug == skill.slug),
                target=cell.target,
            )
            # Every rated skill measuring the cell, weakest first (the order steps are planned
            # in); those that meet the target have no steps.
            for skill in sorted(
                (s for s in cell.measured_by if s.slug in assessment.ratings),
                key=lambda s: assessment.ratings[s.slug],
            )
        )
        cells.append(CellPlan(cell=cell, skills=skills))
    return Plan(hours=stored.get("hours", DEFAULT_HOURS), cells=tuple(cells), steps=planned)
