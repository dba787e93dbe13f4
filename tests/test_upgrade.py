"""An existing database upgrades in place: the map's models move from `audits` to `skillmap`
with their tables and rows, and completed audits move from a copy of the map each to one
shared copy per distinct map, with every results page unchanged.

The database is built as it stood before the move (migrations up to audits 0004, the seed
fixture of that day in tests/data/, rows written through the historical models in the old
format), then `manage.py migrate` runs on it: the later migrations, those that add content to
the map included (its questions, level descriptions and steps with their tracks arrive as the
seed has them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.servers import fresh_database, manage

pytestmark = pytest.mark.django_db(transaction=True)

# Run with `manage.py shell` on the old schema: the guide's map, an admin edit, users and
# audits exactly as the old code wrote them (one full copy of the map in each snapshot).
BUILD_OLD = r"""
import json
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from audits import scoring
from skillmap import values

old = MigrationLoader(connection).project_state(("audits", "0004_published_map")).apps
M = {name: old.get_model("audits", name) for name in
     ("Passage", "Bucket", "Level", "Skill", "Track", "Requirement", "MapRevision", "Audit",
      "Rating")}
by_slug = {}
for row in json.load(open("tests/data/skills_map_before_the_move.json")):
    model = M[row["model"].split(".")[1].capitalize()]
    fields = dict(row["fields"])
    for key in ("bucket", "track", "level"):
        if isinstance(fields.get(key), list):
            fields[key] = by_slug[(key, fields[key][0])]
    obj = model.objects.create(**fields)
    if "slug" in fields:
        by_slug[(row["model"].split(".")[1], fields["slug"])] = obj
M["MapRevision"].objects.update_or_create(id=1, defaults={"number": 1})

def level(lv):
    if lv is None:
        return None
    return values.Level(lv.slug, lv.name, lv.rank, lv.target, lv.meaning)

def old_map():
    return values.SkillMap(
        buckets=tuple(values.Bucket(b.slug, b.name, b.short_name, b.description)
                      for b in M["Bucket"].objects.order_by("position", "id")),
        levels=tuple(level(lv) for lv in M["Level"].objects.order_by("rank")),
        skills=tuple(values.Skill(s.slug, s.name, s.question, s.bucket.slug, s.id)
                     for s in M["Skill"].objects.order_by("position", "id")),
        tracks=tuple(values.Track(t.slug, t.name, tuple(
            values.Cell(r.bucket.slug, r.label, level(r.level), r.rationale,
                        r.updated_at.isoformat())
            for r in M["Requirement"].objects.filter(track=t).order_by("bucket__position")))
            for t in M["Track"].objects.order_by("position", "id")),
    )

honest = M["Passage"].objects.get(slug="honest_point").body
alice = old.get_model("auth", "User").objects.create(username="alice", email="a@example.com")
skills = {s.slug: s for s in M["Skill"].objects.all()}

def audit(owner, track, ratings, notes, complete):
    made = M["Audit"].objects.create(owner=owner, track=by_slug[("track", track)])
    for slug, value in ratings.items():
        M["Rating"].objects.create(audit=made, skill=skills[slug], value=value,
                                   note=notes.get(slug, ""))
    if complete:
        skill_map = old_map()
        snapshot = {"map": skill_map.to_dict(), "revision": M["MapRevision"].objects.get().number,
                    "honest_point": honest, "track": track, "ratings": ratings, "notes": notes}
        summary = scoring.summary(scoring.assess(skill_map, skill_map.track(track), ratings))
        M["Audit"].objects.filter(pk=made.pk).update(
            snapshot=snapshot, summary=summary, completed_at=timezone.now())
    return made

full = {"python-and-pytorch": 4, "deep-learning-and-transformers": 3, "reading-papers": 2,
        "career-and-communication": 5, "math-you-actually-need": 3}
audit(alice, "research-scientist", full, {"reading-papers": "Slow, “abstract first”"}, True)
audit(None, "policy-and-governance", {k: 6 - v for k, v in full.items()}, {}, True)
# An admin edit between audits: a second, different map.
M["Requirement"].objects.filter(track__slug="research-scientist", bucket__slug="domain").update(
    label="Math, heavy (proofs)")
M["MapRevision"].objects.update(number=2)
audit(alice, "research-scientist", {k: min(5, v + 1) for k, v in full.items()}, {}, True)
audit(alice, "interpretability", {"reading-papers": 3}, {"reading-papers": "open"}, False)
print("LEGACY" + json.dumps({
    str(a.public_id): {"owner": a.owner_id, "snapshot": a.snapshot,
                       "completed_at": a.completed_at.isoformat() if a.completed_at else None}
    for a in M["Audit"].objects.all()}))
"""

# On the upgraded schema: each results page through the real view, and the same page rendered
# from the old snapshot as it was before the upgrade (an unsaved copy of the audit built from it).
CHECK_NEW = r"""
import json, re, sys
from datetime import datetime
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client, RequestFactory
from audits.accounts import SESSION_AUDITS
from audits.models import Audit, Rating
from audits.views import results_page
from skillmap.models import MapSnapshot, Requirement, Track

legacy = json.loads(sys.stdin.read())

def main(html):
    body = html[html.index("<main"):html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)

out = {"pages": {}, "tables": sorted(connection.introspection.table_names())}
for public_id, old in legacy.items():
    audit = Audit.objects.select_related("track").get(public_id=public_id)
    if old["snapshot"] is None:
        out.setdefault("open", []).append(
            [public_id, audit.completed_at is None, audit.ratings.count()])
        continue
    client = Client(headers={"host": "127.0.0.1"})
    if old["owner"]:
        client.force_login(User.objects.get(pk=old["owner"]))
    else:
        session = client.session
        session[SESSION_AUDITS] = [public_id]
        session.save()
    after = client.get(f"/audits/{public_id}/results/")
    snap = old["snapshot"]
    content = {"map": snap["map"], "passages": {"honest_point": snap["honest_point"]}}
    before_audit = Audit(
        id=audit.id, public_id=audit.public_id, owner=audit.owner, track=audit.track,
        completed_at=datetime.fromisoformat(old["completed_at"]),
        snapshot={k: snap[k] for k in ("track", "ratings", "notes")},
        map_snapshot=MapSnapshot(content=content, digest=MapSnapshot.digest_of(content)),
    )
    request = RequestFactory().get(f"/audits/{public_id}/results/", headers={"host": "127.0.0.1"})
    request.user = audit.owner or __import__(
        "django.contrib.auth.models", fromlist=["AnonymousUser"]).AnonymousUser()
    request.session = client.session
    request._messages = __import__(
        "django.contrib.messages.storage.fallback", fromlist=["x"]).FallbackStorage(request)
    before = results_page(request, before_audit)
    out["pages"][public_id] = {
        "status": after.status_code,
        "same": main(after.content.decode()) == main(before.content.decode()),
        "own_keys": sorted(audit.snapshot),
        "has_label": "Math, heavy (proofs)" in after.content.decode(),
    }
# The map's content arrives as the seed has it: the literacy question, the levels, the steps.
from skillmap.models import Level, Skill, SkillLevel, Step
seed = json.load(open("fixtures/skills_map.json"))
seeded_steps = sorted(
    (f["skill"][0], f["position"], f["title"], sorted(t[0] for t in f["tracks"]))
    for f in (row["fields"] for row in seed if row["model"] == "skillmap.step"))
out["steps_as_seeded"] = seeded_steps == sorted(
    (st.skill.slug, st.position, st.title, sorted(t.slug for t in st.tracks.all()))
    for st in Step.objects.select_related("skill").prefetch_related("tracks"))
seeded_levels = sorted(
    (f["skill"][0], f["rating"], f["description"])
    for f in (row["fields"] for row in seed if row["model"] == "skillmap.skilllevel"))
out["levels_as_seeded"] = seeded_levels == sorted(
    SkillLevel.objects.values_list("skill__slug", "rating", "description"))
out["literacy"] = list(Skill.objects.filter(added=True, slug="ai-literacy").values_list(
    "bucket__slug", flat=True))
out["low_med_target"] = Level.objects.get(slug="low-med").target
out["measured_by"] = {
    f"{r.track.slug}/{r.bucket.slug}": sorted(r.measured_by.values_list("slug", flat=True))
    for r in Requirement.objects.select_related("track", "bucket")
    if r.track.slug == "policy-and-governance" or r.bucket.slug == "technical"}
out["snapshots"] = MapSnapshot.objects.count()
out["edit"] = Requirement.objects.get(
    track__slug="research-scientist", bucket__slug="domain").label
out["tracks"] = Track.objects.count()
moved = ContentType.objects.filter(model__in=["track", "requirement"])
out["content_types"] = sorted(moved.values_list("app_label", flat=True))
out["editors"] = sorted({p.content_type.app_label for p in
                         Group.objects.get(name="Track editors").permissions.all()})
print("CHECK" + json.dumps(out))
"""


def _payload(stdout: str, marker: str) -> dict:
    line = next(line for line in stdout.splitlines() if line.startswith(marker))
    return json.loads(line[len(marker) :])


def test_an_existing_database_upgrades_in_place(tmp_path: Path) -> None:
    with fresh_database(tmp_path, collect_static=True, migrate_to=("audits", "0004")) as db:
        built = manage(db.env, "shell", "--no-imports", "--command", BUILD_OLD)
        legacy = _payload(built.stdout, "LEGACY")
        assert len(legacy) == 4

        manage(db.env, "migrate", "--noinput", "--verbosity", "0")
        checked = manage(
            db.env, "shell", "--no-imports", "--command", CHECK_NEW, stdin=json.dumps(legacy)
        )
        result = _payload(checked.stdout, "CHECK")

    pages = result["pages"]
    assert len(pages) == 3
    for page in pages.values():
        assert page["status"] == 200
        assert page["same"], "a results page changed in the upgrade"
        assert page["own_keys"] == ["notes", "ratings", "track"]  # no copy of the map
    # Two distinct maps (before and after the edit) are stored once each for three audits.
    assert result["snapshots"] == 2
    assert sum(page["has_label"] for page in pages.values()) == 1  # only the later audit's
    assert result["edit"] == "Math, heavy (proofs)"
    assert result["tracks"] == 7
    assert result["open"] == [[result["open"][0][0], True, 1]]
    assert result["content_types"] == ["skillmap", "skillmap"]
    assert result["editors"] == ["skillmap"]
    # The content added since arrives in place, as the seed has it.
    assert result["steps_as_seeded"] and result["levels_as_seeded"]
    assert result["literacy"] == ["technical"]
    assert result["low_med_target"] == 3
    literacy = {"policy-and-governance/technical", "field-building-and-comms/technical"}
    for cell, slugs in result["measured_by"].items():
        if cell in literacy:
            assert slugs == ["ai-literacy"], cell
        elif cell.endswith("/technical"):
            assert slugs == ["deep-learning-and-transformers", "python-and-pytorch"], cell
    assert result["measured_by"]["policy-and-governance/research"] == ["experiments-and-rigour"]
    assert "skillmap_track" in result["tables"]
    assert "audits_track" not in result["tables"]
