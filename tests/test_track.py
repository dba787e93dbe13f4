"""A track's page: what it asks of each bucket, and the cells a person is hired on. Error pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, RequestFactory

from audits.models import Audit
from config import views as config_views
from skillmap.models import MapRevision, Requirement
from tests.test_home import Node, parse

pytestmark = pytest.mark.django_db

BUCKETS = [
    ("Technical Skills", "coding, ML, the hands-on stack"),
    ("Research Skills", "forming questions, running experiments, not fooling yourself"),
    ("Career and Communication Skills", "writing, portfolio, applications, the meta-game"),
    ("Domain knowledge", "math, or law/econ/policy depending on direction"),
]
VERY_HIGH = "this is the thing you’ll be hired on; it has to be strong."
MEDIUM = "good enough not to be a liability."
LOW = "literacy, not mastery."
HIGH = "strong: you do it well and unaided, one step short of what you’re hired on."


def assumed(level: str, why: str) -> str:
    return (
        f"The app’s assumption: the guide names the area, not the level; scored as {level}. " + why
    )


# The app's assumed level for each cell whose label names an area, and why (the fixture's).
ASSUMPTIONS = {
    "Math, heavy": assumed(
        "High", "“Heavy” read as High: the same as this track’s other non-hired-on cells."
    ),
    "Math, moderate": assumed(
        "Medium", "“Moderate” read as Medium: good enough not to be a liability."
    ),
    "Math + threat models": assumed(
        "High",
        "Every other Alignment cell is High, and threat models are what set the track apart "
        "from general ML.",
    ),
    "Law / econ / IR / policy": assumed(
        "High",
        "Policy work is judged on knowing how rules and institutions work; Medium would let "
        "strong prose alone look like a fit.",
    ),
    "Product sense": assumed(
        "Medium",
        "The track is hired on engineering (Very high); product sense must not be a liability, "
        "like its Medium communication.",
    ),
    "Ops / people": assumed(
        "High",
        "Field-building roles are mostly running programmes, events and communities, next to "
        "the Very-high communication.",
    ),
}

# slug: (name, [(label, level text, meaning)] per bucket, the "hired on" list items)
TRACKS: dict[str, tuple[str, list[tuple[str, str, str]], list[str]]] = {
    "research-scientist": (
        "Research Scientist",
        [
            ("High", "High", ""),
            ("Very high", "Very high", VERY_HIGH),
            ("High", "High", ""),
            ("Math, heavy", "High", ""),
        ],
        [f"Research Skills: Very high — {VERY_HIGH}"],
    ),
    "research-engineer": (
        "Research Engineer",
        [
            ("Very high", "Very high", VERY_HIGH),
            ("Medium", "Medium", MEDIUM),
            ("Medium", "Medium", MEDIUM),
            ("Math, moderate", "Medium", MEDIUM),
        ],
        [f"Technical Skills: Very high — {VERY_HIGH}"],
    ),
    "interpretability": (
        "Interpretability",
        [
            ("High", "High", ""),
            ("High", "High", ""),
            ("High", "High", ""),
            ("Math, moderate", "Medium", MEDIUM),
        ],
        [
            "Technical Skills: High",
            "Research Skills: High",
            "Career and Communication Skills: High",
        ],
    ),
    "alignment-and-ai-safety": (
        "Alignment and AI Safety",
        [
            ("High", "High", ""),
            ("High", "High", ""),
            ("High", "High", ""),
            ("Math + threat models", "High", ""),
        ],
        [
            "Technical Skills: High",
            "Research Skills: High",
            "Career and Communication Skills: High",
        ],
    ),
    "policy-and-governance": (
        "Policy and Governance",
        [
            ("Low–Med (literacy)", "Low–Med", ""),
            ("High (analysis)", "High", ""),
            ("Very high", "Very high", VERY_HIGH),
            ("Law / econ / IR / policy", "High", ""),
        ],
        [f"Career and Communication Skills: Very high — {VERY_HIGH}"],
    ),
    "applied-and-product-ml": (
        "Applied and Product ML",
        [
            ("Very high", "Very high", VERY_HIGH),
            ("Low", "Low", LOW),
            ("Medium", "Medium", MEDIUM),
            ("Product sense", "Medium", MEDIUM),
        ],
        [f"Technical Skills: Very high — {VERY_HIGH}"],
    ),
    "field-building-and-comms": (
        "Field-building and Comms",
        [
            ("Low (literacy)", "Low", LOW),
            ("Low", "Low", LOW),
            ("Very high", "Very high", VERY_HIGH),
            ("Ops / people", "High", ""),
        ],
        [f"Career and Communication Skills: Very high — {VERY_HIGH}"],
    ),
}
FALLBACK = (
    "This track has no “Very high” cell. Its highest level is High, so these cells are the "
    "ones to get genuinely strong:"
)
SEEDED_ON = "2026-11-27"  # the fixture's date for every cell
# Where the guide gives a level no meaning, the app's own words, marked as the app's.
APP_MEANINGS = {
    "High": "strong: you do it well and unaided, one step short of what you’re hired on.",
    "Low–Med": (
        "more than literacy: with notes open you follow the work closely enough to hold your "
        "own in it, without doing it yourself."
    ),
}
MARKS = frozenset({"cell-head", "app-reading"})


def requirement_rows(page: Node) -> list[Node]:
    tables = [t for t in page.find_all("table") if "requirements" in t.classes]
    assert len(tables) == 1
    return tables[0].find("tbody").find_all("tr")


@pytest.mark.parametrize("slug", list(TRACKS))
def test_track_page_shows_each_bucket_requirement(anon_client: Client, slug: str) -> None:
    name, cells, _ = TRACKS[slug]
    response = anon_client.get(f"/tracks/{slug}/")
    assert response.status_code == 200
    page = parse(response.content)
    assert [h1.text() for h1 in page.find_all("h1")] == [name]

    rows = requirement_rows(page)
    assert len(rows) == 4
    for row, (bucket, description), (label, level, meaning) in zip(
        rows, BUCKETS, cells, strict=True
    ):
        heading = row.find("th")
        assert heading.attrs["scope"] == "row"
        assert heading.text(skip=frozenset({"bucket-desc"})) == bucket
        assert heading.find("span", "bucket-desc").text() == description
        requirement, level_cell, meaning_cell = row.find_all("td")
        assert requirement.text(skip=MARKS | {"tag"}) == label
        assert level_cell.text(skip=MARKS) == level
        # Bars for a label that names no level are the app's reading of it, and say so.
        reading = [span.text() for span in level_cell.find_all("span", "app-reading")]
        assert reading == ([ASSUMPTIONS[label]] if label in ASSUMPTIONS else [])
        # Every level has a meaning: the guide's, or the app's own marked as such.
        own = [span.text() for span in meaning_cell.find_all("span", "app-reading")]
        if level in APP_MEANINGS:
            assert meaning_cell.text(skip=MARKS) == APP_MEANINGS[level]
            assert own == [f"The app’s words: the guide gives no meaning for {level}."]
        else:
            assert meaning_cell.text(skip=MARKS) == meaning
            assert own == []
    # No per-cell date for visitors: one line under the table.
    assert [th.text() for th in page.find("table", "requirements").find_all("th")][:4] == [
        "Bucket",
        "Needs",
        "Level",
        "What that means",
    ]
    updated = page.find("p", "updated")
    assert updated.text() == "Updated 27 November 2026."
    assert updated.find("time").attrs["datetime"].startswith(f"{SEEDED_ON}T00:00:00")


@pytest.mark.parametrize("slug", list(TRACKS))
def test_track_page_names_the_cells_it_hires_on(anon_client: Client, slug: str) -> None:
    _, cells, hired_on = TRACKS[slug]
    page = parse(anon_client.get(f"/tracks/{slug}/").content)
    focus = page.find("section", "focus-panel")
    assert focus.find("h2").text() == "What you’ll be hired on"
    assert [li.text() for li in focus.find("ul", "focus-list").find_all("li")] == hired_on

    tagged = [
        row.find_all("td")[0].text(skip=MARKS | {"tag"})
        for row in requirement_rows(page)
        if "focus-row" in row.classes
    ]
    assert [row.find("strong", "tag").text() for row in page.find_all("tr", "focus-row")] == [
        "hired on"
    ] * len(hired_on)
    assert tagged == [item.split(": ", 1)[1].split(" — ")[0] for item in hired_on]

    fallback = [p.text() for p in focus.find_all("p")]
    has_very_high = any(level == "Very high" for _, level, _ in cells)
    assert fallback == ([] if has_very_high else [FALLBACK])


def test_interpretability_falls_back_to_its_highest_cells(anon_client: Client) -> None:
    html = anon_client.get("/tracks/interpretability/").content.decode()
    assert FALLBACK in html
    assert "Very high</span>" not in html


def test_a_rationale_when_set_is_shown(anon_client: Client) -> None:
    rationale = "Labs hire research scientists on their published, replicated results."
    Requirement.objects.filter(track__slug="research-scientist", bucket__slug="research").update(
        rationale=rationale
    )
    MapRevision.bump()
    page = parse(anon_client.get("/tracks/research-scientist/").content)
    rationales = [p.text() for p in page.find_all("p", "rationale")]
    assert rationales == [rationale]
    research = requirement_rows(page)[1]
    assert research.find("p", "rationale").text() == rationale


def test_the_last_changed_date_follows_an_edit(anon_client: Client) -> None:
    requirement = Requirement.objects.get(track__slug="research-engineer", bucket__slug="domain")
    requirement.label = "Math, moderate to heavy"
    requirement.save()
    MapRevision.bump()
    requirement.refresh_from_db()
    page = parse(anon_client.get("/tracks/research-engineer/").content)
    row = requirement_rows(page)[3]
    assert row.find_all("td")[0].text(skip=MARKS) == "Math, moderate to heavy"
    time = page.find("p", "updated").find("time")
    assert time.attrs["datetime"] == requirement.updated_at.isoformat()
    assert time.attrs["datetime"] != f"{SEEDED_ON}T00:00:00+00:00"
    assert time.text() == f"{requirement.updated_at.day} {requirement.updated_at:%B %Y}"


def test_track_page_starts_an_audit_against_it_in_one_press(anon_client: Client) -> None:
    response = anon_client.get("/tracks/policy-and-governance/")
    form = parse(response.content).find("form", "actions")
    assert form.attrs["method"] == "post" and form.attrs["action"] == "/audits/new/"
    fields = {i.attrs["name"]: i.attrs.get("value") for i in form.find_all("input")}
    assert fields["track"] == "policy-and-governance"
    assert fields["csrfmiddlewaretoken"]  # this visitor's own: the page is not shared
    assert form.find("button").text() == "Audit yourself against Policy and Governance"
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert not response.has_header("ETag")

    started = anon_client.post("/audits/new/", {"track": "policy-and-governance"})

    assert started.status_code == 302
    audit = Audit.objects.get()
    assert started["Location"] == audit.get_absolute_url()
    assert audit.track.slug == "policy-and-governance"


def test_each_visitor_gets_their_own_token_on_a_track_page() -> None:
    pages = [Client().get("/tracks/interpretability/").content.decode() for _ in range(2)]
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', p) for p in pages]
    assert all(tokens) and tokens[0].group(1) != tokens[1].group(1)  # type: ignore[union-attr]


def test_a_get_of_a_track_page_makes_no_audit(anon_client: Client) -> None:
    anon_client.get("/tracks/interpretability/")
    anon_client.get("/audits/new/?track=interpretability")
    assert not Audit.objects.exists()


def test_track_page_query_counts(anon_client: Client, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(11):  # the revision, then the map built from its tables
        anon_client.get("/tracks/research-scientist/")
    with django_assert_num_queries(1):
        anon_client.get("/tracks/interpretability/")


# --- Error pages ----------------------------------------------------------------------------


def _assert_our_404(response: Any) -> None:
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    page = parse(response.content)
    assert page.find("h1").text() == "Not found"
    nav = page.find("nav", "site-nav")
    assert nav.attrs["aria-label"] == "Main"
    assert nav.find("a", "brand").text() == "Skills Map"
    assert page.find("title").text() == "Not found · Skills Map"


def test_unknown_track_is_our_404(anon_client: Client) -> None:
    _assert_our_404(anon_client.get("/tracks/astronaut/"))


def test_missing_url_is_our_404(anon_client: Client) -> None:
    _assert_our_404(anon_client.get("/no/such/page/"))


def test_server_error_page() -> None:
    request = RequestFactory().get("/")
    response = config_views.server_error(request)
    assert response.status_code == 500
    page = parse(response.content)
    assert page.find("h1").text() == "Something went wrong"
    assert page.find("title").text() == "Something went wrong · Skills Map"
