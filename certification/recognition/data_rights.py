"""The recognition app's part of a person's data (see lms/privacy/registry.py): their
prior-learning claims, with their own words and the assessor's decisions.

Erasure: undecided claims are withdrawn and deleted with their evidence; decided ones keep
the decision (it may stand behind a certificate) but lose the trainee's description and
evidence file."""

from django.utils.translation import ngettext

from lms.privacy import registry
from lms.privacy.services.data_rights import iso

from .models import PriorLearningClaim


def export(user) -> registry.Export:
    claims = list(PriorLearningClaim.objects.filter(trainee=user).order_by("created_at"))
    return registry.Export(
        sections={
            "prior_learning_claims": [
                {
                    "kind": c.kind,
                    "title": c.title,
                    "provider": c.provider,
                    "completed_on": iso(c.completed_on),
                    "hours_by_domain": c.hours_by_domain,
                    "hours": str(c.hours or ""),
                    "description": c.description,
                    "status": c.status,
                    "granted_hours": str(c.granted_hours or ""),
                    "reason": c.reason,
                    "sent_at": iso(c.created_at),
                    "decided_at": iso(c.decided_at),
                }
                for c in claims
            ]
        },
        subjects={"recognition.priorlearningclaim": [c.pk for c in claims]},
    )


def erase(person) -> dict[str, int]:
    claims = PriorLearningClaim.objects.filter(trainee=person)
    for claim in claims:
        if claim.evidence_file:
            claim.evidence_file.delete(save=False)
    removed, _ = claims.filter(status=PriorLearningClaim.Status.SUBMITTED).delete()
    blanked = claims.update(description="", evidence_file="")
    return {"claims_withdrawn": removed, "claims_blanked": blanked}


def preview(person) -> list[str]:
    count = PriorLearningClaim.objects.filter(trainee=person).count()
    if not count:
        return []
    return [
        ngettext(
            "%(count)s prior-learning claim loses its description and evidence.",
            "%(count)s prior-learning claims lose their descriptions and evidence.",
            count,
        )
        % {"count": count}
    ]


registry.register("recognition", export=export, erase=erase, preview=preview)
