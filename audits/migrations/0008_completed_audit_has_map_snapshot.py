"""Once every completed audit has its map snapshot (0007), the database insists on it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audits", "0007_one_map_snapshot_per_content")]

    operations = [
        migrations.AddConstraint(
            model_name="audit",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("completed_at__isnull", True),
                        ("map_snapshot__isnull", True),
                        ("snapshot__isnull", True),
                    ),
                    models.Q(
                        ("completed_at__isnull", False),
                        ("map_snapshot__isnull", False),
                        ("snapshot__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="completed_audit_has_snapshot",
            ),
        ),
    ]
