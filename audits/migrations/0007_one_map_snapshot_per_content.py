"""Completed audits share one stored copy of each map instead of carrying their own.

Before: `Audit.snapshot` held the whole map (about 8 KB) beside the target, ratings and notes.
After: the map (and the guide's passage the results quote) is stored once per distinct content
in skillmap.MapSnapshot, named by its SHA-256, and the audit keeps only its own part. Results
read exactly the same values either way.
"""

import hashlib
import json

from django.db import migrations

OWN_KEYS = ("track", "ratings", "notes")


def digest_of(content):
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def split_legacy(legacy):
    """An old-style snapshot -> (the map snapshot's content, the audit's own snapshot)."""
    content = {"map": legacy["map"], "passages": {"honest_point": legacy.get("honest_point", "")}}
    own = {"track": legacy["track"], "ratings": legacy["ratings"], "notes": legacy.get("notes", {})}
    return content, own


def forwards(apps, schema_editor):
    Audit = apps.get_model("audits", "Audit")
    MapSnapshot = apps.get_model("skillmap", "MapSnapshot")
    db = schema_editor.connection.alias
    ids = {}
    completed = Audit.objects.using(db).filter(completed_at__isnull=False).only("id", "snapshot")
    for audit in completed.iterator(chunk_size=500):
        content, own = split_legacy(audit.snapshot)
        digest = digest_of(content)
        if digest not in ids:
            ids[digest] = (
                MapSnapshot.objects.using(db)
                .get_or_create(digest=digest, defaults={"content": content})[0]
                .id
            )
        Audit.objects.using(db).filter(id=audit.id).update(
            snapshot=own, map_snapshot_id=ids[digest]
        )


def backwards(apps, schema_editor):
    Audit = apps.get_model("audits", "Audit")
    db = schema_editor.connection.alias
    completed = Audit.objects.using(db).filter(completed_at__isnull=False)
    for audit in completed.select_related("map_snapshot").iterator(chunk_size=500):
        content = audit.map_snapshot.content
        legacy = {
            "map": content["map"],
            "honest_point": content.get("passages", {}).get("honest_point", ""),
            **{key: audit.snapshot.get(key, {}) for key in OWN_KEYS},
        }
        Audit.objects.using(db).filter(id=audit.id).update(snapshot=legacy)


class Migration(migrations.Migration):
    dependencies = [("audits", "0006_audit_map_snapshot")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
