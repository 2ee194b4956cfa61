from django.utils.translation import gettext_lazy as _

from lms.exceptions import ServiceError


class PacketError(ServiceError):
    """A packet that cannot be made or an attestation that cannot be confirmed."""

    message = _("That packet could not be made.")


class NotYourAttestationError(PacketError):
    status = 404
    message = _("We could not find that attestation.")


class EmptyPacketError(PacketError):
    """CLR 2.0 requires at least one credential in a record."""

    message = _(
        "The parts you chose hold no records yet, so there is nothing to sign: choose parts "
        "that hold your hours, sign-offs, attestation or certificates."
    )

    def __init__(self):
        super().__init__(fields={"sections": [self.message]})
