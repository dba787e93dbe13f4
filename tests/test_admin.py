"""Staff edit the map in the admin: track editors may, only the map, and pages follow at once."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.test import Client

from skillmap.models import Bucket, Level, MapRevision, Passage, Requirement, Skill, Track

pytestmark = pytest.mark.django_db


class _FormData(HTMLParser):
    """What a browser would submit from the form with this id, untouched."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.data: dict[str, list[str]] = {}
        self.inside = False
        self.select: str | None = None
        self.select_options: list[str] = []
        self.select_chosen = False
        self.textarea: str | None = None
        self.text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, raw: list[tuple[str, str | None]]) -> None:
        attrs = {name: value or "" for name, value in raw}
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "reset", "file", "image"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._add(attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self.select, self.select_options, self.select_chosen = attrs["name"], [], False
        elif tag == "option" and self.select is not None:
            self.select_options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._add(self.select, attrs.get("value", ""))
                self.select_chosen = True
        elif tag == "textarea":
            self.textarea, self.text = attrs["name"], []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            if not self.select_chosen and self.select_options:
                self._add(self.select, self.select_options[0])
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self._add(self.textarea, "".join(self.text).removeprefix("\n"))
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text.append(data)


def form_data(client: Client, url: str, form_id: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    parser = _FormData(form_id)
    parser.feed(response.content.decode())
    assert parser.data, f"no form #{form_id} at {url}"
    return parser.data


def requirement(track: str, bucket: str) -> Requirement:
    return Requirement.objects.get(track__slug=track, bucket__slug=bucket)


# --- Editing --------------------------------------------------------------------------------


def test_track_editor_changes_a_requirement(editor_client: Client) -> None:
    cell = requirement("research-engineer", "domain")
    url = f"/admin/skillmap/requirement/{cell.pk}/change/"
    data = form_data(editor_client, url, "requirement_form")
    assert data["label"] == ["Math, moderate"]
    data["label"] = ["Math, moderate (linear algebra first)"]
    data["rationale"] = ["Engineers read the maths; they rarely derive it."]
    before = MapRevision.current_state()[0]

    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert response["Location"] == "/admin/skillmap/requirement/"
    cell.refresh_from_db()
    assert cell.label == "Math, moderate (linear algebra first)"
    assert cell.rationale == "Engineers read the maths; they rarely derive it."
    # The label names an area, so the guide gives no level: the app's assumption stands.
    assert cell.level is None
    assert cell.assumed_level is not None and cell.assumed_level.slug == "medium"
    assert MapRevision.current_state()[0] == before + 1


def test_an_assumed_level_needs_a_reason_and_no_level_of_the_guides(
    editor_client: Client,
) -> None:
    cell = requirement("policy-and-governance", "domain")
    url = f"/admin/skillmap/requirement/{cell.pk}/change/"
    data = form_data(editor_client, url, "requirement_form")
    data["assumption"] = [""]
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Say in one line why the app assumes this level." in response.content.decode()

    data = form_data(editor_client, url, "requirement_form")
    data["level"] = [str(Level.objects.get(slug="high").pk)]
    data["label"] = ["High (policy)"]
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "nothing to assume" in response.content.decode()

    data = form_data(editor_client, url, "requirement_form")
    data["measured_by"] = [str(Skill.objects.get(slug="reading-papers").pk)]
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Only questions of this cell’s bucket (Domain knowledge) can measure it" in (
        response.content.decode()
    )
    cell.refresh_from_db()
    assert cell.assumed_level is not None and cell.assumption
    assert [s.slug for s in cell.measured_by.all()] == ["law-econ-and-policy"]


def test_a_requirement_edit_shows_on_home_at_once(
    editor_client: Client, anon_client: Client
) -> None:
    first = anon_client.get("/")
    assert "Math, heavy" in first.content.decode()
    cell = requirement("research-scientist", "domain")
    url = f"/admin/skillmap/requirement/{cell.pk}/change/"
    data = form_data(editor_client, url, "requirement_form")
    data["label"] = ["Math, very heavy"]
    assert editor_client.post(url, data).status_code == 302

    after = anon_client.get("/", headers={"if-none-match": first["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    html = after.content.decode()
    assert '<span class="cell-label">Math, very heavy</span>' in html
    assert '<span class="cell-label">Math, heavy</span>' not in html


def test_a_track_edit_with_its_requirement_inline_shows_on_home_at_once(
    editor_client: Client, anon_client: Client
) -> None:
    first = anon_client.get("/")
    track = Track.objects.get(slug="interpretability")
    url = f"/admin/skillmap/track/{track.pk}/change/"
    data = form_data(editor_client, url, "track_form")
    assert data["requirements-TOTAL_FORMS"] == ["4"]
    research = next(
        key.removesuffix("-label")
        for key, value in data.items()
        if key.startswith("requirements-")
        and key.endswith("-label")
        and value == ["High"]
        and data[key.replace("-label", "-bucket")] == [str(Bucket.objects.get(slug="research").pk)]
    )
    data["name"] = ["Interpretability research"]
    data[f"{research}-label"] = ["Very high (mechanistic)"]
    data[f"{research}-level"] = [str(Level.objects.get(slug="very-high").pk)]
    before = MapRevision.current_state()[0]

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert MapRevision.current_state()[0] > before
    assert requirement("interpretability", "research").label == "Very high (mechanistic)"
    after = anon_client.get("/")
    assert after["ETag"] != first["ETag"]
    html = after.content.decode()
    assert ">Interpretability research</a>" in html
    assert '<span class="cell-label">Very high (mechanistic)</span>' in html
    track_page = anon_client.get("/tracks/interpretability/").content.decode()
    assert "This track has no “Very high” cell." not in track_page
    assert "<strong>Research Skills</strong>: Very high (mechanistic)" in track_page


def _inline_cell(data: dict[str, list[str]], bucket: str) -> str:
    pk = str(Bucket.objects.get(slug=bucket).pk)
    return next(
        key.removesuffix("-bucket")
        for key, value in data.items()
        if key.startswith("requirements-") and key.endswith("-bucket") and value == [pk]
    )


@pytest.mark.parametrize(
    ("label", "level", "accepted"),
    [
        ("Very high", "low", False),  # the case found: "Very high" shown with one bar
        ("very HIGH (the hiring bar)", "very-high", True),
        ("High (analysis)", "very-high", False),  # "High" is not "Very high"
        ("Low–Med (literacy)", "low", False),  # Low–Med, not Low
        ("Low-Med (literacy)", "low-med", True),
        ("Low (literacy)", "low", True),
        ("Mediumish", "low", True),  # no level word as a whole word: the label is free
        ("Math, heavy", "high", True),  # names an area: the level is the editor's reading
        ("Medium", "", False),  # a stated level needs that level chosen
    ],
)
def test_a_label_that_states_a_level_must_match_it(
    editor_client: Client, label: str, level: str, accepted: bool
) -> None:
    track = Track.objects.get(slug="research-scientist")
    url = f"/admin/skillmap/track/{track.pk}/change/"
    data = form_data(editor_client, url, "track_form")
    cell = _inline_cell(data, "technical")
    data[f"{cell}-label"] = [label]
    data[f"{cell}-level"] = [str(Level.objects.get(slug=level).pk) if level else ""]

    response = editor_client.post(url, data)

    saved = requirement("research-scientist", "technical")
    if accepted:
        assert response.status_code == 302, response.content.decode()[:3000]
        assert saved.label == label
    else:
        assert response.status_code == 200
        assert "The label says" in response.content.decode()
        assert saved.label == "High"  # nothing saved


def test_the_requirement_form_refuses_a_contradicting_label_too(editor_client: Client) -> None:
    cell = requirement("research-engineer", "technical")
    url = f"/admin/skillmap/requirement/{cell.pk}/change/"
    data = form_data(editor_client, url, "requirement_form")
    data["label"] = ["Low"]

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "The label says “Low”, so the level must be Low, not Very high." in (
        response.content.decode()
    )


def test_the_inline_level_has_no_icons_that_edit_the_shared_level(editor_client: Client) -> None:
    track = Track.objects.get(slug="research-scientist")
    html = editor_client.get(f"/admin/skillmap/track/{track.pk}/change/").content.decode()

    assert 'name="requirements-0-level"' in html
    for action in ("add", "change", "delete", "view"):
        assert f'id="{action}_id_requirements-0-level"' not in html
        assert f'id="{action}_id_requirements-0-bucket"' not in html
    assert "related-widget-wrapper-link" not in html


def test_a_levels_own_meaning_is_editable_in_the_admin(editor_client: Client) -> None:
    level = Level.objects.get(slug="high")
    url = f"/admin/skillmap/level/{level.pk}/change/"
    data = form_data(editor_client, url, "level_form")
    assert data["app_meaning"] == [level.app_meaning]
    data["app_meaning"] = ["strong, and seen to be."]

    assert editor_client.post(url, data).status_code == 302

    level.refresh_from_db()
    assert level.app_meaning == "strong, and seen to be."


# --- Who may do what ------------------------------------------------------------------------


def test_track_editors_group_has_exactly_the_map_permissions() -> None:
    """By rule: every permission of every model in the map app, and none of audits or auth."""
    group = Group.objects.get(name="Track editors")
    perms = {
        (p.content_type.app_label, p.codename)
        for p in group.permissions.select_related("content_type")
    }
    map_models = [m._meta.model_name for m in apps.get_app_config("skillmap").get_models()]
    assert {"track", "bucket", "skill", "level", "requirement", "passage"} <= set(map_models)
    assert perms == {
        ("skillmap", f"{action}_{model}")
        for action in ("add", "change", "delete", "view")
        for model in map_models
    }
    assert not {app for app, _ in perms} & {"audits", "auth", "sessions", "axes"}


@pytest.mark.django_db(transaction=True)
def test_a_new_map_model_is_granted_to_track_editors_on_migrate(seeded_transactional: None) -> None:
    """A model added to the map later gets its permissions in the group at the next migrate,
    with no list to update; a model of another app never does."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    group = Group.objects.get(name="Track editors")
    newcomer = ContentType.objects.create(app_label="skillmap", model="newcomer")
    outsider = ContentType.objects.create(app_label="audits", model="outsider")
    for content_type in (newcomer, outsider):
        Permission.objects.create(
            content_type=content_type, codename=f"change_{content_type.model}", name="x"
        )
    call_command("migrate", verbosity=0)
    granted = set(group.permissions.values_list("codename", flat=True))
    assert "change_newcomer" in granted
    assert "change_outsider" not in granted


@pytest.mark.parametrize("url", ["/admin/auth/user/", "/admin/audits/audit/"])
def test_track_editor_cannot_see_users_or_audits(editor_client: Client, url: str) -> None:
    assert editor_client.get(url).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/admin/skillmap/track/",
        "/admin/skillmap/bucket/",
        "/admin/skillmap/skill/",
        "/admin/skillmap/level/",
        "/admin/skillmap/requirement/",
        "/admin/skillmap/passage/",
    ],
)
def test_track_editor_sees_the_map(editor_client: Client, url: str) -> None:
    assert editor_client.get(url).status_code == 200


def test_anonymous_visitor_is_sent_to_the_admin_login(anon_client: Client) -> None:
    response = anon_client.get("/admin/skillmap/track/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/skillmap/track/"


def test_a_signed_in_non_staff_user_is_sent_to_the_admin_login(owner_client: Client) -> None:
    response = owner_client.get("/admin/skillmap/track/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- Deleting what the map still uses -------------------------------------------------------


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Bucket, Level, Skill, Track, Requirement, Passage)
    )


def test_deleting_a_level_in_use_is_refused_not_a_crash(editor_client: Client) -> None:
    high = Level.objects.get(slug="high")
    before, revision = _counts(), MapRevision.current_state()[0]

    response = editor_client.post(f"/admin/skillmap/level/{high.pk}/delete/", {"post": "yes"})

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Deleting the level “High” would require deleting the following protected related objects:"
    ) in html
    assert "Research Scientist / Technical Skills: High" in html
    assert _counts() == before == (4, 5, 12, 7, 28, 5)
    assert MapRevision.current_state()[0] == revision


def test_deleting_a_level_in_use_from_the_list_is_refused(editor_client: Client) -> None:
    medium = Level.objects.get(slug="medium")
    before = _counts()

    response = editor_client.post(
        "/admin/skillmap/level/",
        {"action": "delete_selected", "_selected_action": [str(medium.pk)], "post": "yes"},
    )

    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in (
        response.content.decode()
    )
    assert _counts() == before
    assert Level.objects.filter(slug="medium").exists()


# --- Words an editor reads ------------------------------------------------------------------


# A change page's queries: the session, the user and permissions, the row, its inlines and
# their choices (pinned so a new field or inline that queries per row is noticed).
QUERIES = {"skill": 27, "track": 38}


def _textarea(html: str, name: str) -> str:
    """The opening tag of the text area for this field (fails if the field is not one)."""
    match = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert match, f"{name} is not a text area"
    return match.group(0)


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("skill", ["question", "levels-0-description"]),
        ("track", ["requirements-0-assumption", "requirements-0-rationale"]),
        ("level", ["meaning", "app_meaning"]),
        ("bucket", ["description", "skills-0-question"]),
        ("passage", ["body"]),
        ("requirement", ["assumption", "rationale"]),
    ],
)
def test_long_text_is_edited_in_wide_text_areas(
    editor_client: Client, url: str, fields: list[str]
) -> None:
    model = apps.get_model("skillmap", url)
    obj = model.objects.order_by("pk").first()
    html = editor_client.get(f"/admin/skillmap/{url}/{obj.pk}/change/").content.decode()
    for name in fields:
        # The admin's own class for a text area as wide as its form column.
        assert 'class="vLargeTextField"' in _textarea(html, name)


def _help(html: str, field_id: str) -> str:
    match = re.search(
        rf'<div class="help"[^>]*id="{re.escape(field_id)}_helptext"[^>]*>(.*?)</div>', html, re.S
    )
    assert match, f"no help for {field_id}"
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


def test_help_says_where_each_text_shows_on_the_site(editor_client: Client) -> None:
    cell = requirement("research-scientist", "research")
    html = editor_client.get(f"/admin/skillmap/requirement/{cell.pk}/change/").content.decode()
    assert "Shown publicly on the track's page, under “What that means”" in _help(
        html, "id_rationale"
    )
    assert "Shown publicly on the track's page" in _help(html, "id_assumption")

    skill = Skill.objects.get(slug="reading-papers")
    html = editor_client.get(f"/admin/skillmap/skill/{skill.pk}/change/").content.decode()
    assert "on the audit form and on the rate-me form" in _help(html, "id_question")
    assert "shown beside the number on the audit form" in _help(html, "id_levels-0-description")

    level = Level.objects.get(slug="low-med")
    html = editor_client.get(f"/admin/skillmap/level/{level.pk}/change/").content.decode()
    assert "“How to read this table”" in _help(html, "id_meaning")
    assert "marked as the app's words" in _help(html, "id_app_meaning")

    bucket = Bucket.objects.get(slug="domain")
    html = editor_client.get(f"/admin/skillmap/bucket/{bucket.pk}/change/").content.decode()
    assert "on the home page (“The four buckets”)" in _help(html, "id_description")


@pytest.mark.parametrize(
    ("slug", "place"),
    [
        ("tagline", "the home page, under its heading"),
        ("big_idea", "the home page, under “The big idea”"),
        ("how_to_read", "the home page, under “How to read this table”"),
        ("honest_baseline", "the audit form, under its heading"),
        ("honest_point", "the audit form, under its heading; quoted after the six-week plan"),
    ],
)
def test_each_passage_says_where_it_shows_and_keeps_its_slug(
    editor_client: Client, slug: str, place: str
) -> None:
    passage = Passage.objects.get(slug=slug)
    url = f"/admin/skillmap/passage/{passage.pk}/change/"
    html = editor_client.get(url).content.decode()
    assert _help(html, "id_body").startswith(f"The guide's words, shown on {place}")
    assert 'name="slug"' not in html  # the pages find it by its slug: not editable

    data = form_data(editor_client, url, "passage_form")
    data["body"] = ["New words."]
    data["slug"] = ["moved"]  # ignored: the field is read-only
    assert editor_client.post(url, data).status_code == 302
    passage.refresh_from_db()
    assert (passage.slug, passage.body) == (slug, "New words.")


@pytest.mark.parametrize(
    ("model", "slug", "breaks"),
    [
        ("track", "interpretability", "(/tracks/research-engineer/): old links"),
        ("skill", "reading-papers", "links to the question break"),
        ("bucket", "domain", "the progress page will no longer line up"),
        ("level", "high", "their results will say the track's requirements changed"),
    ],
)
def test_slug_fields_warn_that_old_links_break(
    editor_client: Client, model: str, slug: str, breaks: str
) -> None:
    obj = apps.get_model("skillmap", model).objects.get(slug=slug)
    html = editor_client.get(f"/admin/skillmap/{model}/{obj.pk}/change/").content.decode()
    help_text = _help(html, "id_slug")
    assert help_text.startswith("Part of addresses and stored audits; change it only if you must.")
    assert breaks in help_text


def test_saving_a_new_slug_warns_and_an_unchanged_one_does_not(editor_client: Client) -> None:
    track = Track.objects.get(slug="interpretability")
    url = f"/admin/skillmap/track/{track.pk}/change/"
    data = form_data(editor_client, url, "track_form")
    response = editor_client.post(url, data, follow=True)
    assert "The slug of" not in response.content.decode()

    data["slug"] = ["interp"]
    response = editor_client.post(url, data, follow=True)

    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == [
        "The slug of “Interpretability” is now “interp” (it was “interpretability”). "
        "The track's page address ends in it (/tracks/research-engineer/): old links and "
        "bookmarks to the page will answer “not found”."
    ]
    assert Client().get("/tracks/interpretability/").status_code == 404


def test_a_new_slug_on_an_inline_skill_warns_too(editor_client: Client) -> None:
    bucket = Bucket.objects.get(slug="research")
    url = f"/admin/skillmap/bucket/{bucket.pk}/change/"
    data = form_data(editor_client, url, "bucket_form")
    row = next(k for k, v in data.items() if k.endswith("-slug") and v == ["reading-papers"])
    data[row] = ["papers"]

    response = editor_client.post(url, data, follow=True)

    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert warnings[0].startswith("The slug of “Reading papers” is now “papers”")
    assert Skill.objects.filter(slug="papers").exists()


@pytest.mark.parametrize(
    "model", ["track", "bucket", "skill", "level", "requirement", "passage", "step"]
)
def test_every_map_edit_page_says_completed_audits_keep_their_map(
    editor_client: Client, model: str
) -> None:
    obj = apps.get_model("skillmap", model).objects.order_by("pk").first()
    for url in (f"/admin/skillmap/{model}/{obj.pk}/change/", f"/admin/skillmap/{model}/add/"):
        html = editor_client.get(url).content.decode()
        assert (
            "Completed audits keep the map they were scored against: their results stay as "
            "they were"
        ) in html, url


@pytest.mark.parametrize(
    ("model", "slug"), [("skill", "reading-papers"), ("track", "interpretability")]
)
def test_map_edit_page_query_counts(
    editor_client: Client, model: str, slug: str, django_assert_num_queries: Any
) -> None:
    obj = apps.get_model("skillmap", model).objects.get(slug=slug)
    url = f"/admin/skillmap/{model}/{obj.pk}/change/"
    editor_client.get(url)
    with django_assert_num_queries(QUERIES[model]):
        assert editor_client.get(url).status_code == 200
