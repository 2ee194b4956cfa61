"""The trainee's own wellbeing space: a lived-experience statement (what they choose to say
about their recovery, for their own reflection) and short self-care check-ins.

Both are sensitive health information. The free text is encrypted at rest and is only ever
shown to the trainee. A supervisor sees the statement only while the trainee has chosen to
share it, and of the check-ins only that the trainee asked for their supervisor to know they
are struggling (never the scores or the note)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.crypto import EncryptedTextField

SCALE = [MinValueValidator(1), MaxValueValidator(5)]
# A stress score at or above this gets a gentle pointer to support on the check-in page.
HIGH_STRESS = 4


class LivedExperienceStatement(models.Model):
    """One statement per trainee, replaced in place when edited (it is a living draft, not a
    signed record)."""

    trainee = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lived_experience_statement",
    )
    text = EncryptedTextField(_("your statement"), max_length=6000, blank=True)
    share_with_supervisor = models.BooleanField(
        _("let my current supervisor read it"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The table the certification app created; the model moved, its rows did not.
        db_table = "certification_livedexperiencestatement"

    def __str__(self):
        # Never the text: this string can end up in logs and admin listings.
        return f"lived-experience statement of user {self.trainee_id}"


class WellbeingCheckInQuerySet(models.QuerySet):
    def for_trainee(self, user):
        """The trainee's own check-ins, newest first."""
        return self.filter(trainee=user).order_by("-date", "-pk")

    def asking_for_support(self, *, since):
        """Check-ins whose author asked their supervisor to know they are struggling."""
        return self.filter(tell_supervisor=True, date__gte=since)


class WellbeingCheckIn(models.Model):
    """A short self-care check: energy and stress on 1 to 5, an optional private note, and
    whether the trainee wants their supervisor to know they are struggling."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_checkins"
    )
    date = models.DateField(_("date"))
    energy = models.PositiveSmallIntegerField(_("energy"), validators=SCALE)
    stress = models.PositiveSmallIntegerField(_("stress"), validators=SCALE)
    note = EncryptedTextField(_("a private note (optional)"), max_length=2000, blank=True)
    tell_supervisor = models.BooleanField(
        _("I'd like my supervisor to know I'm struggling"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WellbeingCheckInQuerySet.as_manager()

    class Meta:
        # The table the certification app created; the model moved, its rows did not.
        db_table = "certification_wellbeingcheckin"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(energy__gte=1, energy__lte=5),
                name="certification_checkin_energy_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(stress__gte=1, stress__lte=5),
                name="certification_checkin_stress_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["trainee", "-date"])]

    def __str__(self):
        return f"check-in {self.pk} of user {self.trainee_id} on {self.date}"

    @property
    def high_stress(self) -> bool:
        return self.stress >= HIGH_STRESS
