"""Who reaches what: every practicum URL and practicum admin view, for every role, against
one table of expected outcomes. A practicum URL missing from the table fails the test.
Denials are 404 (the object's existence is not confirmed) or a redirect to sign in."""

import pytest
from django.contrib.auth.models import Group
from django.urls import get_resolver, reverse

from certification import services
from certification.models import AuditEvent, PracticumEntry
from lms.accounts.models import Membership
from tests.factories import MembershipFactory, UserFactory, build_practicum, log_entry

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "trainee",
    "other_trainee",
    "supervisor",
    "other_supervisor",
    "trainer",
    "org_admin",
    "registrar",
    "superuser",
]
LOGIN = "login"  # a redirect to sign in
ADMIN_DENIED = "admin-denied"  # Wagtail's redirect away from a view the user may not use


def only(allowed: dict, default=404):
    """Expected status per role: anonymous is sent to sign in; `allowed` lists the others."""
    return {role: allowed.get(role, LOGIN if role == "anonymous" else default) for role in ROLES}


# People without admin access at all are sent to the admin's sign-in; staff without the
# permission are turned away to the admin home.
NOT_STAFF = {"anonymous", "trainee", "other_trainee", "supervisor", "other_supervisor", "org_admin"}


def admin_only(allowed: dict):
    return {role: allowed.get(role, LOGIN if role in NOT_STAFF else ADMIN_DENIED) for role in ROLES}


EVERYONE_SIGNED_IN = only({r: 200 for r in ROLES if r != "anonymous"})
TRAINEE_ONLY = only({"trainee": 200})
SUPERVISOR_ONLY = only({"supervisor": 200})
REGISTRARS = admin_only({"registrar": 200, "superuser": 200})

# (method, url name, kwargs key, expected per role)
MATRIX = {
    "practicum:home": ("get", "placement-less", EVERYONE_SIGNED_IN),
    "practicum:placement": ("get", "placement", TRAINEE_ONLY),
    "practicum:agree": ("post", "placement", only({"trainee": 302, "supervisor": 302})),
    "practicum:entry_new": ("get", "placement", TRAINEE_ONLY),
    "practicum:entry_edit": ("get", "draft", TRAINEE_ONLY),
    "practicum:entry_correct": ("get", "approved", TRAINEE_ONLY),
    "practicum:submit": ("post", "placement", only({"trainee": 302})),
    "practicum:signoff_new": ("get", "placement", TRAINEE_ONLY),
    "practicum:supervise": ("get", "placement", SUPERVISOR_ONLY),
    "practicum:decide": ("post", "placement", only({"supervisor": 400})),
    "practicum:session_new": ("get", "placement", SUPERVISOR_ONLY),
    "practicum:rate": ("get", "signoff", SUPERVISOR_ONLY),
    # The admin. Signed entries and audit events can be read, never added, edited or deleted,
    # by anyone: the superuser included.
    "wagtailadmin_home": (
        "get",
        "placement-less",
        admin_only({"trainer": 200, "registrar": 200, "superuser": 200}),
    ),
    "placement:index": ("get", "placement-less", REGISTRARS),
    "placement:add": ("get", "placement-less", REGISTRARS),
    "placement:edit": ("get", "pk-placement", REGISTRARS),
    "placement:inspect": ("get", "pk-placement", REGISTRARS),
    "placement:delete": ("get", "pk-placement", admin_only({})),
    "placementsupervisor:index": ("get", "placement-less", REGISTRARS),
    "practicumentry:index": ("get", "placement-less", REGISTRARS),
    "practicumentry:inspect": ("get", "pk-approved", REGISTRARS),
    "practicumentry:edit": ("get", "pk-approved", admin_only({})),
    "practicumentry:delete": ("get", "pk-approved", admin_only({})),
    "practicumentry:add": ("get", "placement-less", admin_only({})),
    "auditevent:index": ("get", "placement-less", REGISTRARS),
    "auditevent:inspect": ("get", "pk-event", REGISTRARS),
    "auditevent:edit": ("get", "pk-event", admin_only({})),
    "auditevent:delete": ("get", "pk-event", admin_only({})),
}


@pytest.fixture
def world(db):
    from lms.accounts.services import sync_role_groups

    sync_role_groups()
    practicum = build_practicum(week_of_entries=True)
    approved = services.approve_entry(
        supervisor=practicum.supervisor, entry_id=practicum.entries[0].pk
    )
    draft = log_entry(practicum.placement, days_ago=8)
    from certification.models import Competency

    signoff = services.request_signoff(
        trainee=practicum.trainee,
        placement_id=practicum.placement.pk,
        competency_id=Competency.objects.get(
            domain__framework__slug="samhsa-pw-2015", code="III.3"
        ).pk,
        account="Checked in with a quiet group member afterwards.",
    )
    trainer = UserFactory(is_staff=True)
    trainer.groups.add(Group.objects.get(name="Trainers"))
    org_admin = UserFactory()
    MembershipFactory(user=org_admin, organisation=practicum.host, role=Membership.Role.ORG_ADMIN)
    registrar = UserFactory(is_staff=True)
    registrar.groups.add(Group.objects.get(name="Registrars"))
    people = {
        "anonymous": None,
        "trainee": practicum.trainee,
        "other_trainee": practicum.other_trainee,
        "supervisor": practicum.supervisor,
        "other_supervisor": practicum.other_supervisor,
        "trainer": trainer,
        "org_admin": org_admin,
        "registrar": registrar,
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    p = practicum.placement.pk
    kwargs = {
        "placement-less": {},
        "placement": {"placement_id": p},
        "draft": {"placement_id": p, "entry_id": draft.pk},
        "approved": {"placement_id": p, "entry_id": approved.pk},
        "signoff": {"placement_id": p, "request_id": signoff.pk},
        "pk-placement": {"pk": p},
        "pk-approved": {"pk": approved.pk},
        "pk-event": {"pk": AuditEvent.objects.order_by("pk").first().pk},
    }
    return practicum, people, kwargs


def test_every_practicum_url_has_a_row():
    resolver = get_resolver()
    namespace = resolver.namespace_dict["practicum"][1]
    names = {f"practicum:{p.name}" for p in namespace.url_patterns}
    assert names == {n for n in MATRIX if n.startswith("practicum:")}


@pytest.mark.parametrize("name", list(MATRIX))
def test_access_matrix(client, world, name):
    practicum, people, kwargs = world
    method, key, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs[key])
    seen = {}
    for role in ROLES:
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        response = getattr(client, method)(url)
        if response.status_code == 302:
            location = response["Location"]
            outcome = (
                LOGIN
                if "/login/" in location
                else ADMIN_DENIED
                if location.rstrip("/").endswith("/admin") and name != "practicum:agree"
                else 302
            )
        else:
            outcome = response.status_code
        seen[role] = outcome
        if outcome in (404, 403):
            # A denial never shows the trainee or the record.
            body = response.content.decode()
            assert practicum.trainee.legal_name not in body
            assert "housing appointment" not in body
    assert seen == expected
    # Nothing anyone did here approved or changed an entry.
    assert PracticumEntry.objects.filter(status=PracticumEntry.Status.APPROVED).count() == 1


def test_a_registrar_creates_a_placement_in_the_admin_and_bad_input_is_explained(client, world):
    practicum, people, _kwargs = world
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
    practicum, people, _kwargs = world
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
    assert services.verify_audit_chain() == []
