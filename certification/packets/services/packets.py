"""Making a packet, asking and confirming supervisor attestations, and whether each record
in a packet still stands."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.boards.services.readiness import readiness_many
from certification.boards.services.targets import targets_of
from certification.credentials.models import Attestation, Certificate
from certification.credentials.services import codes
from certification.credentials.services.lifecycle import public_status
from certification.practicum.models import PlacementSupervisor, PracticumEntry
from certification.practicum.services.notifications import notify
from certification.recognition.models import PriorLearningClaim
from lms import hours as training_hours
from lms.audit.models.events import content_digest
from lms.audit.services.events import record_event
from lms.audit.services.outbox import enqueue_task

from ..exceptions import NotYourAttestationError, PacketError
from ..models import Packet, Section, SupervisorAttestation
from . import clr as clr_services
from . import exams
from .content import build_content, person_name

RENDER_TASK = "certification.packets.tasks.render_packet_pdf_task"


def ready_for_board(trainee) -> bool:
    """Whether a trainee may make a packet that is not a draft: they hold a Peerpath
    credential certificate that counts (a course certificate alone is not enough), or their
    readiness for a board they aim at is complete (certification.boards)."""
    if Certificate.objects.filter(
        trainee=trainee,
        kind=Certificate.Kind.CREDENTIAL,
        status=Certificate.Status.ISSUED,
        hidden=False,
    ).exists():
        return True
    targets = list(targets_of(trainee))
    return any(found.ready for found in readiness_many(targets).values())


def _check_sections(sections) -> list[str]:
    chosen = [value for value in Section.values if value in set(sections or ())]
    if not chosen:
        raise PacketError(
            _("Choose at least one part to include."),
            fields={"sections": [_("Choose at least one part to include.")]},
        )
    return chosen


def preview(*, trainee, sections, draft: bool) -> dict:
    """What the packet would hold, without making it (nothing is stored or signed)."""
    chosen = _check_sections(sections)
    if not draft and not ready_for_board(trainee):
        draft = True
    return build_content(trainee=trainee, sections=chosen, draft=draft)


def _new_code() -> str:
    while True:
        code = codes.generate_verification_code()
        if not Packet.objects.filter(verification_code=code).exists():
            return code


def attestation_statement(*, holder: str, placement: dict) -> str:
    return _(
        "I confirm that %(holder)s completed supervised practice at %(host)s from %(start)s to "
        "%(end)s under my supervision, and that the hours this packet shows for it are as I "
        "approved them."
    ) % {
        "holder": holder,
        "host": placement["host"],
        "start": placement["starts_on"],
        "end": placement["ends_on"],
    }


def attestation_record(attestation: SupervisorAttestation, content: dict) -> dict:
    """A confirmed attestation as the packet shows it (public values only)."""
    placement = next(
        (p for p in content.get("attestations", []) if p["ref"]["id"] == attestation.placement_id),
        {"host": "", "starts_on": "", "ends_on": ""},
    )
    return {
        "id": attestation.pk,
        "placement": attestation.placement_id,
        "host": placement["host"],
        "supervisor": person_name(attestation.supervisor),
        "qualification": attestation.qualification,
        "statement": attestation_statement(holder=content["holder_name"], placement=placement),
        "on": timezone.localdate(attestation.confirmed_at).isoformat()
        if attestation.confirmed_at
        else "",
        "digest": attestation.content_hash,
        "confirmed": attestation.confirmed,
    }


def _signed_certificates(content: dict) -> dict[int, dict]:
    ids = [item["ref"]["id"] for item in content.get("certificates", [])]
    return dict(Certificate.objects.filter(pk__in=ids).values_list("pk", "signed_credential"))


def _seal(packet: Packet) -> None:
    """Sign (or re-sign, after a confirmation) the packet's CLR from its frozen content."""
    confirmed = [
        attestation_record(a, packet.content)
        for a in packet.attestations.select_related("supervisor")
        if a.confirmed
    ]
    packet.clr = clr_services.build_clr(
        url=packet.verification_url,
        content=packet.content,
        certificates=_signed_certificates(packet.content),
        attestations=confirmed,
    )
    packet.save(update_fields=["clr"])


@transaction.atomic
def make_packet(*, trainee, sections, draft: bool) -> Packet:
    """Make, sign and record a packet for the trainee (a draft when asked, or when they are
    not ready yet); ask each supervisor of an included placement for their attestation."""
    chosen = _check_sections(sections)
    if not draft and not ready_for_board(trainee):
        raise PacketError(
            _("You are not ready for a board yet: make a draft, marked as such."),
            fields={
                "draft": [_("Only a draft can be made until you hold a Peerpath certificate.")]
            },
        )
    content = build_content(trainee=trainee, sections=chosen, draft=draft)
    packet = Packet.objects.create(
        trainee=trainee,
        verification_code=_new_code(),
        draft=draft,
        sections=chosen,
        content=content,
    )
    wanted = {item["ref"]["id"] for item in content.get("attestations", [])}
    links = PlacementSupervisor.objects.filter(placement_id__in=wanted).select_related("supervisor")
    for link in links:
        attestation = SupervisorAttestation.objects.create(
            packet=packet,
            placement_id=link.placement_id,
            supervisor=link.supervisor,
            qualification=link.qualification,
        )
        # The link lands in the supervisor's practicum area (their notifications there).
        notify(
            recipient=link.supervisor,
            message=_("%(name)s asks you to confirm their supervised practice for a board.")
            % {"name": content["holder_name"]},
            url=reverse("packets:confirm", kwargs={"attestation_id": attestation.pk}),
        )
    _seal(packet)
    record_event(
        actor=trainee,
        action="packet.made",
        obj=packet,
        after={"code": packet.verification_code, "draft": draft, "sections": chosen},
    )
    # The worker renders its PDF now, so the first download is waiting for the trainee.
    enqueue_task(RENDER_TASK, packet.pk)
    return packet


@transaction.atomic
def confirm_attestation(*, supervisor, attestation_id: int) -> SupervisorAttestation:
    """The supervisor confirms, once (the caller has re-authenticated them): the
    attestation is signed (its digest kept) and the packet's record re-signed with it."""
    attestation = (
        SupervisorAttestation.objects.select_for_update()
        .filter(pk=attestation_id, supervisor=supervisor)
        .first()
    )
    if attestation is None:
        raise NotYourAttestationError()
    if attestation.confirmed:
        raise PacketError(_("You have already confirmed this."), status=409)
    packet = Packet.objects.select_for_update().get(pk=attestation.packet_id)
    attestation.confirmed_at = timezone.now()
    record = attestation_record(attestation, packet.content)
    attestation.content_hash = content_digest(
        {
            "attestation": attestation.pk,
            "packet": packet.verification_code,
            "supervisor": supervisor.pk,
            "qualification": attestation.qualification,
            "statement": record["statement"],
            "confirmed_at": attestation.confirmed_at.isoformat(),
        }
    )
    attestation.save(update_fields=["confirmed_at", "content_hash"])
    _seal(packet)
    record_event(
        actor=supervisor,
        action="packet.attestation_confirmed",
        obj=attestation,
        after={"packet": packet.verification_code, "digest": attestation.content_hash},
    )
    return attestation


# --- Whether each record still stands ---------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    stands: bool
    label: str


STANDS = Standing(True, "")


def _refs(content: dict) -> dict[str, set]:
    found: dict[str, set] = {}

    def add(ref):
        found.setdefault(ref["kind"], set()).add(ref["id"])

    for line in content.get("training", {}).get("lines", []):
        add(line["ref"])
    for placement in content.get("practicum", []):
        for entry in placement["entries"]:
            add(entry["ref"])
    for key in ("ethics", "exams", "certificates", "prior_learning"):
        for item in content.get(key, []):
            add(item["ref"])
    return found


def _certificate_standing(certificate) -> Standing:
    status = public_status(certificate)
    if status.state == "valid":
        return STANDS
    on = f" on {status.on.isoformat()}" if status.on else ""
    return Standing(False, f"{status.label}{on}")


def standing(packet: Packet) -> dict[str, Standing]:
    """Whether each record the packet holds still stands, by "kind:id": a training line
    still credited, a practicum entry not superseded by an approved correction, the ethics
    attestation still on record, a certificate still valid (not revoked, replaced,
    suspended or expired), an exam result still recorded. A fixed number of queries."""
    refs = _refs(packet.content)
    found: dict[str, Standing] = {}
    if "hours" in refs:
        credited = {
            line.key
            for line in training_hours.lines_for([packet.trainee_id])[packet.trainee_id]
            if line.counts
        }
        for key in refs["hours"]:
            found[f"hours:{key}"] = (
                STANDS if key in credited else Standing(False, _("No longer credited"))
            )
    if "entry" in refs:
        entries = PracticumEntry.objects.filter(pk__in=refs["entry"]).values_list("pk", "status")
        corrected = dict(
            PracticumEntry.objects.filter(
                corrects_id__in=refs["entry"], status=PracticumEntry.Status.APPROVED
            ).values_list("corrects_id", "decided_at")
        )
        for pk, status in entries:
            if pk in corrected:
                on = timezone.localdate(corrected[pk]).isoformat() if corrected[pk] else ""
                found[f"entry:{pk}"] = Standing(False, _("Superseded by a correction on %s") % on)
            elif status != PracticumEntry.Status.APPROVED:
                found[f"entry:{pk}"] = Standing(False, _("No longer approved"))
            else:
                found[f"entry:{pk}"] = STANDS
    if "ethics" in refs:
        kept = set(Attestation.objects.filter(pk__in=refs["ethics"]).values_list("pk", flat=True))
        for pk in refs["ethics"]:
            found[f"ethics:{pk}"] = STANDS if pk in kept else Standing(False, _("Withdrawn"))
    if "certificate" in refs:
        for certificate in Certificate.objects.filter(pk__in=refs["certificate"]).select_related(
            "replaced_by"
        ):
            found[f"certificate:{certificate.pk}"] = _certificate_standing(certificate)
    if "exam" in refs:
        recorded = {result["key"] for result in exams.results_for(packet.trainee_id)}
        for key in refs["exam"]:
            found[f"exam:{key}"] = (
                STANDS if key in recorded else Standing(False, _("No longer recorded"))
            )
    if "prior_learning" in refs:
        accepted = set(
            PriorLearningClaim.objects.filter(
                pk__in=refs["prior_learning"],
                status__in=[
                    PriorLearningClaim.Status.ACCEPTED,
                    PriorLearningClaim.Status.PARTLY_ACCEPTED,
                ],
            ).values_list("pk", flat=True)
        )
        for pk in refs["prior_learning"]:
            found[f"prior_learning:{pk}"] = (
                STANDS if pk in accepted else Standing(False, _("No longer recognised"))
            )
    for kind, ids in refs.items():
        for pk in ids:
            found.setdefault(f"{kind}:{pk}", Standing(False, _("No longer on record")))
    return found
