"""External exam results: a registrar records one from its score report (board and exam from
the boards data, the pass mark checked), refusals at their fields, corrections as new records
that supersede (never edits), the score report only to the person and registrars, and the
exam line on the eligibility checklist (in a fixed number of queries)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certification.credentials.services import credentials as credential_services
from certification.credentials.services import loading as loading_services
from certification.exams import catalogue
from certification.exams import services as exam_services
from certification.exams.exceptions import ExamError
from certification.exams.models import ExamResult
from certification.standards.models import Credential
from lms.audit.models import AuditEvent
from tests.certification.credential_helpers import make_credential
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% score report\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def report(name="score-report.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


def record(registrar, trainee, **overrides):
    values = {
        "exam_key": "icrc-pr",
        "taken_on": days_ago(10),
        "outcome": ExamResult.Outcome.PASS,
        "scaled_score": 612,
        "evidence_file": report(),
    }
    values.update(overrides)
    return exam_services.record_exam_result(registrar=registrar, trainee=trainee, **values)


def form_data(trainee, **overrides):
    data = {
        "trainee_email": trainee.email,
        "exam_key": "icrc-pr",
        "taken_on": days_ago(10).isoformat(),
        "outcome": "pass",
        "scaled_score": "612",
        "evidence_file": report(),
    }
    data.update(overrides)
    return data


def test_the_catalogue_comes_from_the_boards_file_with_the_icrc_pass_mark():
    exam = catalogue.exam_for("icrc-pr")
    assert exam.name == "IC&RC Peer Recovery Examination"
    assert exam.pass_score == 500 and exam.scale == (200, 800)
    assert "International Certification & Reciprocity Consortium" in exam.board
    # A credential without an exam of its own has none in the list.
    assert catalogue.exam_for("au-chc43515") is None
    # Wisconsin's pass mark is a share of answers, not a scaled score: nothing to check against.
    assert catalogue.exam_for("wi-cps").pass_score is None


def test_a_registrar_records_a_result_with_the_boards_names_and_it_is_audited(
    client, registrar, trainee
):
    client.force_login(registrar)
    page = client.get(reverse("exams:home")).content.decode()
    assert "IC&amp;RC Peer Recovery Examination" in page and "pass 500" in page
    # Whatever is typed for board and name, a listed exam stores the board's own.
    response = client.post(
        reverse("exams:home"), form_data(trainee, board="typo board", exam_name="typo")
    )
    assert response.status_code == 302
    result = ExamResult.objects.get()
    assert result.trainee == trainee and result.passed and result.scaled_score == 612
    assert result.exam_name == "IC&RC Peer Recovery Examination"
    assert result.board.startswith("International Certification")
    assert result.evidence_file.name.startswith("exam-evidence/")
    assert "score-report" not in result.evidence_file.name  # the path is random
    event = AuditEvent.objects.get(action="exam_result.recorded")
    assert event.actor == registrar and event.after["scaled_score"] == 612
    with pytest.raises(ValueError, match="never changed"):
        result.save()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"scaled_score": "480"}, "scaled_score", "below this exam's pass mark of 500"),
        ({"outcome": "fail", "scaled_score": "520"}, "scaled_score", "reaches this exam's pass"),
        ({"scaled_score": "900"}, "scaled_score", "run from 200 to 800"),
        (
            {"taken_on": (timezone.localdate() + timedelta(days=2)).isoformat()},
            "taken_on",
            "future",
        ),
        ({"exam_key": "other"}, "board", "Type the board"),
        (
            {"evidence_file": report("report.pdf", b"MZ\x90\x00 a program")},
            "evidence_file",
            "not a PDF",
        ),
        ({"evidence_file": report("report.exe", PDF)}, "evidence_file", "ends in one of"),
        ({"trainee_email": "nobody@example.org"}, "trainee_email", "No Peerpath account"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_stored(
    client, registrar, trainee, overrides, field, message
):
    client.force_login(registrar)
    response = client.post(reverse("exams:home"), form_data(trainee, **overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert form["trainee_email"].value() == overrides.get("trainee_email", trainee.email)
    assert not ExamResult.objects.exists()


def test_another_exam_keeps_the_typed_board_and_name(registrar, trainee):
    result = record(
        registrar,
        trainee,
        exam_key="other",
        board="Ohio Chemical Dependency Board",
        exam_name="Peer Recovery Supporter exam",
        scaled_score=None,
    )
    assert (result.board, result.exam_name) == (
        "Ohio Chemical Dependency Board",
        "Peer Recovery Supporter exam",
    )


def test_only_registrars_record_results(client, trainee):
    with pytest.raises(ExamError) as refused:
        record(trainee, trainee)
    assert refused.value.status == 403
    client.force_login(trainee)
    assert client.post(reverse("exams:home"), form_data(trainee)).status_code == 403
    assert not ExamResult.objects.exists()


def test_a_correction_is_a_new_record_that_supersedes_and_keeps_the_report(
    client, registrar, trainee
):
    first = record(registrar, trainee, outcome="fail", scaled_score=470)
    client.force_login(registrar)
    url = reverse("exams:correct", kwargs={"pk": first.pk})
    data = {
        "exam_key": "icrc-pr",
        "taken_on": first.taken_on.isoformat(),
        "outcome": "pass",
        "scaled_score": "540",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Say why" in response.context["form"].errors["reason"][0]
    response = client.post(url, {**data, "reason": "The board re-scored the exam."})
    assert response.status_code == 302
    first.refresh_from_db()
    second = ExamResult.objects.exclude(pk=first.pk).get()
    assert second.supersedes == first and not first.is_standing and second.is_standing
    assert (second.outcome, second.scaled_score) == ("pass", 540)
    assert second.evidence_file.name == first.evidence_file.name  # carried over
    assert second.note == "The board re-scored the exam."
    event = AuditEvent.objects.get(action="exam_result.corrected")
    assert event.before["scaled_score"] == 470 and event.after["scaled_score"] == 540
    assert "re-scored" not in str(event.after) + str(event.before)
    # The corrected record cannot be corrected again: the newest one is the one to correct.
    response = client.post(url, {**data, "reason": "Again."})
    assert response.status_code == 409
    assert "already been corrected" in response.content.decode()
    listing = client.get(reverse("exams:home")).content.decode()
    assert "Corrected" in listing and "Corrects an earlier record" in listing


def test_the_score_report_goes_to_the_person_and_registrars_only(client, registrar, trainee):
    result = record(registrar, trainee)
    url = reverse("exams:evidence", kwargs={"pk": result.pk})
    for who, status in ((trainee, 200), (registrar, 200), (UserFactory(), 404)):
        client.force_login(who)
        response = client.get(url)
        assert response.status_code == status
        if status == 200:
            assert b"".join(response.streaming_content) == PDF
            assert "no-store" in response["Cache-Control"]
    client.logout()
    assert client.get(url).status_code == 302


def exam_credential():
    return make_credential(
        "exam-cert", issued=False, attestations=["code_of_ethics"], exam_required="icrc-pr"
    )


def exam_line(trainee):
    eligibility = credential_services.check_eligibility(
        trainee=trainee, credential_code="exam-cert"
    )
    return next(r for r in eligibility.requirements if r.kind == "exam"), eligibility


def test_a_rule_that_requires_the_exam_is_met_only_by_a_standing_pass(client, registrar, trainee):
    exam_credential()
    line, eligibility = exam_line(trainee)
    assert not line.met and line.detail == "IC&RC Peer Recovery Examination: no pass recorded yet"
    record(registrar, trainee, outcome="fail", scaled_score=430, taken_on=days_ago(90))
    assert not exam_line(trainee)[0].met
    passed = record(registrar, trainee, taken_on=days_ago(5), scaled_score=585)
    line, eligibility = exam_line(trainee)
    assert line.met and "passed on" in line.detail and "scaled score 585" in line.detail
    # The registrar finds the pass was recorded against the wrong person's report: corrected
    # to a fail, the line is no longer met.
    exam_services.correct_exam_result(
        registrar=registrar,
        result_id=passed.pk,
        reason="Wrong report.",
        exam_key="icrc-pr",
        taken_on=passed.taken_on,
        outcome="fail",
        scaled_score=455,
    )
    assert not exam_line(trainee)[0].met
    credential_services.pin_credential(
        trainee=trainee, credential=Credential.objects.get(code="exam-cert")
    )
    client.force_login(trainee)
    page = client.get(reverse("credentials:detail", kwargs={"code": "exam-cert"})).content.decode()
    assert "IC&amp;RC Peer Recovery Examination: no pass recorded yet" in page


def test_the_exam_line_costs_one_query_however_many_results(registrar, trainee):
    exam_credential()

    def count():
        with CaptureQueriesContext(connection) as queries:
            credential_services.check_eligibility(trainee=trainee, credential_code="exam-cert")
        return len(queries)

    record(registrar, trainee, outcome="fail", scaled_score=430)
    count()  # warm, as in a running process (the credential's current version is kept)
    one = count()
    for n in range(4):
        record(registrar, trainee, taken_on=days_ago(20 + n), scaled_score=600 + n)
    assert count() == one


def test_the_frameworks_file_makes_the_icrc_rule_require_its_exam():
    loading_services.load_frameworks()
    icrc = Credential.objects.get(code="icrc-pr").current_version
    assert icrc.exam_required == "icrc-pr"
    assert Credential.objects.get(code="peer-foundations").current_version.exam_required == ""
    before = icrc.number
    loading_services.load_frameworks()  # idempotent
    assert Credential.objects.get(code="icrc-pr").current_version.number == before


def test_the_results_list_costs_the_same_queries_at_two_sizes(client, registrar):
    client.force_login(registrar)

    def results(n):
        for i in range(n):
            record(registrar, UserFactory(legal_name=f"Candidate {i}"), scaled_score=500 + i)

    results(2)
    for _ in range(2):  # warm the session and site caches (the first makes settings rows)
        client.get(reverse("exams:home"))
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("exams:home")).status_code == 200
    results(12)
    with CaptureQueriesContext(connection) as large:
        page = client.get(reverse("exams:home")).content.decode()
    assert len(large) == len(small)
    assert page.count("Candidate ") == 14
