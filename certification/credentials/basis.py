"""A certificate's basis of issue, read: what it certifies (every requirement met on
Peerpath, or some granted on recognition of prior learning by a registrar). The snapshot is
`Certificate.basis`, written at issue by `services.certificates.basis_snapshot`."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

# How a requirement was met, in a certificate's basis of issue.
EVIDENCE = "evidence"  # on Peerpath: courses completed, hours approved, sign-offs, attestations
RECOGNITION = "recognition"  # not met, awarded anyway on a registrar's exceptional decision
# Met through recognition of prior learning: an assessor accepted the trainee's claim for
# this one requirement (certification.recognition).
PRIOR_LEARNING = "prior_learning"


@dataclass(frozen=True)
class Basis:
    """What a certificate certifies, read from its basis snapshot: which requirements were
    met on Peerpath and which a registrar granted on recognition of prior learning. Every
    output (PDF, holder page, verify page and JSON, signed credential) words itself from this."""

    complete: bool  # every requirement met on Peerpath
    evidenced: list = field(default_factory=list)  # labels of requirements met on Peerpath
    recognised: list = field(default_factory=list)  # labels granted on prior learning
    decided_on: date | None = None  # the registrar's decision, if any was needed
    prior_learning: list = field(default_factory=list)  # labels met on accepted prior learning
    known: bool = True  # False: an old certificate whose requirements are not all known

    @classmethod
    def from_snapshot(cls, snapshot: dict, *, route: str) -> "Basis":
        snapshot = snapshot or {}
        items = snapshot.get("requirements") or []
        evidenced = [i["label"] for i in items if i.get("met_by") == EVIDENCE]
        recognised = [i["label"] for i in items if i.get("met_by") == RECOGNITION]
        prior = [i["label"] for i in items if i.get("met_by") == PRIOR_LEARNING]
        decision = (snapshot.get("recognition") or {}).get("decided_on")
        if not snapshot:  # never written (a certificate made before bases were recorded)
            return cls(complete=route == "automatic", known=False)
        return cls(
            complete=not recognised and not snapshot.get("unknown"),
            evidenced=evidenced,
            recognised=recognised,
            prior_learning=prior,
            decided_on=date.fromisoformat(decision) if decision else None,
            known=not snapshot.get("unknown"),
        )

    def statement(self, credential_title: str) -> str:
        """One sentence saying what was certified (for the criteria and the public record)."""
        if self.complete and self.prior_learning:
            return str(
                _(
                    "Met every requirement of %(title)s; an assessor recognised prior "
                    "learning for: %(prior)s."
                )
                % {"title": credential_title, "prior": "; ".join(self.prior_learning)}
            )
        if self.complete:
            return str(_("Met every requirement of %(title)s.") % {"title": credential_title})
        if self.recognised:
            return str(
                _(
                    "Awarded %(title)s on the decision of a registrar: %(met)s of %(all)s "
                    "requirements met on Peerpath; recognised from prior learning (not "
                    "assessed on Peerpath): %(recognised)s."
                )
                % {
                    "title": credential_title,
                    "met": len(self.evidenced),
                    "all": len(self.evidenced) + len(self.recognised),
                    "recognised": "; ".join(self.recognised),
                }
            )
        return str(
            _(
                "Awarded %(title)s on the decision of a registrar; not every requirement was "
                "met on Peerpath."
            )
            % {"title": credential_title}
        )
