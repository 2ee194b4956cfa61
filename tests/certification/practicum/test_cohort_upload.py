"""Cohorts from a CSV file, through HTTP: a preview with a clear error per row (nothing
changed), confirming sends the invitations through the outbox, the same file again changes
nothing, and 500 rows take a fixed number of queries. Only the organisation's admins and
registrars reach it; an admin of one organisation never uploads for another."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certification.practicum.models import SupervisorInvitation
from lms.accounts.models import Invitation, Membership, Organisation
from lms.audit.models.outbox import OutboxMessage
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "trainee_email,trainee_name,supervisor_email,supervisor_name,supervisor_role,qualification,starts_on,ends_on\n"  # noqa: E501


@pytest.fixture
def host(db):
    return OrganisationFactory(
        name="Harbour Lights", slug="harbour-lights", kind=Organisation.Kind.PLACEMENT_HOST
    )


@pytest.fixture
def admin(host):
    user = UserFactory(legal_name="Helen Okafor")
    MembershipFactory(user=user, organisation=host, role=Membership.Role.ORG_ADMIN)
    return user


def dates():
    today = timezone.localdate()
    return today.isoformat(), (today + timedelta(days=90)).isoformat()


def cohort_file(rows: int, *, supervisors=True) -> bytes:
    starts, ends = dates()
    lines = [HEADER]
    for n in range(rows):
        supervisor = (
            f"sup{n}@example.org,Supervisor {n},Team lead,CPRS,{starts},{ends}"
            if supervisors
            else ",,,,,"
        )
        lines.append(f"trainee{n}@example.org,Trainee {n},{supervisor}\n")
    return "".join(lines).encode()


def upload(client, host, data: bytes, name="cohort.csv"):
    return client.post(
        reverse("practicum:cohort", args=[host.slug]),
        {"action": "preview", "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def confirm(client, host, preview):
    return client.post(
        reverse("practicum:cohort", args=[host.slug]),
        {"action": "confirm", "token": preview.context["token"]},
    )


def test_the_preview_names_each_rows_error_and_changes_nothing(client, host, admin):
    starts, ends = dates()
    data = (
        HEADER + f"good@example.org,Good Row,,,,,,\n"
        "not-an-email,No Email,,,,,,\n"
        "noname@example.org,,,,,,,\n"
        f"late@example.org,Late Dates,s@example.org,Sam,,CPRS,{ends},{starts}\n"
        f"nosup@example.org,No Qualification,s2@example.org,Sam,,,{starts},{ends}\n"
        f"baddate@example.org,Bad Date,s3@example.org,Sam,,CPRS,01/02/2026,{ends}\n"
        "good@example.org,Good Row Again,,,,,,\n"
    ).encode()
    client.force_login(admin)
    response = upload(client, host, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "6 rows have errors" in page
    for line, message in [
        (3, "not-an-email is not an email address"),
        (4, "trainee_name: enter the trainee"),
        (5, "ends_on: the placement must end on or after"),
        (6, "qualification: needed with a supervisor"),
        (7, "starts_on: write the date as YYYY-MM-DD"),
        (8, "The same trainee is on line 2"),
    ]:
        row = page.split(f'id="line-{line}"', 1)[1].split("</tr>", 1)[0]
        assert message in row, (line, row)
    assert "Confirm and send" not in page
    assert not Invitation.objects.exists() and not SupervisorInvitation.objects.exists()


def test_confirming_invites_through_the_outbox_and_the_same_file_again_changes_nothing(
    client, host, admin, django_capture_on_commit_callbacks
):
    data = cohort_file(3)
    client.force_login(admin)
    preview = upload(client, host, data)
    assert preview.status_code == 200
    assert "invite trainee trainee0@example.org" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(client, host, preview)
    assert done.status_code == 302
    assert Invitation.objects.filter(organisation=host, role="trainee").count() == 3
    assert SupervisorInvitation.objects.filter(host=host).count() == 3
    assert OutboxMessage.objects.count() == 1  # one task sends the organisation's invitations
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [f"trainee{n}@example.org" for n in range(3)] + [f"sup{n}@example.org" for n in range(3)]
    )
    assert Invitation.objects.filter(sent_at__isnull=True).count() == 0

    again = upload(client, host, data)
    page = again.content.decode()
    assert again.status_code == 200 and "Confirming changes 0 rows" in page
    assert page.count("Nothing: already invited") == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(client, host, again).status_code == 302
    assert Invitation.objects.count() == 3 and SupervisorInvitation.objects.count() == 3
    assert OutboxMessage.objects.count() == 1 and len(mail.outbox) == 6


def test_five_hundred_rows_take_a_fixed_number_of_queries(
    client, host, admin, django_assert_max_num_queries
):
    data = cohort_file(500)
    client.force_login(admin)
    with django_assert_max_num_queries(25):
        preview = upload(client, host, data)
    assert preview.status_code == 200 and preview.context["preview"].change_count == 500
    # Bulk inserts: SQLite takes them in batches of a few dozen rows; one a row would be 1,000+.
    with django_assert_max_num_queries(60):
        assert confirm(client, host, preview).status_code == 302
    assert Invitation.objects.count() == 500 and SupervisorInvitation.objects.count() == 500
    with django_assert_max_num_queries(25):
        again = upload(client, host, data)
    assert again.context["preview"].change_count == 0


def test_a_file_that_is_not_a_csv_is_refused_at_the_field(client, host, admin):
    client.force_login(admin)
    response = upload(client, host, b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    assert response.status_code == 400
    assert "not a CSV text file" in response.content.decode()


def test_supervisor_columns_are_refused_for_an_organisation_that_is_not_a_host(client):
    provider = OrganisationFactory(slug="northside")
    admin = UserFactory()
    MembershipFactory(user=admin, organisation=provider, role=Membership.Role.ORG_ADMIN)
    client.force_login(admin)
    response = upload(client, provider, cohort_file(1))
    assert response.status_code == 400
    assert "added by the placement host" in response.content.decode()
    assert upload(client, provider, cohort_file(2, supervisors=False)).status_code == 200


def test_only_the_organisations_admins_and_registrars_upload(client, host, admin, registrar):
    other = OrganisationFactory(slug="eastgate-hub", kind=Organisation.Kind.PLACEMENT_HOST)
    other_admin = UserFactory()
    MembershipFactory(user=other_admin, organisation=other, role=Membership.Role.ORG_ADMIN)
    supervisor = UserFactory()
    MembershipFactory(user=supervisor, organisation=host, role=Membership.Role.SUPERVISOR)
    url = reverse("practicum:cohort", args=[host.slug])
    for person in (other_admin, supervisor):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert upload(client, host, cohort_file(1)).status_code == 404
    client.force_login(registrar)
    assert upload(client, host, cohort_file(1)).status_code == 200
    # A preview made by one person cannot be confirmed by another.
    preview = upload(client, host, cohort_file(1))
    client.force_login(admin)
    assert confirm(client, host, preview).status_code == 400
    assert not Invitation.objects.exists()
