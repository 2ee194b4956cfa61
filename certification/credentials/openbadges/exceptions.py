"""Errors raised by the Open Badges 3.0 / Verifiable Credentials core.

Every error is an ``OpenBadgesError``; callers that only need to know "this credential could
not be issued" catch that. The messages name what went wrong and are safe to log: they never
contain key material.
"""

from certification.credentials.exceptions import CertificationError


class OpenBadgesError(CertificationError):
    pass


class UnknownContextError(OpenBadgesError):
    """A JSON-LD context URL that Peerpath does not ship was asked for. Nothing is fetched."""


class CanonicalizationError(OpenBadgesError):
    """The document could not be turned into canonical N-Quads (RDFC-1.0)."""


class DroppedPropertyError(CanonicalizationError):
    """Canonicalisation would silently lose part of the document (a term no context defines,
    a null value, a relative IRI): signing it would sign less than it says."""

    def __init__(self, message, *, dropped=()):
        super().__init__(message)
        self.dropped = tuple(dropped)


class UndefinedTermError(DroppedPropertyError):
    """A term is only defined by the VC 2.0 catch-all vocabulary (issuer-dependent), so its
    meaning is not pinned by any context: refused on issuance."""


class ProofError(OpenBadgesError):
    """A proof could not be created, or the document's proof is malformed."""


class SigningKeyError(OpenBadgesError):
    """The signing key is missing, unreadable or malformed."""


class SigningKeyNotConfiguredError(SigningKeyError):
    pass


class UnknownVerificationMethodError(OpenBadgesError):
    """The proof names a key Peerpath does not know, and nothing is fetched to find it."""


class MultibaseError(OpenBadgesError):
    """A multibase or multikey value could not be decoded."""


class StatusListError(OpenBadgesError):
    """A Bitstring Status List is malformed, or an index is out of range."""


class StatusListFullError(StatusListError):
    """No free index is left in the status list."""


class CredentialInputError(OpenBadgesError):
    """The plain inputs for a credential are incomplete or not allowed (e.g. not a URL)."""
