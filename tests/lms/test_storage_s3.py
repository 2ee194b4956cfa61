"""Files in S3-compatible object storage (lms/storage.py, PEERPATH_S3_BUCKET), against moto's
standalone server (tests/s3.py): every file goes through the storage API, private files are
never readable from the bucket without a signature and reach people only through the app's
permission-checked views or a short-lived signed URL, image renditions are public."""

import hashlib
import io
from datetime import timedelta

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.images.models import Image

from certification.credentials import pdf
from certification.credentials import tasks as credential_tasks
from certification.credentials.models import CertificateTemplate, ContinuingEducation
from certification.credentials.services import certificates as certificate_services
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import loading as loading_services
from tests.certification.credential_helpers import make_credential
from tests.factories import UserFactory
from tests.s3 import png_bytes as png

pytestmark = [pytest.mark.django_db, pytest.mark.s3]


def stored_keys(s3) -> set[str]:
    listing = s3.client.list_objects_v2(Bucket=s3.bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def anonymous_get(s3, key: str) -> requests.Response:
    return requests.get(f"{s3.endpoint_url}/{s3.bucket}/{key}", timeout=10)


@pytest.fixture(autouse=True)
def fresh_state(site):
    """The demo site (with Wagtail's root collection and page tree, which a flush by a
    transactional test before this one would have removed), and no image cached by the PDF
    renderer from another test's storage."""
    pdf.reset_process_state()


@pytest.fixture
def certificate(s3_storage):
    """An issued certificate whose design has a logo kept in the bucket, rendered (so its PDF
    read the logo from the bucket and wrote itself there)."""
    loading_services.load_frameworks()
    logo = Image.objects.create(title="Northside logo", file=ImageFile(io.BytesIO(png()), "l.png"))
    CertificateTemplate.objects.create(
        name="Northside",
        issuing_organisation="Northside Recovery College",
        is_default=True,
        logo=logo,
    )
    make_credential(code="peer-test", title="Peer Worker Foundations Certificate")
    trainee = UserFactory(legal_name="Jordan Avery Ellis")
    credential_services.confirm_certificate_name(user=trainee, name="Jordan Avery Ellis")
    certificate, _ = certificate_services.issue_certificate(
        trainee=trainee, credential_code="peer-test"
    )
    assert credential_tasks.render_certificate_task(certificate.pk) is True
    certificate.refresh_from_db()
    return certificate


def test_the_settings_name_two_storages_in_one_bucket(s3_storage):
    from storages.backends.s3 import S3Storage

    assert isinstance(default_storage, S3Storage)
    assert default_storage.location == "private" and default_storage.querystring_auth
    assert storages["public"].location == "public" and not storages["public"].querystring_auth
    assert default_storage.bucket_name == storages["public"].bucket_name == s3_storage.bucket


@pytest.mark.slow
def test_a_certificate_pdf_is_stored_privately_and_served_only_by_the_app(
    s3_storage, certificate, client
):
    key = f"private/certificates/{certificate.uuid}.pdf"
    assert key in stored_keys(s3_storage)
    assert anonymous_get(s3_storage, key).status_code == 403
    stored = s3_storage.client.get_object(Bucket=s3_storage.bucket, Key=key)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == certificate.pdf_sha256
    # The logo came from the bucket through the storage API: the PDF embeds an image.
    assert b"/Subtype /Image" in stored or b"/Subtype/Image" in stored

    url = reverse("certificates:pdf", kwargs={"uuid": certificate.uuid})
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(certificate.trainee)
    response = client.get(url)
    assert response.status_code == 200 and response.content == stored


@pytest.mark.slow
def test_the_holders_page_shows_the_logo_by_a_signed_url_that_works(
    s3_storage, certificate, client
):
    client.force_login(certificate.trainee)
    page = client.get(reverse("certificates:detail", kwargs={"uuid": certificate.uuid}))
    assert page.status_code == 200
    logo_url = pdf.for_browser(pdf.certificate_context(certificate))["design"]["logo_url"]
    assert logo_url.startswith(f"{s3_storage.endpoint_url}/{s3_storage.bucket}/private/")
    assert "X-Amz-Signature=" in logo_url and "X-Amz-Expires=300" in logo_url
    assert logo_url.split("?")[0] in page.content.decode().replace("&amp;", "&")
    # The page's policy lets the browser load it from the bucket's address, and no other.
    policy = dict(part.strip().split(" ", 1) for part in page["Content-Security-Policy"].split(";"))
    assert policy["img-src"] == f"'self' data: {s3_storage.endpoint_url}"
    assert requests.get(logo_url, timeout=10).content == png()
    assert (
        anonymous_get(
            s3_storage, logo_url.split(f"/{s3_storage.bucket}/")[1].split("?")[0]
        ).status_code
        == 403
    )


def test_renewal_evidence_is_streamed_from_the_bucket_to_the_holder_and_registrars_only(
    s3_storage, client, registrar
):
    holder = UserFactory()
    client.force_login(holder)
    document = b"%PDF-1.7\n% evidence kept in the bucket\n"
    response = client.post(
        reverse("renewal:home"),
        {
            "title": "Ethics in peer work",
            "provider": "Northside Recovery College",
            "topic": "ethics",
            "hours": "6",
            "completed_on": (timezone.localdate() - timedelta(days=20)).isoformat(),
            "evidence_text": "",
            "evidence_file": SimpleUploadedFile("attendance.pdf", document),
        },
    )
    assert response.status_code == 302
    record = ContinuingEducation.objects.get()
    key = f"private/{record.evidence_file.name}"
    assert key in stored_keys(s3_storage)
    assert anonymous_get(s3_storage, key).status_code == 403
    url = reverse("renewal:evidence", kwargs={"pk": record.pk})
    assert b"".join(client.get(url).streaming_content) == document
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(registrar)
    assert b"".join(client.get(url).streaming_content) == document


def test_documents_are_streamed_by_wagtails_serve_view_never_a_redirect_to_the_bucket(
    s3_storage, client
):
    document = Document.objects.create(
        title="Handbook", file=ContentFile(b"peer work handbook", name="handbook.txt")
    )
    assert f"private/{document.file.name}" in stored_keys(s3_storage)
    assert anonymous_get(s3_storage, f"private/{document.file.name}").status_code == 403
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"peer work handbook"


def test_image_originals_are_private_and_renditions_public(s3_storage):
    image = Image.objects.create(title="Banner", file=ImageFile(io.BytesIO(png()), "banner.png"))
    assert anonymous_get(s3_storage, f"private/{image.file.name}").status_code == 403
    # The rendition storage is bound when Wagtail's models load (to the "public" alias of the
    # settings then): renditions made in this process use the filesystem, so check the alias
    # the way a node started with PEERPATH_S3_BUCKET uses it.
    public = storages["public"]
    name = public.save("images/banner.width-80.png", ContentFile(png()))
    assert anonymous_get(s3_storage, f"public/{name}").content == png()
    assert public.url(name) == f"{s3_storage.endpoint_url}/{s3_storage.bucket}/public/{name}"


@pytest.mark.slow
def test_erasure_deletes_the_holders_pdf_from_the_bucket(s3_storage, certificate, registrar):
    from lms.privacy.services import data_rights

    key = f"private/certificates/{certificate.uuid}.pdf"
    assert key in stored_keys(s3_storage)
    erasure = data_rights.request_erasure(user=certificate.trainee)
    data_rights.complete_erasure(registrar=registrar, request_id=erasure.pk)
    assert key not in stored_keys(s3_storage)
