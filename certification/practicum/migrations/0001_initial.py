"""Placements, the hours ledger, supervision, sign-offs and notifications, moved from certification.

The tables stay where the certification app created them (each model keeps its db_table): this migration only adds the models to this app's state; no row moves."""

import django.db.models.deletion
import lms.crypto
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0003_totp_devices'),
        ('standards', '0002_credential_rules'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('certification', '0016_move_credential_rules_to_standards'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ActivityType',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True)),
                        ('title', models.CharField(max_length=150)),
                        ('direct', models.BooleanField(help_text='Direct service to people, rather than indirect work.')),
                        ('counts_as_supervision', models.BooleanField(default=False)),
                        ('sort_order', models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'certification_activitytype',
                        'ordering': ['sort_order'],
                    },
                ),
                migrations.CreateModel(
                    name='Placement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('credential_code', models.SlugField(default='peer-foundations', help_text='The credential these hours count toward.', max_length=60, verbose_name='credential')),
                        ('starts_on', models.DateField(verbose_name='starts')),
                        ('ends_on', models.DateField(verbose_name='ends')),
                        ('grace_days', models.PositiveSmallIntegerField(default=14, help_text='Days after the end in which supervisors may still sign off.')),
                        ('trainee_agreed_at', models.DateTimeField(blank=True, null=True)),
                        ('supervisor_agreed_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('host', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='placements', to='accounts.organisation')),
                        ('supervisor_agreed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('trainee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='placements', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'certification_placement',
                        'ordering': ['-starts_on'],
                    },
                ),
                migrations.CreateModel(
                    name='PlacementSupervisor',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('qualification', models.CharField(max_length=250)),
                        ('qualification_expires', models.DateField(blank=True, null=True)),
                        ('placement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='supervisor_links', to='practicum.placement')),
                        ('supervisor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'certification_placementsupervisor',
                    },
                ),
                migrations.AddField(
                    model_name='placement',
                    name='supervisors',
                    field=models.ManyToManyField(related_name='supervised_placements', through='practicum.PlacementSupervisor', to=settings.AUTH_USER_MODEL),
                ),
                migrations.CreateModel(
                    name='PracticumEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(verbose_name='date')),
                        ('start_time', models.TimeField(verbose_name='start time')),
                        ('minutes', models.PositiveIntegerField(verbose_name='duration (minutes)')),
                        ('setting', models.CharField(choices=[('community', 'Community'), ('recovery_community_organisation', 'Recovery community organisation'), ('inpatient', 'Inpatient'), ('emergency_department', 'Emergency department'), ('justice', 'Justice'), ('housing', 'Housing'), ('online', 'Online'), ('other', 'Other')], max_length=40, verbose_name='setting')),
                        ('description', models.TextField(max_length=600, verbose_name='what you did (no names or identifying details)')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Waiting for your supervisor'), ('approved', 'Approved'), ('returned', 'Returned for changes')], default='draft', max_length=12)),
                        ('submitted_at', models.DateTimeField(blank=True, null=True)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('decision_comment', models.TextField(blank=True)),
                        ('signed_qualification', models.CharField(blank=True, max_length=250)),
                        ('content_hash', models.CharField(blank=True, help_text='SHA-256 of the signed content.', max_length=64)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('activity', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='practicum.activitytype')),
                        ('corrects', models.ForeignKey(blank=True, help_text='The approved entry this one amends (0 minutes reverses it).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='practicum.practicumentry')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('domains', models.ManyToManyField(blank=True, related_name='practicum_entries', to='standards.domain')),
                        ('placement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='practicum.placement')),
                    ],
                    options={
                        'verbose_name_plural': 'practicum entries',
                        'db_table': 'certification_practicumentry',
                        'ordering': ['-date', '-start_time'],
                    },
                ),
                migrations.CreateModel(
                    name='SignOffRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('account', lms.crypto.EncryptedTextField(max_length=1500, verbose_name='what you did (no names or identifying details)')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('competency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signoff_requests', to='standards.competency')),
                        ('placement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signoff_requests', to='practicum.placement')),
                    ],
                    options={
                        'db_table': 'certification_signoffrequest',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='SignOffRating',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rating', models.CharField(choices=[('not_yet', 'Not yet demonstrated'), ('developing', 'Developing'), ('competent', 'Competent')], max_length=12, verbose_name='rating')),
                        ('comment', models.TextField(max_length=1500, verbose_name='comment')),
                        ('rater_qualification', models.CharField(max_length=250)),
                        ('qualification_current', models.BooleanField(help_text="Whether the rater's qualification was in date when they signed.")),
                        ('account_sha256', models.CharField(help_text="SHA-256 of the trainee's account as the rater saw it.", max_length=64)),
                        ('content_hash', models.CharField(max_length=64)),
                        ('created_at', models.DateTimeField()),
                        ('rater', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('request', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ratings', to='practicum.signoffrequest')),
                    ],
                    options={
                        'db_table': 'certification_signoffrating',
                        'ordering': ['created_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='SupervisionSession',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('individual', 'Individual supervision'), ('group', 'Group supervision')], max_length=12, verbose_name='kind')),
                        ('date', models.DateField(verbose_name='date')),
                        ('minutes', models.PositiveIntegerField(verbose_name='duration (minutes)')),
                        ('private_notes', lms.crypto.EncryptedTextField(blank=True, help_text='Seen only by you and the trainee. Never shown to anyone else.', max_length=4000, verbose_name='private notes')),
                        ('signed_qualification', models.CharField(max_length=250)),
                        ('notes_sha256', models.CharField(blank=True, help_text='SHA-256 of the notes as signed; the notes may later be erased, not edited.', max_length=64)),
                        ('content_hash', models.CharField(max_length=64)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('entry', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='session', to='practicum.practicumentry')),
                        ('placement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='practicum.placement')),
                        ('supervisor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'certification_supervisionsession',
                        'ordering': ['-date', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('message', models.CharField(max_length=300)),
                        ('url', models.CharField(max_length=300)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('emailed_at', models.DateTimeField(blank=True, null=True)),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'certification_notification',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['recipient', 'emailed_at'], name='certificati_recipie_47eb1d_idx')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='placementsupervisor',
                    constraint=models.UniqueConstraint(fields=('placement', 'supervisor'), name='certification_supervisor_once'),
                ),
                migrations.AddConstraint(
                    model_name='placement',
                    constraint=models.CheckConstraint(condition=models.Q(('ends_on__gte', models.F('starts_on'))), name='certification_placement_dates'),
                ),
                migrations.AddIndex(
                    model_name='practicumentry',
                    index=models.Index(fields=['placement', 'status'], name='certificati_placeme_cf2a24_idx'),
                ),
            ],
            database_operations=[],
        ),
    ]
