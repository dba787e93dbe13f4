"""Outside views beside the owner's own ratings: per skill, per cell, and the calibration gaps.

An outside view's ratings are scored by the same rules as the owner's (audits.scoring), on the
map the audit was taken against. They are only ever shown beside the owner's results: the
owner's assessment, headline, plan and ranking are computed from the owner's ratings alone
(Audit.taken), and nothing here writes to the audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from audits import scoring
from audits.models import Audit, OutsideView, Taken
from skillmap.values import Skill

# A difference of this many points or more, either way, is a "calibration gap".
CALIBRATION_GAP = 2


def _difference(own: float | None, outside: float | None) -> float | None:
    return None if own is None or outside is None else outside - own


@dataclass(frozen=True)
class SkillBeside:
    skill: Skill
    own: int | None
    outside: int | None
    comment: str = ""

    @property
    def difference(self) -> float | None:
        return _difference(self.own, self.outside)

    @property
    def calibration_gap(self) -> bool:
        return self.difference is not None and abs(self.difference) >= CALIBRATION_GAP


@dataclass(frozen=True)
class CellBeside:
    own: scoring.CellResult
    outside: scoring.CellResult

    @property
    def difference(self) -> float | None:
        return _difference(self.own.score, self.outside.score)

    @property
    def calibration_gap(self) -> bool:
        return self.difference is not None and abs(self.difference) >= CALIBRATION_GAP


@dataclass(frozen=True)
class Beside:
    """One outside view next to the owner's own ratings."""

    view: OutsideView
    skills: tuple[SkillBeside, ...]
    cells: tuple[CellBeside, ...]

    @property
    def gaps(self) -> int:
        return sum(s.calibration_gap for s in self.skills)

    @property
    def hired_on_disagreements(self) -> tuple[CellBeside, ...]:
        """The hired-on cells this view scores 2 or more away from the owner's own score."""
        return tuple(c for c in self.cells if c.own.is_focus and c.calibration_gap)


def beside(taken: Taken, own: scoring.Assessment, view: OutsideView) -> Beside:
    skill_map = taken.guide.map
    outside_cells = scoring.cell_results(skill_map, own.track, view.ratings)
    return Beside(
        view=view,
        skills=tuple(
            SkillBeside(
                skill=skill,
                own=taken.ratings.get(skill.slug),
                outside=view.ratings.get(skill.slug),
                comment=view.comments.get(skill.slug, ""),
            )
            for skill in skill_map.questions_for(own.track)
        ),
        cells=tuple(
            CellBeside(own=mine, outside=theirs)
            for mine, theirs in zip(own.cells, outside_cells, strict=True)
        ),
    )


def context(audit: Audit, taken: Taken, own: scoring.Assessment) -> dict[str, Any]:
    """What the owner's results and progress pages show of this audit's outside views."""
    views = OutsideView.objects.filter(request__audit=audit).select_related("request")
    return {"outside": [beside(taken, own, view) for view in views]}
