"""Eligibility letters: produced once every requirement before the exam is met (refused with
what is missing before that), a tagged PDF with its verification code, audited; the public
check shows what it states and whether it stands; a registrar withdraws it, with a reason."""

import re
import subprocess

import pytest
from django.core.cache import cache
from django.urls import reverse

from certification.credentials.exceptions import CredentialError
from certification.credentials.models import EligibilityLetter
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import letters as letter_services
from certification.standards.models import Credential
from lms.audit.models import AuditEvent
from tests.certification.credential_helpers import make_credential
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def exam_credential(db):
    credential = make_credential(
        "icrc-like",
        issued=False,
        title="IC&RC Peer Recovery (PR)",
        attestations=["code_of_ethics"],
        exam_required="icrc-pr",
    )
    return credential


def issue(client, trainee, code="icrc-like"):
    client.force_login(trainee)
    return client.post(reverse("credentials:letter_issue", kwargs={"code": code}))


def test_a_letter_is_refused_with_what_is_missing_then_issued_once(
    client, trainee, exam_credential
):
    # An external credential shows on the trainee's page once they work toward it.
    credential_services.pin_credential(trainee=trainee, credential=exam_credential)
    response = issue(client, trainee)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Not yet: Code of ethics: not attested yet." in page
    assert not EligibilityLetter.objects.exists()

    credential_services.attest(trainee=trainee, code="code_of_ethics")
    with pytest.raises(CredentialError, match="Confirm your name"):
        letter_services.issue_eligibility_letter(
            actor=trainee, trainee=trainee, credential_code="icrc-like"
        )
    credential_services.confirm_certificate_name(user=trainee, name="Jordan Avery Ellis")
    page = client.get(reverse("credentials:detail", kwargs={"code": "icrc-like"})).content
    assert "Produce my eligibility letter" in page.decode()

    response = issue(client, trainee)
    letter = EligibilityLetter.objects.get()
    assert response["Location"].endswith("/credentials/icrc-like/#letter")
    assert letter.holder_name == "Jordan Avery Ellis" and letter.exam_key == "icrc-pr"
    assert letter.exam_name == "IC&RC Peer Recovery Examination"
    assert letter.requirements == [{"label": "Code of ethics", "detail": "attested"}]
    event = AuditEvent.objects.get(action="eligibility_letter.issued")
    assert event.actor == trainee and event.after["exam"] == "icrc-pr"
    # Asking again returns the standing letter.
    issue(client, trainee)
    assert EligibilityLetter.objects.count() == 1
    page = client.get(reverse("credentials:detail", kwargs={"code": "icrc-like"})).content
    assert letter.grouped_code in page.decode()


def test_a_credential_without_an_exam_has_no_letter(client, trainee):
    make_credential("no-exam", issued=False, attestations=["code_of_ethics"])
    with pytest.raises(CredentialError, match="has no exam") as refused:
        letter_services.issue_eligibility_letter(
            actor=trainee, trainee=trainee, credential_code="no-exam"
        )
    assert refused.value.status == 409


def ready_letter(trainee):
    credential_services.attest(trainee=trainee, code="code_of_ethics")
    credential_services.confirm_certificate_name(user=trainee, name="Jordan Avery Ellis")
    return letter_services.issue_eligibility_letter(
        actor=trainee, trainee=trainee, credential_code="icrc-like"
    )


def test_the_verify_page_shows_what_it_states_and_a_withdrawal(
    client, trainee, registrar, exam_credential
):
    letter = ready_letter(trainee)
    url = f"/verify/{letter.verification_code}/"
    page = client.get(url).content.decode()
    assert "This letter stands" in page and "Jordan Avery Ellis" in page
    assert (
        "IC&amp;RC Peer Recovery Examination" in page
        and "Code of ethics:</strong> attested" in page
    )
    assert "not a decision of the board" in page
    # Typed with dashes and lower case, like a certificate code.
    assert client.get(f"/verify/{letter.grouped_code.lower()}/").status_code == 200

    client.force_login(registrar)
    withdraw = reverse("letters:withdraw", kwargs={"pk": letter.pk})
    response = client.post(withdraw, {"reason": "  "})
    assert response.status_code == 400 and "Say why" in response.content.decode()
    assert client.post(withdraw, {"reason": "Practicum hours were corrected."}).status_code == 302
    letter.refresh_from_db()
    assert letter.withdrawn_by == registrar and not letter.standing
    assert AuditEvent.objects.filter(action="eligibility_letter.withdrawn").exists()
    client.logout()
    page = client.get(url).content.decode()
    assert "Withdrawn on" in page and "Do not rely on it" in page
    assert "Practicum hours were corrected" not in page  # the reason is for registrars
    # Withdrawn: the person can produce a new one (a new code).
    new = letter_services.issue_eligibility_letter(
        actor=trainee, trainee=trainee, credential_code="icrc-like"
    )
    assert new.pk != letter.pk and new.verification_code != letter.verification_code


def test_only_registrars_withdraw_and_list_letters(client, trainee, exam_credential):
    letter = ready_letter(trainee)
    client.force_login(trainee)
    assert client.get(reverse("letters:list")).status_code == 403
    response = client.post(reverse("letters:withdraw", kwargs={"pk": letter.pk}), {"reason": "x"})
    assert response.status_code == 403
    letter.refresh_from_db()
    assert letter.standing


@pytest.mark.slow
def test_the_pdf_is_tagged_carries_the_code_and_goes_to_the_person_and_registrars(
    client, trainee, registrar, exam_credential, tmp_path
):
    from tests.certification.test_verify import tool

    letter = ready_letter(trainee)
    url = reverse("letters:pdf", kwargs={"pk": letter.pk})
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(registrar)
    assert client.get(url).status_code == 200
    client.force_login(trainee)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    info = subprocess.run(
        [tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M) and re.search(r"^Pages:\s+1$", info, re.M)
    assert "Eligibility letter: Jordan Avery Ellis" in info  # the title
    text = subprocess.run(
        [tool("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Eligibility letter" in text and "Jordan Avery Ellis" in text
    assert letter.grouped_code in text
    assert "IC&RC Peer Recovery Examination" in text
    subprocess.run(
        [tool("pdftoppm"), "-png", "-r", "100", "-singlefile", str(path), str(tmp_path / "l")],
        check=True,
    )
    qr = subprocess.run(
        [tool("zbarimg"), "--quiet", "--raw", str(tmp_path / "l.png")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert qr == letter.verification_url
    assert Credential.objects.get(code="icrc-like")  # the rules it was issued on


def test_the_export_holds_letters_and_exam_results_and_erasure_withdraws_and_deletes(
    client, trainee, registrar, exam_credential, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certification.exams import services as exam_services
    from certification.exams.models import ExamResult
    from lms.privacy.services import data_rights

    settings.MEDIA_ROOT = tmp_path / "media"
    letter = ready_letter(trainee)
    exam_services.record_exam_result(
        registrar=registrar,
        trainee=trainee,
        exam_key="icrc-pr",
        taken_on=letter.issued_at.date(),
        outcome="pass",
        scaled_score=530,
        evidence_file=SimpleUploadedFile("r.pdf", b"%PDF-1.7\n", content_type="application/pdf"),
    )
    data = data_rights.personal_data(user=trainee)
    assert data["exam_results"][0]["scaled_score"] == 530
    assert data["eligibility_letters"][0]["code"] == letter.grouped_code
    erasure = data_rights.request_erasure(user=trainee)
    data_rights.complete_erasure(registrar=registrar, request_id=erasure.pk)
    assert not ExamResult.objects.filter(trainee=trainee).exists()
    letter.refresh_from_db()
    assert not letter.standing and letter.holder_name == "" and letter.requirements == []
    page = client.get(f"/verify/{letter.verification_code}/").content.decode()
    assert "Withdrawn on" in page and "Jordan Avery Ellis" not in page
    assert "data was erased at their request" in page


def test_the_letters_list_costs_the_same_queries_at_two_sizes(client, registrar, exam_credential):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def letters(n):
        for _i in range(n):
            ready_letter(UserFactory())

    client.force_login(registrar)
    letters(2)
    for _ in range(2):  # the first request makes the site's settings rows: a new version
        client.get(reverse("letters:list"))
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("letters:list")).status_code == 200
    letters(10)
    with CaptureQueriesContext(connection) as large:
        page = client.get(reverse("letters:list")).content.decode()
    assert len(large) == len(small)
    assert page.count('<tr role="row" id="letter-') == 12
