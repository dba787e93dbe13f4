"""The home page: the guide's map, word for word, as a real table; cached for anonymous visitors."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from skillmap.guide import current_guide
from skillmap.models import MapRevision, Requirement, Skill, Track
from tests.conftest import fresh_process, grow_map_tenfold

pytestmark = pytest.mark.django_db

# --- A small HTML tree, so tests read the page the way a browser would ------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                    found.append(child)
                found.extend(child.find_all(tag, cls))
        return found

    def find(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag or '*'} class={cls!r}> in the page"
        return found[0]

    def text(self, skip: frozenset[str] = frozenset()) -> str:
        """The text inside, with whitespace collapsed; elements with a class in `skip` left out."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif not child.classes & skip:
                parts.append(child.text(skip))
        return " ".join("".join(parts).split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: bytes | str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    builder.close()
    return builder.root


# --- The guide, copied from skills-map.md -------------------------------------------------------

TAGLINE = (
    "What you actually need to be good at, and which track needs which. Use this to run an "
    "honest self-audit — it’s the map to rate yourself against before you decide where to aim."
)
BIG_IDEA = (
    "Skills cluster into four buckets. No track needs all of them maxed out — each track needs "
    "a different mix. Figure out your target track, then look at the mix it wants, then be "
    "honest about your gaps. That’s the whole game."
)
BUCKETS = [
    ("Technical Skills", "coding, ML, the hands-on stack"),
    ("Research Skills", "forming questions, running experiments, not fooling yourself"),
    ("Career and Communication Skills", "writing, portfolio, applications, the meta-game"),
    ("Domain knowledge", "math, or law/econ/policy depending on direction"),
]
COLUMNS = ["Track", "Technical", "Research", "Communication", "Domain"]
MATRIX = [
    ["Research Scientist", "High", "Very high", "High", "Math, heavy"],
    ["Research Engineer", "Very high", "Medium", "Medium", "Math, moderate"],
    ["Interpretability", "High", "High", "High", "Math, moderate"],
    ["Alignment and AI Safety", "High", "High", "High", "Math + threat models"],
    [
        "Policy and Governance",
        "Low–Med (literacy)",
        "High (analysis)",
        "Very high",
        "Law / econ / IR / policy",
    ],
    ["Applied and Product ML", "Very high", "Low", "Medium", "Product sense"],
    ["Field-building and Comms", "Low (literacy)", "Low", "Very high", "Ops / people"],
]
# The level each cell is scored against, and so how many pips it shows: the guide's where the
# label names one, else the level the app reads an area label as (marked as the app's).
LEVELS = [
    ["High", "Very high", "High", "High"],
    ["Very high", "Medium", "Medium", "Medium"],
    ["High", "High", "High", "Medium"],
    ["High", "High", "High", "High"],
    ["Low–Med", "High", "Very high", "High"],
    ["Very high", "Low", "Medium", "Medium"],
    ["Low", "Low", "Very high", "High"],
]
RANK = {"Low": 1, "Low–Med": 2, "Medium": 3, "High": 4, "Very high": 5}
MEANINGS = [
    ("Very high", "this is the thing you’ll be hired on; it has to be strong."),
    ("Medium", "good enough not to be a liability."),
    ("Low", "literacy, not mastery."),
]
HOW_TO_READ = (
    "Almost no one starts strong everywhere — the plan is to get your target track’s "
    "“very high” cells genuinely strong, fast."
)
QUESTIONS = [
    ("Can you write clean Python and use PyTorch?", "Python and PyTorch"),
    (
        "Can you implement a transformer from scratch and explain it?",
        "Deep learning and transformers",
    ),
    ("Are you comfortable reading an ML paper?", "Reading papers"),
    (
        "Can you write a clear, structured, persuasive page of prose?",
        "Career and Communication Skills",
    ),
    ("Linear algebra / probability — fine, rusty, or scary?", "Math you actually need"),
]


def matrix(page: Node) -> Node:
    tables = [t for t in page.find_all("table") if "matrix" in t.classes]
    assert len(tables) == 1
    return tables[0]


# --- Content --------------------------------------------------------------------------------


def test_matrix_is_a_real_table_with_every_label_in_its_row_and_column(anon_client: Client) -> None:
    table = matrix(parse(anon_client.get("/").content))

    header = table.find("thead").find_all("th")
    assert [th.text() for th in header] == COLUMNS
    assert all(th.attrs.get("scope") == "col" for th in header)

    rows = table.find("tbody").find_all("tr")
    got = []
    for row in rows:
        heading = row.find("th")
        assert heading.attrs.get("scope") == "row"
        labels = [td.find("span", "cell-label").text() for td in row.find_all("td")]
        got.append([heading.text(), *labels])
    assert got == MATRIX
    assert sum(len(row) - 1 for row in got) == 28


def test_matrix_rows_link_to_their_track_pages(anon_client: Client) -> None:
    table = matrix(parse(anon_client.get("/").content))
    links = [row.find("th").find("a").attrs["href"] for row in table.find("tbody").find_all("tr")]
    assert links == [
        "/tracks/research-scientist/",
        "/tracks/research-engineer/",
        "/tracks/interpretability/",
        "/tracks/alignment-and-ai-safety/",
        "/tracks/policy-and-governance/",
        "/tracks/applied-and-product-ml/",
        "/tracks/field-building-and-comms/",
    ]


def test_every_level_is_shown_as_a_meter_and_as_text(anon_client: Client) -> None:
    table = matrix(parse(anon_client.get("/").content))
    for row, levels, expected in zip(
        table.find("tbody").find_all("tr"), LEVELS, MATRIX, strict=True
    ):
        for td, level, label in zip(row.find_all("td"), levels, expected[1:], strict=True):
            meters = td.find_all("span", "meter")
            hidden = [span.text() for span in td.find_all("span", "app-reading")]
            if level is None:
                assert meters == [] and hidden == [], label
                continue
            assert len(meters) == 1, label
            assert meters[0].attrs.get("aria-hidden") == "true"
            # The meter's lit length is its level's rank (drawn by the stylesheet).
            assert f"meter-{RANK[level]}" in meters[0].classes, label
            if level in label:
                assert hidden == [], label
            else:
                assert hidden == [f"(the app’s reading: {level})"], label


def test_a_cell_whose_label_hides_its_level_says_the_level(anon_client: Client) -> None:
    """Its bars are the app's reading of the label, and say so (to everyone, not only to
    screen readers)."""
    html = anon_client.get("/").content.decode()
    for label, level in [
        ("Math, heavy", "High"),
        ("Math, moderate", "Medium"),
        ("Math + threat models", "High"),
        ("Law / econ / IR / policy", "High"),
        ("Product sense", "Medium"),
        ("Ops / people", "High"),
    ]:
        assert (
            f'<span class="cell-label">{label}</span> '
            f'<span class="app-reading">(the app’s reading: {level})</span>'
        ) in html
    assert "its bars are the level the app reads it as, and say so." in html


def test_the_big_idea_and_tagline_word_for_word(anon_client: Client) -> None:
    page = parse(anon_client.get("/").content)
    assert page.find("h1").text() == "Skills Map"
    assert page.find("p", "lede").text() == TAGLINE
    headings = [h2.text() for h2 in page.find_all("h2")]
    assert headings[:4] == [
        "The big idea",
        "The four buckets",
        "Which track needs which (the cheat sheet)",
        "How to read this table",
    ]
    section = next(s for s in page.find_all("section") if s.attrs["aria-labelledby"] == "big-idea")
    assert section.find("p").text() == BIG_IDEA


def test_the_four_buckets_and_their_descriptions(anon_client: Client) -> None:
    page = parse(anon_client.get("/").content)
    buckets = page.find("dl", "buckets")
    names = [dt.text() for dt in buckets.find_all("dt")]
    descriptions = [dd.text() for dd in buckets.find_all("dd")]
    assert list(zip(names, descriptions, strict=True)) == BUCKETS


def test_how_to_read_this_table(anon_client: Client) -> None:
    page = parse(anon_client.get("/").content)
    meanings = page.find("dl", "meanings")
    pairs = [(item.find("dt").text(), item.find("dd").text()) for item in meanings.find_all("div")]
    assert pairs == MEANINGS
    section = next(
        s for s in page.find_all("section") if s.attrs["aria-labelledby"] == "how-to-read"
    )
    assert [p.text() for p in section.find_all("p")] == [HOW_TO_READ]


def test_guide_questions_appear_on_the_audit_form(anon_client: Client) -> None:
    response = anon_client.post("/audits/new/", {"track": "research-scientist"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith("/audits/")
    page = parse(response.content)
    legends = page.find("form", "ratings-form").find_all("legend")
    got = [
        (
            legend.text(skip=frozenset({"skill-meta", "added"})),
            legend.find("span", "skill-meta").text(),
        )
        for legend in legends
    ]
    # The guide's five come first, word for word, and unmarked; what the app adds is marked.
    guides = got[: len(QUESTIONS)]
    assert [question for question, _ in guides] == [question for question, _ in QUESTIONS]
    added = list(legends[len(QUESTIONS) :])
    assert added and all(legend.find_all("span", "added") for legend in added)
    assert not any(legend.find_all("span", "added") for legend in legends[: len(QUESTIONS)])
    got = guides
    for (_, meta), (_, name) in zip(got, QUESTIONS, strict=True):
        # The skill's name, then its bucket's where the two differ.
        assert meta == name or meta.startswith(f"{name} · ")
    assert page.find("p", "lede").text() == "Rate yourself 1–5, no flinching"
    assert (
        "The point of rating honestly: a “2” you admit is a “2” we can fix in six weeks. "
        "A “2” you call a “4” becomes a rejection later."
    ) in response.content.decode()


# --- Caching --------------------------------------------------------------------------------


def test_anonymous_home_is_publicly_cacheable_and_revalidated(anon_client: Client) -> None:
    response = anon_client.get("/")
    assert response.status_code == 200
    assert response["ETag"] == f'"map-{current_guide().digest[:16]}"'
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=0", "must-revalidate"}
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "csrf" not in html.lower()
    assert "csrftoken" not in response.cookies
    assert "sessionid" not in response.cookies


def test_conditional_get_is_not_modified(anon_client: Client) -> None:
    etag = anon_client.get("/")["ETag"]
    response = anon_client.get("/", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    stale = anon_client.get("/", headers={"if-none-match": '"home-0"'})
    assert stale.status_code == 200


def test_logged_in_home_is_private(owner_client: Client) -> None:
    response = owner_client.get("/")
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert "private" in directives
    assert "public" not in directives
    assert not response.has_header("ETag")
    assert "Log out" in response.content.decode()


def test_a_bumped_revision_changes_the_etag_and_the_page(anon_client: Client) -> None:
    first = anon_client.get("/")
    Requirement.objects.filter(track__slug="research-scientist", bucket__slug="domain").update(
        label="Math, very heavy"
    )
    MapRevision.bump()
    second = anon_client.get("/", headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert "Math, very heavy" in second.content.decode()


# --- Query counts ---------------------------------------------------------------------------

# A process builds the map from its tables once per revision (the revision number, then the
# passages and build_map's nine queries: levels, buckets, skills, their rating descriptions,
# the cells' measuring skills, tracks, requirements, steps and the tracks each step serves);
# after that a page asks only for the revision number.
HOME_COLD = 11
HOME_WARM = 1
HOME_NOT_MODIFIED = 1
HOME_LOGGED_IN = 3  # the session, the user, the revision
TRACK_COLD = 11
TRACK_WARM = 1


def _restart() -> None:
    """What a process restart does to the map: its copy and rendered pages are gone."""
    fresh_process()


def _assert_counts(client: Client, slug: str, django_assert_num_queries: Any) -> None:
    _restart()
    with django_assert_num_queries(HOME_COLD):
        etag = client.get("/")["ETag"]
    with django_assert_num_queries(HOME_WARM):
        client.get("/")
    with django_assert_num_queries(HOME_NOT_MODIFIED):
        assert client.get("/", headers={"if-none-match": etag}).status_code == 304
    _restart()
    with django_assert_num_queries(TRACK_COLD):
        assert client.get(f"/tracks/{slug}/").status_code == 200
    with django_assert_num_queries(TRACK_WARM):
        assert client.get(f"/tracks/{slug}/").status_code == 200


def test_home_query_counts(anon_client: Client, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(HOME_COLD):
        anon_client.get("/")
    with django_assert_num_queries(HOME_WARM):
        anon_client.get("/")


def test_logged_in_home_query_count(owner: User, django_assert_num_queries: Any) -> None:
    client = Client()
    client.force_login(owner)
    client.get("/")  # warm the map
    with django_assert_num_queries(HOME_LOGGED_IN):
        assert client.get("/").status_code == 200


def test_query_counts_stay_flat_with_ten_times_the_map(
    anon_client: Client, django_assert_num_queries: Any
) -> None:
    _assert_counts(anon_client, "research-scientist", django_assert_num_queries)

    grow_map_tenfold()
    tracks = list(Track.objects.filter(slug__startswith="extra-track-"))
    assert (Track.objects.count(), Requirement.objects.count(), Skill.objects.count()) == (
        70,
        280,
        57,
    )

    _assert_counts(anon_client, tracks[-1].slug, django_assert_num_queries)
    page = parse(anon_client.get("/").content)
    assert len(matrix(page).find("tbody").find_all("tr")) == 70
    assert "Extra label 162-4" in anon_client.get("/tracks/extra-track-62/").content.decode()
