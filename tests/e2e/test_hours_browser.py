"""Browser: a trainee's training-hours page (progress bars with numbers against IC&RC Peer
Recovery's rule and the product credential's, every line by source with its status) at a
phone's 390 px and a desktop's 1280 px: nothing scrolls sideways, the quick exit stays on
screen, axe finds nothing serious. Screenshots go to var/shots/ to be looked at."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import landed, sign_in
from tests.e2e.test_phone_layout_browser import MEASURE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = ROOT / "var" / "shots"


def _line(source, n, title, split, delivery, status="credited"):
    from lms.hours import Delivery, HoursLine

    total = sum(Decimal(v) for v in split.values())
    return HoursLine(
        source=source,
        key=f"{source}:{n}",
        title=title,
        on=date(2026, 9, 1) + timedelta(days=7 * n),
        hours_by_domain={k: Decimal(v) for k, v in split.items()},
        total=total,
        delivery=delivery,
        face_to_face=total if delivery in Delivery.LIVE else Decimal("0"),
        topics=("ethics",) if "icrc-pr/ethics" in split else (),
        provider="Northside Recovery College",
        status=status,
    )


@pytest.fixture
def record(transactional_db, monkeypatch):
    """A trainee with course hours, live-session hours (stand-in sources), and three outside
    trainings: verified, waiting and returned."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certification.credentials.services import loading
    from certification.hours import services
    from cms.demo import seed_site
    from lms import hours
    from lms.hours import Delivery
    from tests.factories import UserFactory

    seed_site()
    loading.load_frameworks()
    trainee = UserFactory(legal_name="Jordan Avery Ellis", preferred_name="Jordan")
    registrar = UserFactory(is_staff=True, is_superuser=True)
    course_lines = [
        _line(
            "course",
            1,
            "Boundaries and purposeful self-disclosure",
            {"icrc-pr/ethics": "4", "icrc-pr/mentoring": "2"},
            Delivery.SELF_PACED,
        ),
        _line(
            "course",
            2,
            "Ethics, confidentiality and its limits",
            {"icrc-pr/ethics": "6"},
            Delivery.SELF_PACED,
        ),
        _line(
            "course",
            3,
            "Trauma-informed peer practice",
            {"icrc-pr/recovery": "5"},
            Delivery.BLENDED,
        ),
    ]
    session_lines = [
        _line(
            "session",
            1,
            "Boundaries in practice (live)",
            {"icrc-pr/ethics": "2"},
            Delivery.IN_PERSON,
        ),
        _line(
            "session",
            2,
            "Advocacy role-play (online)",
            {"icrc-pr/advocacy": "1.5"},
            Delivery.LIVE_ONLINE,
        ),
    ]
    monkeypatch.setitem(
        hours._SOURCES,
        "course",
        lambda ids: {trainee.pk: course_lines} if trainee.pk in ids else {},
    )
    monkeypatch.setitem(
        hours._SOURCES,
        "session",
        lambda ids: {trainee.pk: session_lines} if trainee.pk in ids else {},
    )

    def outside(title, split, days):
        return services.record_outside_training(
            trainee=trainee,
            title=title,
            provider="County Recovery Community Network",
            completed_on=date.today() - timedelta(days=days),
            hours=str(sum(Decimal(v) for v in split.values())),
            hours_by_domain=split,
            delivery=Delivery.IN_PERSON,
            topics=["advocacy"],
            certificate=SimpleUploadedFile("c.pdf", b"%PDF-1.4 test", "application/pdf"),
        )

    verified = outside(
        "Peer recovery coach core training",
        {"icrc-pr/advocacy": "5", "icrc-pr/mentoring": "5"},
        200,
    )
    services.verify_outside_training(registrar=registrar, record_id=verified.pk)
    outside("Motivational interviewing basics", {"icrc-pr/mentoring": "3"}, 40)
    returned = outside("Naloxone training", {"icrc-pr/recovery": "2"}, 60)
    services.return_outside_training(
        registrar=registrar, record_id=returned.pk, reason="Please upload the page with the hours."
    )
    return trainee


def _measure(page):
    return page.evaluate(
        """() => {
        const doc = document.documentElement;
        window.scrollTo({top: doc.scrollHeight, left: 0, behavior: 'instant'});
        const exit = document.querySelector('[data-quick-exit]').getBoundingClientRect();
        return {width: doc.scrollWidth, viewport: doc.clientWidth,
                exitOnScreen: exit.top >= 0 && exit.bottom <= window.innerHeight};
    }"""
    )


def test_training_hours_page_at_phone_and_desktop_width(page, record, axe):
    from certification.hours.models import OutsideTraining
    from tests.factories.accounts import PASSWORD

    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, record.email, PASSWORD)
    landed(page)
    page.goto("/training-hours/")
    assert page.get_by_text("Ethical Responsibility: 12 of 16 training hours").count() == 1
    assert page.get_by_text("Please upload the page with the hours.").count() == 1
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/training-hours/")
        page.screenshot(path=str(SHOTS / f"training-hours-{width}.png"), full_page=True)
        found = _measure(page)
        assert found["width"] <= found["viewport"], f"scrolls sideways at {width}px"
        assert found["exitOnScreen"], f"quick exit off screen at {width}px"
        assert axe(page) == []
    page.goto("/training-hours/outside/new/")
    page.screenshot(path=str(SHOTS / "outside-training-form-390.png"), full_page=True)
    returned = OutsideTraining.objects.get(trainee=record, status="returned")
    # The phone layout test's own measure: width, 24 px targets, the quick exit in reach.
    for path in (
        "/training-hours/",
        "/training-hours/outside/new/",
        f"/training-hours/outside/{returned.pk}/",
    ):
        page.goto(path)
        for width in (390, 320):
            page.set_viewport_size({"width": width, "height": 844 if width > 320 else 568})
            found = page.evaluate(MEASURE)
            assert found["width"] <= found["viewport"], f"{path} at {width}px"
            assert found["small"] == [] and found["exit"] is None, (path, width, found)
