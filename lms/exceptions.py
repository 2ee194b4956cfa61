"""The base of every error a service raises for a person to read."""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """An action a service refuses. `message` is fit to show the person who asked (a class
    may give a default); `status` is the HTTP status a view answers with (a class default,
    or given for one raise)."""

    status = 400
    message = _("That could not be done.")

    def __init__(self, message=None, status=None):
        self.message = message or self.message
        if status is not None:
            self.status = status
        super().__init__(self.message)
