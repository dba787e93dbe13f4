"""The fit across tracks and the next step of rules 3, in the words the results page and the
live panel print. The arithmetic is audits.scoring's; this only says it plainly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from audits import scoring
from skillmap.values import Bucket, SkillMap

# What each band says about a place, for someone who has never seen the rule.
BAND_WORDS = {
    "close": "close",
    "within reach": "within reach",
    scoring.FAR: "far",
    scoring.PARTLY_MEASURED: "partly measured",
    scoring.NOT_MEASURED: "not measured",
}
# The one term, everywhere a person reads it, for a cell whose questions are not all answered.
NOT_RATED = "not rated yet"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class FitRow:
    fit: scoring.TrackFit
    place: str  # "1st", "tied 1st"
    band: str
    is_target: bool
    # The High or Very-high cells two or more points short, and the cells not rated yet.
    steep: tuple[Bucket, ...]
    unrated: tuple[Bucket, ...]

    @property
    def tied(self) -> bool:
        return self.place.startswith("tied")


def fit_rows(skill_map: SkillMap, assessment: scoring.Assessment) -> tuple[FitRow, ...]:
    """A row per track in the order ranked, each with its place in words ("tied 1st" when the
    place is shared), its band, and the notes that say why it sits where it does."""
    counts: dict[int, int] = {}
    for fit in assessment.fits:
        counts[fit.position] = counts.get(fit.position, 0) + 1
    rows = []
    for fit in assessment.fits:
        steep: tuple[Bucket, ...] = ()
        if fit.steep:
            cells = scoring.cell_results(skill_map, fit.track, assessment.ratings)
            steep = tuple(
                c.bucket
                for c in cells
                if c.cell
                and c.cell.target_level
                and c.cell.target_level.rank >= scoring.HIGH_RANK
                and (c.gap or 0) >= scoring.STEEP_GAP
            )
        place = ordinal(fit.position)
        rows.append(
            FitRow(
                fit=fit,
                place=f"tied {place}" if counts[fit.position] > 1 else place,
                band=BAND_WORDS.get(fit.band, fit.band),
                is_target=fit.track.slug == assessment.track.slug,
                steep=steep,
                unrated=fit.unmeasured,
            )
        )
    return tuple(rows)


def context(skill_map: SkillMap, assessment: scoring.Assessment) -> dict[str, Any]:
    """What a page that shows an assessment needs of it: the assessment, and for rules 3 its fit
    across tracks by place, in words."""
    found: dict[str, Any] = {"assessment": assessment, "headline": scoring.headline(assessment)}
    if assessment.rules > 2:
        found |= {"fit_rows": fit_rows(skill_map, assessment), "tie_margin": scoring.TIE_MARGIN}
    return found
