"""Lived-experience data never leaves the people it belongs to.

A distinct marker is typed, through the real pages, into every sensitive free-text field a
trainee and their supervisor write: a reflection, a practicum entry's description, a sign-off
account, supervision notes, a sign-off rating's comment, the lived-experience statement, a
wellbeing check-in's note, and a prior-learning claim's title, provider and account. The whole
life of the record then runs (entries sent and approved, a session recorded, a sign-off rated,
a certificate issued and rendered, prior learning accepted, a board application packet made,
the data exported, erasure asked for and completed) with every log record (DEBUG, every
logger), every Celery task call and every email captured, and then every output that reaches
anyone else is searched for any marker: public pages, verification JSON, the PDF check, the
certificate PDF's text, the signed credential, the issuer documents, the packet (its page, its
PDF's text, its signed CLR record, its verification page and JSON, the supervisor's
confirmation page), the registrar's erasure list, the supervisor's page (for the wellbeing data
the trainee did not share), the 400, 403, 404 and 500 pages (DEBUG off) of pages that hold the
data, emails (subjects, bodies, HTML), logs, task arguments, and every URL requested,
redirected to or linked from any page. Zero hits.

(There is no erasure reason: a person does not give one, so there is no field to seed.)"""

import json
import logging
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from celery.app.task import Task
from celery.signals import before_task_publish
from django.core import mail
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certification.credentials import pdf
from certification.credentials import tasks as credential_tasks
from certification.credentials.models import Certificate, CertificateTemplate
from certification.credentials.services import certificates as certificate_services
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import loading as loading_services
from certification.packets.models import Packet, Section
from certification.practicum.models import ActivityType, PracticumEntry, SignOffRequest
from certification.recognition.models import PriorLearningClaim
from certification.standards.models import Competency
from courses import services as course_services
from lms.accounts.models import ErasureRequest
from lms.settings.base import LOGGING as BASE_LOGGING
from tests.certification.credential_helpers import make_course, make_credential, placement_for
from tests.conftest import skip_or_fail
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PREFIX = "ZQXPRIV"
FIELDS = {
    "REFLECTION": "reflection",
    "DESCRIPTION": "practicum entry description",
    "ACCOUNT": "sign-off account",
    "NOTES": "supervision notes",
    "COMMENT": "sign-off rating comment",
    "STATEMENT": "lived-experience statement",
    "CHECKIN": "wellbeing check-in note",
    "CLAIM": "prior-learning claim's account of how it meets the requirement",
    "CLAIMTITLE": "prior-learning claim's title and provider, as the trainee typed them",
}
FOUND = re.compile(rf"{PREFIX}-([A-Z]+)")
HREF = re.compile(r"""(?:href|src|action)\s*=\s*["']([^"']*)["']""", re.I)
COMPETENCY = "samhsa-pw-2015/III.1"


def marker(field: str, words: str) -> str:
    """Field text carrying its marker (no digits or names, so no identifying-detail check
    refuses it)."""
    return f"{PREFIX}-{field} {words}"


def leaks(text: str) -> set[str]:
    """The fields whose marker appears in the text (case-insensitive)."""
    return set(FOUND.findall(text.upper()))


def tool(name):
    path = shutil.which(name)
    if path is None:
        skip_or_fail(f"{name} is not installed: apt-get install poppler-utils")
    return path


class RecordingClient(Client):
    """A test client that keeps every response, so every URL it saw can be checked."""

    def __init__(self, seen, **kwargs):
        super().__init__(**kwargs)
        self.seen = seen

    def request(self, **request):
        response = super().request(**request)
        self.seen.append(response)
        return response


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.texts = []
        self.plain = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def emit(self, record):
        extra = {k: v for k, v in vars(record).items() if k not in ("exc_info", "exc_text", "msg")}
        # The formatted line (with any traceback) and every attribute a handler could use.
        self.texts.append(f"{self.plain.format(record)} {extra!r}")


@pytest.fixture
def captured(monkeypatch, settings, tmp_path):
    """Every log record at DEBUG from every logger, every Celery task call (eager or
    published) and every email."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PEERPATH_VERIFY_RATE_LIMIT = 1000
    settings.DEBUG = False
    pdf.reset_process_state()
    cache.clear()
    handler = Capture()
    for name in ("django.request", "django.security", "django.server", "celery", "axes"):
        logging.getLogger(name)  # make sure they exist before levels are set
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    levels = [(lg, lg.level, lg.disabled) for lg in loggers]
    # Production with LOG_LEVEL=DEBUG: every logger at DEBUG except those the project's
    # base settings pin (the test settings quieten more; that is not what production runs).
    pinned = {
        name: logging.getLevelName(conf["level"])
        for name, conf in BASE_LOGGING["loggers"].items()
        if "level" in conf
    }
    for lg in loggers:
        lg.setLevel(pinned.get(lg.name, logging.DEBUG))
        lg.disabled = False
        if lg is logging.getLogger() or not lg.propagate:
            lg.addHandler(handler)
    calls = []
    original = Task.apply_async

    def apply_async(task, args=None, kwargs=None, *rest, **options):
        calls.append(f"{task.name} {args!r} {kwargs!r} {options!r}")
        return original(task, args, kwargs, *rest, **options)

    monkeypatch.setattr(Task, "apply_async", apply_async)

    def published(sender=None, body=None, headers=None, **kwargs):
        calls.append(f"published {sender} {body!r} {headers!r}")

    before_task_publish.connect(published, weak=False)
    try:
        yield {"logs": handler.texts, "tasks": calls}
    finally:
        before_task_publish.disconnect(published)
        for lg, level, disabled in levels:
            lg.setLevel(level)
            lg.disabled = disabled
            lg.removeHandler(handler)


@pytest.fixture
def story(site, roles, captured, tmp_path):
    """The whole record, written through the pages, with every output kept."""
    seen = []
    loading_services.load_frameworks()
    CertificateTemplate.objects.create(
        name="Northside", issuing_organisation="Northside Recovery College", is_default=True
    )
    framework, _sep, code = COMPETENCY.partition("/")
    competency = Competency.objects.get(domain__framework__slug=framework, code=code)
    make_credential(competency_signoffs=[competency.key])
    trainee = UserFactory(legal_name="Jordan Avery Ellis", preferred_name="Jordan")
    credential_services.confirm_certificate_name(user=trainee, name="Jordan Ellis")
    placement, supervisor = placement_for(trainee)
    registrar = UserFactory(legal_name="Ana Souza", is_staff=True, is_superuser=True)
    course, lessons, _quiz = make_course("ethics-x", quiz=False)
    course_services.enrol_learner(user=trainee, course=course)
    block = next(b for b in lessons[0].body if b.block_type == "reflection")

    me = RecordingClient(seen)
    me.force_login(trainee)
    out = {}

    def ok(response, *codes):
        assert response.status_code in (codes or (200, 302)), response.content[:2000]
        return response

    # The trainee writes.
    ok(
        me.post(
            reverse("learn:reflection", args=[lessons[0].pk, block.id]),
            {"text": marker("REFLECTION", "about my own relapse")},
        )
    )
    activity = ActivityType.objects.filter(counts_as_supervision=False).first()
    ok(
        me.post(
            reverse("practicum:entry_new", args=[placement.pk]),
            {
                "date": (timezone.localdate() - timedelta(days=2)).isoformat(),
                "start_time": "10:00",
                "minutes": "90",
                "setting": PracticumEntry.Setting.COMMUNITY,
                "activity": activity.pk,
                "description": marker("DESCRIPTION", "supported a person after a hard week"),
            },
        ),
        302,
    )
    entry = PracticumEntry.objects.get(placement=placement)
    ok(me.post(reverse("practicum:submit", args=[placement.pk]), {"entry": [entry.pk]}))
    ok(
        me.post(
            reverse("practicum:signoff_new", args=[placement.pk]),
            {
                "competency": competency.pk,
                "account": marker("ACCOUNT", "shared a little of my story"),
            },
        ),
        302,
    )
    ok(
        me.post(
            reverse("wellbeing:statement"),
            {"text": marker("STATEMENT", "my years of drinking")},
        ),
        302,
    )
    ok(
        me.post(
            reverse("wellbeing:home"),
            {
                "date": timezone.localdate().isoformat(),
                "energy": "1",
                "stress": "5",
                "note": marker("CHECKIN", "cravings again"),
                "tell_supervisor": "on",
            },
        ),
        302,
    )
    for name in ("wellbeing:home", "wellbeing:statement", "learn:reflections"):
        ok(me.get(reverse(name)), 200)
    for note in (b for b in lessons[0].body if b.block_type == "content_note"):
        ok(
            me.post(
                reverse("learn:content_note", args=[lessons[0].pk, note.id]),
                {"choice": "continue"},
            )
        )
    ok(me.get(lessons[0].url), 200)  # the lesson, with the reflection in its form
    ok(me.get(reverse("practicum:placement", args=[placement.pk])), 200)

    # The supervisor signs.
    them = RecordingClient(seen)
    them.force_login(supervisor)
    supervise = reverse("practicum:supervise", args=[placement.pk])
    out["supervisor page (wellbeing data not shared)"] = ok(them.get(supervise), 200)
    ok(
        them.post(
            reverse("practicum:decide", args=[placement.pk]),
            {"entry": [entry.pk], "action": "approve", "password": PASSWORD},
        ),
        302,
    )
    ok(
        them.post(
            reverse("practicum:session_new", args=[placement.pk]),
            {
                "kind": "individual",
                "date": (timezone.localdate() - timedelta(days=1)).isoformat(),
                "start_time": "15:00",
                "minutes": "60",
                "private_notes": marker("NOTES", "talked about the anniversary"),
                "password": PASSWORD,
            },
        ),
        302,
    )
    request = SignOffRequest.objects.get(placement=placement)
    ok(
        them.post(
            reverse("practicum:rate", args=[placement.pk, request.pk]),
            {
                "rating": "competent",
                "comment": marker("COMMENT", "handled a relapse disclosure well"),
                "password": PASSWORD,
            },
        ),
        302,
    )
    out["supervisor page, after signing"] = them.get(supervise)
    # The trainee's own page, now with the supervision notes.
    ok(me.get(reverse("practicum:placement", args=[placement.pk])), 200)
    assert (
        "would like you to know they are struggling"
        in out["supervisor page, after signing"].content.decode()
    )  # the flag the trainee chose to share does reach them

    # The certificate: issued, rendered for real, shared publicly.
    certificate, _ = certificate_services.issue_certificate(
        trainee=trainee, credential_code="test-cert", actor=registrar, reason="Prior learning."
    )
    # (Usually issued and rendered already: the last sign-off made the trainee eligible.)
    credential_tasks.render_certificate_task(certificate.pk)
    certificate.refresh_from_db()
    assert certificate.pdf and certificate.status == Certificate.Status.ISSUED
    with default_storage.open(certificate.pdf.name) as handle:
        data = handle.read()
    pdf_file = tmp_path / "certificate.pdf"
    pdf_file.write_bytes(data)
    out["certificate PDF text"] = subprocess.run(
        [tool("pdftotext"), str(pdf_file), "-"], capture_output=True, text=True, check=True
    ).stdout
    out["signed credential"] = json.dumps(certificate.signed_credential)
    public = RecordingClient(seen)
    code = certificate.verification_code
    out["verification page"] = public.get(reverse("verify:certificate", args=[code]))
    out["verification JSON"] = public.get(reverse("verify:certificate_json", args=[code]))
    out["PDF check page"] = public.post(
        reverse("verify:check_pdf"),
        {"pdf": SimpleUploadedFile("c.pdf", data, content_type="application/pdf")},
    )
    import hashlib

    out["PDF check JSON"] = public.get(
        reverse("verify:pdf_json", args=[hashlib.sha256(data).hexdigest()])
    )
    out["home page"] = public.get("/")
    out["support page"] = public.get(reverse("support"))
    out["issuer profile"] = public.get("/issuer/")
    out["holder's Open Badges file"] = me.get(
        reverse("certificates:open_badge", args=[certificate.uuid])
    )
    assert out["verification page"].status_code == 200
    assert "Jordan Ellis" in out["verification page"].content.decode()

    # Prior learning, claimed with the trainee's own account of it and accepted; then the
    # board application packet, made of every section, as a board officer receives it.
    ok(
        me.post(
            reverse("recognition:home"),
            {
                "kind": "training_hours",
                "title": marker("CLAIMTITLE", "peer course after my detox"),
                "provider": marker("CLAIMTITLE", "the ward's own group"),
                "completed_on": "2024-05-01",
                "hours_by_domain": "icrc-pr/ethics: 6",
                "description": marker("CLAIM", "what that hard year taught me"),
                "evidence_file": SimpleUploadedFile(
                    "mhfa.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
                ),
            },
        ),
        302,
    )
    claim = PriorLearningClaim.objects.get(trainee=trainee)
    assessor = RecordingClient(seen)
    assessor.force_login(registrar)
    ok(assessor.post(reverse("recognition:decide", args=[claim.pk]), {"decision": "accepted"}))
    claim.refresh_from_db()
    assert claim.status == "accepted"
    ok(
        me.post(
            reverse("packets:build"),
            {"sections": [value for value, _label in Section.choices], "action": "make"},
        ),
        302,
    )
    packet = Packet.objects.get(trainee=trainee)
    assert not packet.draft and packet.content["prior_learning"]
    out["packet page"] = ok(me.get(packet.get_absolute_url()), 200)
    packet_pdf = tmp_path / "packet.pdf"
    packet_pdf.write_bytes(ok(me.get(reverse("packets:pdf", args=[packet.pk])), 200).content)
    out["packet PDF text"] = subprocess.run(
        [tool("pdftotext"), str(packet_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # The accepted credit is in it, by what it is and who accepted it; not in the trainee's words.
    assert "Recognised prior learning" in out["packet PDF text"]
    out["packet's signed record (CLR)"] = ok(me.get(reverse("packets:clr", args=[packet.pk])), 200)
    packet_code = packet.verification_code
    out["packet verification page"] = ok(
        public.get(reverse("verify:certificate", args=[packet_code])), 200
    )
    out["packet verification JSON"] = ok(
        public.get(reverse("verify:certificate_json", args=[packet_code])), 200
    )
    signer = RecordingClient(seen)
    signer.force_login(supervisor)
    attestation = packet.attestations.get()
    out["supervisor's packet confirmation page"] = ok(
        signer.get(reverse("packets:confirm", args=[attestation.pk])), 200
    )

    # The owner downloads everything (theirs to see; checked here only for logs and URLs).
    export = ok(me.get(reverse("privacy:export_json")), 200)
    assert leaks(export.content.decode()) == set(FIELDS), "the owner's export has it all"
    ok(me.get(reverse("privacy:export_pdf")), 200)

    # Error pages of pages that hold the data (DEBUG is off).
    errors = {}
    errors["404 (someone else's placement page)"] = them.get(
        reverse("practicum:placement", args=[placement.pk])
    )
    errors["404 (someone else's reflection)"] = them.get(
        reverse("learn:reflection", args=[lessons[0].pk, block.id])
    )
    errors["403 (the registrar's erasure list, as the trainee)"] = me.get(
        reverse("privacy:requests")
    )
    strict = RecordingClient(seen, enforce_csrf_checks=True)
    strict.force_login(trainee)
    errors["403 (CSRF refused while saving the statement)"] = strict.post(
        reverse("wellbeing:statement"), {"text": marker("STATEMENT", "again")}
    )
    errors["400 (bad host, on the wellbeing page)"] = me.post(
        reverse("wellbeing:home"),
        {"note": marker("CHECKIN", "again")},
        HTTP_HOST="evil.example",
    )
    broken = RecordingClient(seen, raise_request_exception=False)
    broken.force_login(trainee)
    from unittest import mock

    with mock.patch(
        "lms.privacy.views_wellbeing.render", side_effect=RuntimeError("template exploded")
    ):
        errors["500 (the wellbeing page)"] = broken.get(reverse("wellbeing:home"))
    broken.force_login(supervisor)
    with mock.patch(
        "certification.practicum.views.render", side_effect=RuntimeError("template exploded")
    ):
        errors["500 (the supervise page)"] = broken.get(supervise)
    for label, response in errors.items():
        assert str(response.status_code) == label[:3], (label, response.status_code)
    out.update(errors)

    # Erasure, asked for and completed through the pages.
    ok(me.post(reverse("privacy:erase"), {"confirm": "yes", "password": PASSWORD}), 302)
    desk = RecordingClient(seen)
    desk.force_login(registrar)
    out["registrar's erasure list"] = ok(desk.get(reverse("privacy:requests")), 200)
    erasure = ErasureRequest.objects.get()
    erase_now = reverse("privacy:complete", args=[erasure.pk])
    out["registrar's erase-now confirmation"] = ok(desk.get(erase_now), 200)
    ok(desk.post(erase_now, {"password": PASSWORD}), 302)
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.COMPLETED
    out["verification page after erasure"] = public.get(reverse("verify:certificate", args=[code]))
    return {
        "outputs": out,
        "seen": seen,
        "captured": captured,
        "certificate": certificate,
        "placement": placement,
        "lesson": lessons[0],
    }


def body(value) -> str:
    if isinstance(value, str):
        return value
    return value.content.decode("utf-8", "replace")


def test_no_lived_experience_data_reaches_anyone_else(story):
    """Fields x outputs: every output (each public page, document, error page, email, log
    line, task call and URL) mapped to the markers found in it; all must be empty."""
    from courses.models import Reflection
    from lms.privacy.models import LivedExperienceStatement, WellbeingCheckIn

    # The supervisor legitimately reads the practicum record they sign (descriptions, the
    # sign-off account) and what they wrote themselves; never the trainee's learning or
    # wellbeing. Finding those markers there also shows the search works on real pages.
    shared = {"DESCRIPTION", "ACCOUNT", "NOTES", "COMMENT"}
    outputs = story["outputs"]
    assert leaks(body(outputs["supervisor page (wellbeing data not shared)"])) == {
        "DESCRIPTION",
        "ACCOUNT",
    }
    assert leaks(body(outputs["supervisor page, after signing"])) == shared - {"DESCRIPTION"}
    matrix = {
        name: leaks(body(value)) - (shared if name.startswith("supervisor page") else set())
        for name, value in outputs.items()
    }

    assert mail.outbox, "the story sends emails (entries sent, sign-off rated, certificate)"
    for number, message in enumerate(mail.outbox):
        parts = [message.subject, message.body, " ".join(message.to), message.extra_headers]
        parts += [content for content, _type in getattr(message, "alternatives", [])]
        matrix[f"email {number}: {message.subject}"] = leaks("\n".join(map(str, parts)))

    logs = story["captured"]["logs"]
    # The capture works: the 500s were logged by django.request, the bad host by security.
    assert any("django.request ERROR Internal Server Error: /wellbeing/" in t for t in logs)
    assert any("DisallowedHost" in t for t in logs)
    matrix["log records"] = set().union(*(leaks(t) for t in logs))

    calls = story["captured"]["tasks"]
    assert calls, "the story queues tasks (emails, the certificate PDF)"
    matrix["Celery task calls"] = set().union(*(leaks(c) for c in calls))

    urls = []
    for response in story["seen"]:
        request = response.request
        urls.append(f"{request.get('PATH_INFO', '')}?{request.get('QUERY_STRING', '')}")
        if response.get("Location"):
            urls.append(response["Location"])
        if "html" in response.get("Content-Type", ""):
            urls += HREF.findall(response.content.decode("utf-8", "replace"))
    for message in mail.outbox:
        urls += re.findall(r"https?://\S+", message.body)
    assert len(urls) > 50
    matrix["URLs (requested, redirected to, linked)"] = set().union(*(leaks(u) for u in urls))

    assert len(matrix) > 25
    assert not any(matrix.values()), {k: sorted(v) for k, v in matrix.items() if v}

    # And the data is gone after erasure.
    assert not Reflection.objects.exists()
    assert not LivedExperienceStatement.objects.exists()
    assert not WellbeingCheckIn.objects.exists()
    assert Certificate.objects.get(pk=story["certificate"].pk).hidden


def test_every_page_showing_sensitive_text_is_never_stored(story):
    """On a shared computer the back button must not bring a page back after sign-out:
    every response of the story that shows any marker (the owner's pages, the supervisor's)
    says `Cache-Control: private, no-store`, and so do both data exports (the PDF's text is
    compressed, so it is named rather than searched)."""
    exports = {reverse("privacy:export_json"), reverse("privacy:export_pdf")}
    checked, missing = set(), []
    for response in story["seen"]:
        path = response.request["PATH_INFO"]
        shown = leaks(body(response)) if not getattr(response, "streaming", False) else set()
        if not (shown or path in exports) or response.status_code != 200:
            continue
        checked.add(path)
        control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
        if not {"private", "no-store"} <= control:
            missing.append(f"{path} shows {sorted(shown)}: Cache-Control {control or '-'}")
    assert not missing, "\n".join(missing)
    placement = story["placement"]
    expected = {
        story["lesson"].url,
        reverse("wellbeing:home"),
        reverse("wellbeing:statement"),
        reverse("learn:reflections"),
        reverse("practicum:placement", args=[placement.pk]),
        reverse("practicum:supervise", args=[placement.pk]),
        *exports,
    }
    assert expected <= checked, sorted(expected - checked)
