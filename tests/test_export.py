"""Own your data: every audit as JSON, every rating as CSV; only your own."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from audits.models import Audit, Rating, Skill, StepDone, Track
from tests.conftest import ALL_FOUR, MakeAudit
from tests.test_history import assert_private

pytestmark = pytest.mark.django_db

# session, user, audits (with tracks), ratings (with skills and buckets), outside views; the
# JSON also the person's done steps.
EXPORT_QUERIES = {"/audits/export.csv": 5, "/audits/export.json": 6}
CSV_HEADER = [
    "audit_id",
    "track",
    "status",
    "created_at",
    "completed_at",
    "plan_hours_a_week",  # empty until the audit is completed
    "remind",  # "yes" or "no"
    "skill",
    "skill_name",
    "bucket",
    "value",
    "note",
    "rated_by",  # "self", or "outside: <label>" for an outside view's rows
]
NOTE = CSV_HEADER.index("note")
SKILL_ORDER = list(ALL_FOUR)  # the map's order, which exports keep


@pytest.fixture
def audits(
    owner: User, other_user: User, owner_client: Client, make_audit: MakeAudit
) -> tuple[Audit, Audit, Audit]:
    """The owner's completed (with a note) and open audits, and another user's."""
    done = make_audit(owner=owner, ratings=ALL_FOUR)
    Rating.objects.filter(audit=done, skill__slug="reading-papers").update(
        note="I skim the abstract"
    )
    assert owner_client.post(f"/audits/{done.public_id}/", {"action": "finish"}).status_code == 302
    done.refresh_from_db()
    open_audit = make_audit(
        owner=owner, track="research-engineer", ratings={"python-and-pytorch": 5}
    )
    theirs = make_audit(owner=other_user, ratings=ALL_FOUR, complete=True)
    return done, open_audit, theirs


def read_csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("url", ["/audits/export.json", "/audits/export.csv"])
def test_exports_need_login(anon_client: Client, url: str) -> None:
    response = anon_client.get(url)
    assert response.status_code == 302
    assert response.url == f"/account/login/?next={url}"


@pytest.mark.parametrize("url", ["/audits/export.json", "/audits/export.csv"])
def test_exports_are_private_downloads(owner_client: Client, url: str) -> None:
    response = owner_client.get(url)
    assert response.status_code == 200
    assert_private(response)
    assert response["Content-Disposition"].startswith("attachment; filename=")


def test_json_export_has_every_audit_with_ratings_summary_and_snapshot(
    owner_client: Client, audits: tuple[Audit, Audit, Audit]
) -> None:
    done, open_audit, theirs = audits
    response = owner_client.get("/audits/export.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="skillmap-audits.json"'
    data = json.loads(response.content)
    assert data["format"] == "skillmap-audits/3"
    assert data["user"] == "owner"
    assert data["exported_at"]

    assert [a["id"] for a in data["audits"]] == [str(done.public_id), str(open_audit.public_id)]
    first, second = data["audits"]

    assert first["track"] == {"slug": "research-scientist", "name": "Research Scientist"}
    assert first["completed_at"] is not None
    assert [r["skill"] for r in first["ratings"]] == SKILL_ORDER
    assert {r["skill"]: r["value"] for r in first["ratings"]} == ALL_FOUR
    reading = next(r for r in first["ratings"] if r["skill"] == "reading-papers")
    assert reading == {
        "skill": "reading-papers",
        "skill_name": "Reading papers",
        "bucket": "research",
        "value": 2,
        "note": "I skim the abstract",
        "updated_at": reading["updated_at"],
    }
    assert first["summary"]["headline"] == "Gap of 3 in Research"
    assert first["summary"] == done.summary
    # The snapshot is what the results were scored against: the map and the ratings.
    assert done.map_snapshot is not None
    assert first["snapshot"] == json.loads(
        json.dumps({**done.map_snapshot.content, **(done.snapshot or {})})
    )
    assert first["snapshot"]["map"]["tracks"][0]["name"] == "Research Scientist"
    assert first["snapshot"]["passages"]["honest_point"].startswith("The point of rating")
    assert first["snapshot"]["ratings"] == ALL_FOUR
    assert first["snapshot"]["notes"] == {"reading-papers": "I skim the abstract"}
    assert first["snapshot"]["track"] == "research-scientist"

    assert second["track"]["slug"] == "research-engineer"
    assert second["completed_at"] is None
    assert second["summary"] is None
    assert second["snapshot"] is None
    assert second["ratings"][0]["skill"] == "python-and-pytorch"
    assert second["ratings"][0]["value"] == 5
    assert len(second["ratings"]) == 1

    assert str(theirs.public_id) not in response.content.decode()


def test_json_export_with_no_audits(owner_client: Client) -> None:
    data = json.loads(owner_client.get("/audits/export.json").content)
    assert data["format"] == "skillmap-audits/3"
    assert data["audits"] == []


def test_csv_export_has_one_row_per_rating(
    owner_client: Client, audits: tuple[Audit, Audit, Audit]
) -> None:
    done, open_audit, theirs = audits
    response = owner_client.get("/audits/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="skillmap-ratings.csv"'
    header, *rows = read_csv(response)
    assert header == CSV_HEADER
    assert len(rows) == len(ALL_FOUR) + 1
    assert [r[0] for r in rows] == [str(done.public_id)] * len(ALL_FOUR) + [
        str(open_audit.public_id)
    ]
    assert [r[7] for r in rows[: len(ALL_FOUR)]] == SKILL_ORDER

    reading = rows[SKILL_ORDER.index("reading-papers")]
    assert reading == [
        str(done.public_id),
        "Research Scientist",
        "completed",
        done.created_at.isoformat(),
        done.completed_at.isoformat(),  # type: ignore[union-attr]
        "5",
        "no",
        "reading-papers",
        "Reading papers",
        "research",
        "2",
        "I skim the abstract",
        "self",
    ]
    last = rows[-1]
    assert last[1:3] == ["Research Engineer", "in progress"]
    assert last[4] == ""
    assert last[5:7] == ["", "no"]
    assert last[7:11] == ["python-and-pytorch", "Python and PyTorch", "technical", "5"]
    assert str(theirs.public_id) not in response.content.decode()


@pytest.mark.parametrize(
    "note",
    ['=HYPERLINK("http://evil.example","click")', "+1+2", "-3+4", "@SUM(A1)", "\t=1+1"],
)
def test_csv_neutralises_notes_a_spreadsheet_would_run(
    owner: User, owner_client: Client, make_audit: MakeAudit, note: str
) -> None:
    audit = make_audit(owner=owner, ratings={"reading-papers": 2})
    Rating.objects.filter(audit=audit).update(note=note)
    _, row = read_csv(owner_client.get("/audits/export.csv"))
    assert row[NOTE] == "'" + note
    # The JSON keeps the person's words exactly as written.
    data = json.loads(owner_client.get("/audits/export.json").content)
    assert data["audits"][0]["ratings"][0]["note"] == note


def test_csv_neutralises_every_text_cell_not_just_the_note(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    # Track editors can rename tracks and skills; the names reach every person's export.
    track = '=HYPERLINK("http://evil.example","x")'
    skills = {
        "reading-papers": "+1+2",
        "python-and-pytorch": "-3+4",
        "career-and-communication": "@SUM(A1)",
    }
    audit = make_audit(owner=owner, ratings=dict.fromkeys(skills, 3))
    Track.objects.filter(pk=audit.track_id).update(name=track)
    for slug, name in skills.items():
        Skill.objects.filter(slug=slug).update(name=name)

    _, *rows = read_csv(owner_client.get("/audits/export.csv"))
    assert {row[1] for row in rows} == {"'" + track}
    assert {row[7]: row[8] for row in rows} == {s: "'" + n for s, n in skills.items()}
    for row in rows:  # no cell a spreadsheet would read as a formula
        assert all(cell[:1] not in "=+-@\t\r" or cell == "" for cell in row), row


def test_csv_leaves_ordinary_notes_alone(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings={"reading-papers": 2})
    Rating.objects.filter(audit=audit).update(note='Read 3 papers, "properly", = progress')
    _, row = read_csv(owner_client.get("/audits/export.csv"))
    assert row[NOTE] == 'Read 3 papers, "properly", = progress'


@pytest.mark.parametrize("url", ["/audits/export.json", "/audits/export.csv"])
@pytest.mark.parametrize("count", [1, 10])
def test_export_query_count_is_flat(
    owner: User,
    owner_client: Client,
    make_audit: MakeAudit,
    django_assert_num_queries: Any,
    url: str,
    count: int,
) -> None:
    for i in range(count):
        make_audit(owner=owner, ratings=ALL_FOUR, complete=i % 2 == 0)
    with django_assert_num_queries(EXPORT_QUERIES[url]):
        response = owner_client.get(url)
    assert response.status_code == 200
    if url.endswith(".csv"):
        assert len(read_csv(response)) == 1 + count * len(ALL_FOUR)
    else:
        assert len(json.loads(response.content)["audits"]) == count


def test_json_export_carries_the_plan_ticks_with_dates_and_the_reminder(
    owner: User, owner_client: Client, audits: tuple[Audit, Audit, Audit]
) -> None:
    done, open_audit, theirs = audits
    step, other = [item["id"] for item in done.plan["steps"][:2]]  # type: ignore[index]
    owner_client.post(f"/audits/{done.public_id}/steps/{step}/", {"done": "1"})
    owner_client.post(f"/audits/{done.public_id}/plan/", {"hours": "9"})
    owner_client.post(f"/audits/{done.public_id}/reminder/", {"on": "1"})
    theirs.tick(theirs.plan["steps"][0]["id"], True)  # type: ignore[index]
    when = StepDone.objects.get(owner=owner).done_at

    data = json.loads(owner_client.get("/audits/export.json").content)

    assert data["steps_done"] == [{"step": step, "done_at": DjangoJSONEncoder().default(when)}]
    first, second = data["audits"]
    assert first["remind"] is True and first["reminded_at"] is None
    assert first["plan"]["hours_a_week"] == 9
    steps = {s["id"]: s for s in first["plan"]["steps"]}
    assert steps[step]["done_at"] == data["steps_done"][0]["done_at"]
    assert steps[other]["done_at"] is None
    assert steps[step]["title"] and steps[step]["skill"] == "reading-papers"
    assert all(set(s) == {"id", "skill", "title", "weeks", "done_at"} for s in steps.values())
    assert second["plan"] is None and second["remind"] is False
    rows = read_csv(owner_client.get("/audits/export.csv"))[1:]
    assert {tuple(r[5:7]) for r in rows if r[0] == str(done.public_id)} == {("9", "yes")}
