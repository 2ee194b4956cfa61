"""Frameworks, domains, competencies and alignments, moved from certification.

Removes the moved models from this app's state only (their tables and rows stay)
and renames their content types, so permissions, revisions and log entries keep pointing at
them."""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ['competency', 'coursealignment', 'domain', 'framework', 'questionalignment']


def rename_content_types(apps, schema_editor, source="certification", target='standards'):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=source, model__in=MOVED).update(app_label=target)


def restore_content_types(apps, schema_editor):
    rename_content_types(apps, schema_editor, source='standards', target="certification")


class Migration(migrations.Migration):

    dependencies = [
        ('standards', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('certification', '0014_move_wellbeing_to_lms_privacy'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='competency',
                    name='domain',
                ),
                migrations.AlterField(
                    model_name='signoffrequest',
                    name='competency',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signoff_requests', to='standards.competency'),
                ),
                migrations.RemoveField(
                    model_name='coursealignment',
                    name='competency',
                ),
                migrations.RemoveField(
                    model_name='questionalignment',
                    name='competency',
                ),
                migrations.RemoveField(
                    model_name='coursealignment',
                    name='domain',
                ),
                migrations.RemoveField(
                    model_name='coursealignment',
                    name='page',
                ),
                migrations.RemoveField(
                    model_name='domain',
                    name='framework',
                ),
                migrations.RemoveField(
                    model_name='questionalignment',
                    name='domain',
                ),
                migrations.RemoveField(
                    model_name='questionalignment',
                    name='question',
                ),
                migrations.AlterField(
                    model_name='practicumentry',
                    name='domains',
                    field=models.ManyToManyField(blank=True, related_name='practicum_entries', to='standards.domain'),
                ),
                migrations.DeleteModel(
                    name='Competency',
                ),
                migrations.DeleteModel(
                    name='CourseAlignment',
                ),
                migrations.DeleteModel(
                    name='Framework',
                ),
                migrations.DeleteModel(
                    name='Domain',
                ),
                migrations.DeleteModel(
                    name='QuestionAlignment',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]
