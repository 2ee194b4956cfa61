"""Practicum notifications: what a supervisor or trainee should hear about. They show on the
practicum pages at once and go out by email (see `services.notifications`): the first one
promptly, later ones gathered into a weekly digest, so nobody is flooded."""

from django.conf import settings
from django.db import models


class NotificationQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(emailed_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # Plain, non-sensitive text: counts and states, never descriptions, notes or comments.
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        db_table = "certification_notification"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "emailed_at"])]

    def __str__(self):
        return self.message
