"""`seed_demo` builds the demo and is idempotent."""

import io
import logging

import pytest
from django.core.management import call_command
from django.test import override_settings

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


@override_settings(SITE_URL="http://127.0.0.1:8107")
def test_seed_demo_twice_gives_the_same_rows(caplog):
    """Seeding twice changes nothing. A newcomer sees one short line per step, no task or
    page-publishing logs, then the logins last, and the verification address on the
    site's own address (`make run` sets SITE_URL from HOST and PORT)."""
    output = io.StringIO()
    with caplog.at_level(logging.INFO):
        call_command("seed_demo", stdout=output)
    first = snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert snapshot() == first
    text = output.getvalue()
    assert "trainee@peerpath.example" in text
    assert "Password for every demo login" in text
    chatty = [r for r in caplog.records if r.name.startswith(("django_tasks", "wagtail"))]
    assert [r for r in chatty if r.levelno < logging.WARNING] == []
    lines = text.strip().splitlines()
    assert len(lines) < 50  # a line per step, the demo codes and the logins
    steps = [line for line in lines if line.startswith("Seeding the demo (")]
    assert len(steps) >= 5 and steps[0].startswith("Seeding the demo (1/")
    assert "http://127.0.0.1:8107/verify/" in text and ":8000" not in text
    # The logins, the password and the two-factor key close the output.
    assert "PEERPATHDEMOSTAFFTWOFACTORKEYAAA" in lines[-1]
    assert text.index("Demo logins:") > text.index("/verify/")


def test_seed_demo_creates_one_organisation_of_each_kind_and_every_role():
    call_command("seed_demo", stdout=io.StringIO())
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(Organisation.Kind.values)
    assert set(Membership.objects.values_list("role", flat=True)) == set(Membership.Role.values)
    assert User.objects.filter(groups__name="Trainers").exists()
    assert User.objects.filter(groups__name="Registrars").exists()
    assert User.objects.filter(is_superuser=True).exists()
