"""The map's models move here from `audits`, keeping their tables and rows.

State only: the tables already exist (made by audits' migrations 0001-0004), so this adopts
them as they are; 0002 then renames them to this app's names.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("audits", "0004_published_map"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Bucket',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(unique=True)),
                        ('name', models.CharField(max_length=100, unique=True)),
                        ('short_name', models.CharField(help_text='The matrix column heading.', max_length=40)),
                        ('description', models.CharField(max_length=300)),
                        ('position', models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'audits_bucket',
                        'ordering': ['position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Passage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(unique=True)),
                        ('title', models.CharField(blank=True, max_length=200)),
                        ('body', models.TextField()),
                    ],
                    options={
                        'db_table': 'audits_passage',
                        'ordering': ['slug'],
                    },
                ),
                migrations.CreateModel(
                    name='Track',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(unique=True)),
                        ('name', models.CharField(max_length=100, unique=True)),
                        ('position', models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'audits_track',
                        'ordering': ['position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Level',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(unique=True)),
                        ('name', models.CharField(max_length=40, unique=True)),
                        ('rank', models.PositiveSmallIntegerField(help_text="1 is the lowest level. Also the level's weight in the fit rule.", unique=True)),
                        ('meaning', models.CharField(blank=True, max_length=300)),
                        ('target', models.PositiveSmallIntegerField(help_text='The 1–5 self-rating that meets this level.')),
                    ],
                    options={
                        'db_table': 'audits_level',
                        'ordering': ['rank'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('target__gte', 1), ('target__lte', 5)), name='level_target_1_to_5'), models.CheckConstraint(condition=models.Q(('rank__gte', 1)), name='level_rank_positive')],
                    },
                ),
                migrations.CreateModel(
                    name='MapRevision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField(default=0)),
                        ('changed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('content', models.JSONField(blank=True, editable=False, null=True)),
                    ],
                    options={
                        'db_table': 'audits_maprevision',
                        'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='map_revision_singleton')],
                    },
                ),
                migrations.CreateModel(
                    name='Skill',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(unique=True)),
                        ('name', models.CharField(max_length=100)),
                        ('question', models.CharField(max_length=300)),
                        ('position', models.PositiveSmallIntegerField(default=0)),
                        ('bucket', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='skills', to='skillmap.bucket')),
                    ],
                    options={
                        'db_table': 'audits_skill',
                        'ordering': ['position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Requirement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('label', models.CharField(help_text='Exactly as the guide prints it.', max_length=100)),
                        ('rationale', models.TextField(blank=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('bucket', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='requirements', to='skillmap.bucket')),
                        ('level', models.ForeignKey(blank=True, help_text='Empty where the cell names an area rather than a level.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='requirements', to='skillmap.level')),
                        ('track', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='requirements', to='skillmap.track')),
                    ],
                    options={
                        'db_table': 'audits_requirement',
                        'ordering': ['track__position', 'bucket__position'],
                        'constraints': [models.UniqueConstraint(fields=('track', 'bucket'), name='one_requirement_per_cell')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
