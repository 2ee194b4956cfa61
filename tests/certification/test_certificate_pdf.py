"""The certificate PDF: one A4 landscape page, tagged, with its language and title, fonts
embedded, the code in its text, a QR code that decodes to the verification URL; rendered to
PNG for a person to look at (tests/screenshots/certificate_pdf/). The URL fetcher serves
project files only. The admin preview renders the design with sample data."""

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from certification.credentials import pdf
from certification.credentials import tasks as credential_tasks
from certification.credentials.exceptions import CertificateRenderError
from certification.credentials.models import Certificate, CertificateTemplate
from certification.credentials.services import certificates as certificate_services
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import loading as loading_services
from tests.certification.credential_helpers import make_credential
from tests.conftest import ROOT, skip_or_fail
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SCREENSHOTS = ROOT / "tests" / "screenshots" / "certificate_pdf"


def tool(name):
    path = shutil.which(name)
    if path is None:
        package = "zbar-tools" if name == "zbarimg" else "poppler-utils"
        skip_or_fail(f"{name} is not installed: apt-get install {package}")
    return path


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    pdf.reset_process_state()


@pytest.fixture
def certificate(db):
    loading_services.load_frameworks()
    CertificateTemplate.objects.create(
        name="Northside",
        issuing_organisation="Northside Recovery College",
        is_default=True,
    )
    make_credential(
        code="peer-test",
        title="Peer Worker Foundations Certificate",
        alignment_statement=(
            "Content mapped to the SAMHSA Core Competencies for Peer Workers (2015), the "
            "N.A.P.S. National Practice Guidelines and the IC&RC Peer Recovery domains. Not an "
            "IC&RC or NAADAC credential."
        ),
    )
    trainee = UserFactory(legal_name="Jordan Avery Ellis")
    credential_services.confirm_certificate_name(user=trainee, name="Jordan Avery Ellis")
    certificate, _ = certificate_services.issue_certificate(
        trainee=trainee, credential_code="peer-test"
    )
    assert credential_tasks.render_certificate_task(certificate.pk) is True
    certificate.refresh_from_db()
    return certificate


def pdf_path(certificate) -> Path:
    from django.core.files.storage import default_storage

    return Path(default_storage.path(certificate.pdf.name))


def run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def inflated(data: bytes) -> bytes:
    """The PDF with its compressed streams inflated, to look for catalogue entries. Each
    stream is inflated from its start until zlib says it ended (the compressed bytes may
    themselves contain anything, so no pattern finds where a stream ends)."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        decompressor = zlib.decompressobj()
        try:
            parts.append(decompressor.decompress(data[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_one_a4_landscape_tagged_page_with_title_language_and_code(certificate):
    path = pdf_path(certificate)
    info = run(tool("pdfinfo"), str(path))
    assert re.search(r"^Pages:\s+1$", info, re.M)
    assert re.search(r"^Page size:\s+841\.89 x 595\.27\d? pts \(A4\)", info, re.M)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert "Title:           Peer Worker Foundations Certificate: Jordan Avery Ellis" in info
    assert b"/Lang (en-GB)" in inflated(path.read_bytes())
    text = run(tool("pdftotext"), str(path), "-")
    flat = re.sub(r"\s+", "", text)
    assert "Jordan Avery Ellis" in text
    assert certificate.grouped_code in flat and certificate.verification_url in flat
    assert "Content mapped to the SAMHSA" in text.replace("\n", " ")
    assert "approved by" not in text.lower()
    assert "Northside Recovery College".upper() in text


def test_fonts_are_the_projects_and_embedded(certificate):
    output = run(tool("pdffonts"), str(pdf_path(certificate)))
    rows = [line.split() for line in output.splitlines()[2:] if line.strip()]
    assert rows, output
    names = {row[0].split("+", 1)[-1] for row in rows}
    assert names <= {
        "Peerpath-Serif",
        "Peerpath-Serif-Italic",
        "Peerpath-Sans",
        "Peerpath-Sans-Bold",
    }
    # Columns: name, type..., encoding, emb, sub, uni, object, generation.
    assert all(row[-5] == "yes" and row[-4] == "yes" for row in rows), output


def test_qr_code_decodes_to_the_verification_url_and_png_is_written(certificate):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = SCREENSHOTS / "certificate"
    run(
        tool("pdftoppm"),
        "-png",
        "-r",
        "150",
        "-singlefile",
        str(pdf_path(certificate)),
        str(prefix),
    )
    png = prefix.with_suffix(".png")
    assert png.stat().st_size > 20_000
    decoded = run(tool("zbarimg"), "--quiet", "--raw", str(png)).strip()
    assert decoded == certificate.verification_url
    assert decoded == f"http://testserver/verify/{certificate.verification_code}/"


def test_qr_code_is_one_vector_path():
    svg = pdf.qr_svg("http://testserver/verify/ABCDE/")
    assert svg.count("<path") == 1 and "<rect" not in svg


def test_stored_once_with_its_hash(certificate):
    import hashlib

    data = pdf_path(certificate).read_bytes()
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert certificate.pdf.name == f"certificates/{certificate.uuid}.pdf"
    assert credential_tasks.render_certificate_task(certificate.pk) is False
    assert pdf_path(certificate).read_bytes() == data


def test_url_fetcher_serves_project_files_and_refuses_everything_else(settings, tmp_path):
    name, font = pdf.read_local_url(f"{pdf.BASE_URL}static/certification/fonts/Lato-Regular.ttf")
    assert name == "Lato-Regular.ttf" and font[:4] == b"\x00\x01\x00\x00"
    (settings.MEDIA_ROOT / "images").mkdir(parents=True)
    (settings.MEDIA_ROOT / "images" / "logo.png").write_bytes(b"png")
    assert pdf.read_local_url(f"{pdf.BASE_URL}media/images/logo.png") == ("logo.png", b"png")
    secret = tmp_path / "secret.txt"
    secret.write_text("no")
    for url in (
        "https://example.org/logo.png",
        "http://peerpath.invalid/static/certification/certificate.css",
        f"file://{secret}",
        "data:text/plain,hello",
        f"{pdf.BASE_URL}media/../secret.txt",
        f"{pdf.BASE_URL}media/%2e%2e/secret.txt",
        f"{pdf.BASE_URL}static/../../etc/passwd",
        f"{pdf.BASE_URL}etc/passwd",
        f"{pdf.BASE_URL}media/images/missing.png",
        f"{pdf.BASE_URL}static/certification/certificate.css?x=1",
    ):
        with pytest.raises(CertificateRenderError):
            pdf.read_local_url(url)


def test_admin_preview_with_sample_data(client, superuser):
    design = CertificateTemplate.objects.create(name="Preview me", heading="Certificate")
    client.force_login(superuser)
    base = f"/admin/snippets/credentials/certificatetemplate/preview/{design.pk}/"
    listing = client.get("/admin/snippets/credentials/certificatetemplate/")
    assert listing.status_code == 200
    edit = client.get(f"/admin/snippets/credentials/certificatetemplate/edit/{design.pk}/")
    assert edit.status_code == 200
    form = {
        "name": "Preview me",
        "issuing_organisation": "Harbour Lights",
        "heading": "Certificate",
        "intro": "This certifies that",
        "body": "has met every requirement of the",
        "footer": "",
        "primary_colour": "#1f4e5f",
        "accent_colour": "#b08d57",
        "signatories-TOTAL_FORMS": "0",
        "signatories-INITIAL_FORMS": "0",
        "signatories-MIN_NUM_FORMS": "0",
        "signatories-MAX_NUM_FORMS": "3",
    }
    bad = client.post(base, {**form, "primary_colour": "red; background: url(x)"})
    assert bad.status_code == 200 and bad.json()["is_valid"] is False
    assert client.post(base, form).json()["is_valid"] is True
    page = client.get(base)
    assert page.status_code == 200 and b"Alex Sample-Holder" in page.content
    assert b"Harbour Lights" in page.content
    client.post(base + "?mode=pdf", form)
    document = client.get(base + "?mode=pdf")
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    assert document.content.startswith(b"%PDF")
    assert not Certificate.objects.exists()


def test_a_long_name_still_fits_on_one_page(db, tmp_path):
    context = pdf.sample_context(CertificateTemplate(name="x"))
    name = "Maria de los Ángeles Fernández-Castellanos y Ortega-Villanueva"
    context = {**context, "holder_name": name, "name_size": pdf._name_size(name)}
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf.render_pdf(context))
    assert re.search(r"^Pages:\s+1$", run(tool("pdfinfo"), str(path)), re.M)
    assert name in run(tool("pdftotext"), str(path), "-").replace("\n", " ")


def test_warm_up_renders_without_the_database_and_is_not_counted(django_assert_num_queries):
    """A worker warms up before its first task: a full render of sample text, no queries."""
    with django_assert_num_queries(0):
        pdf.warm_up()
    assert pdf.process_state().renders == 0


def test_a_failing_warm_up_never_stops_a_worker(monkeypatch, caplog):
    from lms.celery import warm_up_certificate_rendering

    def broken():
        raise CertificateRenderError("Certificate fonts missing: x.ttf.")

    monkeypatch.setattr(pdf, "warm_up", broken)
    warm_up_certificate_rendering()
    assert "Certificate warm-up failed: Certificate fonts missing" in caplog.text
