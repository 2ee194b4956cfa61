"""Frameworks, domains, competencies and alignments, moved from certification.

The tables stay where the certification app created them (each model keeps its db_table): this migration only adds the models to this app's state; no row moves."""

import django.db.models.deletion
import modelcluster.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('courses', '0003_encrypt_reflections'),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
        ('certification', '0014_move_wellbeing_to_lms_privacy'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Domain',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=40, verbose_name='code')),
                        ('title', models.CharField(max_length=300, verbose_name='title')),
                        ('sort_order', models.PositiveIntegerField(default=0)),
                        ('retired', models.BooleanField(default=False)),
                    ],
                    options={
                        'db_table': 'certification_domain',
                        'ordering': ['framework', 'sort_order'],
                    },
                ),
                migrations.CreateModel(
                    name='Framework',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(max_length=60, unique=True, verbose_name='code')),
                        ('title', models.CharField(max_length=250, verbose_name='title')),
                        ('publisher', models.CharField(blank=True, max_length=250, verbose_name='publisher')),
                        ('jurisdiction', models.CharField(blank=True, max_length=120, verbose_name='jurisdiction')),
                        ('version', models.CharField(blank=True, max_length=60, verbose_name='version')),
                        ('kind', models.CharField(blank=True, max_length=40, verbose_name='kind')),
                        ('source_url', models.URLField(blank=True, verbose_name='source')),
                        ('licence_note', models.CharField(blank=True, max_length=250, verbose_name='licence note')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('verification', models.CharField(blank=True, choices=[('verified', "Verified against the publisher's text"), ('secondary', 'From a secondary source'), ('recalled', 'Recalled; to be checked')], max_length=12)),
                        ('retired', models.BooleanField(default=False, help_text='No longer in the data file; kept for history.')),
                    ],
                    options={
                        'db_table': 'certification_framework',
                        'ordering': ['title'],
                    },
                ),
                migrations.CreateModel(
                    name='Competency',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=40, verbose_name='code')),
                        ('text', models.TextField(verbose_name='competency')),
                        ('verification', models.CharField(blank=True, choices=[('verified', "Verified against the publisher's text"), ('secondary', 'From a secondary source'), ('recalled', 'Recalled; to be checked')], max_length=12)),
                        ('sort_order', models.PositiveIntegerField(default=0)),
                        ('retired', models.BooleanField(default=False)),
                        ('domain', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='competencies', to='standards.domain')),
                    ],
                    options={
                        'verbose_name_plural': 'competencies',
                        'db_table': 'certification_competency',
                        'ordering': ['domain', 'sort_order'],
                    },
                ),
                migrations.AddField(
                    model_name='domain',
                    name='framework',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='domains', to='standards.framework'),
                ),
                migrations.CreateModel(
                    name='QuestionAlignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('competency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='question_alignments', to='standards.competency')),
                        ('domain', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='question_alignments', to='standards.domain')),
                        ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='alignments', to='courses.question')),
                    ],
                    options={
                        'db_table': 'certification_questionalignment',
                    },
                ),
                migrations.CreateModel(
                    name='CourseAlignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                        ('competency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='alignments', to='standards.competency')),
                        ('page', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='alignments', to=settings.WAGTAIL_PAGE_MODEL)),
                        ('domain', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='alignments', to='standards.domain')),
                    ],
                    options={
                        'db_table': 'certification_coursealignment',
                        'ordering': ['sort_order'],
                        'abstract': False,
                        'constraints': [models.CheckConstraint(condition=models.Q(('domain__isnull', False), ('competency__isnull', False), _connector='OR'), name='certification_alignment_has_target')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='competency',
                    constraint=models.UniqueConstraint(fields=('domain', 'code'), name='certification_competency_code_once'),
                ),
                migrations.AddConstraint(
                    model_name='domain',
                    constraint=models.UniqueConstraint(fields=('framework', 'code'), name='certification_domain_code_once'),
                ),
                migrations.AddConstraint(
                    model_name='questionalignment',
                    constraint=models.CheckConstraint(condition=models.Q(('domain__isnull', False), ('competency__isnull', False), _connector='OR'), name='certification_question_alignment_has_target'),
                ),
                migrations.AddConstraint(
                    model_name='questionalignment',
                    constraint=models.UniqueConstraint(fields=('question', 'domain', 'competency'), name='certification_question_alignment_once'),
                ),
            ],
            database_operations=[],
        ),
    ]
