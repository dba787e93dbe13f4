"""The map's models now belong to `skillmap`: point audits at them there, and stop owning them.

State only; no table or row changes here (skillmap 0002 renames the tables).
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ["requirement", "skill", "maprevision", "passage", "track", "level", "bucket"]


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0004_published_map"),
        ("skillmap", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="audit",
                    name="track",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="audits",
                        to="skillmap.track",
                    ),
                ),
                migrations.AlterField(
                    model_name="rating",
                    name="skill",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ratings",
                        to="skillmap.skill",
                    ),
                ),
                *[migrations.DeleteModel(name=name) for name in MOVED],
            ],
            database_operations=[],
        ),
    ]
