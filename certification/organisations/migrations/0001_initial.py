"""Certificate shares and notices, moved from certification.

The tables stay where the certification app created them (each model keeps its db_table): this migration only adds the models to this app's state; no row moves."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('certification', '0017_move_practicum_to_practicum'),
        ('certification', '0017_move_practicum_to_practicum'),
        ('accounts', '0004_sign_in_second_step_and_confirmation'),
        ('credentials', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.SeparateDatabaseAndState(
                    state_operations=[
                        migrations.CreateModel(
                            name='CertificateNotice',
                            fields=[
                                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                                ('kind', models.CharField(choices=[('expiring_60', 'Expires in 60 days'), ('expiring_14', 'Expires in 14 days'), ('expired', 'Expired'), ('revoked', 'Revoked'), ('replaced', 'Replaced')], max_length=20)),
                                ('recipients', models.PositiveSmallIntegerField(default=0)),
                                ('sent_at', models.DateTimeField(auto_now_add=True)),
                                ('certificate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notices', to='credentials.certificate')),
                                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='certificate_notices', to='accounts.organisation')),
                            ],
                            options={
                                'db_table': 'certification_certificatenotice',
                                'ordering': ['-sent_at'],
                                'constraints': [models.UniqueConstraint(condition=models.Q(('organisation__isnull', True)), fields=('certificate', 'kind'), name='certification_holder_notice_once'), models.UniqueConstraint(condition=models.Q(('organisation__isnull', False)), fields=('certificate', 'organisation', 'kind'), name='certification_organisation_notice_once')],
                            },
                        ),
                        migrations.CreateModel(
                            name='CertificateShare',
                            fields=[
                                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                                ('shared_at', models.DateTimeField()),
                                ('stopped_at', models.DateTimeField(blank=True, null=True)),
                                ('carried_from', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='carried_to', to='organisations.certificateshare')),
                                ('certificate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='shares', to='credentials.certificate')),
                                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='certificate_shares', to='accounts.organisation')),
                                ('shared_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                            ],
                            options={
                                'db_table': 'certification_certificateshare',
                                'ordering': ['-shared_at'],
                                'constraints': [models.UniqueConstraint(condition=models.Q(('stopped_at__isnull', True)), fields=('certificate', 'organisation'), name='certification_one_active_share')],
                            },
                        ),
                    ],
                    database_operations=[],
                ),
            ],
            database_operations=[],
        ),
    ]
