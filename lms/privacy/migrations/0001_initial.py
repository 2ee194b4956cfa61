"""The lived-experience statement and wellbeing check-ins, moved from certification.

The tables stay where the certification app created them (each model keeps its db_table): this migration only adds the models to this app's state; no row moves."""

import django.core.validators
import django.db.models.deletion
import lms.crypto
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('certification', '0013_move_audit_to_lms_audit'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='LivedExperienceStatement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', lms.crypto.EncryptedTextField(blank=True, max_length=6000, verbose_name='your statement')),
                        ('share_with_supervisor', models.BooleanField(default=False, verbose_name='let my current supervisor read it')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('trainee', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='lived_experience_statement', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'certification_livedexperiencestatement',
                    },
                ),
                migrations.CreateModel(
                    name='WellbeingCheckIn',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(verbose_name='date')),
                        ('energy', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='energy')),
                        ('stress', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='stress')),
                        ('note', lms.crypto.EncryptedTextField(blank=True, max_length=2000, verbose_name='a private note (optional)')),
                        ('tell_supervisor', models.BooleanField(default=False, verbose_name="I'd like my supervisor to know I'm struggling")),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('trainee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='wellbeing_checkins', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'certification_wellbeingcheckin',
                        'ordering': ['-date', '-pk'],
                        'indexes': [models.Index(fields=['trainee', '-date'], name='certificati_trainee_ad2141_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('energy__gte', 1), ('energy__lte', 5)), name='certification_checkin_energy_1_to_5'), models.CheckConstraint(condition=models.Q(('stress__gte', 1), ('stress__lte', 5)), name='certification_checkin_stress_1_to_5')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
