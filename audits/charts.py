"""Geometry for the SVG charts: a bar per bucket on the results page, a line per bucket across
audits on the progress page. Each chart has a table beside it that says the same in text."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import floatformat

from audits import scoring
from audits.models import Audit
from skillmap import values


def results_chart(assessment: scoring.Assessment) -> dict[str, Any]:
    """Geometry for the results page's SVG: a bar per bucket, a line at its target."""
    left, span, row_height = 140, 340, 40
    per_point = span / scoring.RATING_MAX
    rows = []
    for index, c in enumerate(assessment.cells):
        row: dict[str, Any] = {
            "y": index * row_height,
            "label": c.bucket.short_name,
            "focus": c.is_focus,
            "bar": None,
            "target_x": None,
            "text": "not measured",
        }
        # The chart says what the table says: a cell with no level is not measured, so it
        # gets no bar (a maths rating drawn against "Law / econ / IR / policy" would mislead).
        if c.score is not None and c.target is not None:
            row["bar"] = round(c.score * per_point, 1)
            row["target_x"] = round(left + c.target * per_point, 1)
            # Rounded as the table's |floatformat:"-1" rounds, so the two always agree.
            row["text"] = f"{floatformat(c.score, -1)} / {c.target}"
        rows.append(row)
    return {
        "rows": rows,
        "left": left,
        "span": span,
        "width": left + span + 90,
        "height": max(1, len(rows)) * row_height,
    }


def progress_chart(completed: list[Audit], buckets: tuple[values.Bucket, ...]) -> dict[str, Any]:
    """A line per bucket across completed audits; lines differ by dash and marker, not colour."""
    left, top, width, height = 40, 10, 440, 200
    count = len(completed)
    step = width / max(1, count - 1)

    def y(score: float) -> float:
        return round(top + height - (score / scoring.RATING_MAX) * height, 1)

    lines = []
    for index, bucket in enumerate(buckets):
        points = []
        for i, audit in enumerate(completed):
            score = (audit.summary or {}).get("buckets", {}).get(bucket.slug)
            if score is not None:
                points.append({"x": round(left + i * step, 1), "y": y(score), "score": score})
        lines.append(
            {
                "bucket": bucket,
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
                "style": index % 4,
            }
        )
    return {
        "lines": lines,
        "width": left + width + 130,
        "height": top + height + 40,
        "axis_y": top + height,
        "left": left,
        "right": left + width,
        "ticks": [{"value": v, "y": y(v)} for v in range(1, scoring.RATING_MAX + 1)],
        "labels": [
            {"x": round(left + i * step, 1), "text": a.completed_at.strftime("%d %b")}
            for i, a in enumerate(completed)
            if a.completed_at
        ],
        "rows": [
            {
                "audit": a,
                "scores": [(b, (a.summary or {}).get("buckets", {}).get(b.slug)) for b in buckets],
            }
            for a in completed
        ],
    }
