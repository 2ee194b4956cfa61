"""`seed_demo` builds the demo and is idempotent."""

import io

import pytest
from django.core.management import call_command

from lms.accounts.models import Membership, Organisation, User

pytestmark = pytest.mark.django_db(transaction=False)

# Wagtail's reference index is a derived cache that Wagtail refreshes in the background (after
# commits that tests never make), so it is not part of what the seed writes.
EXCLUDED = [
    "sessions",
    "axes",
    "contenttypes",
    "auth.permission",
    "admin.logentry",
    "wagtailcore.referenceindex",
]


def snapshot() -> str:
    out = io.StringIO()
    call_command("dumpdata", exclude=EXCLUDED, stdout=out, indent=0)
    return out.getvalue()


def test_seed_demo_twice_gives_the_same_rows():
    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    first = snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert snapshot() == first
    text = output.getvalue()
    assert "trainee@peerpath.example" in text
    assert "Password for every demo login" in text


def test_seed_demo_creates_one_organisation_of_each_kind_and_every_role():
    call_command("seed_demo", stdout=io.StringIO())
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(Organisation.Kind.values)
    assert set(Membership.objects.values_list("role", flat=True)) == set(Membership.Role.values)
    assert User.objects.filter(groups__name="Trainers").exists()
    assert User.objects.filter(groups__name="Registrars").exists()
    assert User.objects.filter(is_superuser=True).exists()
