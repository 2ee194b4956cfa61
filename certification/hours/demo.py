"""Demo outside training: one waiting for a registrar (the demo trainee), and a verified
one for the demo graduate (before their certificate is issued). Idempotent."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lms.accounts.models import User
from lms.hours import Delivery

from . import services
from .models import OutsideTraining

# A one-page PDF is all the demo needs: the registrar downloads it from the queue.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

WAITING = {
    "title": "Motivational interviewing for peer workers",
    "provider": "Eastside Recovery Network",
    "days_ago": 40,
    "hours": "6",
    "hours_by_domain": {"icrc-pr/mentoring": "4", "icrc-pr/recovery": "2"},
    "delivery": Delivery.LIVE_ONLINE,
    "topics": ["recovery"],
}
VERIFIED = {
    "title": "Peer recovery coach core training (three days)",
    "provider": "County Recovery Community Network",
    "days_ago": 200,
    "hours": "20",
    "hours_by_domain": {
        "icrc-pr/ethics": "6",
        "icrc-pr/advocacy": "5",
        "icrc-pr/mentoring": "5",
        "icrc-pr/recovery": "4",
    },
    "delivery": Delivery.IN_PERSON,
    "topics": ["ethics", "boundaries", "advocacy"],
}


def _record(trainee, entry) -> OutsideTraining:
    found = OutsideTraining.objects.filter(trainee=trainee, title=entry["title"]).first()
    if found is not None:
        return found
    return services.record_outside_training(
        trainee=trainee,
        title=entry["title"],
        provider=entry["provider"],
        completed_on=timezone.localdate() - timedelta(days=entry["days_ago"]),
        hours=entry["hours"],
        hours_by_domain=entry["hours_by_domain"],
        delivery=entry["delivery"],
        topics=entry["topics"],
        certificate=SimpleUploadedFile("certificate.pdf", DEMO_PDF, "application/pdf"),
    )


def seed_waiting_training(trainee=None) -> None:
    """Outside training waiting in the registrar's queue: the demo trainee's, or this
    trainee's (the load data gives its fixed learners the same)."""
    trainee = trainee or User.objects.filter(email="trainee@peerpath.example").first()
    if trainee is not None:
        _record(trainee, WAITING)


def seed_verified_training(graduate) -> None:
    """The graduate's outside training, verified by the demo registrar."""
    record = _record(graduate, VERIFIED)
    if record.status == OutsideTraining.Status.PENDING:
        registrar = User.objects.get(email="registrar@peerpath.example")
        services.verify_outside_training(registrar=registrar, record_id=record.pk)
