"""Demo organisations and people for `seed_demo`. Idempotent: existing rows are left alone."""

from django.contrib.auth.models import Group
from django.utils import timezone

from . import services
from .models import Membership, Organisation, TOTPDevice, User
from .roles import REGISTRARS, TRAINERS

DEMO_PASSWORD = "peerpath-demo"  # noqa: S105 - printed on purpose; demo sites only
# The authenticator key of every demo login whose role needs two-factor authentication
# (trainer, supervisor, organisation admin, registrar, administrator: services.
# requires_two_factor). Printed on purpose; demo sites only.
DEMO_TOTP_SECRET = "PEERPATHDEMOSTAFFTWOFACTORKEYAAA"  # noqa: S105 - printed on purpose; demo sites only

ORGANISATIONS = [
    {
        "slug": "northside-recovery-college",
        "name": "Northside Recovery College",
        "kind": Organisation.Kind.TRAINING_PROVIDER,
        "contact_email": "learning@northside.example",
    },
    {
        "slug": "harbour-lights",
        "name": "Harbour Lights Recovery Café",
        "kind": Organisation.Kind.PLACEMENT_HOST,
        "contact_email": "hello@harbourlights.example",
    },
    {
        "slug": "riverside-health",
        "name": "Riverside Community Health Trust",
        "kind": Organisation.Kind.EMPLOYER,
        "contact_email": "people@riverside.example",
    },
]

# (role label for the printout, email, legal name, preferred name, pronouns,
#  memberships as (organisation slug, role), groups, is_staff, is_superuser)
PEOPLE = [
    (
        "Trainee",
        "trainee@peerpath.example",
        "Jordan Avery Ellis",
        "Jordan",
        "they/them",
        [("northside-recovery-college", Membership.Role.TRAINEE)],
        [],
        False,
        False,
    ),
    (
        "Trainer",
        "trainer@peerpath.example",
        "Priya Natarajan",
        "Priya",
        "she/her",
        [("northside-recovery-college", Membership.Role.TRAINER)],
        [TRAINERS],
        True,
        False,
    ),
    (
        "Supervisor",
        "supervisor@peerpath.example",
        "Marcus Reid",
        "Marcus",
        "he/him",
        [("harbour-lights", Membership.Role.SUPERVISOR)],
        [],
        False,
        False,
    ),
    (
        "Organisation admin",
        "orgadmin@peerpath.example",
        "Helen Okafor",
        "Helen",
        "she/her",
        [("northside-recovery-college", Membership.Role.ORG_ADMIN)],
        [],
        False,
        False,
    ),
    (
        "Verifier (employer)",
        "verifier@peerpath.example",
        "Tom Becker",
        "Tom",
        "he/him",
        [("riverside-health", Membership.Role.VERIFIER)],
        [],
        False,
        False,
    ),
    (
        "Registrar",
        "registrar@peerpath.example",
        "Ana Souza",
        "Ana",
        "she/her",
        [],
        [REGISTRARS],
        True,
        False,
    ),
    ("Administrator", "admin@peerpath.example", "Sam Whitfield", "Sam", "", [], [], True, True),
]


def seed_people() -> list[tuple[str, str]]:
    """Create the demo organisations and one person per role. Returns (role, email) pairs."""
    organisations = {}
    for spec in ORGANISATIONS:
        organisations[spec["slug"]], _ = Organisation.objects.get_or_create(
            slug=spec["slug"], defaults=spec
        )
    logins = []
    for label, email, legal, preferred, pronouns, memberships, groups, staff, superuser in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                legal_name=legal,
                preferred_name=preferred,
                pronouns=pronouns,
                is_staff=staff,
                is_superuser=superuser,
            )
        for slug, role in memberships:
            Membership.objects.get_or_create(user=user, organisation=organisations[slug], role=role)
        for name in groups:
            group = Group.objects.get(name=name)
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
        if services.requires_two_factor(user) and not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(
                user=user, secret=DEMO_TOTP_SECRET, confirmed_at=timezone.now()
            )
        logins.append((label, email))
    return logins


def demo_login_needs_code(email: str) -> bool:
    """Whether the demo login signs in with a code as well as the password."""
    return TOTPDevice.objects.filter(user__email=email, confirmed_at__isnull=False).exists()
