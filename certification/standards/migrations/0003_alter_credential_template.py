"""The credential's certificate design now lives in the credentials app (same table, same column): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('credentials', '0001_initial'),
        ('standards', '0002_credential_rules'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.SeparateDatabaseAndState(
                    state_operations=[
                        migrations.AlterField(
                            model_name='credential',
                            name='template',
                            field=models.ForeignKey(blank=True, help_text='The certificate design; the default design when empty.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='credentials', to='credentials.certificatetemplate'),
                        ),
                    ],
                    database_operations=[],
                ),
            ],
            database_operations=[],
        ),
    ]
