"""Helpers for contact hours and course certificates: a course with approved contact hours, a
learner who completes it, and the provider's approvals in site settings. Everything through
the services the pages use."""

from wagtail.models import Site

from cms.models import ProviderApproval, ProviderSettings
from courses import services as course_services
from courses.services import contact_hours
from lms.hours import Delivery
from tests.certification.credential_helpers import make_course

ETHICS_HOURS = {"icrc-pr/ethics": "8", "icrc-pr/mentoring": "4"}


def course_with_hours(registrar, slug="ethics-course", *, lessons=2, hours=None, total="12"):
    """A published course of `lessons` lessons (no quiz) with approved contact hours."""
    course, lesson_pages, _quiz = make_course(slug, lessons=lessons, quiz=False)
    contact_hours.set_contact_hours(
        registrar=registrar,
        page=course,
        title=f"{course.title} (approved)",
        total=total,
        hours_by_domain=ETHICS_HOURS if hours is None else hours,
        delivery=Delivery.LIVE_ONLINE,
    )
    return course, lesson_pages


def complete_course(user, course, lessons):
    course_services.enrol_learner(user=user, course=course)
    result = None
    for lesson in lessons:
        result = course_services.complete_lesson(user=user, lesson=lesson)
    return result


def provider_approvals():
    """The provider's name and two approved-provider numbers, in the site's settings."""
    site = Site.objects.get(is_default_site=True)
    provider, _created = ProviderSettings.objects.get_or_create(site=site)
    provider.provider_name = "Northside Recovery College"
    provider.save()
    provider.approvals.all().delete()  # the demo site's numbers, if seeded
    ProviderApproval.objects.get_or_create(
        settings=provider, body="NAADAC", number="NAADAC-212345", defaults={"sort_order": 0}
    )
    ProviderApproval.objects.get_or_create(
        settings=provider,
        body="Pennsylvania Certification Board",
        number="PCB-4410",
        defaults={"sort_order": 1},
    )
    return provider
