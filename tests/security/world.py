"""One world for the access matrix: every person the matrix signs in as, and one object
for every URL keyword of the project, built through the services and the existing
factories and helpers. Text that identifies the trainee or is lived-experience data is
kept in IDENTIFYING so the matrix can check that no denial shows it.

Two organisations of each kind: the roles belong to the first (provider Northside, host
Harbour Lights, employer Riverside); the second (Southside, Eastgate Recovery Hub, Eastgate
Employment) owns a twin of every organisation-owned object (`outside_objects`,
`outside_kwargs`), with its own trainer, trainee, supervisor, admin and verifier, none of
whom the matrix signs in as."""

import hashlib
from dataclasses import dataclass, field
from datetime import time, timedelta

from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from wagtail.models import Page

from certification.boards.services import targets as board_targets
from certification.boards.services.loading import load_boards
from certification.credentials.models import Certificate, CertificateTemplate
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import renewal as renewal_services
from certification.credentials.services.lifecycle import sign_certificate
from certification.live.services import attendance as live_attendance
from certification.live.services import calendar as live_calendar
from certification.live.services import scheduling as live_scheduling
from certification.organisations import services as organisation_services
from certification.packets.services import packets as packet_services
from certification.practicum.models import SupervisionSession
from certification.practicum.services import practicum as practicum_services
from certification.practicum.services import supervision as supervision_services
from certification.standards.models import Competency, Credential, Framework, QuestionAlignment
from courses import services as course_services
from courses.models import Accommodation, Cohort, ContactHoursVersion
from lms.accounts.models import Membership, Organisation
from lms.audit.models import AuditEvent
from lms.privacy.services import data_rights
from tests.certification.credential_helpers import make_course
from tests.certification.org_helpers import employer, issued_certificate, member
from tests.courses.assessment_helpers import make_question, make_quiz
from tests.factories import (
    QUESTION_FACTORIES,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    build_practicum,
    log_entry,
)
from tests.factories.practicum import QUALIFICATION

ROLES = (
    "anonymous",
    "trainee",
    "other_trainee",
    "trainer",
    "supervisor",
    "other_supervisor",
    "org_admin",
    "verifier",
    "registrar",
    "superuser",
)

TRAINEE_NAME = "Jordan Avery Ellis"
REFLECTION = "Walking past the old corner still pulls at me on Fridays"
SUPERVISION_NOTE = "Talked through the anniversary of a loss and a safety plan"
STATEMENT = "My own recovery from alcohol began in a peer group in 2015"
CHECKIN_NOTE = "Rough week, the court date is getting close"
SIGNOFF_ACCOUNT = "Checked in with a quiet group member afterwards"
ENTRY_TEXT = "housing appointment"  # in every practicum entry log_entry() writes
WRITTEN_ANSWER = "I would plan the ending from my own first sessions in rehab"
CE_EVIDENCE = "Ethics refresher attended in person"
OUTSIDE_TRAINING = "Peer support after my own overdose, a day course"
EXAM_NOTE = "Score retyped from the report after the relapse delay"
PRIOR_LEARNING_NOTE = "Learned it in the ward group after my second admission"
LIVE_NOTE = "Left to take a call from her sponsor"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
OUTSIDE_COHORT = "Southside winter cohort"
OUTSIDE_TRAINEE = "Bo Beyond-Southside"
OUTSIDE_ANSWER = "Southside answer about my own detox"


@dataclass
class World:
    people: dict
    objects: dict  # model label ("app.model") -> one instance, for admin `pk` URLs
    kwargs: dict  # URL keyword -> value
    identifying: list = field(default_factory=list)
    cached: dict = field(default_factory=dict)  # cache entries each test starts from
    # The second organisation of each kind's twins of the objects above (same keys).
    outside_objects: dict = field(default_factory=dict)
    outside_kwargs: dict = field(default_factory=dict)
    outside_markers: dict = field(default_factory=dict)  # text that shows an outside row

    def outside(self) -> "World":
        """This world with every organisation-owned object replaced by its outside twin."""
        return World(
            people=self.people,
            objects={**self.objects, **self.outside_objects},
            kwargs={**self.kwargs, **self.outside_kwargs},
        )

    def reset_cache(self):
        """Rate limits and the like start afresh in every test; the roster stays."""
        cache.clear()
        cache.set_many(self.cached, 3600)


def build_world() -> World:
    from cms.demo import seed_site
    from lms.accounts.services import sync_role_groups

    sync_role_groups()
    seed_site()
    practicum = build_practicum(week_of_entries=True)
    trainee, supervisor = practicum.trainee, practicum.supervisor
    credential_services.confirm_certificate_name(user=trainee, name=TRAINEE_NAME)
    # The trainee aims at IC&RC Peer Recovery (boards): their readiness page is theirs alone.
    load_boards()
    board_targets.aim(trainee=trainee, code="icrc-pr")
    approved = practicum_services.approve_entry(
        supervisor=supervisor, entry_id=practicum.entries[0].pk
    )
    draft = log_entry(practicum.placement, days_ago=8)
    competency = Competency.objects.get(domain__framework__slug="samhsa-pw-2015", code="III.3")
    signoff = supervision_services.request_signoff(
        trainee=trainee,
        placement_id=practicum.placement.pk,
        competency_id=competency.pk,
        account=SIGNOFF_ACCOUNT,
    )
    session = supervision_services.record_session(
        supervisor=supervisor,
        placement_id=practicum.placement.pk,
        kind=SupervisionSession.Kind.values[0],
        date=timezone.localdate() - timedelta(days=10),
        start_time=time(14, 0),
        minutes=60,
        private_notes=SUPERVISION_NOTE,
    )

    provider = Organisation.objects.get_or_create(
        slug="northside",
        defaults={
            "name": "Northside Recovery College",
            "kind": Organisation.Kind.TRAINING_PROVIDER,
        },
    )[0]
    MembershipFactory(user=trainee, organisation=provider, role=Membership.Role.TRAINEE)
    MembershipFactory(
        user=practicum.other_trainee, organisation=provider, role=Membership.Role.TRAINEE
    )
    trainer = UserFactory(legal_name="Priya Natarajan", is_staff=True)
    trainer.groups.add(Group.objects.get(name="Trainers"))
    MembershipFactory(user=trainer, organisation=provider, role=Membership.Role.TRAINER)
    registrar = UserFactory(legal_name="Ana Souza", is_staff=True)
    registrar.groups.add(Group.objects.get(name="Registrars"))
    superuser = UserFactory(legal_name="Sam Admin", is_staff=True, is_superuser=True)

    # Courses: lessons with a content note and a reflection prompt, an auto-graded quiz,
    # and a quiz with a written answer waiting to be marked.
    course, lessons, quiz = make_course("boundaries", lessons=2)
    lesson = lessons[0]
    course_services.enrol_learner(user=trainee, course=course)
    note_block = next(b for b in lesson.body if b.block_type == "content_note")
    reflection_block = next(b for b in lesson.body if b.block_type == "reflection")
    reflection = course_services.save_reflection(
        user=trainee, lesson=lesson, block_id=reflection_block.id, text=REFLECTION
    )
    written_quiz = make_quiz(
        lesson.get_parent(), [make_question("written_response")], slug="written-check"
    )
    marked = course_services.start_attempt(user=trainee, quiz=written_quiz)
    course_services.save_answer(user=trainee, key=marked.key, position=0, payload=WRITTEN_ANSWER)
    marked = course_services.submit_attempt(user=trainee, key=marked.key)
    response = marked.responses.get()
    open_attempt = course_services.start_attempt(user=trainee, quiz=quiz)
    cohort = Cohort.objects.create(
        name="Spring cohort",
        course=course,
        trainer=trainer,
        organisation=provider,
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + timedelta(days=60),
    )
    cohort.learners.add(trainee)
    live_session, live_record = live_session_for(cohort, trainer, trainee)
    feed_token = live_calendar.regenerate_feed(user=trainee)
    accommodation = Accommodation.objects.create(
        quiz=quiz, user=trainee, extra_minutes=10, note="Screen reader user"
    )
    questions = {kind: factory() for kind, factory in QUESTION_FACTORIES.items()}
    alignment = QuestionAlignment.objects.create(
        question=next(iter(questions.values())), competency=competency
    )

    # Certificates, and the organisations that verify them.
    certificate = issued_certificate(TRAINEE_NAME, trainee=trainee)
    # As the PDF task leaves it: a stored file whose hash matches, and a signed credential.
    pdf = b"%PDF-1.4 access matrix\n%%EOF\n"
    certificate.pdf.save("access-matrix.pdf", ContentFile(pdf), save=False)
    sign_certificate(certificate)
    Certificate.objects.filter(pk=certificate.pk).update(
        pdf=certificate.pdf.name,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        signed_credential=certificate.signed_credential,
        status_index=certificate.status_index,
    )
    certificate.refresh_from_db()
    template = CertificateTemplate.objects.first() or CertificateTemplate.objects.create(
        name="Matrix design", issuing_organisation="Northside Recovery College"
    )
    riverside = employer()
    org_admin = member(riverside, role=Membership.Role.ORG_ADMIN, legal_name="Helen Okafor")
    verifier = member(riverside, role=Membership.Role.VERIFIER, legal_name="Tom Verity")
    share = organisation_services.share_certificate(
        holder=trainee, certificate_id=certificate.pk, organisation_id=riverside.pk
    )
    record = renewal_services.add_ce_record(
        holder=trainee,
        title=CE_EVIDENCE,
        topic="ethics",
        hours=3,
        completed_on=timezone.localdate() - timedelta(days=20),
        evidence_file=SimpleUploadedFile("evidence.png", PNG, content_type="image/png"),
    )
    from certification.hours import services as hours_services

    # A prior-learning claim waiting for an assessor, with the trainee's own account.
    from certification.recognition.services import claims as claim_services

    claim = claim_services.make_claim(
        trainee=trainee,
        data={
            "kind": "training_hours",
            "title": "Peer mentoring course",
            "completed_on": timezone.localdate() - timedelta(days=300),
            "hours_by_domain": {"icrc-pr/ethics": 2},
            "description": PRIOR_LEARNING_NOTE,
            "evidence_file": SimpleUploadedFile("claim.png", PNG, content_type="image/png"),
        },
    )
    outside_training = hours_services.record_outside_training(
        trainee=trainee,
        title=OUTSIDE_TRAINING,
        provider="County Recovery Network",
        completed_on=timezone.localdate() - timedelta(days=30),
        hours="6",
        hours_by_domain={},
        delivery="in_person",
        topics=[],
        certificate=SimpleUploadedFile("training.png", PNG, content_type="image/png"),
    )
    # An exam result with its score report (corrected once, with a note), and an
    # eligibility letter (made as the service leaves one).
    from certification.credentials.models import EligibilityLetter
    from certification.credentials.services import codes
    from certification.exams import services as exam_services

    first_exam = exam_services.record_exam_result(
        registrar=registrar,
        trainee=trainee,
        exam_key="icrc-pr",
        taken_on=timezone.localdate() - timedelta(days=15),
        outcome="pass",
        scaled_score=560,
        evidence_file=SimpleUploadedFile("report.png", PNG, content_type="image/png"),
    )
    exam = exam_services.correct_exam_result(
        registrar=registrar,
        result_id=first_exam.pk,
        reason=EXAM_NOTE,
        exam_key="icrc-pr",
        taken_on=first_exam.taken_on,
        outcome="pass",
        scaled_score=565,
    )
    letter = EligibilityLetter.objects.create(
        trainee=trainee,
        credential_version=certificate.credential_version,
        exam_key="icrc-pr",
        board="IC&RC",
        exam_name="IC&RC Peer Recovery Examination",
        credential_title=certificate.credential_title,
        holder_name=TRAINEE_NAME,
        requirements=[{"label": "Practicum hours", "detail": "80 of 80 practicum hours"}],
        verification_code=codes.generate_verification_code(),
        issued_by=trainee,
    )
    # A checked roster, as the roster page leaves it in the cache for its CSV download.
    token = "matrix-roster-token"
    cached = {
        f"roster:{token}": {
            "organisation": riverside.pk,
            "user": verifier.pk,
            "data": f"name,code\n{TRAINEE_NAME},{certificate.verification_code}\n".encode(),
        }
    }
    # Wellbeing: a lived-experience statement shared with the supervisor, and a check-in.
    from lms.privacy.services import wellbeing

    wellbeing.save_statement(trainee=trainee, text=STATEMENT, share_with_supervisor=True)
    checkin = wellbeing.record_checkin(
        trainee=trainee,
        on=timezone.localdate() - timedelta(days=1),
        energy=2,
        stress=4,
        note=CHECKIN_NOTE,
        tell_supervisor=True,
    )
    leaver = UserFactory(legal_name="Erin Leaver")
    erasure = data_rights.request_erasure(user=leaver)
    invitation = InvitationFactory(organisation=provider, email="new.peer@example.org")

    from wagtail.documents.models import Document

    document = Document.objects.create(
        title="Placement handbook", file=SimpleUploadedFile("handbook.pdf", b"%PDF-1.4 test")
    )
    from certification.credentials.openbadges.keys import current_signing_key

    outside = build_outside(course=course, quiz=quiz, written_quiz=written_quiz)
    held_link = held_supervisor(practicum.host, trainee_name="Robin Held")

    people = {
        "anonymous": None,
        "trainee": trainee,
        "other_trainee": practicum.other_trainee,
        "trainer": trainer,
        "supervisor": supervisor,
        "other_supervisor": practicum.other_supervisor,
        "org_admin": org_admin,
        "verifier": verifier,
        "registrar": registrar,
        "superuser": superuser,
    }
    objects = {
        "standards.framework": Framework.objects.get(slug="samhsa-pw-2015"),
        "standards.domain": competency.domain,
        "standards.competency": competency,
        "standards.questionalignment": alignment,
        "practicum.placement": practicum.placement,
        "practicum.placementsupervisor": practicum.placement.supervisor_links.first(),
        "practicum.practicumentry": approved,
        "audit.auditevent": AuditEvent.objects.order_by("pk").first(),
        "standards.credential": Credential.objects.get(code=certificate.credential_code),
        "credentials.certificatetemplate": template,
        "credentials.certificate": certificate,
        "courses.cohort": cohort,
        "courses.accommodation": accommodation,
        "accounts.organisation": provider,
        "accounts.membership": trainee.memberships.first(),
        "accounts.invitation": invitation,
        **{f"courses.{type(q)._meta.model_name}": q for q in questions.values()},
        "courses.question": next(iter(questions.values())),
        "wagtaildocs.document": document,
        "accounts.user": leaver,
    }
    # A draft packet with an attestation page the supervisor is asked to confirm.
    packet = packet_services.make_packet(
        trainee=trainee, sections=["practicum", "ethics", "attestations"], draft=True
    )
    kwargs = {
        "packet_id": packet.pk,
        "attestation_id": packet.attestations.get(supervisor=supervisor).pk,
        "placement_id": practicum.placement.pk,
        "entry_id": draft.pk,
        "request_id": signoff.pk,
        "course_id": course.pk,
        "lesson_id": lesson.pk,
        "quiz_id": quiz.pk,
        "key": open_attempt.key,
        "position": 0,
        "response_id": response.pk,
        "attempt_id": marked.pk,
        "uuid": certificate.uuid,
        "share_id": share.pk,
        "token": token,
        "slug": riverside.slug,
        "framework": "samhsa-pw-2015",
        "sha256": certificate.pdf_sha256,
        "purpose": "revocation",
        "uidb64": urlsafe_base64_encode(force_bytes(trainee.pk)),
        "password_reset_token": default_token_generator.make_token(trainee),
        "invitation_key": invitation.key,
        "certificate_code": certificate.verification_code,
        "credential_code": certificate.credential_code,
        "competency_code": competency.code,
        "note_block": note_block.id,
        "reflection_block": reflection_block.id,
        "reflection_pk": reflection.pk,
        "ce_record_pk": record.pk,
        "outside_id": outside_training.pk,
        "claim_id": claim.pk,
        "person_id": trainee.pk,
        "exam_result_pk": exam.pk,
        "letter_pk": letter.pk,
        "erasure_request_id": erasure.pk,
        "approved_entry_id": approved.pk,
        "session": session.pk,
        "checkin_id": checkin.pk,
        "key_id": current_signing_key().key_id,
        "home_page_id": Page.objects.get(depth=2).pk,
        "document_pk": document.pk,
        "document_filename": document.filename,
        "cohort_pk": cohort.pk,
        "live_session_id": live_session.pk,
        "attendance_id": live_record.pk,
        "feed_token": feed_token,
        "certificate_pk": certificate.pk,
        "code": "icrc-pr",
        "contact_hours_proposal_pk": ContactHoursVersion.objects.create(
            page=course, title=course.title, total=4, proposed_by=trainer
        ).pk,
        "link_id": held_link.pk,
        "settings_app": "cms",
        "settings_model": "supportsettings",
    }
    identifying = [
        TRAINEE_NAME,
        certificate.verification_code,
        REFLECTION,
        SUPERVISION_NOTE,
        SIGNOFF_ACCOUNT,
        ENTRY_TEXT,
        WRITTEN_ANSWER,
        CE_EVIDENCE,
        OUTSIDE_TRAINING,
        PRIOR_LEARNING_NOTE,
        EXAM_NOTE,
        STATEMENT,
        CHECKIN_NOTE,
        LIVE_NOTE,
    ]
    return World(
        people=people,
        objects=objects,
        kwargs=kwargs,
        identifying=identifying + [OUTSIDE_ANSWER],
        cached=cached,
        **outside,
    )


def build_outside(*, course, quiz, written_quiz) -> dict:
    """The second provider, host and employer, each with its people and a twin of every
    object the first one owns: a cohort on the same course (only the organisation separates
    it), a written answer waiting for marking, an accommodation, a placement with a draft
    entry, an employer's roster."""
    provider = OrganisationFactory(
        name="Southside Peer Academy", slug="southside", kind=Organisation.Kind.TRAINING_PROVIDER
    )
    trainer = UserFactory(legal_name="Bea Southside", is_staff=True)
    trainer.groups.add(Group.objects.get(name="Trainers"))
    MembershipFactory(user=trainer, organisation=provider, role=Membership.Role.TRAINER)
    trainee = UserFactory(legal_name=OUTSIDE_TRAINEE)
    MembershipFactory(user=trainee, organisation=provider, role=Membership.Role.TRAINEE)
    course_services.enrol_learner(user=trainee, course=course)
    cohort = Cohort.objects.create(
        name=OUTSIDE_COHORT,
        course=course,
        trainer=trainer,
        organisation=provider,
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + timedelta(days=60),
    )
    cohort.learners.add(trainee)
    live_session, live_record = live_session_for(cohort, trainer, trainee)
    marked = course_services.start_attempt(user=trainee, quiz=written_quiz)
    course_services.save_answer(user=trainee, key=marked.key, position=0, payload=OUTSIDE_ANSWER)
    marked = course_services.submit_attempt(user=trainee, key=marked.key)
    accommodation = Accommodation.objects.create(quiz=quiz, user=trainee, extra_minutes=15)

    host = OrganisationFactory(
        name="Eastgate Recovery Hub", slug="eastgate-hub", kind=Organisation.Kind.PLACEMENT_HOST
    )
    supervisor = member(host, role=Membership.Role.SUPERVISOR, legal_name="Sol Eastgate")
    today = timezone.localdate()
    placement = practicum_services.create_placement(
        trainee=trainee,
        host=host,
        supervisor=supervisor,
        qualification=QUALIFICATION,
        starts_on=today - timedelta(days=40),
        ends_on=today + timedelta(days=40),
    )
    for person in (trainee, supervisor):
        practicum_services.accept_agreement(placement_id=placement.pk, user=person)
    placement.refresh_from_db()
    draft = log_entry(placement, days_ago=8)

    eastgate = employer(name="Eastgate Employment Service", slug="eastgate")
    member(eastgate, role=Membership.Role.ORG_ADMIN, legal_name="Ezra Eastgate")
    member(eastgate, role=Membership.Role.VERIFIER, legal_name="Vic Eastgate")
    return {
        "outside_objects": {"courses.cohort": cohort, "courses.accommodation": accommodation},
        "outside_kwargs": {
            "cohort_pk": cohort.pk,
            "live_session_id": live_session.pk,
            "attendance_id": live_record.pk,
            "response_id": marked.responses.get().pk,
            "attempt_id": marked.pk,
            "placement_id": placement.pk,
            "entry_id": draft.pk,
            "approved_entry_id": draft.pk,
            "slug": eastgate.slug,
            "link_id": held_supervisor(host, trainee_name="Rae Held-Eastgate").pk,
        },
        "outside_markers": {"cohort": OUTSIDE_COHORT, "learner": OUTSIDE_TRAINEE},
    }


def held_supervisor(host, *, trainee_name):
    """A placement at `host` whose supervisor joined by invitation (their uploaded copy kept)
    and whose qualification waits for approval: the link the approval URLs act on."""
    from certification.practicum.models import PlacementSupervisor, SupervisorInvitation

    trainee = UserFactory(legal_name=trainee_name)
    supervisor = member(host, role=Membership.Role.SUPERVISOR, legal_name=f"Sup of {trainee_name}")
    today = timezone.localdate()
    invitation = SupervisorInvitation.objects.create(
        host=host,
        trainee=trainee,
        trainee_email=trainee.email,
        name=supervisor.legal_name,
        email=supervisor.email,
        qualification=QUALIFICATION,
        starts_on=today - timedelta(days=5),
        ends_on=today + timedelta(days=60),
        expires_at=timezone.now(),
        accepted_at=timezone.now(),
        accepted_by=supervisor,
        qualification_file=ContentFile(PNG, name="qualification.png"),
    )
    placement = practicum_services.create_placement(
        trainee=trainee,
        host=host,
        supervisor=supervisor,
        qualification=QUALIFICATION,
        starts_on=invitation.starts_on,
        ends_on=invitation.ends_on,
    )
    link = placement.supervisor_links.get()
    PlacementSupervisor.objects.filter(pk=link.pk).update(
        qualification_status=PlacementSupervisor.QualificationStatus.HELD, invitation=invitation
    )
    return link


def live_session_for(cohort, trainer, trainee):
    """A past live session of the cohort with its register signed (the trainee left early,
    with a trainer's note), scheduled and signed through the services."""
    from certification.standards.models import Domain, Framework

    framework = Framework.objects.get_or_create(slug="icrc-pr", defaults={"title": "IC&RC"})[0]
    Domain.objects.get_or_create(framework=framework, code="ethics", defaults={"title": "Ethics"})
    session = live_scheduling.schedule_session(
        trainer=trainer,
        title=f"Ethics workshop ({cohort.name})",
        cohort_id=cohort.pk,
        course_id=cohort.course_id,
        module_id=None,
        date=timezone.localdate() - timedelta(days=3),
        start_time=time(10, 0),
        minutes=120,
        mode="in_person",
        place="Room 2",
        hours_by_domain={"icrc-pr/ethics": "2"},
    )
    live_attendance.sign_register(
        trainer=trainer,
        session_id=session.pk,
        rows={trainee.pk: ("left_early", 90, LIVE_NOTE)},
    )
    return session, session.attendances.get()
