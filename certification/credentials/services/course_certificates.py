"""Certificates of completion for courses, on the same machinery as credential certificates
(the same model, PDF task, Open Badges signing, lifecycle and verification).

Exactly once rests on the same three things as `certificates.issue_certificate`: a partial
unique constraint (one active course certificate per learner per course), the learner's
enrolment row locked while the service checks and creates, and a task that re-checks."""

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models import provider_details
from courses.models import CoursePage, Enrolment, LessonPage, LessonProgress
from courses.services import contact_hours
from lms.audit.services.events import record_event
from lms.audit.services.outbox import enqueue_task
from lms.hours import Delivery, hours_text

from ..basis import EVIDENCE
from ..exceptions import CredentialError, NameNotConfirmedError
from ..models import Certificate, CertificateName, CertificateTemplate
from . import codes
from .certificates import default_design

__all__ = [
    "contact_hours_snapshot",
    "issue_course_certificate",
    "queue_course_certificate",
    "queue_course_certificates_for",
]

ISSUE_TASK = "certification.tasks.issue_course_certificate_task"


def contact_hours_snapshot(version) -> dict:
    """What a certificate keeps of the approved contact hours: totals, each domain with its
    name, the delivery mode. Empty when the course carried no approved hours."""
    if version is None:
        return {}
    by_domain = version.domain_hours
    labels = contact_hours.domain_labels(by_domain)
    return {
        "version": version.number,
        "total": hours_text(version.total),
        "by_domain": [
            {"key": key, "label": labels.get(key, key), "hours": hours_text(hours)}
            for key, hours in sorted(by_domain.items())
        ],
        "delivery": version.delivery,
        "delivery_label": str(Delivery.label(version.delivery)),
        "face_to_face": hours_text(version.face_to_face),
    }


def _design() -> tuple[CertificateTemplate | None, dict]:
    template = (
        CertificateTemplate.objects.filter(is_default=True).first()
        or CertificateTemplate.objects.order_by("pk").first()
    )
    return template, (template.design_snapshot() if template else default_design())


def issue_course_certificate(*, trainee, course_id: int) -> tuple[Certificate, bool]:
    """Issue the learner's certificate of completion for a course they completed, exactly
    once. Returns (certificate, created). It carries the course title and contact hours as
    approved when they completed it, the dates attended and the provider; the PDF is
    rendered by the same task as every certificate's, enqueued on commit."""
    with transaction.atomic():
        # The lock that serialises issuing for this learner and course.
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("contact_hours_version", "course")
            .filter(user=trainee, course_id=course_id)
            .first()
        )
        if enrolment is None or enrolment.completed_at is None:
            raise CredentialError(_("The course is not completed yet."))
        existing = (
            Certificate.objects.active()
            .filter(trainee=trainee, course_id=course_id, kind=Certificate.Kind.COURSE)
            .first()
        )
        if existing is not None:
            return existing, False
        name = CertificateName.objects.filter(user=trainee).first()
        if name is None:
            raise NameNotConfirmedError(
                _("The holder has not confirmed how their name appears on certificates yet.")
            )
        course: CoursePage = enrolment.course
        version = enrolment.contact_hours_version
        template, design = _design()
        provider = provider_details()
        started = LessonProgress.objects.filter(
            user=trainee, lesson__in=LessonPage.objects.descendant_of(course)
        ).aggregate(first=Min("started_at"))["first"]
        first = min(filter(None, [started, enrolment.enrolled_at]))
        title = version.title if version else course.title
        certificate = Certificate(
            kind=Certificate.Kind.COURSE,
            verification_code=codes.generate_verification_code(),
            trainee=trainee,
            course=course,
            template=template,
            route=Certificate.Route.AUTOMATIC,
            holder_name=name.name,
            credential_code=course.slug[:60],
            credential_title=title,
            credential_version_number=version.number if version else 0,
            issuing_organisation=provider["name"],
            issued_on=timezone.localdate(),
            template_version=template.version if template else 0,
            design=design,
            basis={
                "requirements": [
                    {
                        "kind": "course",
                        "key": course.slug,
                        "label": _("Completed every lesson and required assessment"),
                        "met_by": EVIDENCE,
                        "detail": "",
                    }
                ]
            },
            contact_hours=contact_hours_snapshot(version),
            attended_from=timezone.localdate(first),
            attended_to=timezone.localdate(enrolment.completed_at),
            provider=provider,
        )
        certificate.full_clean()
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError:
            # The constraint caught a race the lock did not: the other certificate stands.
            return (
                Certificate.objects.active().get(
                    trainee=trainee, course_id=course_id, kind=Certificate.Kind.COURSE
                ),
                False,
            )
        record_event(
            actor=None,
            action="certificate.issued",
            obj=certificate,
            after={
                "kind": certificate.kind,
                "course": course.pk,
                "contact_hours_version": certificate.credential_version_number,
                "template_version": certificate.template_version,
            },
        )
        # The task by its name: the tasks module imports the services.
        enqueue_task("certification.tasks.render_certificate_task", certificate.pk)
        return certificate, True


def queue_course_certificate(*, trainee, course_id: int) -> bool:
    """Inside the transaction that completes a course (or confirms the name): queue issuing
    on commit when the name is confirmed and no certificate exists. Returns whether queued."""
    if not CertificateName.objects.filter(user=trainee).exists():
        return False  # confirming the name queues it (queue_course_certificates_for)
    if (
        Certificate.objects.active()
        .filter(trainee=trainee, course_id=course_id, kind=Certificate.Kind.COURSE)
        .exists()
    ):
        return False
    enqueue_task(ISSUE_TASK, trainee.pk, course_id)
    return True


def queue_course_certificates_for(*, trainee) -> list[int]:
    """After the name is confirmed: every completed course without a certificate."""
    done = Enrolment.objects.filter(user=trainee, completed_at__isnull=False).values_list(
        "course_id", flat=True
    )
    have = set(
        Certificate.objects.active()
        .filter(trainee=trainee, kind=Certificate.Kind.COURSE)
        .values_list("course_id", flat=True)
    )
    queued = [course_id for course_id in done if course_id not in have]
    for course_id in queued:
        enqueue_task(ISSUE_TASK, trainee.pk, course_id)
    return queued
