"""Board application packets through their public surface: building (preview, make,
audited), the signed CLR 2.0 record and its embedded credentials, the verify page's
standing of each record, the supervisor's attestation, and who may see what."""

import copy
import hashlib
import re
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification.credentials import tasks as credential_tasks
from certification.credentials.models import CertificateTemplate
from certification.credentials.openbadges import canonical
from certification.credentials.services import certificates as certificate_services
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import lifecycle as lifecycle_services
from certification.credentials.services import loading as loading_services
from certification.packets.models import Packet, SupervisorAttestation
from certification.packets.services import clr as clr_services
from certification.packets.services import packets as packet_services
from certification.practicum.services import practicum as practicum_services
from lms.audit.models import AuditEvent
from tests.certification import ob_schema
from tests.certification.credential_helpers import approved_minutes, make_credential, placement_for
from tests.conftest import skip_or_fail
from tests.factories import UserFactory

ALL = [
    "training",
    "practicum",
    "signoffs",
    "ethics",
    "exams",
    "prior_learning",
    "certificates",
    "attestations",
]


@pytest.fixture
def world(site):
    """A trainee with a certificate, signed hours at a placement, and the ethics attestation."""
    loading_services.load_frameworks()
    CertificateTemplate.objects.create(
        name="Northside", issuing_organisation="Northside Recovery College", is_default=True
    )
    make_credential()
    trainee = UserFactory(legal_name="Jordan Ellis")
    credential_services.confirm_certificate_name(user=trainee, name="Jordan Ellis")
    placement, supervisor = placement_for(trainee)
    entries = [approved_minutes(placement, supervisor, 120, day=day) for day in (3, 4)]
    credential_services.attest(trainee=trainee, code="code_of_ethics")
    registrar = UserFactory(legal_name="Rita Registrar")
    certificate, _ = certificate_services.issue_certificate(
        trainee=trainee, credential_code="test-cert", actor=registrar, reason="Test"
    )
    assert credential_tasks.render_certificate_task(certificate.pk) is True
    certificate.refresh_from_db()
    return {
        "trainee": trainee,
        "placement": placement,
        "supervisor": supervisor,
        "entries": entries,
        "certificate": certificate,
        "registrar": registrar,
    }


def make(world, *, draft=False, sections=ALL):
    return packet_services.make_packet(trainee=world["trainee"], sections=sections, draft=draft)


def test_making_a_packet_is_audited_and_signed(world):
    """Making a packet stores its snapshot, signs a ClrCredential whose outer proof and every
    embedded credential verify, and records an audit event."""
    packet = make(world)
    assert not packet.draft and len(packet.verification_code) == 25
    assert AuditEvent.objects.filter(action="packet.made").count() == 1
    check = clr_services.verify_clr(clr=packet.clr)
    assert check.verified, check.reasons
    embedded = packet.clr["credentialSubject"]["verifiableCredential"]
    kinds = {c["credentialSubject"]["achievement"]["achievementType"] for c in embedded}
    assert packet.content["certificates"], packet.content.keys()
    assert {"Fieldwork", "Certificate", "ext:EthicsAttestation"} <= kinds
    assert len(check.embedded) == len(embedded) >= 3


def test_clr_has_the_clr_2_required_properties(world):
    """CLR 2.0's data model (1EdTech's JSON Schema was not obtainable): the ClrCredential's
    required properties, the ClrSubject's, each Association's; every term expands under the
    shipped contexts (nothing dropped); every embedded credential is a valid OB 3.0
    AchievementCredential."""
    clr = make(world).clr
    assert clr["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert clr_services.CLR_V2 in clr["@context"]
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    for required in ("id", "issuer", "validFrom", "name", "credentialSubject", "proof"):
        assert clr[required], required
    assert clr["issuer"]["id"] and "Profile" in clr["issuer"]["type"]
    proof = clr["proof"][0]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    subject = clr["credentialSubject"]
    assert subject["type"] == ["ClrSubject"]
    assert len(subject["verifiableCredential"]) >= 1
    achievement_ids = {a["id"] for a in subject["achievement"]}
    assert {
        c["credentialSubject"]["achievement"]["id"] for c in subject["verifiableCredential"]
    } == achievement_ids
    assert subject["association"], "practicum hours are part of the certificate"
    for association in subject["association"]:
        assert association["type"] == "Association"
        assert association["associationType"] == "isPartOf"
        assert {association["sourceId"], association["targetId"]} <= achievement_ids
    canonical.expand(document=clr, loader=clr_services.LOADER, strict=True)
    for credential in subject["verifiableCredential"]:
        ob_schema.assert_valid_open_badge(credential)


def test_tampering_with_any_embedded_credential_fails(world):
    clr = make(world).clr
    for index in range(len(clr["credentialSubject"]["verifiableCredential"])):
        changed = copy.deepcopy(clr)
        inner = changed["credentialSubject"]["verifiableCredential"][index]
        inner["credentialSubject"]["achievement"]["name"] += " (edited)"
        check = clr_services.verify_clr(clr=changed)
        assert not check.verified
        assert not check.outer.verified
        assert not check.embedded[index][1].verified
        assert all(result.verified for i, (_id, result) in enumerate(check.embedded) if i != index)


def test_shipped_clr_context_matches_its_readme():
    folder = Path(clr_services.CONTEXTS_DIR)
    readme = (folder / "README.md").read_text()
    data = (folder / "clr-v2p0-context-2.0.1.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() in readme


def test_a_trainee_who_is_not_ready_can_only_make_a_draft(site, client):
    loading_services.load_frameworks()
    trainee = UserFactory()
    client.force_login(trainee)
    response = client.post("/packets/", {"sections": ["ethics"], "action": "make"})
    assert response.status_code == 400
    assert "Only a draft can be made" in response.content.decode()
    assert not Packet.objects.exists()
    response = client.post("/packets/", {"sections": ["ethics"], "draft": "on", "action": "make"})
    assert response.status_code == 400, "nothing to sign yet"
    assert "hold no records yet" in response.content.decode()
    credential_services.attest(trainee=trainee, code="code_of_ethics")
    response = client.post("/packets/", {"sections": ["ethics"], "draft": "on", "action": "make"})
    assert response.status_code == 302, response.content.decode()
    packet = Packet.objects.get()
    assert packet.draft
    assert packet.clr["name"].startswith("Draft")
    page = client.get(f"/verify/{packet.verification_code}/").content.decode()
    assert "DRAFT" in page


def test_preview_makes_nothing_then_make(world, client):
    client.force_login(world["trainee"])
    response = client.post("/packets/", {"sections": ["practicum", "ethics"], "action": "preview"})
    body = response.content.decode()
    assert response.status_code == 200 and "Make this packet" in body
    assert "Marcus Reid" in body and "Code of ethics" in body
    assert not Packet.objects.exists()
    response = client.post("/packets/", {"sections": ["practicum", "ethics"], "action": "make"})
    packet = Packet.objects.get()
    assert response["Location"] == f"/packets/{packet.pk}/"
    assert client.get(f"/packets/{packet.pk}/").status_code == 200
    assert client.post("/packets/", {"action": "preview"}).status_code == 400


def test_another_trainee_cannot_see_a_packet(world, client):
    packet = make(world, draft=True)
    client.force_login(UserFactory())
    for path in ("", "packet.pdf", "clr.json"):
        assert client.get(f"/packets/{packet.pk}/{path}").status_code == 404


def test_verify_page_shows_a_revoked_certificate_and_a_superseded_entry(world, client):
    """A board officer sees whether every record still stands: a later revocation of an
    included certificate and an approved correction of a practicum entry show."""
    packet = make(world)
    page = client.get(f"/verify/{packet.verification_code}/").content.decode()
    assert "Every record in this packet still stands." in page
    assert "Jordan Ellis" in page and "Marcus Reid" in page
    entry = world["entries"][0]
    correction = practicum_services.correct_entry(
        trainee=world["trainee"], entry_id=entry.pk, minutes=60, description="Shorter."
    )
    practicum_services.submit_entries(trainee=world["trainee"], entry_ids=[correction.pk])
    practicum_services.approve_entry(supervisor=world["supervisor"], entry_id=correction.pk)
    lifecycle_services.revoke_certificate(
        registrar=world["registrar"], certificate_id=world["certificate"].pk, reason="Error"
    )
    cache.clear()
    page = client.get(f"/verify/{packet.verification_code}/").content.decode()
    assert "Some records in this packet no longer stand" in page
    assert "Superseded by a correction" in page
    assert "Revoked" in page
    data = client.get(f"/verify/{packet.verification_code}.json").json()
    assert data["every_record_stands"] is False and data["kind"] == "board_application_packet"


def test_supervisor_confirms_the_attestation(world, client):
    packet = make(world)
    attestation = SupervisorAttestation.objects.get(packet=packet)
    page = client.get(f"/verify/{packet.verification_code}/").content.decode()
    assert "awaiting the supervisor" in page
    supervisor = world["supervisor"]
    supervisor.set_password("pw-for-signing-123")
    supervisor.save()
    client.force_login(supervisor)
    home = client.get("/practicum/").content.decode()
    assert f"/packets/attestations/{attestation.pk}/" in home
    url = f"/packets/attestations/{attestation.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 400  # not ticked: nothing signed
    response = client.post(url, {"password": "wrong", "confirm": "on"})
    if response.status_code == 400:
        attestation.refresh_from_db()
        assert not attestation.confirmed
        response = client.post(url, {"password": "pw-for-signing-123", "confirm": "on"})
    assert response.status_code == 302
    attestation.refresh_from_db()
    assert attestation.confirmed and len(attestation.content_hash) == 64
    assert AuditEvent.objects.filter(action="packet.attestation_confirmed").count() == 1
    packet.refresh_from_db()
    assert clr_services.verify_clr(clr=packet.clr).verified
    kinds = [
        c["credentialSubject"]["achievement"]["achievementType"]
        for c in packet.clr["credentialSubject"]["verifiableCredential"]
    ]
    assert "ext:SupervisorAttestation" in kinds
    page = client.get(f"/verify/{packet.verification_code}/").content.decode()
    assert "Confirmed online by Marcus Reid" in page
    # Nobody else confirms it.
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


@pytest.mark.slow
def test_packet_pdf_is_tagged_and_marked_draft(world, client, tmp_path):
    packet = make(world, draft=True)
    client.force_login(world["trainee"])
    response = client.get(f"/packets/{packet.pk}/packet.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    path = tmp_path / "p.pdf"
    path.write_bytes(data)
    try:
        info = subprocess.run(
            ["pdfinfo", str(path)], capture_output=True, text=True, check=True
        ).stdout
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    except FileNotFoundError:
        skip_or_fail("pdftotext is not installed")
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    pages = text.split("\f")
    assert all("DRAFT" in page for page in pages if page.strip())
    assert "Marcus Reid" in text and "Jordan Ellis" in text


def test_build_page_queries_do_not_grow_with_packets(site, client):
    """The build page lists the trainee's packets in one query, however many."""
    trainee = UserFactory()
    client.force_login(trainee)

    def add(count):
        for _ in range(count):
            Packet.objects.create(
                trainee=trainee,
                verification_code=packet_services._new_code(),
                content={
                    "holder_name": "X",
                    "draft": True,
                    "sections": [],
                    "made_on": "2026-01-01",
                },
            )

    add(1)
    client.get("/packets/")  # warm caches (site settings, session)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/packets/").status_code == 200
    add(6)
    with CaptureQueriesContext(connection) as large:
        body = client.get("/packets/").content.decode()
    assert body.count("/packets/") >= 7
    assert len(large.captured_queries) == len(small.captured_queries)


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "packet.pdf"
    path.write_bytes(data)
    try:
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    except FileNotFoundError:
        skip_or_fail("pdftotext is not installed")


@pytest.mark.slow
def test_the_worker_renders_the_packet_pdf_and_a_download_serves_it_while_it_is_true(
    world, client, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """Making a packet queues its PDF for the worker (the packet's id only). Downloads serve
    the stored PDF without rendering again; once something in it changes (a supervisor
    confirms), the next download renders the new truth and the old file is deleted. Erasure
    deletes the stored PDF."""
    from django.core.files.storage import default_storage

    from certification.packets import pdf as packet_pdf
    from lms.audit.models import OutboxMessage

    with django_capture_on_commit_callbacks(execute=True):
        packet = make(world)
    message = OutboxMessage.objects.get(task=packet_services.RENDER_TASK)
    assert message.args == [packet.pk] and message.sent_at is not None  # ran in-process
    packet.refresh_from_db()
    first_name = packet.pdf_name
    assert first_name.startswith(f"packets/{packet.pk}/") and default_storage.exists(first_name)

    def no_rendering(html):
        raise AssertionError("rendered again although nothing changed")

    monkeypatch.setattr(packet_pdf, "render_html", no_rendering)
    client.force_login(world["trainee"])
    url = f"/packets/{packet.pk}/packet.pdf"
    first = client.get(url)
    again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    with default_storage.open(first_name, "rb") as handle:
        assert handle.read() == first.content
    assert "awaiting" in _pdf_text(first.content, tmp_path)
    monkeypatch.undo()

    attestation = SupervisorAttestation.objects.get(packet=packet)
    packet_services.confirm_attestation(
        supervisor=world["supervisor"], attestation_id=attestation.pk
    )
    changed = client.get(url)
    assert changed.status_code == 200 and changed.content != first.content
    assert "Confirmed online by Marcus Reid" in _pdf_text(changed.content, tmp_path)
    packet.refresh_from_db()
    assert packet.pdf_name != first_name and default_storage.exists(packet.pdf_name)
    assert not default_storage.exists(first_name)

    from certification.packets import data_rights as packet_data

    stored = packet.pdf_name
    assert packet_data.erase(world["trainee"])["packets_deleted"] == 1
    assert not default_storage.exists(stored)
