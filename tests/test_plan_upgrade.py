"""An existing database upgrades in place: every stored plan's "done" ticks become the
person's (StepDone), the earliest date winning where two plans of one person ticked a step,
an anonymous audit's on that audit; the plans keep their hours and steps only. And back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.servers import fresh_database, manage

pytestmark = pytest.mark.django_db(transaction=True)

# On the schema before StepDone: plans written as the old code wrote them, "done" inside.
BUILD_OLD = r"""
from django.db import connection
from django.db.migrations.loader import MigrationLoader

old = MigrationLoader(connection).project_state(("audits", "0013_link_labels_and_from_name")).apps
Audit, Track = old.get_model("audits", "Audit"), old.get_model("skillmap", "Track")
User = old.get_model("auth", "User")
track = Track.objects.create(slug="t", name="T", position=1)
alice = User.objects.create(username="alice")
bob = User.objects.create(username="bob")

def plan(done):
    return {"hours": 5, "steps": [{"id": n, "skill": "s", "weeks": [[1, 1]]} for n in (1, 2, 3)],
            "done": done}

Audit.objects.create(owner=alice, track=track, plan=plan(
    {"1": "2026-03-01T10:00:00+00:00", "2": "2026-03-05T10:00:00+00:00"}))
Audit.objects.create(owner=alice, track=track, plan=plan(
    {"1": "2026-02-01T09:00:00+00:00", "3": "2026-04-01T10:00:00+00:00"}))
Audit.objects.create(owner=bob, track=track, plan=plan({"1": "2026-05-01T10:00:00+00:00"}))
Audit.objects.create(owner=None, track=track, plan=plan({"2": "2026-06-01T10:00:00+00:00"}))
Audit.objects.create(owner=alice, track=track, plan=None)
"""

CHECK_NEW = r"""
import json
from audits.models import Audit, StepDone
print("CHECK" + json.dumps({
    "ticks": sorted(
        [t.owner.username if t.owner else "anonymous", t.step_id, t.done_at.isoformat()]
        for t in StepDone.objects.select_related("owner")
    ),
    "plans_with_done": Audit.objects.filter(plan__has_key="done").count(),
    "plans": Audit.objects.filter(plan__isnull=False).count(),
    "alice_sees": sorted(
        sorted(a.ticks()) for a in Audit.objects.filter(owner__username="alice", plan__isnull=False)
    ),
}))
"""

CHECK_BACK = r"""
import json
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT plan FROM audits_audit WHERE plan IS NOT NULL ORDER BY id")
    plans = [json.loads(row[0]) if isinstance(row[0], str) else row[0] for row in cursor]
print("BACK" + json.dumps([sorted(p["done"]) for p in plans]))
"""


def _payload(stdout: str, marker: str) -> object:
    line = next(line for line in stdout.splitlines() if line.startswith(marker))
    return json.loads(line[len(marker) :])


def test_ticks_move_out_of_the_plans_and_back(tmp_path: Path) -> None:
    with fresh_database(tmp_path, migrate_to=("audits", "0013")) as db:
        manage(db.env, "shell", "--no-imports", "--command", BUILD_OLD)
        manage(db.env, "migrate", "audits", "--noinput", "--verbosity", "0")
        upgraded = _payload(
            manage(db.env, "shell", "--no-imports", "--command", CHECK_NEW).stdout, "CHECK"
        )
        manage(db.env, "migrate", "audits", "0013", "--noinput", "--verbosity", "0")
        back = _payload(
            manage(db.env, "shell", "--no-imports", "--command", CHECK_BACK).stdout, "BACK"
        )

    assert upgraded == {
        "ticks": [
            ["alice", 1, "2026-02-01T09:00:00+00:00"],  # the earlier of her two plans' dates
            ["alice", 2, "2026-03-05T10:00:00+00:00"],
            ["alice", 3, "2026-04-01T10:00:00+00:00"],
            ["anonymous", 2, "2026-06-01T10:00:00+00:00"],
            ["bob", 1, "2026-05-01T10:00:00+00:00"],
        ],
        "plans_with_done": 0,
        "plans": 4,
        # Each of Alice's plans now shows every step she did, whichever plan she ticked it on.
        "alice_sees": [[1, 2, 3], [1, 2, 3]],
    }
    # Migrated back, each plan holds the ticks that count on it.
    assert back == [["1", "2", "3"], ["1", "2", "3"], ["1"], ["2"]]
