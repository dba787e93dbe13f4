"""The map's tables take this app's names; the published copy of the map goes; past maps are
stored once per distinct content (MapSnapshot).

Content types (and so the permissions and admin history that refer to them) move with the
models, so nothing a Track editor could do before is lost.
"""

from django.db import migrations, models

MOVED = ["bucket", "level", "maprevision", "passage", "requirement", "skill", "track"]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        old = ContentType.objects.using(db).filter(app_label="audits", model=model)
        if ContentType.objects.using(db).filter(app_label="skillmap", model=model).exists():
            old.delete()
        else:
            old.update(app_label="skillmap")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label="skillmap", model__in=MOVED).update(
        app_label="audits"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("skillmap", "0001_initial"),
        ("audits", "0005_map_moves_to_skillmap"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        *[migrations.AlterModelTable(name=model, table=None) for model in MOVED],
        migrations.RemoveField(model_name="maprevision", name="content"),
        migrations.CreateModel(
            name="MapSnapshot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(editable=False, max_length=64, unique=True)),
                ("content", models.JSONField(editable=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"get_latest_by": "created_at"},
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
