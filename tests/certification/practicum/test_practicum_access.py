"""Setting up placements in the admin. Who reaches which practicum URL and admin view is in
the project-wide access matrix (tests/security/test_access_matrix.py)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from lms.accounts.models import Membership
from lms.audit.models import AuditEvent
from lms.audit.services.events import verify_audit_chain
from tests.factories import MembershipFactory, UserFactory, build_practicum

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    from lms.accounts.services import sync_role_groups

    sync_role_groups()
    practicum = build_practicum()
    org_admin = UserFactory()
    MembershipFactory(user=org_admin, organisation=practicum.host, role=Membership.Role.ORG_ADMIN)
    registrar = UserFactory(is_staff=True)
    registrar.groups.add(Group.objects.get(name="Registrars"))
    return practicum, {"org_admin": org_admin, "registrar": registrar}


def test_a_registrar_creates_a_placement_in_the_admin_and_bad_input_is_explained(client, world):
    practicum, people = world
    elsewhere = UserFactory()  # a supervisor, but at another organisation
    MembershipFactory(user=elsewhere, role=Membership.Role.SUPERVISOR)
    client.force_login(people["registrar"])
    url = reverse("placement:add")
    data = {
        "trainee": practicum.other_trainee.pk,
        "host": practicum.host.pk,
        "credential_code": "peer-foundations",
        "starts_on": "2026-01-05",
        "ends_on": "2026-06-30",
        "grace_days": "14",
        "supervisor": elsewhere.pk,
        "qualification": "Peer supervisor",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "does not have the supervisor role" in response.content.decode()
    assert not practicum.other_trainee.placements.filter(starts_on="2026-01-05").exists()
    data["supervisor"] = practicum.supervisor.pk
    response = client.post(url, data)
    assert response.status_code == 302
    created = practicum.other_trainee.placements.get(starts_on="2026-01-05")
    assert created.supervisor_links.get().qualification == "Peer supervisor"
    event = AuditEvent.objects.get(action="placement.created", object_id=str(created.pk))
    assert event.actor_id == people["registrar"].pk


def test_adding_a_supervisor_in_the_admin_checks_the_role_and_is_audited(client, world):
    practicum, people = world
    client.force_login(people["registrar"])
    url = reverse("placementsupervisor:add")
    data = {
        "placement": practicum.placement.pk,
        "supervisor": practicum.trainee.pk,
        "qualification": "Peer mentor",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cannot supervise their own placement" in response.content.decode()
    data["supervisor"] = people["org_admin"].pk
    assert "supervisor role at" in client.post(url, data).content.decode()
    data["supervisor"] = practicum.other_supervisor.pk
    assert client.post(url, data).status_code == 302
    link = practicum.placement.supervisor_links.get(supervisor=practicum.other_supervisor)
    event = AuditEvent.objects.get(action="placement.supervisor_added", object_id=str(link.pk))
    assert event.actor_id == people["registrar"].pk
    assert event.after["qualification"] == "Peer mentor"
    assert verify_audit_chain() == []
