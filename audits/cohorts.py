"""A cohort's figures: what its organisers see of the members who share. No database here.

The input is each sharing member's latest completed audit, its target's cells already scored
(audits.scoring.cell_results, by the rules and map it was taken against), and the map as it is
today (for the names and steps to show); the output is counts. Nothing in it names anyone
except the rows of members who said the organisers may see their name.

What keeps a member from being picked out:
- Below the cohort's smallest group (k) of sharing members, nothing but the joined and sharing
  counts is worked out at all.
- Any figure that counts fewer than MIN_SHOWN people shows as "fewer than 3" (zero too, so a
  member who joins cannot be found by comparing the page before and after). Where a row of
  counts would hide exactly one figure, the next smallest is hidden as well, so the hidden one
  cannot be worked out by subtracting the others from the row's total.
- A track's own breakdown appears only when at least k sharing members target it; otherwise
  its members count only in the table across every target.
- A median (plan progress) is given only over MIN_SHOWN or more people.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from audits.plans import short_skills
from audits.scoring import CellResult
from skillmap.values import SkillMap, Step, Track

# The fewest people any figure may count.
MIN_SHOWN = 3
FEWER = f"fewer than {MIN_SHOWN}"
# How far short a cell is, in the columns of the heat map.
COLUMNS = ("meet their target", "1 short", "2 short", "3 or more short", "not measured")
# The same, short enough to head a cell on a phone, where each row of the table is a card.
CELL_HEADS = ("Meet target", "1 short", "2 short", "3+ short", "Not measured")
# The hired-on gaps listed, most common first, and the steps shown for each skill behind them.
TOP_GAPS = 5
STEPS_PER_SKILL = 3
RECENT = timedelta(weeks=6)


@dataclass(frozen=True)
class Tally:
    """A count of people, as the page may show it."""

    n: int
    hidden: bool = False

    @classmethod
    def of(cls, n: int) -> Tally:
        return cls(n, hidden=n < MIN_SHOWN)

    def __str__(self) -> str:
        return FEWER if self.hidden else str(self.n)

    def heat(self, total: int) -> int:
        """0-4, how large a part of `total` this is (for shading; the text says it anyway)."""
        if self.hidden or total <= 0:
            return 0
        return min(4, math.ceil(4 * self.n / total))


def suppress(counts: Sequence[int]) -> tuple[Tally, ...]:
    """A row of counts with the total known: small ones hidden, and one more where a single
    hidden count could be worked out from the others."""
    tallies = [Tally.of(n) for n in counts]
    hidden = [i for i, t in enumerate(tallies) if t.hidden]
    if len(hidden) == 1 and tallies[hidden[0]].n > 0:
        shown = [i for i, t in enumerate(tallies) if not t.hidden]
        if shown:
            smallest = min(shown, key=lambda i: tallies[i].n)
            tallies[smallest] = Tally(tallies[smallest].n, hidden=True)
    return tuple(tallies)


@dataclass(frozen=True)
class Shared:
    """One sharing member's latest completed audit, as the counting needs it: its target, its
    cells scored by the map it was taken against (audits.scoring.cell_results) and ratings."""

    track: Track
    cells: tuple[CellResult, ...]
    ratings: Mapping[str, int]
    completed_at: datetime
    steps_done: tuple[int, int]  # (done, listed) of its plan
    reaudit: bool  # whether they had completed an audit before this one
    name: str = ""  # only for a member who said the organisers may see it


@dataclass(frozen=True)
class HeatRow:
    bucket: str
    hired_on: Tally | None  # how many are hired on it (every-target table); None per track
    is_focus: bool
    total: int
    cells: tuple[Tally, ...]

    def heat(self) -> list[tuple[str, Tally, int]]:
        """(column, count, shade 0-4) for each cell of the row."""
        return [(c, t, t.heat(self.total)) for c, t in zip(CELL_HEADS, self.cells, strict=True)]


@dataclass(frozen=True)
class Heat:
    """One table of the heat map: every target, or one track's members."""

    title: str
    slug: str
    members: Tally
    rows: tuple[HeatRow, ...]


@dataclass(frozen=True)
class GapSkill:
    name: str
    members: Tally
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Gap:
    """A hired-on cell of one track that several members fall short on."""

    track: str
    bucket: str
    members: Tally
    skills: tuple[GapSkill, ...]


@dataclass(frozen=True)
class NamedRow:
    name: str
    track: str
    completed_at: datetime
    cells: tuple[tuple[str, str], ...]  # (bucket, "meets", "2 short", "not measured")
    steps_done: tuple[int, int]


@dataclass(frozen=True)
class Figures:
    joined: int
    sharing: int
    min_group: int
    targets: tuple[tuple[str, Tally], ...] = ()
    heat: tuple[Heat, ...] = ()
    thin_tracks: tuple[tuple[str, Tally], ...] = ()  # targeted by fewer than k: no own table
    gaps: tuple[Gap, ...] = ()
    with_plans: Tally = field(default_factory=lambda: Tally.of(0))
    median_done: float | None = None
    median_listed: float | None = None
    reaudits: Tally = field(default_factory=lambda: Tally.of(0))
    named: tuple[NamedRow, ...] = ()

    @property
    def shown(self) -> bool:
        return self.sharing >= self.min_group

    @property
    def needed(self) -> int:
        return max(0, self.min_group - self.sharing)

    @property
    def joined_tally(self) -> Tally:
        return Tally.of(self.joined)


def shortfall_column(cell: CellResult) -> int:
    """Which column of COLUMNS a member's cell falls in."""
    if cell.gap is None:
        return 4
    if cell.gap <= 0:
        return 0
    return min(3, math.ceil(cell.gap))


def _heat_rows(
    cells_by_bucket: dict[str, list[CellResult]], order: Iterable[str], names: dict[str, str]
) -> tuple[HeatRow, ...]:
    rows = []
    for slug in order:
        cells = cells_by_bucket.get(slug, [])
        if not cells:
            continue
        counts = [0] * len(COLUMNS)
        for cell in cells:
            counts[shortfall_column(cell)] += 1
        focus = sum(1 for c in cells if c.is_focus)
        rows.append(
            HeatRow(
                bucket=names.get(slug, slug),
                hired_on=Tally.of(focus),
                is_focus=focus == len(cells),
                total=len(cells),
                cells=suppress(counts),
            )
        )
    return tuple(rows)


def _levelled(member: Shared) -> list[CellResult]:
    return [c for c in member.cells if c.target is not None]


def figures(
    members: Sequence[Shared],
    *,
    joined: int,
    min_group: int,
    skill_map: SkillMap,
    now: datetime,
) -> Figures:
    """Everything the cohort page shows, from the sharing members' latest audits."""
    sharing = len(members)
    if sharing < min_group:
        return Figures(joined=joined, sharing=sharing, min_group=min_group)
    bucket_names = {b.slug: b.name for b in skill_map.buckets}
    track_names = {t.slug: t.name for t in skill_map.tracks}
    bucket_order = [b.slug for b in skill_map.buckets]

    by_track: dict[str, list[Shared]] = defaultdict(list)
    for m in members:
        by_track[m.track.slug].append(m)
        track_names.setdefault(m.track.slug, m.track.name)
        for cell in m.cells:
            bucket_names.setdefault(cell.bucket.slug, cell.bucket.name)
            if cell.bucket.slug not in bucket_order:
                bucket_order.append(cell.bucket.slug)
    track_order = [t.slug for t in skill_map.tracks] + sorted(
        set(by_track) - {t.slug for t in skill_map.tracks}
    )
    targeted = [slug for slug in track_order if slug in by_track]
    # The counts add up to the sharing count, shown above: hidden as a row is.
    target_counts = suppress([len(by_track[slug]) for slug in targeted])
    targets = tuple(zip((track_names[s] for s in targeted), target_counts, strict=True))
    target_tally = dict(zip(targeted, target_counts, strict=True))

    # Every target together: each member against their own target's cell in each bucket, the
    # buckets most members are hired on first.
    pooled: dict[str, list[CellResult]] = defaultdict(list)
    for m in members:
        for cell in _levelled(m):
            pooled[cell.bucket.slug].append(cell)
    hired = Counter(c.bucket.slug for cells in pooled.values() for c in cells if c.is_focus)
    pooled_order = sorted(bucket_order, key=lambda s: (-hired[s], bucket_order.index(s)))
    heat = [
        Heat(
            title="Every target",
            slug="every-target",
            members=Tally.of(sharing),
            rows=_heat_rows(pooled, pooled_order, bucket_names),
        )
    ]
    thin = []
    for slug in track_order:
        group = by_track.get(slug)
        if not group:
            continue
        if len(group) < min_group:
            thin.append((track_names[slug], target_tally[slug]))
            continue
        cells: dict[str, list[CellResult]] = defaultdict(list)
        for m in group:
            for cell in _levelled(m):
                cells[cell.bucket.slug].append(cell)
        focus = {c.bucket.slug for m in group for c in m.cells if c.is_focus}
        order = [s for s in bucket_order if s in focus] + [
            s for s in bucket_order if s not in focus
        ]
        rows = tuple(
            HeatRow(r.bucket, None, r.is_focus, r.total, r.cells)
            for r in _heat_rows(cells, order, bucket_names)
        )
        heat.append(Heat(track_names[slug], slug, target_tally[slug], rows))

    with_plans = [m.steps_done for m in members if m.steps_done[1] > 0]
    median_done = median_listed = None
    if len(with_plans) >= MIN_SHOWN:
        median_done = statistics.median(done for done, _ in with_plans)
        median_listed = statistics.median(listed for _, listed in with_plans)
    reaudits = sum(1 for m in members if m.reaudit and now - m.completed_at <= RECENT)

    return Figures(
        joined=joined,
        sharing=sharing,
        min_group=min_group,
        targets=targets,
        heat=tuple(heat),
        thin_tracks=tuple(thin),
        gaps=hired_on_gaps(members, skill_map, track_names, bucket_names),
        with_plans=Tally.of(len(with_plans)),
        median_done=median_done,
        median_listed=median_listed,
        reaudits=Tally.of(reaudits),
        named=tuple(named_row(m, track_names, bucket_names) for m in members if m.name),
    )


def hired_on_gaps(
    members: Sequence[Shared],
    skill_map: SkillMap,
    track_names: dict[str, str],
    bucket_names: dict[str, str],
) -> tuple[Gap, ...]:
    """The hired-on cells (track, bucket) most members fall short on, each counted only when
    MIN_SHOWN or more do; the short skills behind each, likewise; and today's steps for them."""
    short: Counter[tuple[str, str]] = Counter()
    skills_short: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    skill_names = {s.slug: s.name for s in skill_map.skills}
    for m in members:
        a = m
        for cell in a.cells:
            if not (cell.is_focus and cell.gap):
                continue
            key = (a.track.slug, cell.bucket.slug)
            short[key] += 1
            for skill in short_skills(cell, a.ratings):
                skills_short[key][skill.slug] += 1
                skill_names.setdefault(skill.slug, skill.name)
    gaps: list[Gap] = []
    for (track, bucket), n in short.most_common():
        if n < MIN_SHOWN or len(gaps) == TOP_GAPS:
            break
        skills = tuple(
            GapSkill(
                name=skill_names[slug],
                members=Tally.of(count),
                steps=serving_steps(skill_map, slug, track),
            )
            for slug, count in skills_short[(track, bucket)].most_common()
            if count >= MIN_SHOWN
        )
        gaps.append(Gap(track_names[track], bucket_names[bucket], Tally.of(n), skills))
    return tuple(gaps)


def serving_steps(skill_map: SkillMap, skill_slug: str, track_slug: str) -> tuple[Step, ...]:
    """Today's steps for a skill that serve the track, its most specific first (as a plan
    chooses them), up to STEPS_PER_SKILL, by position. Members' ratings differ, so none is
    left out for the rating it suits."""
    serving = [s for s in skill_map.steps_for(skill_slug) if s.serves(track_slug)]
    serving.sort(key=lambda s: (len(s.tracks) or len(skill_map.tracks), s.position))
    return tuple(sorted(serving[:STEPS_PER_SKILL], key=lambda s: s.position))


def describe(cell: CellResult) -> str:
    column = shortfall_column(cell)
    return "meets" if column == 0 else COLUMNS[column]


def named_row(m: Shared, track_names: dict[str, str], bucket_names: dict[str, str]) -> NamedRow:
    a = m
    cells = tuple(
        (bucket_names.get(c.bucket.slug, c.bucket.name), describe(c)) for c in _levelled(a)
    )
    return NamedRow(
        name=m.name,
        track=track_names.get(a.track.slug, a.track.name),
        completed_at=m.completed_at,
        cells=cells,
        steps_done=m.steps_done,
    )


def table_rows(f: Figures) -> list[list[str]]:
    """The aggregate table as rows of text, for the CSV export (counts as the page shows them)."""
    rows = [
        ["figure", "table", "bucket", "hired on", *COLUMNS],
        ["joined", "", "", "", str(f.joined_tally)],
        ["sharing", "", "", "", str(Tally.of(f.sharing))],
    ]
    if not f.shown:
        rows.append(["members needed before figures show", "", "", "", str(f.needed)])
        return rows
    rows.extend(["targeting", name, "", "", str(t)] for name, t in f.targets)
    for h in f.heat:
        for r in h.rows:
            hired = str(r.hired_on) if r.hired_on is not None else ("yes" if r.is_focus else "no")
            rows.append(["heat map", h.title, r.bucket, hired, *(str(t) for t in r.cells)])
    rows.extend(["hired-on gap", f"{g.track}: {g.bucket}", "", "", str(g.members)] for g in f.gaps)
    rows.append(["re-audited in the last six weeks", "", "", "", str(f.reaudits)])
    if f.median_done is not None:
        rows.append(["median steps done", "", "", "", f"{f.median_done:g} of {f.median_listed:g}"])
    return rows
