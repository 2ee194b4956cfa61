"""Issue 19: what every request used to read from the database (the site, the route, view
restrictions, settings, roles, the lesson body, the learner's progress) is kept between
requests, and never shown stale: each change shows on the very next request."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from cms.models import BrandingSettings
from courses import services
from lms.accounts.models import Membership, TOTPDevice
from lms.accounts.roles import REGISTRARS
from tests.factories import build_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def reading(client, trainee, catalogue):
    course, lessons = build_course(title="Kept course", modules=1, lessons_per_module=3)
    services.enrol_learner(user=trainee, course=course)
    client.force_login(trainee)
    for _ in range(2):  # everything kept is now kept
        assert client.get(lessons[0].url).status_code == 200
    return course, lessons


def test_a_published_revision_shows_on_the_next_request(client, reading):
    _course, lessons = reading
    lesson = lessons[0]
    assert "Peer work starts with listening." in client.get(lesson.url).content.decode()
    lesson.body = [("paragraph", "<p>A freshly published paragraph.</p>")]
    lesson.save_revision().publish()
    page = client.get(lesson.url).content.decode()
    assert "A freshly published paragraph." in page
    assert "Peer work starts with listening." not in page


def test_a_draft_does_not_show_until_published(client, reading):
    _course, lessons = reading
    lesson = lessons[0]
    lesson.body = [("paragraph", "<p>Only a draft so far.</p>")]
    lesson.save_revision()
    assert "Only a draft so far." not in client.get(lesson.url).content.decode()


def test_an_unpublished_lesson_is_gone_on_the_next_request(client, reading):
    _course, lessons = reading
    lessons[0].unpublish()
    assert client.get(lessons[0].url).status_code == 404


def test_progress_shows_at_once(client, trainee, reading):
    course, lessons = reading
    assert "1 of 3" not in client.get(course.url).content.decode()
    client.post(reverse("learn:complete", args=[lessons[0].pk]))
    page = client.get(lessons[1].url).content.decode()
    assert 'class="is-done"' in page


def test_a_view_restriction_applies_on_the_next_request(client, reading):
    _course, lessons = reading
    restriction = PageViewRestriction.objects.create(
        page=lessons[0].get_parent(), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Nobody here"))
    assert client.get(lessons[0].url).status_code != 200


def test_a_settings_change_shows_on_the_next_request(client, reading, site):
    _course, lessons = reading
    branding = BrandingSettings.for_site(site.get_site())
    branding.site_name = "Renamed Peer Academy"
    branding.save()
    assert "Renamed Peer Academy" in client.get(lessons[0].url).content.decode()


def test_a_new_role_shows_on_the_next_request(client, trainee, reading):
    _course, lessons = reading
    assert "Registrar desk" not in client.get(lessons[0].url).content.decode()
    trainee.groups.add(Group.objects.get_or_create(name=REGISTRARS)[0])
    assert "Registrar desk" in client.get(lessons[0].url).content.decode()
    trainee.groups.clear()
    assert "Registrar desk" not in client.get(lessons[0].url).content.decode()


def test_a_membership_ended_takes_its_tools_at_once(client, trainee, organisation, reading):
    _course, lessons = reading
    membership = Membership.objects.create(
        user=trainee, organisation=organisation, role=Membership.Role.SUPERVISOR
    )
    assert "Supervision" in client.get(lessons[0].url).content.decode()
    membership.delete()
    assert "Supervision" not in client.get(lessons[0].url).content.decode()


def test_a_confirmed_authenticator_asks_for_its_code_at_once(client, trainee, reading):
    """A session that never gave a code is sent to the code step as soon as the person has
    a confirmed authenticator (the kept roles say so on the very next request)."""
    from django.utils import timezone

    _course, lessons = reading
    TOTPDevice.objects.create(user=trainee, secret="JBSWY3DPEHPK3PXP", confirmed_at=timezone.now())
    response = client.get(lessons[0].url)
    assert response.status_code == 302
    assert reverse("accounts:two_factor_verify") in response["Location"]
