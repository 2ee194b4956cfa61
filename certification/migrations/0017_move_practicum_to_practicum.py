"""Placements, the hours ledger, supervision, sign-offs and notifications, moved from certification.

Removes the moved models from this app's state only (their tables and rows stay)
and renames their content types, so permissions, revisions and log entries keep pointing at
them."""

from django.db import migrations

MOVED = ['activitytype', 'notification', 'placement', 'placementsupervisor', 'practicumentry', 'signoffrating', 'signoffrequest', 'supervisionsession']


def rename_content_types(apps, schema_editor, source="certification", target='practicum'):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=source, model__in=MOVED).update(app_label=target)


def restore_content_types(apps, schema_editor):
    rename_content_types(apps, schema_editor, source='practicum', target="certification")


class Migration(migrations.Migration):

    dependencies = [
        ('practicum', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('certification', '0016_move_credential_rules_to_standards'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='practicumentry',
                    name='activity',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='recipient',
                ),
                migrations.RemoveField(
                    model_name='placement',
                    name='host',
                ),
                migrations.RemoveField(
                    model_name='placement',
                    name='supervisor_agreed_by',
                ),
                migrations.RemoveField(
                    model_name='placement',
                    name='supervisors',
                ),
                migrations.RemoveField(
                    model_name='placement',
                    name='trainee',
                ),
                migrations.RemoveField(
                    model_name='signoffrequest',
                    name='placement',
                ),
                migrations.RemoveField(
                    model_name='supervisionsession',
                    name='placement',
                ),
                migrations.RemoveField(
                    model_name='placementsupervisor',
                    name='placement',
                ),
                migrations.RemoveField(
                    model_name='practicumentry',
                    name='placement',
                ),
                migrations.RemoveField(
                    model_name='placementsupervisor',
                    name='supervisor',
                ),
                migrations.RemoveField(
                    model_name='practicumentry',
                    name='corrects',
                ),
                migrations.RemoveField(
                    model_name='practicumentry',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='practicumentry',
                    name='domains',
                ),
                migrations.RemoveField(
                    model_name='supervisionsession',
                    name='entry',
                ),
                migrations.RemoveField(
                    model_name='signoffrating',
                    name='rater',
                ),
                migrations.RemoveField(
                    model_name='signoffrating',
                    name='request',
                ),
                migrations.RemoveField(
                    model_name='signoffrequest',
                    name='competency',
                ),
                migrations.RemoveField(
                    model_name='supervisionsession',
                    name='supervisor',
                ),
                migrations.DeleteModel(
                    name='ActivityType',
                ),
                migrations.DeleteModel(
                    name='Notification',
                ),
                migrations.DeleteModel(
                    name='Placement',
                ),
                migrations.DeleteModel(
                    name='PlacementSupervisor',
                ),
                migrations.DeleteModel(
                    name='PracticumEntry',
                ),
                migrations.DeleteModel(
                    name='SignOffRating',
                ),
                migrations.DeleteModel(
                    name='SignOffRequest',
                ),
                migrations.DeleteModel(
                    name='SupervisionSession',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]
