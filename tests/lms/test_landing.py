"""After signing in, each role lands where its work is and its header shows its own tools
(lms/accounts/landing.py); a person with several roles lands on the most urgent and sees
every tool; a safe `next` still wins; an unsafe one is ignored."""

import pytest
from django.urls import reverse

from lms.accounts import totp
from lms.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_people
from lms.accounts.landing import Roles, landing_url, tools
from lms.accounts.models import Membership, Organisation
from lms.accounts.permissions import has_role, is_registrar, is_trainer
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# Demo role -> (where sign-in lands, tools the header shows, links it must not show).
EXPECTED = {
    "Trainee": ("/learn/", ["My learning", "Practicum"], ["Registrar desk", "Marking", "Admin"]),
    "Trainer": ("/teach/", ["Cohorts and statistics", "Marking", "Admin"], ["My learning"]),
    "Supervisor": ("/practicum/", ["Supervision"], ["My learning", "Marking"]),
    "Organisation admin": (
        "/accounts/organisations/northside-recovery-college/",
        ["Members and invitations", "Roster check", "Watch list"],
        ["My learning", "Practicum"],
    ),
    "Verifier (employer)": (
        "/organisations/riverside-health/",
        ["Roster check", "Watch list"],
        ["My learning", "Practicum", "Members and invitations"],
    ),
    "Registrar": ("/desk/", ["Registrar desk", "Admin"], ["My learning", "Marking"]),
    "Administrator": ("/admin/", [], []),
}


def sign_in(client, email, next_url=None, step=0):
    """The sign-in form, then the demo code where the role needs one (a code works once:
    a second sign-in in the same test uses the next step's). Returns the last redirect's
    target."""
    url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    if response["Location"] == reverse("accounts:two_factor_verify"):
        code = totp.code_at(DEMO_TOTP_SECRET, totp.current_step() + step)
        response = client.post(reverse("accounts:two_factor_verify"), {"code": code})
        assert response.status_code == 302
    return response["Location"]


def nav_links(html: str) -> str:
    start = html.index('<nav class="site-nav"')
    return html[start : html.index("</nav>", start)]


@pytest.fixture
def logins(site, roles):
    return dict(seed_people())


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_lands_on_its_work_and_sees_its_own_tools(client, logins, role):
    lands, shown, hidden = EXPECTED[role]
    assert sign_in(client, logins[role]) == lands
    if role == "Administrator":
        return  # the admin is Wagtail's own page
    page = client.get(lands)
    assert page.status_code == 200
    nav = nav_links(page.content.decode())
    for label in shown:
        assert f">{label}</a>" in nav, f"{role} should see {label}"
    for label in hidden:
        assert f">{label}</a>" not in nav, f"{role} should not see {label}"
    assert 'aria-current="page"' in nav  # the landing page is marked in the header


def test_a_safe_next_wins_and_an_unsafe_one_is_ignored(client, logins):
    assert sign_in(client, logins["Registrar"], next_url="/privacy/requests/") == (
        "/privacy/requests/"
    )
    client.logout()
    assert sign_in(client, logins["Registrar"], "https://evil.example/", step=1) == "/desk/"
    client.logout()
    assert sign_in(client, logins["Trainee"], next_url="//evil.example/") == "/learn/"


def test_someone_with_several_roles_lands_on_the_most_urgent_and_sees_every_tool(client, site):
    person = UserFactory(legal_name="Kai Many")
    provider = Organisation.objects.create(slug="many-provider", name="Many Provider")
    host = Organisation.objects.create(slug="many-host", name="Many Host")
    MembershipFactory(user=person, organisation=provider, role=Membership.Role.ORG_ADMIN)
    MembershipFactory(user=person, organisation=host, role=Membership.Role.SUPERVISOR)
    MembershipFactory(user=person, organisation=provider, role=Membership.Role.TRAINEE)
    labels = [tool.label for tool in tools(Roles(person))]
    assert labels == [
        "Members and invitations",
        "Supervision",
        "Roster check",
        "Watch list",
        "My learning",
    ]
    assert landing_url(person) == reverse("accounts:organisation", kwargs={"slug": "many-provider"})
    client.force_login(person)
    nav = nav_links(client.get(reverse("practicum:home")).content.decode())
    for label in labels:
        assert f">{label}</a>" in nav


def test_a_newly_registered_person_with_no_organisation_is_a_learner(site):
    person = UserFactory()
    assert [tool.label for tool in tools(Roles(person))] == ["My learning", "Practicum"]
    assert landing_url(person) == reverse("learn:dashboard")


def test_roles_agree_with_the_permission_functions(logins):
    """`Roles` asks the permission functions; it never decides on its own."""
    from lms.accounts.models import User

    for email in logins.values():
        user = User.objects.get(email=email)
        roles = Roles(user)
        assert roles.registrar == is_registrar(user)
        assert roles.trainer == is_trainer(user)
        assert roles.supervisor == has_role(user, Membership.Role.SUPERVISOR)
        assert bool(roles.admin_of) == has_role(user, Membership.Role.ORG_ADMIN)


def test_the_kept_header_follows_a_new_role_and_a_lost_one_at_once(client, site):
    """The header's tools are kept per process while roles stand: a membership given or
    taken away, and the staff flag, show on the very next page."""
    person = UserFactory(legal_name="Rae Changing")
    client.force_login(person)
    page = reverse("accounts:profile")
    assert ">Supervision</a>" not in nav_links(client.get(page).content.decode())
    host = Organisation.objects.create(slug="changing-host", name="Changing Host")
    membership = MembershipFactory(user=person, organisation=host, role=Membership.Role.SUPERVISOR)
    nav = nav_links(client.get(page).content.decode())
    assert ">Supervision</a>" in nav and ">My learning</a>" not in nav
    membership.delete()
    nav = nav_links(client.get(page).content.decode())
    assert ">Supervision</a>" not in nav and ">My learning</a>" in nav
    person.is_staff = True
    person.save(update_fields=["is_staff"])
    assert ">Admin</a>" in nav_links(client.get(page).content.decode())
