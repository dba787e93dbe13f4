"""Completed audits get a reference to a shared map snapshot (filled by 0007)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0005_map_moves_to_skillmap"),
        ("skillmap", "0002_own_tables_and_map_snapshot"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="audit", name="completed_audit_has_snapshot"),
        migrations.AddField(
            model_name="audit",
            name="map_snapshot",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="The map as it was when completed (shared by every audit taken against it).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="audits",
                to="skillmap.mapsnapshot",
            ),
        ),
        migrations.AlterField(
            model_name="audit",
            name="snapshot",
            field=models.JSONField(
                blank=True,
                editable=False,
                help_text="The target and ratings as they were when completed; results render from it.",
                null=True,
            ),
        ),
    ]
