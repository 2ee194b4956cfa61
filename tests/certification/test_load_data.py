"""generate_load_data: builds on the seeded demo, writes data the pages can show (a trainee's
dashboard and checklist, the trainer's reports, public verification), keeps the audit chain
and signed records verifiable, and refuses to run twice on the same database."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from bench import loadgen
from certification.credentials.models import Certificate
from certification.hours.models import OutsideTraining
from certification.live.models import LiveSession
from certification.packets.models import Packet
from certification.practicum.models import PracticumEntry
from courses.models import Attempt, Cohort, LessonProgress
from lms.accounts.models import User
from lms.audit.models import AuditEvent
from lms.audit.services.events import verify_audit_chain

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_load_data_needs_the_demo_first():
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("generate_load_data", "--scale", "1", stdout=io.StringIO())


def test_load_data_is_valid_for_the_pages_and_generated_once(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--quiet")
    events_before = AuditEvent.objects.count()
    counts = loadgen.generate(scale=2, per_scale=25)

    trainees = User.objects.filter(
        email__endswith="@" + loadgen.LOAD_DOMAIN, email__startswith="trainee"
    )
    assert trainees.count() == 50
    assert counts.rows["courses.Attempt"] == 150  # three a trainee
    assert (
        LessonProgress.objects.filter(user__in=trainees).count()
        == counts.rows["courses.LessonProgress"]
    )
    graded = Attempt.objects.filter(user__in=trainees)
    assert graded.filter(status=Attempt.Status.GRADED, percent__isnull=False).count() == 150
    assert AuditEvent.objects.count() == events_before + counts.rows["audit.AuditEvent"]
    assert PracticumEntry.objects.filter(placement__trainee__in=trainees).exists()

    # The chain continues from the demo's events; signed entries still match their hashes.
    assert verify_audit_chain() == []
    call_command("verify_audit_chain", stdout=io.StringIO())

    learner = User.objects.get(email=f"trainee0@{loadgen.LOAD_DOMAIN}")
    client.force_login(learner)
    assert client.get(reverse("learn:dashboard")).status_code == 200
    assert client.get("/credentials/").status_code == 200

    trainer = User.objects.get(email="trainer@peerpath.example")
    client.force_login(trainer)
    cohort = Cohort.objects.get(name="Load cohort 1")
    page = client.get(reverse("teach:cohort", args=[cohort.pk])).content.decode()
    assert "50 learners" in page
    quiz = graded.order_by("pk").first().quiz
    stats = client.get(reverse("teach:quiz_statistics", args=[quiz.pk])).content.decode()
    assert "graded attempt" in stats

    # The fixed learners' sessions, hours, board and packet (the growth benchmark's pages).
    live = Cohort.objects.get(name=loadgen.LIVE_COHORT)
    assert live.learners.count() == loadgen.FIXED_LEARNERS
    signed = LiveSession.objects.filter(cohort=live, signed_register__isnull=False)
    assert signed.count() == 3
    page = client.get(reverse("live:register", args=[signed.first().pk])).content.decode()
    assert learner.legal_name in page
    client.force_login(learner)
    assert "Load live session 1" in client.get(reverse("live:mine")).content.decode()
    assert OutsideTraining.objects.filter(trainee=learner).count() == 2
    assert client.get(reverse("hours:home")).status_code == 200
    assert client.get(reverse("boards:detail", args=["icrc-pr"])).status_code == 200
    packet = Packet.objects.get(trainee=learner)
    assert client.get(reverse("packets:detail", args=[packet.pk])).status_code == 200
    client.force_login(User.objects.get(email="registrar@peerpath.example"))
    queue = client.get(reverse("hours:queue")).content.decode()
    assert queue.count(reverse("hours:person", args=[learner.pk])) == 1

    client.logout()
    certificate = Certificate.objects.filter(trainee__in=trainees).first()
    assert certificate is not None and certificate.status == Certificate.Status.ISSUED
    record = client.get(f"/verify/{certificate.verification_code}.json").json()
    assert record["status"]["state"] == "valid"
    found = client.get(f"/verify/pdf/{certificate.pdf_sha256}.json")
    assert found.status_code == 200

    with pytest.raises(CommandError, match="already here"):
        call_command("generate_load_data", "--scale", "1", stdout=io.StringIO())
