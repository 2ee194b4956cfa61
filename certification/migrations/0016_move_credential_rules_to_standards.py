"""Credentials and their versioned rules, moved from certification.

Removes the moved models from this app's state only (their tables and rows stay)
and renames their content types, so permissions, revisions and log entries keep pointing at
them."""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ['credential', 'credentialversion']


def rename_content_types(apps, schema_editor, source="certification", target='standards'):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=source, model__in=MOVED).update(app_label=target)


def restore_content_types(apps, schema_editor):
    rename_content_types(apps, schema_editor, source='standards', target="certification")


class Migration(migrations.Migration):

    dependencies = [
        ('standards', '0002_credential_rules'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('certification', '0015_move_frameworks_to_standards'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='credential',
                    name='template',
                ),
                migrations.RemoveField(
                    model_name='credentialversion',
                    name='credential',
                ),
                migrations.AlterField(
                    model_name='credentialenrolment',
                    name='credential',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='standards.credential'),
                ),
                migrations.RemoveField(
                    model_name='credentialversion',
                    name='created_by',
                ),
                migrations.AlterField(
                    model_name='credentialenrolment',
                    name='version',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='standards.credentialversion'),
                ),
                migrations.AlterField(
                    model_name='certificate',
                    name='credential_version',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='standards.credentialversion'),
                ),
                migrations.DeleteModel(
                    name='Credential',
                ),
                migrations.DeleteModel(
                    name='CredentialVersion',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]
