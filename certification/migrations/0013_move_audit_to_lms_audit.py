"""The audit trail and the outbox, moved from certification.

Removes the moved models from this app's state only (their tables and rows stay)
and renames their content types, so permissions, revisions and log entries keep pointing at
them."""

from django.db import migrations

MOVED = ['auditevent', 'outboxmessage']


def rename_content_types(apps, schema_editor, source="certification", target='audit'):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=source, model__in=MOVED).update(app_label=target)


def restore_content_types(apps, schema_editor):
    rename_content_types(apps, schema_editor, source='audit', target="certification")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('certification', '0012_certificate_pdf_sha256_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='auditevent',
                    name='actor',
                ),
                migrations.DeleteModel(
                    name='OutboxMessage',
                ),
                migrations.DeleteModel(
                    name='AuditEvent',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]
