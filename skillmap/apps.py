from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate

EDITORS = "Track editors"


def grant_editors_the_map(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Track editors may change everything in the map app, and nothing else.

    By rule rather than by list: after every migrate (once Django has made the permissions of
    any new model), the group holds exactly the permissions of this app's models, so a map
    model added later is covered without anyone remembering to add it.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    group.permissions.set(
        Permission.objects.using(using).filter(content_type__app_label=sender.label)
    )


class SkillmapConfig(AppConfig):
    name = "skillmap"
    verbose_name = "Skills map"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Sent for this app after auth has made its models' permissions (auth is listed first).
        post_migrate.connect(grant_editors_the_map, sender=self, dispatch_uid="skillmap-editors")
