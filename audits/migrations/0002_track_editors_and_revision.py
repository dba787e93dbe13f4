from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITABLE = ["track", "bucket", "skill", "level", "requirement", "passage"]
GROUP = "Track editors"


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make ours now so the group can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="audits", content_type__model__in=EDITABLE)
    )
    MapRevision = apps.get_model("audits", "MapRevision")
    MapRevision.objects.get_or_create(id=1, defaults={"number": 1})


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
