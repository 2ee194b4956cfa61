"""One way to say "role": lms.accounts.permissions answers "is a registrar" and "is a
trainer", and every other app asks it (two-factor, certificate management, trainer pages)."""

import pytest
from django.contrib.auth.models import Permission

from certification.credentials import permissions as certification_permissions
from courses import permissions as course_permissions
from lms.accounts import permissions
from lms.accounts.services import requires_two_factor
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_registrar_is_one_answer_asked_everywhere(registrar):
    for user, expected in ((registrar, True), (UserFactory(), False)):
        assert permissions.is_registrar(user) is expected
        assert certification_permissions.is_registrar(user) is expected
        assert certification_permissions.can_manage_certificates(user) is expected
        assert requires_two_factor(user) is expected
    registrar.is_active = False
    assert not certification_permissions.can_manage_certificates(registrar)


def test_a_permission_granted_outside_the_role_does_not_make_a_registrar(roles):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="add_certificate"))
    assert not certification_permissions.can_manage_certificates(user)


def test_a_trainer_is_the_group_or_an_organisation_trainer(trainer, organisation, roles):
    by_membership = UserFactory()
    MembershipFactory(user=by_membership, organisation=organisation, role="trainer")
    for user in (trainer, by_membership):
        assert permissions.is_trainer(user) and course_permissions.is_trainer(user)
    # Only the group is a site-wide trainer role.
    assert permissions.has_staff_role(trainer, "Trainers")
    assert not permissions.has_staff_role(by_membership, "Trainers")
    assert not permissions.is_trainer(UserFactory())
