"""Every upload is limited in size and type, checked by content, and refused with a message
that says what is wrong (naming the limit): the PDF check, roster CSVs, continuing-education
evidence, and Wagtail images and documents (which certificate logos and signatures are)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
ZIP = b"PK\x03\x04" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode("utf-8", "replace"))


def tiny_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


# --- The PDF check on /verify/ ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("certificate.pdf", b"", 400, "PDF file to check"),
        ("certificate.png", PNG, 400, "not a PDF"),
        ("certificate.pdf", EXE, 400, "not a PDF"),  # disguised by its name
        ("certificate.pdf", b"%PDF-" + b"A" * 3000, 413, "larger than"),
    ],
    ids=["empty", "wrong-type", "disguised", "too-big"],
)
def test_pdf_check_refuses_bad_files_clearly(
    world, client, settings, name, content, status, message
):
    settings.PEERPATH_VERIFY_PDF_MAX_BYTES = 2048
    response = client.post(reverse("verify:check_pdf"), {"pdf": upload(name, content)})
    assert response.status_code == status
    assert message in text_of(response)
    if status == 413:
        assert "0.001953125 MB" not in text_of(response)  # the limit is written for people


def test_pdf_check_answers_a_broken_pdf_without_an_error(world, client):
    """A file that starts like a PDF but is broken is simply not one we issued."""
    response = client.post(
        reverse("verify:check_pdf"), {"pdf": upload("certificate.pdf", PDF + b"\x00garbage")}
    )
    assert response.status_code == 200
    assert "sha256" in response.context
    assert response.context["matched"] is False


def test_pdf_check_without_a_file_says_so(world, client):
    response = client.post(reverse("verify:check_pdf"), {"other": "x"})
    assert response.status_code == 400
    assert "PDF file to check" in text_of(response)


# --- Roster CSV ---------------------------------------------------------------------------


def roster(client, world, content: bytes, name="roster.csv"):
    client.force_login(world.users["verifier"])
    return client.post(
        reverse("organisations:roster", args=[world.employer.slug]),
        {"roster": upload(name, content, "text/csv")},
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roster.csv", b"", "empty"),
        ("roster.png", PNG, "Upload a CSV file"),
        ("roster.csv", PDF, "not a CSV text file"),
        ("roster.csv", ZIP, "spreadsheet workbook"),
        ("roster.xlsx", ZIP, "spreadsheet workbook"),
        ("roster.csv", b"code\n" + b"A" * (2 * 1024 * 1024), "the limit is 2 MB"),
    ],
    ids=["empty", "wrong-type", "disguised-pdf", "disguised-workbook", "workbook", "too-big"],
)
def test_roster_upload_refuses_bad_files_clearly(world, client, name, content, message):
    response = roster(client, world, content, name)
    assert response.status_code == 400
    assert message in text_of(response)
    assert response.context["result"] is None


def test_roster_of_twenty_thousand_rows_is_refused_with_the_limit(world, client):
    rows = b"".join(b"Person %d,ABCDE-ABCDE-ABCDE-ABCDE-%05d\n" % (i, i) for i in range(20_000))
    response = roster(client, world, b"Name,Code\n" + rows)
    assert response.status_code == 400
    assert "more than 5,000 rows" in text_of(response)


@pytest.mark.parametrize(
    ("template", "encoding"),
    [
        ("\ufeffName,Code\nRō Tanaka,{code}\n", "utf-8"),  # UTF-8 with a BOM
        ("Name;Code\nJosé Núñez;{code}\n", "cp1252"),  # Windows code page, semicolons
        ("Name\tCode\nRō Tanaka\t{code}\n", "utf-16"),  # "Unicode text", with a BOM
    ],
    ids=["utf8-bom", "cp1252", "utf16"],
)
def test_roster_reads_the_encodings_spreadsheets_write(world, client, template, encoding):
    content = template.format(code=world.certificate.verification_code).encode(encoding)
    response = roster(client, world, content)
    assert response.status_code == 200
    assert response.context["result"] is not None
    assert response.context["counts"]["rows"] == 1
    assert response.context["counts"]["errors"] == 0


def test_roster_with_unknown_columns_reports_rows_not_a_crash(world, client):
    response = roster(client, world, b"colour,size,weight\nred,3,4\nblue,5,6\n")
    assert response.status_code in (200, 400)
    body = text_of(response)
    assert 'role="alert"' in body or response.context["result"] is not None


# --- Continuing-education evidence ---------------------------------------------------------


def evidence(client, world, file):
    client.force_login(world.users["graduate"])
    return client.post(
        reverse("renewal:home"),
        {
            "title": "Ethics workshop",
            "topic": "ethics",
            "hours": "2",
            "completed_on": "2026-01-10",
            "evidence_file": file,
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evidence.pdf", b"", "empty"),
        ("evidence.exe", EXE, "Upload a PDF, PNG or JPEG"),
        ("evidence.pdf", EXE, "does not look like a PDF"),
        ("evidence.pdf", b"%PDF-" + b"A" * (5 * 1024 * 1024), "the limit is 5 MB"),
    ],
    ids=["empty", "wrong-type", "disguised", "too-big"],
)
def test_evidence_upload_refuses_bad_files_clearly(world, client, name, content, message):
    from certification.credentials.models import ContinuingEducation

    before = ContinuingEducation.objects.count()
    response = evidence(client, world, upload(name, content))
    assert response.status_code == 400
    assert message in text_of(response)
    assert "Ethics workshop" in text_of(response)  # what was typed is kept
    assert ContinuingEducation.objects.count() == before


# --- Wagtail images and documents (certificate logos and signatures are images) ----------


def admin(client, world):
    client.force_login(world.users["admin"])
    return client


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"", "empty"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Not a supported image format"),
        ("logo.jpg", "png", "does not match"),  # a PNG named .jpg
        ("logo.png", EXE, "not really a .png image"),  # not an image at all
        # A damaged PNG: Pillow raised AttributeError inside Wagtail's checks (a 500).
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"broken" * 10, "damaged"),
        ("logo.png", "big", "Maximum filesize 2.0"),
    ],
    ids=["empty", "svg", "disguised", "exe", "broken", "too-big"],
)
def test_image_upload_refuses_bad_files_clearly(world, client, settings, name, content, message):
    from wagtail.images import get_image_model

    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 2000
    if content == "png":
        content = tiny_png()
    elif content == "big":
        content = tiny_png() + b"\x00" * 4000
    before = get_image_model().objects.count()
    response = admin(client, world).post(
        reverse("wagtailimages:add"), {"title": "Logo", "file": upload(name, content)}
    )
    assert response.status_code == 200  # the form again, with the error
    assert message in text_of(response)
    assert get_image_model().objects.count() == before


def test_a_real_image_is_accepted(world, client):
    from wagtail.images import get_image_model

    before = get_image_model().objects.count()
    response = admin(client, world).post(
        reverse("wagtailimages:add"), {"title": "Logo", "file": upload("logo.png", tiny_png())}
    )
    assert response.status_code == 302
    assert get_image_model().objects.count() == before + 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("handout.pdf", b"", "empty"),
        ("handout.exe", EXE, "is not allowed"),
        ("handout.pdf", EXE, "content is not a PDF file"),
        ("handout.docx", PDF, "content is not a DOCX file"),
        ("handout.csv", PNG, "not a CSV text file"),
        ("handout.pdf", "big", "Maximum filesize 2.0"),
    ],
    ids=["empty", "wrong-type", "disguised-exe", "disguised-pdf", "binary-csv", "too-big"],
)
def test_document_upload_refuses_bad_files_clearly(world, client, settings, name, content, message):
    from wagtail.documents import get_document_model

    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 2048
    if content == "big":
        content = PDF + b"A" * 4096
    before = get_document_model().objects.count()
    response = admin(client, world).post(
        reverse("wagtaildocs:add"), {"title": "Handout", "file": upload(name, content)}
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert get_document_model().objects.count() == before


def test_a_real_document_is_accepted(world, client):
    from wagtail.documents import get_document_model

    before = get_document_model().objects.count()
    response = admin(client, world).post(
        reverse("wagtaildocs:add"), {"title": "Handout", "file": upload("handout.pdf", PDF)}
    )
    assert response.status_code == 302
    assert get_document_model().objects.count() == before + 1
