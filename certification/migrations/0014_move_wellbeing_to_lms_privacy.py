"""The lived-experience statement and wellbeing check-ins, moved from certification.

Removes the moved models from this app's state only (their tables and rows stay)
and renames their content types, so permissions, revisions and log entries keep pointing at
them."""

from django.db import migrations

MOVED = ['livedexperiencestatement', 'wellbeingcheckin']


def rename_content_types(apps, schema_editor, source="certification", target='privacy'):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=source, model__in=MOVED).update(app_label=target)


def restore_content_types(apps, schema_editor):
    rename_content_types(apps, schema_editor, source='privacy', target="certification")


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('certification', '0013_move_audit_to_lms_audit'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='wellbeingcheckin',
                    name='trainee',
                ),
                migrations.DeleteModel(
                    name='LivedExperienceStatement',
                ),
                migrations.DeleteModel(
                    name='WellbeingCheckIn',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]
