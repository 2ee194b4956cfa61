"""Credentials and their versioned rules, moved from certification.

The tables stay where the certification app created them (each model keeps its db_table): this migration only adds the models to this app's state; no row moves."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('standards', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('certification', '0015_move_frameworks_to_standards'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Credential',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(help_text='Stable: placements and certificates point at it. Do not change it.', max_length=60, unique=True, verbose_name='code')),
                        ('issued_by_product', models.BooleanField(default=False, help_text='Off for external credentials that Peerpath only tracks progress toward.', verbose_name='issued by Peerpath')),
                        ('retired', models.BooleanField(default=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('template', models.ForeignKey(blank=True, help_text='The certificate design; the default design when empty.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='credentials', to='certification.certificatetemplate')),
                    ],
                    options={
                        'db_table': 'certification_credential',
                        'ordering': ['code'],
                    },
                ),
                migrations.CreateModel(
                    name='CredentialVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField()),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('alignment_statement', models.TextField(blank=True, help_text='Printed on the certificate. Say "aligned to" or "mapped to", never "approved by".', verbose_name='alignment statement')),
                        ('required_courses', models.JSONField(blank=True, default=list, help_text='Course page slugs.', verbose_name='required courses')),
                        ('min_quiz_score', models.PositiveSmallIntegerField(default=0, help_text='Best released score on each required quiz of each required course.', verbose_name='minimum quiz score (%)')),
                        ('experience_hours', models.DecimalField(decimal_places=2, default=0, max_digits=7, verbose_name='practicum hours')),
                        ('direct_service_share_min', models.DecimalField(decimal_places=3, default=0, help_text='0.5 means at least half of the practicum hours are direct service.', max_digits=4, verbose_name='minimum direct-service share')),
                        ('supervision_hours', models.DecimalField(decimal_places=2, default=0, max_digits=7, verbose_name='supervision hours')),
                        ('hours_by_domain', models.JSONField(blank=True, default=dict, help_text='{"framework/code": hours}', verbose_name='practicum hours by domain')),
                        ('competency_signoffs', models.JSONField(blank=True, default=list, help_text='"framework/code"', verbose_name='competency sign-offs')),
                        ('competent_ratings', models.PositiveSmallIntegerField(default=1)),
                        ('qualification_current', models.BooleanField(default=True)),
                        ('attestations', models.JSONField(blank=True, default=list, verbose_name='attestations')),
                        ('validity_months', models.PositiveSmallIntegerField(blank=True, help_text='Empty: does not expire.', null=True, verbose_name='valid for (months)')),
                        ('renewal', models.JSONField(blank=True, default=dict, help_text='{"ce_hours": 20, "period_months": 24, "min_by_topic": {"ethics": 6}}', verbose_name='renewal rules')),
                        ('extra', models.JSONField(blank=True, default=dict, help_text='Rules kept for reference, not assessed here.')),
                        ('change_note', models.CharField(blank=True, max_length=250, verbose_name='what changed')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('credential', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='standards.credential')),
                    ],
                    options={
                        'db_table': 'certification_credentialversion',
                        'ordering': ['credential', '-number'],
                        'constraints': [models.UniqueConstraint(fields=('credential', 'number'), name='certification_credential_version_once'), models.CheckConstraint(condition=models.Q(('min_quiz_score__lte', 100)), name='certification_credential_quiz_score_percent'), models.CheckConstraint(condition=models.Q(('direct_service_share_min__gte', 0), ('direct_service_share_min__lte', 1)), name='certification_credential_direct_share_fraction')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
