"""Browser: a trainer takes a session's register on a 390 px phone (one form for the whole
cohort, a check-in already marked present, one learner left early with minutes, one absent),
signs it with their password, and sees it locked. No sideways scroll; the quick exit stays
on screen. Screenshots go to var/shots/ to be looked at."""

from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import landed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = ROOT / "var" / "shots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_cohort(transactional_db, settings):
    from certification.live.services import attendance
    from cms.demo import seed_site
    from lms.accounts.models import Organisation
    from lms.accounts.services import sync_role_groups
    from tests.certification.live.helpers import (
        cohort_with,
        icrc_domains,
        schedule,
        started_ago,
        trainer_of,
    )
    from tests.factories import OrganisationFactory

    settings.PEERPATH_REAUTH_SECONDS = 0  # the signature asks for the password
    sync_role_groups()
    seed_site()
    icrc_domains()
    provider = OrganisationFactory(
        name="Northside Recovery College",
        slug="northside",
        kind=Organisation.Kind.TRAINING_PROVIDER,
    )
    trainer = trainer_of(provider)
    cohort = cohort_with(provider, trainer, learners=6)
    session = started_ago(schedule(trainer, cohort, days=0, hour=9), 30)
    first = cohort.learners.order_by("legal_name").first()
    code, _ = attendance.current_code(session)
    attendance.check_in(learner=first, session_id=session.pk, code=code, device_token="phone")
    return trainer, cohort, session


def _fits(page):
    return page.evaluate(
        """() => {
            const doc = document.documentElement;
            const exit = document.querySelector('.quick-exit');
            const box = exit ? exit.getBoundingClientRect() : null;
            return {width: doc.scrollWidth, viewport: doc.clientWidth,
                    exit: box && box.bottom > 0 && box.top < window.innerHeight};
        }"""
    )


def test_a_trainer_takes_and_signs_the_register_on_a_phone(browser, live_server, live_cohort):
    from certification.live.models import Attendance, SignedRegister
    from tests.factories.accounts import PASSWORD

    trainer, cohort, session = live_cohort
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, trainer.email, PASSWORD)
        landed(page)
        page.goto(f"/live/teach/{session.pk}/")
        learners = list(cohort.learners.order_by("legal_name"))
        # The learner who checked in starts as present.
        first = page.get_by_role("group", name=learners[0].display_name)
        assert first.get_by_label("Present", exact=True).is_checked()
        page.screenshot(path=str(SHOTS / "live-register-phone-before.png"), full_page=True)
        fits = _fits(page)
        assert fits["width"] <= fits["viewport"], fits
        for person in learners[1:4]:
            row = page.get_by_role("group", name=person.display_name)
            row.get_by_label("Present", exact=True).check()
        left = page.get_by_role("group", name=learners[4].display_name)
        left.get_by_label("Left early").check()
        left.get_by_label("Minutes present").fill("70")
        page.get_by_role("group", name=learners[5].display_name).get_by_label("Absent").check()
        page.get_by_label("Your password, to sign").fill(PASSWORD)
        page.get_by_role("button", name="Sign and lock the register").click()
        page.wait_for_url(f"**/live/teach/{session.pk}/")
        assert page.get_by_text("Register signed and locked.").is_visible()
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        fits = _fits(page)
        assert fits["width"] <= fits["viewport"], fits
        assert fits["exit"], "the quick exit is on screen after scrolling"
        page.screenshot(path=str(SHOTS / "live-register-phone-signed.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(SHOTS / "live-register-desktop-signed.png"), full_page=True)
    finally:
        context.close()
    assert SignedRegister.objects.filter(session=session).exists()
    records = {a.learner_id: a for a in Attendance.objects.filter(session=session)}
    assert records[learners[0].pk].checked_in and records[learners[0].pk].status == "present"
    assert records[learners[4].pk].credited_minutes == 60  # 70 present: rounded down, 60
    assert records[learners[5].pk].status == "absent"
    assert Path(SHOTS / "live-register-phone-signed.png").exists()
