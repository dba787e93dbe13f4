"""The tables are the map's only source of truth: a change by any path shows on the site, at
once through the admin, and after a restart otherwise (a restart starts a process with empty
caches and no map built, which `restart()` stands for here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, migrations
from django.db.migrations.state import ProjectState
from django.test import Client

from skillmap.guide import build_map, current_guide
from skillmap.models import MapRevision, Passage, Requirement
from tests.conftest import fresh_process
from tests.servers import fresh_database, manage

pytestmark = pytest.mark.django_db

CELL = {"track__slug": "research-scientist", "bucket__slug": "domain"}


def restart() -> None:
    fresh_process()


def home(client: Client) -> str:
    return client.get("/").content.decode()


def test_one_query_per_request_and_the_tables_once_per_revision(
    django_assert_num_queries: Any,
) -> None:
    restart()
    with django_assert_num_queries(11):  # the revision, the passages, the map's 9 queries
        guide = current_guide()
    with django_assert_num_queries(1):
        assert current_guide() == guide
    MapRevision.bump()
    with django_assert_num_queries(11):
        assert current_guide().revision == guide.revision + 1


def test_the_copy_equals_the_tables() -> None:
    assert current_guide().map == build_map()


def test_an_admin_edit_shows_at_once(editor_client: Client, anon_client: Client) -> None:
    assert "Math, heavy" in home(anon_client)
    requirement = Requirement.objects.get(**CELL)
    track = requirement.track
    data = {
        "name": track.name,
        "slug": track.slug,
        "position": track.position,
        "requirements-TOTAL_FORMS": 0,
        "requirements-INITIAL_FORMS": 0,
    }
    # Change one cell through the track's page, as an editor does.
    cells = list(track.requirements.order_by("bucket__position"))
    data["requirements-TOTAL_FORMS"] = data["requirements-INITIAL_FORMS"] = len(cells)
    for index, cell in enumerate(cells):
        label = "Math, very heavy" if cell.pk == requirement.pk else cell.label
        data.update(
            {
                f"requirements-{index}-id": cell.pk,
                f"requirements-{index}-track": track.pk,
                f"requirements-{index}-bucket": cell.bucket_id,
                f"requirements-{index}-label": label,
                f"requirements-{index}-level": cell.level_id or "",
                f"requirements-{index}-rationale": cell.rationale,
            }
        )
    response = editor_client.post(f"/admin/skillmap/track/{track.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Math, very heavy" in home(anon_client)


def test_a_queryset_update_shows_after_a_restart(anon_client: Client) -> None:
    assert "Math, heavy" in home(anon_client)
    Requirement.objects.filter(**CELL).update(label="Math, updated in the shell")
    restart()
    assert "Math, updated in the shell" in home(anon_client)


def test_loaddata_shows_after_a_restart(anon_client: Client, tmp_path: Path) -> None:
    assert current_guide()
    passage = Passage.objects.get(slug="big_idea")
    fixture = tmp_path / "edit.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "skillmap.passage",
                    "pk": passage.pk,
                    "fields": {"slug": "big_idea", "title": passage.title, "body": "Loaded."},
                }
            ]
        )
    )
    call_command("loaddata", str(fixture), verbosity=0)
    restart()
    assert "<p>Loaded.</p>" in home(anon_client)


@pytest.mark.django_db(transaction=True)
def test_a_data_migration_shows_after_a_restart(seeded_transactional: None) -> None:
    # Outside a test transaction: SQLite's schema editor, which runs migrations, needs that.
    anon_client = Client()
    assert "Math, heavy" in home(anon_client)

    def relabel(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model("skillmap", "Requirement")
        model.objects.filter(**CELL).update(label="Math, migrated")

    operation = migrations.RunPython(relabel)
    state = ProjectState.from_apps(apps)
    with connection.schema_editor(atomic=False) as editor:
        operation.database_forwards("skillmap", editor, state, state)
    restart()
    assert "Math, migrated" in home(anon_client)


RENDER_HOME = (
    "from django.test import Client; "
    "page = Client().get('/', headers={'host': '127.0.0.1'}); assert page.status_code == 200; "
    "print('LABEL' if 'Math, heavy' in page.content.decode() else 'OTHER')"
)


@pytest.mark.backup
@pytest.mark.django_db(transaction=True)
def test_a_restore_shows_after_a_restart(tmp_path: Path) -> None:
    """Back up, change the map through the admin's path, restore: a fresh process (a restart)
    shows the restored map."""
    with fresh_database(tmp_path, collect_static=True) as db:
        backup = tmp_path / "before.backup"
        before = manage(db.env, "shell", "--no-imports", "--command", RENDER_HOME)
        assert "LABEL" in before.stdout
        manage(db.env, "backup", str(backup))
        change = (
            "from skillmap.models import MapRevision, Requirement; "
            "Requirement.objects.filter(track__slug='research-scientist', bucket__slug='domain')"
            ".update(label='Math, changed'); MapRevision.bump()"
        )
        manage(db.env, "shell", "--no-imports", "--command", change)
        after_change = manage(db.env, "shell", "--no-imports", "--command", RENDER_HOME)
        assert "OTHER" in after_change.stdout
        manage(db.env, "restore", str(backup), "--yes")
        restored = manage(db.env, "shell", "--no-imports", "--command", RENDER_HOME)
        assert "LABEL" in restored.stdout
