"""Progress (/audits/progress/): what moved between two completed audits, and over all of them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit
from tests.conftest import ALL_FOUR, MakeAudit
from tests.test_history import assert_private, tables

pytestmark = pytest.mark.django_db

BEFORE = {**ALL_FOUR, "reading-papers": 3}
# session, user, completed audits (with tracks), the two snapshots, the later one's outside
# views, the steps done by the later audit
PROGRESS_QUERIES = 6
SKILL_NAMES = {
    "python-and-pytorch": "Python and PyTorch",
    "deep-learning-and-transformers": "Deep learning and transformers",
    "reading-papers": "Reading papers",
    "career-and-communication": "Career and Communication Skills",
    "math-you-actually-need": "Math you actually need",
    "experiments-and-rigour": "Experiments and rigour",
    "portfolio-and-applications": "Portfolio and applications",
    "law-econ-and-policy": "Law, econ, IR and policy",
    "product-sense": "Product sense",
    "ops-and-people": "Ops and people",
    "threat-models": "Threat models",
    "ai-literacy": "AI literacy",
}
# Research is scored by its weakest question: both must move for the cell to move.
RESEARCH_UP = {"reading-papers": 5, "experiments-and-rigour": 5}
PICK_TWO = "Pick two different completed audits of yours to compare."


def audit_again(client: Client, audit: Audit, changes: dict[str, int]) -> Audit:
    """As a person does it: copy the audit, move what changed, complete the copy."""
    copied = client.post(reverse("audits:copy", args=[audit.public_id]))
    assert copied.status_code == 302
    fresh = Audit.objects.get(public_id=copied.url.split("/")[2])
    assert fresh.pk != audit.pk
    saved = client.post(
        fresh.get_absolute_url(), {f"rating-{slug}": str(v) for slug, v in changes.items()}
    )
    assert saved.status_code == 302
    done = client.post(fresh.get_absolute_url(), {"action": "finish"})
    assert done.url == reverse("audits:results", args=[fresh.public_id])
    fresh.refresh_from_db()
    assert fresh.is_complete
    return fresh


@dataclass
class ProgressTables:
    bucket_headers: list[str]
    buckets: dict[str, list[str]]  # {bucket: [before, after, change, (needs)]}
    skills: dict[str, list[str]]  # {skill: [before, after, change]}
    chart: list[list[str]]  # the chart's table: a row per completed audit


def page_tables(response: Any) -> ProgressTables:
    found = tables(response.content)
    assert len(found) == 3, found
    buckets, skills, chart = found
    return ProgressTables(
        bucket_headers=buckets[0],
        buckets={row[0]: row[1:] for row in buckets[1:]},
        skills={row[0]: row[1:] for row in skills[1:]},
        chart=chart[1:],
    )


def test_progress_needs_login(anon_client: Client) -> None:
    response = anon_client.get("/audits/progress/")
    assert response.status_code == 302
    assert response.url == "/account/login/?next=/audits/progress/"


def test_progress_shows_each_skill_and_bucket_change_against_the_same_target(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    first = make_audit(owner=owner, ratings=BEFORE, complete=True)
    second = audit_again(owner_client, first, RESEARCH_UP)

    response = owner_client.get("/audits/progress/")
    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    found = page_tables(response)

    skills = found.skills
    assert list(skills) == list(SKILL_NAMES.values())
    assert skills["Reading papers"] == ["3", "5", "up 2"]
    assert skills["Experiments and rigour"] == ["3", "5", "up 2"]
    for slug, name in SKILL_NAMES.items():
        if slug not in RESEARCH_UP:
            assert skills[name] == [str(ALL_FOUR[slug]), str(ALL_FOUR[slug]), "same"]

    # Against one target, each bucket's change sits next to what the track needs.
    assert found.bucket_headers == [
        "Bucket",
        "Before",
        "After",
        "Change",
        "Research Scientist needs",
    ]
    buckets = found.buckets
    assert buckets["Research Skills"] == ["3", "5", "up 2", "Very high (5)"]
    assert buckets["Technical Skills"] == ["3", "3", "same", "High (4)"]
    assert buckets["Career and Communication Skills"][2] == "same"
    assert buckets["Domain knowledge"][2] == "same"
    assert "The targets differ" not in html

    # The chart and its table: a row per completed audit, in the order they were completed.
    assert re.search(r'<svg[^>]*role="img"', html)
    chart_svg = html[html.index('<svg class="chart progress-chart"') : html.index("</svg>")]
    assert chart_svg.count('class="series series-') == 4
    chart = tables(response.content)[2]
    assert chart[0] == ["Completed", "Target", "Technical", "Research", "Communication", "Domain"]
    assert [row[1:4] for row in chart[1:]] == [
        ["Research Scientist", "3", "3"],
        ["Research Scientist", "3", "5"],
    ]
    # The compare form picks the two audits shown by default.
    for audit in (first, second):
        assert f'<option value="{audit.public_id}" selected>' in html


def test_a_drop_is_shown_as_down(owner: User, owner_client: Client, make_audit: MakeAudit) -> None:
    first = make_audit(owner=owner, ratings=BEFORE, complete=True)
    audit_again(owner_client, first, {"python-and-pytorch": 1})
    found = page_tables(owner_client.get("/audits/progress/"))
    assert found.skills["Python and PyTorch"] == ["4", "1", "down 3"]
    assert found.buckets["Technical Skills"][:3] == ["3", "1", "down 2"]


def test_picking_two_audits_compares_those(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    first = make_audit(owner=owner, ratings=BEFORE, complete=True)
    second = audit_again(owner_client, first, {"reading-papers": 5})
    third = audit_again(owner_client, second, {"reading-papers": 4})

    latest = page_tables(owner_client.get("/audits/progress/"))
    assert latest.skills["Reading papers"] == ["5", "4", "down 1"]
    assert len(latest.chart) == 3

    picked = owner_client.get(f"/audits/progress/?a={first.public_id}&b={third.public_id}")
    assert picked.status_code == 200
    assert page_tables(picked).skills["Reading papers"] == ["3", "4", "up 1"]
    # Either order reads from the earlier to the later.
    swapped = owner_client.get(f"/audits/progress/?a={third.public_id}&b={first.public_id}")
    assert page_tables(swapped).skills["Reading papers"] == ["3", "4", "up 1"]
    html = picked.content.decode()
    assert f'<option value="{first.public_id}" selected>' in html
    assert f'<option value="{third.public_id}" selected>' in html


def test_audits_on_different_targets_say_so(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    make_audit(owner=owner, ratings=BEFORE, complete=True)
    make_audit(owner=owner, track="research-engineer", ratings=ALL_FOUR, complete=True)
    response = owner_client.get("/audits/progress/")
    html = response.content.decode()
    assert "The targets differ" in html
    found = page_tables(response)
    assert found.bucket_headers == ["Bucket", "Before", "After", "Change"]
    assert found.skills["Reading papers"] == ["3", "2", "down 1"]


@pytest.mark.parametrize("which", ["another user's", "in progress", "the same twice", "garbage"])
def test_picking_an_audit_that_is_not_yours_to_compare_is_refused(
    owner: User,
    other_user: User,
    owner_client: Client,
    make_audit: MakeAudit,
    which: str,
) -> None:
    first = make_audit(owner=owner, ratings=BEFORE, complete=True)
    audit_again(owner_client, first, {"reading-papers": 5})
    theirs = make_audit(owner=other_user, ratings={**ALL_FOUR, "reading-papers": 1}, complete=True)
    unfinished = make_audit(owner=owner, ratings=ALL_FOUR)
    b = {
        "another user's": theirs.public_id,
        "in progress": unfinished.public_id,
        "the same twice": first.public_id,
        "garbage": "not-an-id",
    }[which]

    response = owner_client.get(f"/audits/progress/?a={first.public_id}&b={b}")
    assert response.status_code == 400
    assert_private(response)
    html = response.content.decode()
    assert f'<p class="error" role="alert">{PICK_TWO}</p>' in html
    # No comparison at all, so nothing of the other audit can show.
    assert "<h2>Skills</h2>" not in html
    assert str(theirs.public_id) not in html


def test_fewer_than_two_completed_audits_explain_what_progress_needs(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    empty = owner_client.get("/audits/progress/")
    assert empty.status_code == 200
    assert "Progress compares two completed audits. You have 0 so far." in empty.content.decode()

    make_audit(owner=owner, ratings=BEFORE, complete=True)
    make_audit(owner=owner, ratings=ALL_FOUR)  # started, not completed: it does not count
    response = owner_client.get("/audits/progress/")
    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    assert "Progress compares two completed audits. You have 1 so far." in html
    assert 'href="/audits/"' in html
    assert "<svg" not in html
    assert tables(html) == []


def test_another_users_audits_are_not_in_my_progress(
    owner: User,
    other_user: User,
    owner_client: Client,
    make_audit: MakeAudit,
) -> None:
    make_audit(owner=owner, ratings=BEFORE, complete=True)
    theirs = make_audit(owner=other_user, ratings=ALL_FOUR, complete=True)
    html = owner_client.get("/audits/progress/").content.decode()
    assert "You have 1 so far." in html
    assert str(theirs.public_id) not in html


def completed_copies(audit: Audit, count: int) -> None:
    """`count` more completed audits like this one, an hour apart; one insert."""
    start = timezone.now() + timedelta(hours=1)
    Audit.objects.bulk_create(
        Audit(
            owner=audit.owner,
            track_id=audit.track_id,
            snapshot=audit.snapshot,
            map_snapshot=audit.map_snapshot,
            summary=audit.summary,
            completed_at=start + timedelta(hours=i),
        )
        for i in range(count)
    )


@pytest.mark.parametrize("count", [2, 50])
def test_progress_query_count_is_flat(
    owner: User,
    owner_client: Client,
    make_audit: MakeAudit,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    first = make_audit(owner=owner, ratings=BEFORE, complete=True)
    completed_copies(first, count - 1)
    make_audit(owner=owner, ratings=ALL_FOUR)  # an open one, which the page leaves out
    with django_assert_num_queries(PROGRESS_QUERIES):
        response = owner_client.get("/audits/progress/")
    assert response.status_code == 200
    found = page_tables(response)
    assert len(found.chart) == count
    assert found.skills["Reading papers"] == ["3", "3", "same"]


def test_line_labels_never_print_over_each_other() -> None:
    from audits.charts import LABEL_GAP, _spread

    spread = _spread([100.0, 101.0, 100.5, 50.0], low=10, high=210)
    assert spread[3] == 50.0  # far from the others: left where it is
    close = sorted(spread[:3])
    assert all(b - a >= LABEL_GAP for a, b in zip(close, close[1:], strict=False))
    # At the bottom edge, the stack moves up instead of off the chart.
    bottom = _spread([210.0, 210.0, 209.0], low=10, high=210)
    assert max(bottom) <= 210 and min(bottom) >= 10
    assert sorted(bottom)[1] - sorted(bottom)[0] >= LABEL_GAP


def test_two_audits_on_one_day_are_told_apart(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    first = make_audit(owner=owner, ratings=BEFORE, complete=True)
    second = audit_again(owner_client, first, {"reading-papers": 5})
    third = audit_again(owner_client, second, {"reading-papers": 4})
    day = timezone.localtime(first.completed_at).replace(hour=9, minute=5)
    Audit.objects.filter(pk=first.pk).update(completed_at=day - timedelta(days=3))
    Audit.objects.filter(pk=second.pk).update(completed_at=day)
    Audit.objects.filter(pk=third.pk).update(completed_at=day + timedelta(hours=5, minutes=30))

    html = owner_client.get("/audits/progress/").content.decode()
    svg = html[html.index('<svg class="chart progress-chart"') : html.index("</svg>")]
    labels = re.findall(r'text-anchor="middle">([^<]+)(?:<tspan[^>]*>([^<]+)</tspan>)?</text>', svg)

    when = f"{day.day} {day:%b}"
    earlier = day - timedelta(days=3)
    assert labels == [
        (f"{earlier.day} {earlier:%b}", ""),
        (when, "09:05"),
        (when, "14:35"),
    ]


def test_the_chart_has_a_key_and_lines_that_stay_apart(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    first = make_audit(owner=owner, ratings={**BEFORE, "python-and-pytorch": 3}, complete=True)
    audit_again(owner_client, first, RESEARCH_UP)
    html = owner_client.get("/audits/progress/").content.decode()

    key = html[html.index('<ul class="chart-key"') : html.index("</ul>", html.index("chart-key"))]
    items = re.findall(r'class="series series-(\d)"/>.*?</svg>([^<]+)</li>', key)
    assert items == [
        ("0", "Technical"),
        ("1", "Research"),
        ("2", "Communication"),
        ("3", "Domain"),
    ]
    # Each line in the chart wears its key's style.
    svg = html[html.index('<svg class="chart progress-chart"') : html.index("</svg>")]
    lines = re.findall(r'<polyline points="([^"]+)" class="series series-(\d)"/>', svg)
    assert [style for _, style in lines] == ["0", "1", "2", "3"]
    # Technical and Domain were 3 in both audits: the same scores, yet not one line over another.
    paths = {style: points for points, style in lines}
    assert paths["0"] != paths["3"]
    first_ys = sorted(float(points.split()[0].split(",")[1]) for points, _ in lines)
    assert all(b - a >= 3 for a, b in zip(first_ys, first_ys[1:], strict=False))


def test_the_page_says_plainly_whether_the_skills_worked_on_moved(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    first = make_audit(owner=owner, ratings=BEFORE, complete=True)
    audit_again(owner_client, first, RESEARCH_UP)
    html = owner_client.get("/audits/progress/").content.decode()
    summary = re.search(r'<p class="moved-summary"><strong>([^<]+)</strong>', html)
    assert summary is not None
    # No step ticked in the first audit's plan: which ratings moved, in plain words.
    assert summary.group(1) == (
        "No step was ticked done; ratings that moved up: Reading papers +2, "
        "Experiments and rigour +2."
    )
