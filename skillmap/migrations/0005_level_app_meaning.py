from typing import Any

from django.db import migrations, models

# The guide gives no meaning for these two levels; the app's own words for them (also in
# fixtures/skills_map.json for a fresh database). A database seeded before gets them here.
APP_MEANINGS = {
    "low-med": (
        "more than literacy: you can follow the work and hold your own in it, without doing it "
        "yourself."
    ),
    "high": "strong: you do it well and unaided, one step short of what you’re hired on.",
}


def add_app_meanings(apps: Any, schema_editor: Any) -> None:
    Level = apps.get_model("skillmap", "Level")
    for slug, words in APP_MEANINGS.items():
        Level.objects.filter(slug=slug, meaning="", app_meaning="").update(app_meaning=words)


class Migration(migrations.Migration):
    dependencies = [
        ("skillmap", "0004_measure_every_cell_content"),
    ]

    operations = [
        migrations.AddField(
            model_name="level",
            name="app_meaning",
            field=models.CharField(
                blank=True,
                help_text="The app's own words, shown marked as the app's where the guide gives none.",
                max_length=300,
            ),
        ),
        migrations.AlterField(
            model_name="level",
            name="meaning",
            field=models.CharField(
                blank=True,
                help_text="The guide's own words for this level, if it has any.",
                max_length=300,
            ),
        ),
        migrations.RunPython(add_app_meanings, migrations.RunPython.noop),
    ]
