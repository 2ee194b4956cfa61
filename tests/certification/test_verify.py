"""Public verification through HTTP: the status banners, one response for every code that
cannot be shown, the JSON and its OpenAPI schema, the PDF check, rate limiting by the
trusted-proxy rule, private headers, queries per request, and no private field in any output."""

import hashlib
import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certification.credentials import pdf
from certification.credentials import tasks as credential_tasks
from certification.credentials.models import Certificate, CertificateTemplate
from certification.credentials.services import certificates as certificate_services
from certification.credentials.services import codes as verification_codes
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import lifecycle as lifecycle_services
from certification.credentials.services import loading as loading_services
from certification.live.models import Attendance, LiveSession
from certification.packets.models import Packet, Section
from certification.packets.services import packets as packet_services
from certification.standards.models import Competency
from certification.verification import services as verification_services
from certification.verification.openapi import openapi_document
from tests.certification.credential_helpers import make_credential
from tests.conftest import skip_or_fail
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

COMPETENCY = "samhsa-pw-2015/III.1"


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PEERPATH_VERIFY_RATE_LIMIT = 1000
    pdf.reset_process_state()
    cache.clear()  # records and rate counts from another test must not leak into this one


@pytest.fixture
def fake_render(monkeypatch):
    """A tiny PDF per certificate instead of WeasyPrint's (the real one: see the leak test)."""

    def render(certificate):
        return b"%PDF-1.7\n% test certificate " + certificate.verification_code.encode() + b"\n"

    monkeypatch.setattr(pdf, "render_certificate_pdf", render)


@pytest.fixture
def issue(db, fake_render):
    """issue(name=..., **updates): an issued certificate through the services (issue, then
    the PDF task), aligned to one framework competency. `updates` shift dates for states
    that need another day, as an update on the row (a snapshot cannot be saved)."""
    loading_services.load_frameworks()
    CertificateTemplate.objects.create(
        name="Northside", issuing_organisation="Northside Recovery College", is_default=True
    )
    make_credential(title="Peer Worker Foundations Certificate")
    registrar = UserFactory(legal_name="Ana Souza")
    framework, _sep, code = COMPETENCY.partition("/")
    competency = Competency.objects.get(domain__framework__slug=framework, code=code)

    def make(name="Jordan Ellis", **updates):
        trainee = UserFactory(legal_name=f"{name} Legal")
        credential_services.confirm_certificate_name(user=trainee, name=name)
        certificate, _ = certificate_services.issue_certificate(
            trainee=trainee,
            credential_code="test-cert",
            actor=registrar,
            reason="Recognition of prior learning.",
        )
        assert credential_tasks.render_certificate_task(certificate.pk) is True
        Certificate.objects.filter(pk=certificate.pk).update(
            competencies=[{"code": competency.key, "text": competency.text}], **updates
        )
        return Certificate.objects.get(pk=certificate.pk)

    make.registrar = registrar
    return make


def page(client, code, **extra):
    return client.get(reverse("verify:certificate", args=[code]), **extra)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def banner(response) -> str:
    html = response.content.decode()
    match = re.search(r'<h1 id="verify-status"[^>]*>(.*?)</h1>', html, re.S)
    assert match, "no status banner heading"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match[1])).strip()


# --- The form ---------------------------------------------------------------------------------


def test_the_form_leads_to_the_code_whatever_its_case_spaces_dashes_or_lookalikes(client, issue):
    certificate = issue()
    code = certificate.verification_code
    typed = " " + certificate.grouped_code.lower().replace("0", "o").replace("1", "l") + " "
    response = client.get(reverse("verify:lookup"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{code}/"
    assert "Valid certificate" in banner(client.get(response["Location"]))
    # A pasted verification link works too.
    response = client.get(reverse("verify:lookup"), {"code": certificate.verification_url})
    assert response["Location"] == f"/verify/{code}/"


def test_the_form_explains_an_empty_code_and_has_labels(client):
    response = client.get(reverse("verify:lookup"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="verify-code">Certificate code</label>' in html
    assert 'aria-describedby="verify-code-hint"' in html
    response = client.get(reverse("verify:lookup"), {"code": "   "})
    assert response.status_code == 400
    assert "Type the certificate code" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


# --- Status banners ---------------------------------------------------------------------------


def test_valid_banner_and_the_public_record(client, issue):
    certificate = issue()
    response = page(client, certificate.verification_code)
    assert response.status_code == 200
    expires = certificate.expires_on.strftime("%-d %B %Y")
    assert banner(response) == "✓ Valid certificate"
    text = text_of(response)
    assert f"This certificate is valid. It expires on {expires}." in text
    assert "Jordan Ellis" in text and "Peer Worker Foundations Certificate" in text
    assert "Northside Recovery College" in text and certificate.grouped_code in text
    assert certificate.issued_on.strftime("%-d %B %Y") in text
    # Aligned to, linked to the framework's public page (on this site, as a path).
    competency = certificate.competencies[0]
    framework, _sep, code = competency["code"].partition("/")
    node = reverse("frameworks:node", kwargs={"framework": framework, "code": code})
    assert f'href="{node}"' in response.content.decode()
    assert client.get(node).status_code == 200
    assert "<title>Valid certificate: Jordan Ellis" in response.content.decode()


def test_expired_banner(client, issue):
    today = timezone.localdate()
    certificate = issue(
        issued_on=today - timedelta(days=800), expires_on=today - timedelta(days=30)
    )
    response = page(client, certificate.verification_code)
    day = (today - timedelta(days=30)).strftime("%-d %B %Y")
    assert response.status_code == 200
    assert banner(response) == f"! Expired on {day}"
    assert "no longer current" in text_of(response)


def test_revoked_banner_shows_the_date_never_the_reason(client, issue):
    certificate = issue()
    lifecycle_services.revoke_certificate(
        registrar=issue.registrar,
        certificate_id=certificate.pk,
        reason="Relapse disclosed in supervision",
    )
    response = page(client, certificate.verification_code)
    day = timezone.localdate().strftime("%-d %B %Y")
    assert response.status_code == 200
    assert banner(response) == f"✕ Revoked on {day}"
    assert "Relapse" not in response.content.decode()
    assert "We do not publish reasons" in text_of(response)


def test_replaced_banner_links_to_the_newer_certificate(client, issue):
    certificate = issue()
    new = lifecycle_services.replace_certificate(
        actor=issue.registrar, certificate_id=certificate.pk, reason="Name misspelt"
    )
    credential_tasks.render_certificate_task(new.pk)
    response = page(client, certificate.verification_code)
    assert banner(response) == "! Replaced by a newer certificate"
    html = response.content.decode()
    assert f'href="/verify/{new.verification_code}/"' in html
    assert "See the newer certificate" in html
    assert "Valid certificate" in banner(page(client, new.verification_code))
    # The newer one hidden by its holder: the old page no longer links to it.
    lifecycle_services.hide_certificate(holder=new.trainee, certificate_id=new.pk, hidden=True)
    html = page(client, certificate.verification_code).content.decode()
    assert new.verification_code not in html
    assert "ask the holder for its code" in html


def test_not_yet_valid_banner(client, issue):
    start = timezone.localdate() + timedelta(days=10)
    certificate = issue(issued_on=start, expires_on=start + timedelta(days=700))
    response = page(client, certificate.verification_code)
    assert banner(response) == "! Not yet valid"
    assert f"takes effect on {start.strftime('%-d %B %Y')}" in text_of(response)


def test_suspended_banner_then_reinstated(client, issue):
    certificate = issue()
    lifecycle_services.suspend_certificate(
        registrar=issue.registrar, certificate_id=certificate.pk, reason="Complaint received"
    )
    response = page(client, certificate.verification_code)
    day = timezone.localdate().strftime("%-d %B %Y")
    assert banner(response) == f"! Suspended on {day}"
    assert "not valid while it is suspended" in text_of(response)
    assert "Complaint" not in response.content.decode()
    lifecycle_services.reinstate_certificate(
        registrar=issue.registrar, certificate_id=certificate.pk
    )
    assert banner(page(client, certificate.verification_code)) == "✓ Valid certificate"


# --- Codes that cannot be shown ---------------------------------------------------------------


def test_unknown_malformed_hidden_and_pending_codes_get_one_identical_response(
    client, issue, settings
):
    hidden = issue(name="Hidden Holder")
    lifecycle_services.hide_certificate(
        holder=hidden.trainee, certificate_id=hidden.pk, hidden=True
    )
    trainee = UserFactory()
    credential_services.confirm_certificate_name(user=trainee, name="Pending Person")
    pending, _ = certificate_services.issue_certificate(
        trainee=trainee, credential_code="test-cert", actor=issue.registrar, reason="RPL"
    )
    assert pending.status == Certificate.Status.PENDING
    unknown = verification_codes.generate_verification_code()
    codes = [
        unknown,
        unknown.lower(),
        "not-a-code",
        "ZZZZZ-ZZZZZ",
        "<script>alert(1)</script>",
        "U" * 25,  # U is not in the alphabet
        hidden.verification_code,
        hidden.grouped_code,
        pending.verification_code,
    ]
    pages = [client.get(f"/verify/{code}/") for code in codes]
    jsons = [client.get(f"/verify/{code}.json") for code in codes]
    for responses in (pages, jsons):
        assert {r.status_code for r in responses} == {404}
        assert len({r.content for r in responses}) == 1, "responses differ"
        assert len({r["Content-Type"] for r in responses}) == 1
        for r in responses:
            assert r["Cache-Control"] == "no-store"
    body = pages[0].content.decode()
    assert "No certificate to show for this code" in body
    for code in codes:
        assert code.lower() not in body.lower()
    assert json.loads(jsons[0].content)["error"] == "not_found"
    # Shown again, the hidden one is found at once (nothing negative was cached).
    lifecycle_services.hide_certificate(
        holder=hidden.trainee, certificate_id=hidden.pk, hidden=False
    )
    assert page(client, hidden.verification_code).status_code == 200


# --- Headers and JSON -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/verify/", "/verify/check-pdf/", "/verify/{code}/"])
def test_private_headers_and_no_third_party_resources(client, issue, path):
    certificate = issue()
    response = client.get(path.format(code=certificate.verification_code))
    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Cache-Control"] == "no-store"
    # No referrer ever leaves with a code; a page that posts a form back here needs the
    # same-origin one, since under no-referrer the browser sends "Origin: null".
    expected = "same-origin" if "check-pdf" in path else "no-referrer"
    assert response["Referrer-Policy"] == expected
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    # Scripts and styles only from this site; no inline script or style.
    assert re.findall(r'<script[^>]*src="(?!/static/)', html) == []
    assert re.findall(r'<link[^>]*href="(?!/static/)[^"]*"[^>]*stylesheet', html) == []
    assert "<style" not in html and re.search(r"<script(?![^>]*src=)", html) is None
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_signed_in_visitor_can_still_sign_out_from_a_verify_page(client, issue):
    certificate = issue()
    client.force_login(certificate.trainee)
    response = page(client, certificate.verification_code)
    assert "Sign out" in response.content.decode()
    assert response["Referrer-Policy"] == "same-origin"
    assert client.get(f"/verify/{certificate.verification_code}.json")["Referrer-Policy"] == (
        "no-referrer"
    )


def test_json_has_the_same_fields_and_status_as_the_page(client, issue):
    certificate = issue()
    lifecycle_services.revoke_certificate(
        registrar=issue.registrar, certificate_id=certificate.pk, reason="Issued in error"
    )
    response = client.get(f"/verify/{certificate.grouped_code.lower()}.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    certificate.refresh_from_db()
    assert data == verification_services.public_record(certificate)
    assert data["status"]["state"] == "revoked"
    assert data["status"]["date"] == timezone.localdate().isoformat()
    assert data["holder_name"] == "Jordan Ellis"
    assert "reason" not in json.dumps(data).lower()
    html = page(client, certificate.verification_code)
    assert data["holder_name"] in html.content.decode()


# A small JSON Schema checker for the keywords the OpenAPI document uses (no dependency).


def check(instance, schema, document, path="$"):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return check(instance, document["components"]["schemas"][name], document, path)
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        python = {
            "string": str,
            "integer": int,
            "object": dict,
            "array": list,
            "null": type(None),
            "boolean": bool,
        }
        assert any(isinstance(instance, python[t]) for t in types), f"{path}: type {types}"
    if instance is None:
        return
    if "enum" in schema:
        assert instance in schema["enum"], f"{path}: {instance!r} not in enum"
    if "pattern" in schema:
        assert re.search(schema["pattern"], instance), f"{path}: pattern"
    if schema.get("format") == "date":
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", instance), f"{path}: date"
    if schema.get("format") == "uri":
        assert instance.startswith(("http://", "https://")), f"{path}: uri"
    if "minimum" in schema:
        assert instance >= schema["minimum"], f"{path}: minimum"
    if isinstance(instance, dict):
        for key in schema.get("required", []):
            assert key in instance, f"{path}: {key} required"
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            assert set(instance) <= set(properties), (
                f"{path}: extra {set(instance) - set(properties)}"
            )
        for key, value in instance.items():
            if key in properties:
                check(value, properties[key], document, f"{path}.{key}")
    if isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            check(item, schema["items"], document, f"{path}[{index}]")


def test_openapi_document_is_served_and_describes_every_json_response(client, issue, settings):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document == json.loads(json.dumps(openapi_document()))
    assert document["openapi"] == "3.1.0"
    operation = document["paths"]["/verify/{code}.json"]["get"]
    certificate = issue()
    replaced = issue(name="Sam Rivera")
    new = lifecycle_services.replace_certificate(
        actor=issue.registrar, certificate_id=replaced.pk, reason="Typo"
    )
    credential_tasks.render_certificate_task(new.pk)
    for code in (certificate.verification_code, replaced.verification_code):
        data = json.loads(client.get(f"/verify/{code}.json").content)
        check(
            data, operation["responses"]["200"]["content"]["application/json"]["schema"], document
        )
    assert data["replaced_by"]["code"] == new.grouped_code
    missing = client.get("/verify/nothing.json")
    check(
        json.loads(missing.content),
        operation["responses"]["404"]["content"]["application/json"]["schema"],
        document,
    )
    settings.PEERPATH_VERIFY_RATE_LIMIT = 1
    client.get("/verify/nothing.json")
    limited = client.get("/verify/nothing.json")
    assert limited.status_code == 429
    check(
        json.loads(limited.content),
        operation["responses"]["429"]["content"]["application/json"]["schema"],
        document,
    )
    # The schema really is strict: a record with a private field would fail it.
    with pytest.raises(AssertionError):
        check({**data, "email": "x@example.org"}, {"$ref": "#/c/VerificationRecord"}, document)


# --- Rate limiting ----------------------------------------------------------------------------


def test_rate_limit_gives_a_clear_429_page_and_json_with_retry_after(client, settings):
    settings.PEERPATH_VERIFY_RATE_LIMIT = 3
    settings.PEERPATH_VERIFY_RATE_WINDOW = 60
    statuses = [client.get(f"/verify/code{n}/").status_code for n in range(3)]
    assert statuses == [404, 404, 404]
    response = client.get("/verify/code4/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Cache-Control"] == "no-store"
    assert "Too many checks for now" in response.content.decode()
    response = client.get("/verify/code5.json")
    assert response.status_code == 429 and response["Retry-After"]
    assert json.loads(response.content)["error"] == "rate_limited"
    # Another address still gets through.
    assert client.get("/verify/code6/", REMOTE_ADDR="192.0.2.7").status_code == 404
    # The form itself is not a lookup and is never limited.
    assert client.get("/verify/").status_code == 200


def test_a_forged_forwarded_header_does_not_bypass_the_limit(client, settings):
    settings.PEERPATH_VERIFY_RATE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = [
        client.get("/verify/x/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [404, 404, 429, 429, 429]


def test_behind_one_trusted_proxy_only_the_proxys_entry_counts(client, settings):
    """With one proxy, the client is the rightmost X-Forwarded-For entry (what the proxy
    saw); whatever the client put further left is ignored."""
    settings.PEERPATH_VERIFY_RATE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    forged = [
        client.get(
            "/verify/x/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.9", **proxy
        ).status_code
        for n in range(4)
    ]
    assert forged == [404, 404, 429, 429]
    # A different real client behind the same proxy has its own count.
    other = client.get("/verify/x/", HTTP_X_FORWARDED_FOR="203.0.113.10", **proxy)
    assert other.status_code == 404


@pytest.mark.services
def test_rate_limit_is_shared_through_redis(client, settings, redis_url):
    """With Redis (production), the count lives in one place for every worker."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "lms.cache.ResilientRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-verify-{timezone.now().timestamp()}",
        }
    }
    settings.PEERPATH_VERIFY_RATE_LIMIT = 2
    statuses = [client.get("/verify/x/").status_code for _ in range(3)]
    assert statuses == [404, 404, 429]
    assert caches["default"].__class__.__name__ == "ResilientRedisCache"


# --- Queries ----------------------------------------------------------------------------------


def test_one_query_cold_none_warm_and_a_change_shows_at_once(client, issue):
    certificate = issue()
    code = certificate.verification_code
    client.get("/verify/")  # the header and footer settings, cached once for every page
    cache.delete(f"verify:record:v1:{code}:{timezone.localdate()}")
    with CaptureQueriesContext(connection) as cold:
        assert page(client, code).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert page(client, code).status_code == 200
        assert client.get(f"/verify/{code}.json").status_code == 200
    assert len(cold) == 1, [q["sql"] for q in cold]
    assert len(warm) == 0, [q["sql"] for q in warm]
    # Revocation clears the cached record: the next request shows it.
    lifecycle_services.revoke_certificate(
        registrar=issue.registrar, certificate_id=certificate.pk, reason="Issued in error"
    )
    assert banner(page(client, code)).startswith("✕ Revoked on")
    assert json.loads(client.get(f"/verify/{code}.json").content)["status"]["state"] == "revoked"


def test_unknown_and_hidden_codes_cost_the_same_queries_and_malformed_no_lookup(client, issue):
    """Equal work for every code that cannot be shown (no timing difference to probe). Each
    404 also pays for Wagtail's redirect middleware, which looks for a redirect on any 404."""
    hidden = issue()
    lifecycle_services.hide_certificate(
        holder=hidden.trainee, certificate_id=hidden.pk, hidden=True
    )
    client.get("/verify/")
    counts = {}
    for name, code in [
        ("unknown", verification_codes.generate_verification_code()),
        ("hidden", hidden.verification_code),
        ("malformed", "nonsense"),
    ]:
        with CaptureQueriesContext(connection) as queries:
            assert page(client, code).status_code == 404
        counts[name] = [q["sql"] for q in queries]
    assert len(counts["unknown"]) == len(counts["hidden"])
    lookups = [sql for sql in counts["unknown"] if "certification_certificate" in sql]
    assert len(lookups) == 1
    assert not [sql for sql in counts["malformed"] if "certification_certificate" in sql]


# --- Checking a PDF ---------------------------------------------------------------------------


def upload(client, data: bytes, name="certificate.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("verify:check_pdf"),
        {"pdf": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def stored_pdf(certificate) -> bytes:
    with default_storage.open(certificate.pdf.name) as handle:
        return handle.read()


def test_pdf_check_finds_the_identical_file_and_catches_an_edit(client, issue, tmp_path):
    certificate = issue()
    data = stored_pdf(certificate)
    files_before = sorted(p.name for p in Path(default_storage.location).rglob("*"))
    response = upload(client, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The PDF matches a certificate we issued" in html
    assert "Valid certificate" in html and "Jordan Ellis" in html
    assert hashlib.sha256(data).hexdigest() in html
    edited = data.replace(b"test certificate", b"test certificatf")
    response = upload(client, edited)
    assert response.status_code == 200
    assert "The PDF does not match any certificate we issued" in response.content.decode()
    assert "Jordan Ellis" not in response.content.decode()
    # Never stored: the media storage holds exactly what it held before.
    assert sorted(p.name for p in Path(default_storage.location).rglob("*")) == files_before
    # The same check for programs, by SHA-256.
    response = client.get(f"/verify/pdf/{hashlib.sha256(data).hexdigest()}.json")
    assert json.loads(response.content)["code"] == certificate.grouped_code
    assert client.get(f"/verify/pdf/{hashlib.sha256(edited).hexdigest()}.json").status_code == 404


def test_pdf_check_of_a_hidden_certificate_is_a_plain_mismatch(client, issue):
    certificate = issue()
    lifecycle_services.hide_certificate(
        holder=certificate.trainee, certificate_id=certificate.pk, hidden=True
    )
    response = upload(client, stored_pdf(certificate))
    assert "does not match any certificate" in response.content.decode()
    assert "Jordan Ellis" not in response.content.decode()


def test_pdf_check_explains_bad_files(client, settings):
    settings.PEERPATH_VERIFY_PDF_MAX_BYTES = 1024
    response = upload(client, b"GIF89a not a pdf", name="certificate.pdf")
    assert response.status_code == 400
    assert "This file is not a PDF" in response.content.decode()
    response = upload(client, b"%PDF-1.7\n" + b"x" * 2000)
    assert response.status_code == 413
    assert "cannot be a Peerpath certificate" in response.content.decode()
    response = client.post(reverse("verify:check_pdf"), {})
    assert response.status_code == 400
    assert "Choose the certificate" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_pdf_check_needs_the_csrf_token(issue):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    certificate = issue()
    response = upload(strict, stored_pdf(certificate))
    assert response.status_code == 403
    form = strict.get(reverse("verify:check_pdf")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = strict.post(
        reverse("verify:check_pdf"),
        {
            "csrfmiddlewaretoken": token,
            "pdf": SimpleUploadedFile("c.pdf", stored_pdf(certificate)),
        },
    )
    assert response.status_code == 200 and "matches a certificate" in response.content.decode()


# --- Nothing private in any output ------------------------------------------------------------

MARK = "ZQXLEAK"


def tool(name):
    path = shutil.which(name)
    if path is None:
        skip_or_fail(f"{name} is not installed: apt-get install zbar-tools poppler-utils")
    return path


@pytest.mark.slow
def test_no_private_field_reaches_any_public_output(client, site, tmp_path):
    """A marker in every sensitive field a certificate's holder has (contact details, legal
    name, pronouns, practicum accounts, supervision notes, sign-off comments, reflections,
    the issue and revocation reasons), then every public output searched for it: the page,
    the JSON, the PDF check, the PDF's text, its QR code, and the signed credential; and the
    holder's board application packet with every part: its verify page and JSON, its PDF's
    text and bytes, its signed CLR and the holder's own packet page."""
    from certification.credentials.models import EligibilityLetter
    from certification.practicum.models import (
        ActivityType,
        PracticumEntry,
        SignOffRating,
        SignOffRequest,
        SupervisionSession,
        SupervisorInvitation,
    )
    from courses.models import Reflection
    from tests.certification.credential_helpers import (
        approved_minutes,
        make_course,
        placement_for,
    )

    loading_services.load_frameworks()
    CertificateTemplate.objects.create(
        name="Northside", issuing_organisation="Northside Recovery College", is_default=True
    )
    framework, _sep, code = COMPETENCY.partition("/")
    competency = Competency.objects.get(domain__framework__slug=framework, code=code)
    make_credential(competency_signoffs=[competency.key], training_hours=2)
    trainee = UserFactory(
        email=f"{MARK.lower()}-email@example.org",
        legal_name=f"{MARK} Legal Name",
        preferred_name=f"{MARK} Preferred",
        pronouns=f"{MARK}/pronouns",
    )
    credential_services.confirm_certificate_name(user=trainee, name="Jordan Ellis")
    placement, supervisor = placement_for(trainee)
    entry = approved_minutes(placement, supervisor, 120)
    # A further (unsigned) entry carries the marker: signed entries cannot be changed at all
    # on PostgreSQL, where a trigger refuses it.
    PracticumEntry.objects.create(
        placement=placement,
        date=entry.date,
        start_time=entry.start_time.replace(hour=(entry.start_time.hour + 4) % 24),
        minutes=30,
        setting=entry.setting,
        activity=entry.activity,
        description=f"{MARK} practicum account",
    )
    # A signed entry (made signed: never changed after) with the marker in the trainee's
    # account and the supervisor's comment: the packet lists it, its words never.
    PracticumEntry.objects.create(
        placement=placement,
        date=entry.date,
        start_time=entry.start_time.replace(hour=(entry.start_time.hour + 6) % 24),
        minutes=45,
        setting=entry.setting,
        activity=entry.activity,
        description=f"{MARK} signed practicum account",
        decision_comment=f"{MARK} supervisor decision comment",
        status=PracticumEntry.Status.APPROVED,
        decided_at=timezone.now(),
        decided_by=supervisor,
        signed_qualification="Certified Peer Supervisor",
        content_hash="1" * 64,
    )
    request = SignOffRequest.objects.create(
        placement=placement, competency=competency, account=f"{MARK} my lived experience"
    )
    SignOffRating.objects.create(
        request=request,
        rater=supervisor,
        rating="competent",
        comment=f"{MARK} supervisor comment on a relapse",
        rater_qualification="Certified Peer Supervisor",
        qualification_current=True,
        content_hash="0" * 64,
        created_at=timezone.now(),
    )
    SupervisionSession.objects.create(
        placement=placement,
        supervisor=supervisor,
        kind="individual",
        date=timezone.localdate() - timedelta(days=3),
        minutes=60,
        private_notes=f"{MARK} supervision notes about health",
        signed_qualification="Certified Peer Supervisor",
        content_hash="0" * 64,
    )
    # The invitation that brought a supervisor: their name and role as the inviter typed them.
    SupervisorInvitation.objects.create(
        host=placement.host,
        trainee=trainee,
        trainee_email=trainee.email,
        name=f"{MARK} Invited Supervisor",
        email="invited-supervisor@example.org",
        job_role=f"{MARK} supervisor's job role",
        qualification="Certified Peer Supervisor",
        starts_on=placement.starts_on,
        ends_on=placement.ends_on,
        expires_at=timezone.now() + timedelta(days=1),
    )
    registrar_for_live = UserFactory(legal_name="Live Trainer")
    _course, lessons, _quiz = make_course("ethics-x", quiz=False)
    Reflection.objects.create(
        user=trainee, lesson=lessons[0], block_id="b1", prompt="How?", text=f"{MARK} reflection"
    )
    # A trainer's note on the trainee's signed attendance at a live session.
    live = LiveSession.objects.create(
        title="Ethics workshop",
        course=_course,
        organisation=OrganisationFactory(name="Live provider", slug="live-provider"),
        trainer=registrar_for_live,
        starts_at=timezone.now() - timedelta(days=2),
        minutes=120,
        mode="in_person",
        place="Room 2",
        hours_by_domain={},
        check_in_secret="0" * 64,
    )
    Attendance.objects.create(
        session=live,
        learner=trainee,
        status="left_early",
        minutes_present=90,
        credited_minutes=90,
        note=f"{MARK} left early, a call about her relapse",
        signed_by=registrar_for_live,
        signed_at=timezone.now(),
    )
    assert ActivityType.objects.exists()
    private_email = "registrar-qzxv-private@example.org"
    registrar = UserFactory(legal_name=f"{MARK} Registrar", email=private_email)
    # Outside training: its title and provider are the trainee's words; a returned one carries
    # the registrar's reason. The verified one counts toward the certificate's basis.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certification.hours import services as hours_services

    for verified in (True, False):
        training = hours_services.record_outside_training(
            trainee=trainee,
            title=f"{MARK} training after my relapse",
            provider=f"{MARK} provider",
            completed_on=timezone.localdate() - timedelta(days=20),
            hours="3",
            hours_by_domain={},
            delivery="in_person",
            topics=[],
            certificate=SimpleUploadedFile("c.pdf", b"%PDF-1.4 test", "application/pdf"),
        )
        if verified:
            hours_services.verify_outside_training(registrar=registrar, record_id=training.pk)
        else:
            hours_services.return_outside_training(
                registrar=registrar, record_id=training.pk, reason=f"{MARK} return reason"
            )
    # Recognition of prior learning: the trainee's own account of it, accepted.
    from certification.recognition.services import claims as claim_services

    claim = claim_services.make_claim(
        trainee=trainee,
        data={
            "kind": "training_hours",
            "title": "Peer mentoring course",
            "completed_on": timezone.localdate() - timedelta(days=400),
            "hours_by_domain": {"icrc-pr/ethics": 2},
            "description": f"{MARK} what happened to me there",
        },
    )
    assessor = UserFactory(is_superuser=True)  # decides prior learning (a registrar's role)
    claim_services.decide(assessor=assessor, claim_id=claim.pk, decision="accepted")
    certificate, _ = certificate_services.issue_certificate(
        trainee=trainee,
        credential_code="test-cert",
        actor=registrar,
        reason=f"{MARK} manual reason",
    )
    assert credential_tasks.render_certificate_task(certificate.pk) is True  # the real PDF
    certificate.refresh_from_db()
    assert certificate.competencies, "the signed-off competency is on the certificate"
    # Counted: the verified outside training (3), the accepted prior learning (2) and the
    # live session's credited attendance (1.5); the returned outside training did not.
    assert certificate.basis["training_hours"]["total"] == "6.50"
    # Exams, CE review and eligibility letters: a registrar's correction note, a returned CE
    # record's reason and its evidence, and the letter (whose withdrawal reason comes later).
    from certification.credentials.models import ContinuingEducation
    from certification.credentials.services import letters as letter_services
    from certification.exams.models import ExamResult

    ExamResult.objects.create(
        trainee=trainee,
        exam_key="icrc-pr",
        board="IC&RC",
        exam_name="IC&RC Peer Recovery Examination",
        taken_on=timezone.localdate() - timedelta(days=4),
        outcome="pass",
        note=f"{MARK} exam correction note",
        recorded_by=registrar,
    )
    ContinuingEducation.objects.create(
        holder=trainee,
        title="Ethics refresher",
        topic="ethics",
        hours=2,
        completed_on=timezone.localdate() - timedelta(days=5),
        evidence_text=f"{MARK} ce evidence",
        review_status="returned",
        return_reason=f"{MARK} ce return reason",
    )
    make_credential("exam-cert", issued=False, exam_required="icrc-pr")
    letter = letter_services.issue_eligibility_letter(
        actor=trainee, trainee=trainee, credential_code="exam-cert"
    )
    # A board application packet with every part, made by the holder.
    packet = packet_services.make_packet(trainee=trainee, sections=Section.values, draft=False)
    holder_client = Client()
    holder_client.force_login(trainee)

    def packet_outputs():
        data = holder_client.get(f"/packets/{packet.pk}/packet.pdf").content
        pdf_file = tmp_path / "p.pdf"
        pdf_file.write_bytes(data)
        text = subprocess.run(
            [tool("pdftotext"), str(pdf_file), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Jordan Ellis" in text
        code = packet.verification_code
        return {
            "packet page": page(client, code).content.decode(),
            "packet json": client.get(f"/verify/{code}.json").content.decode(),
            "packet pdf text": text,
            "packet pdf bytes": data.decode("latin-1"),
            "packet clr": json.dumps(Packet.objects.get(pk=packet.pk).clr),
            "packet own page": holder_client.get(f"/packets/{packet.pk}/").content.decode(),
        }

    def outputs():
        data = stored_pdf(certificate)
        pdf_file = tmp_path / "c.pdf"
        pdf_file.write_bytes(data)
        text = subprocess.run(
            [tool("pdftotext"), str(pdf_file), "-"], capture_output=True, text=True, check=True
        ).stdout
        subprocess.run(
            [
                tool("pdftoppm"),
                "-png",
                "-r",
                "150",
                "-singlefile",
                str(pdf_file),
                str(tmp_path / "c"),
            ],
            check=True,
        )
        qr = subprocess.run(
            [tool("zbarimg"), "--quiet", "--raw", str(tmp_path / "c.png")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert qr == certificate.verification_url
        code = certificate.verification_code
        letter_file = tmp_path / "letter.pdf"
        letter_file.write_bytes(letter_services.letter_pdf(letter))
        letter_text = subprocess.run(
            [tool("pdftotext"), str(letter_file), "-"], capture_output=True, text=True, check=True
        ).stdout
        return {
            "letter page": client.get(f"/verify/{letter.verification_code}/").content.decode(),
            "letter pdf text": letter_text,
            "page": page(client, code).content.decode(),
            "json": client.get(f"/verify/{code}.json").content.decode(),
            "pdf check": upload(client, data).content.decode(),
            "pdf json": client.get(
                f"/verify/pdf/{hashlib.sha256(data).hexdigest()}.json"
            ).content.decode(),
            "pdf text": text,
            "pdf bytes": data.decode("latin-1"),
            "qr": qr,
            "signed credential": json.dumps(
                Certificate.objects.get(pk=certificate.pk).signed_credential
            ),
            **packet_outputs(),
        }

    found = outputs()
    assert "Jordan Ellis" in found["page"] and "Jordan Ellis" in found["json"]
    assert "Jordan Ellis" in found["letter page"] and "Jordan Ellis" in found["letter pdf text"]
    assert "Marcus Reid" in found["packet page"], "the packet shows the practicum"
    assert "Supervised practice" in found["packet clr"]
    leaks = {name: MARK in body.upper() for name, body in found.items()}
    assert not any(leaks.values()), leaks
    # A long address: three letters can turn up by chance in the PDF's compressed bytes.
    assert not any(private_email in body.lower() for body in found.values())

    lifecycle_services.revoke_certificate(
        registrar=registrar, certificate_id=certificate.pk, reason=f"{MARK} revocation reason"
    )
    EligibilityLetter.objects.filter(pk=letter.pk).update(
        withdrawn_at=timezone.now(), withdraw_reason=f"{MARK} withdrawal reason"
    )
    letter.refresh_from_db()
    cache.clear()
    found = outputs()
    assert "Revoked on" in found["page"]
    assert "Withdrawn on" in found["letter page"]
    leaks = {name: MARK in body.upper() for name, body in found.items()}
    assert not any(leaks.values()), leaks
