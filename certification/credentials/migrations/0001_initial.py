"""Eligibility, certificates, renewal and the status list, moved from certification.

The tables stay where the certification app created them (each model keeps its db_table): this migration only adds the models to this app's state; no row moves."""

import certification.credentials.models.renewal
import django.core.validators
import django.db.models.deletion
import modelcluster.fields
import uuid
import wagtail.models.preview
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('certification', '0017_move_practicum_to_practicum'),
        ('certification', '0017_move_practicum_to_practicum'),
        ('standards', '0002_credential_rules'),
        ('wagtailimages', '0027_image_description'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.SeparateDatabaseAndState(
                    state_operations=[
                        migrations.CreateModel(
                            name='StatusList',
                            fields=[
                                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                                ('purpose', models.SlugField(default='revocation', max_length=20, unique=True)),
                                ('size', models.PositiveIntegerField(default=131072)),
                                ('revoked_indexes', models.JSONField(blank=True, default=list)),
                                ('signed_credential', models.JSONField(blank=True, default=dict)),
                                ('updated_at', models.DateTimeField(auto_now=True)),
                            ],
                            options={
                                'db_table': 'certification_statuslist',
                            },
                        ),
                        migrations.CreateModel(
                            name='CertificateName',
                            fields=[
                                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                                ('name', models.CharField(max_length=200, verbose_name='name on certificates')),
                                ('confirmed_at', models.DateTimeField()),
                                ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='certificate_name', to=settings.AUTH_USER_MODEL)),
                            ],
                            options={
                                'db_table': 'certification_certificatename',
                            },
                        ),
                        migrations.CreateModel(
                            name='CertificateTemplate',
                            fields=[
                                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                                ('name', models.CharField(max_length=120, verbose_name='name')),
                                ('issuing_organisation', models.CharField(default='Peerpath', max_length=200, verbose_name='issuing organisation')),
                                ('heading', models.CharField(default='Certificate', max_length=120, verbose_name='heading')),
                                ('intro', models.CharField(default='This certifies that', max_length=200, verbose_name='words before the name')),
                                ('body', models.CharField(default='has met every requirement of the', max_length=300, verbose_name='words after the name')),
                                ('footer', models.CharField(blank=True, default='Check this certificate at any time at the address below or with the QR code.', max_length=300, verbose_name='footer')),
                                ('primary_colour', models.CharField(default='#1f4e5f', max_length=7, validators=[django.core.validators.RegexValidator('^#[0-9a-fA-F]{6}$', 'Give a colour as # and six hexadecimal digits, e.g. #1f4e5f.')], verbose_name='main colour')),
                                ('accent_colour', models.CharField(default='#b08d57', max_length=7, validators=[django.core.validators.RegexValidator('^#[0-9a-fA-F]{6}$', 'Give a colour as # and six hexadecimal digits, e.g. #1f4e5f.')], verbose_name='accent colour')),
                                ('is_default', models.BooleanField(default=False, help_text='Used by credentials without a design.', verbose_name='default design')),
                                ('version', models.PositiveIntegerField(default=1, editable=False)),
                                ('updated_at', models.DateTimeField(auto_now=True)),
                                ('logo', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailimages.image')),
                            ],
                            options={
                                'db_table': 'certification_certificatetemplate',
                                'ordering': ['name'],
                            },
                            bases=(wagtail.models.preview.PreviewableMixin, models.Model),
                        ),
                        migrations.CreateModel(
                            name='CertificateSignatory',
                            fields=[
                                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                                ('name', models.CharField(max_length=120, verbose_name='name')),
                                ('role', models.CharField(max_length=160, verbose_name='role')),
                                ('signature', models.ForeignKey(blank=True, help_text='A scan of the signature, ideally a transparent PNG.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailimages.image')),
                                ('template', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='signatories', to='credentials.certificatetemplate')),
                            ],
                            options={
                                'db_table': 'certification_certificatesignatory',
                                'ordering': ['sort_order'],
                                'abstract': False,
                            },
                        ),
                        migrations.CreateModel(
                            name='Certificate',
                            fields=[
                                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                                ('verification_code', models.CharField(editable=False, max_length=25, unique=True)),
                                ('status', models.CharField(choices=[('pending', 'Being prepared'), ('issued', 'Issued'), ('revoked', 'Revoked'), ('replaced', 'Replaced')], default='pending', max_length=10)),
                                ('route', models.CharField(choices=[('automatic', 'Every requirement met'), ('manual', 'Issued by a registrar')], default='automatic', max_length=10)),
                                ('manual_reason', models.TextField(blank=True)),
                                ('holder_name', models.CharField(max_length=200)),
                                ('credential_code', models.SlugField(max_length=60)),
                                ('credential_title', models.CharField(max_length=200)),
                                ('credential_version_number', models.PositiveIntegerField()),
                                ('alignment_statement', models.TextField(blank=True)),
                                ('issuing_organisation', models.CharField(max_length=200)),
                                ('competencies', models.JSONField(blank=True, default=list)),
                                ('hours', models.JSONField(blank=True, default=dict)),
                                ('courses', models.JSONField(blank=True, default=list)),
                                ('issued_on', models.DateField()),
                                ('expires_on', models.DateField(blank=True, null=True)),
                                ('template_version', models.PositiveIntegerField(default=0)),
                                ('design', models.JSONField(blank=True, default=dict, help_text='The design as it was at issue.')),
                                ('pdf', models.FileField(blank=True, upload_to='certificates/')),
                                ('pdf_sha256', models.CharField(blank=True, max_length=64)),
                                ('pdf_rendered_at', models.DateTimeField(blank=True, null=True)),
                                ('render_attempts', models.PositiveIntegerField(default=0)),
                                ('last_attempt_at', models.DateTimeField(blank=True, null=True)),
                                ('last_error', models.TextField(blank=True)),
                                ('ready_emailed_at', models.DateTimeField(blank=True, null=True)),
                                ('created_at', models.DateTimeField(auto_now_add=True)),
                                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                                ('revocation_reason', models.TextField(blank=True, help_text='For registrars only; never shown publicly.')),
                                ('suspended_at', models.DateTimeField(blank=True, help_text='Suspended (reversibly) while something is checked.', null=True)),
                                ('suspension_reason', models.TextField(blank=True)),
                                ('replaced_at', models.DateTimeField(blank=True, null=True)),
                                ('hidden', models.BooleanField(default=False, help_text='The holder hid it from public verification.')),
                                ('status_index', models.PositiveIntegerField(blank=True, null=True, unique=True)),
                                ('signed_credential', models.JSONField(blank=True, default=dict)),
                                ('credential_version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='standards.credentialversion')),
                                ('issued_by', models.ForeignKey(blank=True, help_text='The registrar, for a manual issue.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                                ('replaced_by', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replaces', to='credentials.certificate')),
                                ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                                ('trainee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to=settings.AUTH_USER_MODEL)),
                                ('template', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='credentials.certificatetemplate')),
                            ],
                            options={
                                'db_table': 'certification_certificate',
                                'ordering': ['-created_at'],
                            },
                        ),
                        migrations.CreateModel(
                            name='ContinuingEducation',
                            fields=[
                                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                                ('title', models.CharField(max_length=200, verbose_name='what you did')),
                                ('provider', models.CharField(blank=True, max_length=200, verbose_name='who provided it')),
                                ('topic', models.SlugField(max_length=40, verbose_name='topic')),
                                ('hours', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0.25'), 'Give at least a quarter of an hour.'), django.core.validators.MaxValueValidator(Decimal('100'), 'One record can be at most 100 hours; split it.')], verbose_name='hours')),
                                ('completed_on', models.DateField(verbose_name='date completed')),
                                ('evidence_text', models.TextField(blank=True, help_text='For example a certificate number, or who can confirm it.', max_length=2000, verbose_name='evidence')),
                                ('evidence_file', models.FileField(blank=True, upload_to=certification.credentials.models.renewal.evidence_path, verbose_name='evidence document')),
                                ('evidence_name', models.CharField(blank=True, max_length=200)),
                                ('created_at', models.DateTimeField(auto_now_add=True)),
                                ('holder', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ce_records', to=settings.AUTH_USER_MODEL)),
                                ('used_for', models.ForeignKey(blank=True, help_text='The renewed certificate this record counted toward.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ce_records', to='credentials.certificate')),
                            ],
                            options={
                                'db_table': 'certification_continuingeducation',
                                'ordering': ['-completed_on', '-pk'],
                            },
                        ),
                        migrations.CreateModel(
                            name='CredentialEnrolment',
                            fields=[
                                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                                ('enrolled_at', models.DateTimeField(auto_now_add=True)),
                                ('moved_at', models.DateTimeField(blank=True, null=True)),
                                ('credential', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='standards.credential')),
                                ('trainee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='credential_enrolments', to=settings.AUTH_USER_MODEL)),
                                ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='standards.credentialversion')),
                            ],
                            options={
                                'db_table': 'certification_credentialenrolment',
                            },
                        ),
                        migrations.CreateModel(
                            name='Attestation',
                            fields=[
                                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                                ('code', models.SlugField(max_length=60)),
                                ('attested_at', models.DateTimeField(auto_now_add=True)),
                                ('trainee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attestations', to=settings.AUTH_USER_MODEL)),
                            ],
                            options={
                                'db_table': 'certification_attestation',
                                'constraints': [models.UniqueConstraint(fields=('trainee', 'code'), name='certification_attest_once')],
                            },
                        ),
                        migrations.AddConstraint(
                            model_name='certificatetemplate',
                            constraint=models.UniqueConstraint(condition=models.Q(('is_default', True)), fields=('is_default',), name='certification_one_default_template'),
                        ),
                        migrations.AddIndex(
                            model_name='certificate',
                            index=models.Index(fields=['status', 'last_attempt_at'], name='certificati_status_256bca_idx'),
                        ),
                        migrations.AddIndex(
                            model_name='certificate',
                            index=models.Index(fields=['pdf_sha256'], name='certification_cert_pdf_sha256'),
                        ),
                        migrations.AddConstraint(
                            model_name='certificate',
                            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'issued'])), fields=('trainee', 'credential_version'), name='certification_one_active_certificate'),
                        ),
                        migrations.AddConstraint(
                            model_name='certificate',
                            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'issued'), _negated=True), models.Q(('pdf_sha256', ''), _negated=True), _connector='OR'), name='certification_issued_has_pdf'),
                        ),
                        migrations.AddConstraint(
                            model_name='certificate',
                            constraint=models.CheckConstraint(condition=models.Q(models.Q(('route', 'manual'), _negated=True), models.Q(('manual_reason', ''), _negated=True), _connector='OR'), name='certification_manual_issue_has_reason'),
                        ),
                        migrations.AddConstraint(
                            model_name='continuingeducation',
                            constraint=models.CheckConstraint(condition=models.Q(('hours__gt', 0)), name='certification_ce_hours_positive'),
                        ),
                        migrations.AddConstraint(
                            model_name='credentialenrolment',
                            constraint=models.UniqueConstraint(fields=('trainee', 'credential'), name='certification_credential_enrolment_once'),
                        ),
                    ],
                    database_operations=[],
                ),
            ],
            database_operations=[],
        ),
    ]
