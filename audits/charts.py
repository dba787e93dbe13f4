"""Geometry for the SVG charts: a bar per bucket on the results page, a line per bucket across
audits on the progress page. Each chart has a table beside it that says the same in text."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils import timezone

from audits import scoring
from audits.models import Audit
from skillmap import values


def results_chart(assessment: scoring.Assessment) -> dict[str, Any]:
    """Geometry for the results page's SVG: per bucket, its name and figures on one line and a
    full-width bar under them, a line at its target. Narrow, so its text stays readable when
    a phone scales it down, and no text sits over a bar."""
    span, row_height = 360, 64
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
            row["target_x"] = round(c.target * per_point, 1)
            # Rounded as the table's |floatformat:"-1" rounds, so the two always agree.
            row["text"] = f"{floatformat(c.score, -1)} / {c.target}"
        rows.append(row)
    return {
        "rows": rows,
        "span": span,
        "width": span + 4,  # room for a target line drawn at 5 of 5
        "height": max(1, len(rows)) * row_height - 8,
    }


LABEL_GAP = 15  # the progress chart's line labels: at least a line of 13px text apart
# Buckets with the same scores would draw one line over another: each line sits this far from
# its neighbour (a small fraction of one point: 40px), so every line stays in sight.
SERIES_GAP = 3.0


def _spread(ys: list[float], low: float, high: float) -> list[float]:
    """Move label positions apart, keeping their order, so no two are closer than LABEL_GAP."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [ys[i] for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + LABEL_GAP)
    overflow = placed[-1] - high if placed else 0
    if overflow > 0:  # pushed past the bottom: slide the stack back up
        placed[-1] -= overflow
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - LABEL_GAP)
    result = [0.0] * len(ys)
    for k, i in enumerate(order):
        result[i] = round(max(low, placed[k]), 1)
    return result


def progress_chart(completed: list[Audit], buckets: tuple[values.Bucket, ...]) -> dict[str, Any]:
    """A line per bucket across completed audits; lines differ by colour, dash and marker (the
    page's key shows each), and are drawn a little apart where their scores are the same.

    Each line is labelled at its last point, the labels spread so they never print over each
    other; audits completed on the same day are told apart by the time under the date."""
    left, top, width, height = 40, 10, 440, 200
    count = len(completed)
    step = width / max(1, count - 1)

    def y(score: float) -> float:
        return round(top + height - (score / scoring.RATING_MAX) * height, 1)

    lines: list[dict[str, Any]] = []
    for index, bucket in enumerate(buckets):
        apart = (index - (len(buckets) - 1) / 2) * SERIES_GAP
        points = []
        for i, audit in enumerate(completed):
            score = (audit.summary or {}).get("buckets", {}).get(bucket.slug)
            if score is not None:
                point_y = round(y(score) + apart, 1)
                points.append({"x": round(left + i * step, 1), "y": point_y, "score": score})
        lines.append(
            {
                "bucket": bucket,
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
                "style": index % 4,
            }
        )
    labelled = [line for line in lines if line["points"]]
    spread = _spread([line["points"][-1]["y"] for line in labelled], top, top + height)
    for line, label_y in zip(labelled, spread, strict=True):
        line["label_y"] = label_y

    moments = [timezone.localtime(a.completed_at) for a in completed if a.completed_at]
    days = Counter(m.date() for m in moments)
    labels = [
        {
            "x": round(left + i * step, 1),
            "day": f"{m.day} {m:%b}",
            "time": f"{m:%H:%M}" if days[m.date()] > 1 else "",
        }
        for i, m in enumerate(moments)
    ]
    same_day = any(label["time"] for label in labels)
    return {
        "lines": lines,
        "width": left + width + 130,
        "height": top + height + (56 if same_day else 40),
        "axis_y": top + height,
        "left": left,
        "right": left + width,
        "ticks": [{"value": v, "y": y(v)} for v in range(1, scoring.RATING_MAX + 1)],
        "labels": labels,
        "rows": [
            {
                "audit": a,
                "scores": [(b, (a.summary or {}).get("buckets", {}).get(b.slug)) for b in buckets],
            }
            for a in completed
        ],
    }
