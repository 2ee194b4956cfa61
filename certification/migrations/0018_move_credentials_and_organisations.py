"""Eligibility, certificates, renewal and the status list moved to the credentials app;
certificate shares and notices to the organisations app.

Removes the moved models from this app's state only (their tables and rows stay)
and renames their content types, so permissions, revisions and log entries keep pointing at
them. After this, the certification app has no models: it keeps its migrations, the history
of the tables its sub-apps now own."""

from django.db import migrations

MOVED = {
    "credentials": [
        "attestation",
        "certificate",
        "certificatename",
        "certificatesignatory",
        "certificatetemplate",
        "continuingeducation",
        "credentialenrolment",
        "statuslist",
    ],
    "organisations": ["certificatenotice", "certificateshare"],
}


def rename_content_types(apps, schema_editor, backwards=False):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for target, models in MOVED.items():
        source, label = ("certification", target) if not backwards else (target, "certification")
        ContentType.objects.filter(app_label=source, model__in=models).update(app_label=label)


def restore_content_types(apps, schema_editor):
    rename_content_types(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):

    dependencies = [
        ("credentials", "0001_initial"),
        ("organisations", "0001_initial"),
        ("standards", "0003_alter_credential_template"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("certification", "0017_move_practicum_to_practicum"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='attestation',
                    name='trainee',
                ),
                migrations.RemoveField(
                    model_name='certificate',
                    name='credential_version',
                ),
                migrations.RemoveField(
                    model_name='certificate',
                    name='issued_by',
                ),
                migrations.RemoveField(
                    model_name='certificate',
                    name='replaced_by',
                ),
                migrations.RemoveField(
                    model_name='certificate',
                    name='revoked_by',
                ),
                migrations.RemoveField(
                    model_name='certificate',
                    name='template',
                ),
                migrations.RemoveField(
                    model_name='certificate',
                    name='trainee',
                ),
                migrations.RemoveField(
                    model_name='certificateshare',
                    name='certificate',
                ),
                migrations.RemoveField(
                    model_name='certificatenotice',
                    name='certificate',
                ),
                migrations.RemoveField(
                    model_name='continuingeducation',
                    name='used_for',
                ),
                migrations.RemoveField(
                    model_name='certificatename',
                    name='changed_by',
                ),
                migrations.RemoveField(
                    model_name='certificatename',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='certificatenotice',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='certificateshare',
                    name='carried_from',
                ),
                migrations.RemoveField(
                    model_name='certificateshare',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='certificateshare',
                    name='shared_by',
                ),
                migrations.RemoveField(
                    model_name='certificatesignatory',
                    name='signature',
                ),
                migrations.RemoveField(
                    model_name='certificatesignatory',
                    name='template',
                ),
                migrations.RemoveField(
                    model_name='certificatetemplate',
                    name='logo',
                ),
                migrations.RemoveField(
                    model_name='continuingeducation',
                    name='holder',
                ),
                migrations.RemoveField(
                    model_name='credentialenrolment',
                    name='credential',
                ),
                migrations.RemoveField(
                    model_name='credentialenrolment',
                    name='trainee',
                ),
                migrations.RemoveField(
                    model_name='credentialenrolment',
                    name='version',
                ),
                migrations.DeleteModel(
                    name='StatusList',
                ),
                migrations.DeleteModel(
                    name='Attestation',
                ),
                migrations.DeleteModel(
                    name='Certificate',
                ),
                migrations.DeleteModel(
                    name='CertificateName',
                ),
                migrations.DeleteModel(
                    name='CertificateNotice',
                ),
                migrations.DeleteModel(
                    name='CertificateShare',
                ),
                migrations.DeleteModel(
                    name='CertificateSignatory',
                ),
                migrations.DeleteModel(
                    name='CertificateTemplate',
                ),
                migrations.DeleteModel(
                    name='ContinuingEducation',
                ),
                migrations.DeleteModel(
                    name='CredentialEnrolment',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]
