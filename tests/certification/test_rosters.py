"""Roster checks: an organisation's verifier or admin uploads codes (or names and codes) and
gets each row's public status back, as a table and as a CSV safe to open in a spreadsheet;
bad rows get their own clear message; size, row and type limits; only that organisation's
verifiers and admins may use it; one query for the lookup whatever the number of codes."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certification.credentials.models import Certificate
from certification.credentials.services import lifecycle as lifecycle_services
from certification.organisations import services as roster_service
from tests.certification.org_helpers import employer, issued_certificate, member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UNKNOWN = "7KQ2M8XW4RZT9VBN3HJC6PDYF"  # the right shape, issued to nobody


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def riverside(db):
    return employer()


@pytest.fixture
def verifier(riverside):
    return member(riverside, "verifier", legal_name="Tom Becker")


@pytest.fixture
def standings(db, registrar):
    """One certificate in each public standing, keyed by it."""
    valid = issued_certificate("Jordan Avery Ellis")
    expired = issued_certificate("Casey Morgan", expires_in=-3, issued_ago=800)
    revoked = issued_certificate("Robin Hale")
    lifecycle_services.revoke_certificate(
        registrar=registrar, certificate_id=revoked.pk, reason="Private reason MARKER-7731"
    )
    replaced = issued_certificate("Alex Stone")
    new = lifecycle_services.replace_certificate(
        actor=registrar, certificate_id=replaced.pk, reason="Spelling of the name"
    )
    Certificate.objects.filter(pk=new.pk).update(status="issued", pdf_sha256="1" * 64)
    hidden = issued_certificate("Sam Quiet")
    lifecycle_services.hide_certificate(
        holder=hidden.trainee, certificate_id=hidden.pk, hidden=True
    )
    pending = issued_certificate("Lee Waiting")
    Certificate.objects.filter(pk=pending.pk).update(status="pending")
    return {
        "valid": valid,
        "expired": expired,
        "revoked": revoked,
        "replaced": replaced,
        "new": new,
        "hidden": hidden,
        "pending": pending,
    }


def upload(client, organisation, content, name="roster.csv", **extra):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        reverse("organisations:roster", kwargs={"slug": organisation.slug}),
        {"roster": SimpleUploadedFile(name, data, content_type="text/csv"), **extra},
    )


def rows_by_line(response):
    return {row.line: row for row in response.context["result"].rows}


def test_every_standing_is_reported_from_the_public_record(client, riverside, verifier, standings):
    """Valid, expired, revoked, replaced (with the new code), and "not found" for unknown,
    hidden and not-yet-issued codes alike; never a revocation reason or an email."""
    s = standings
    lines = ["Code"] + [
        s[key].grouped_code.lower() if key == "valid" else s[key].verification_code
        for key in ("valid", "expired", "revoked", "replaced", "hidden", "pending")
    ]
    lines.append(UNKNOWN)
    client.force_login(verifier)
    response = upload(client, riverside, "\n".join(lines))
    assert response.status_code == 200
    rows = rows_by_line(response)
    assert [rows[n].state for n in range(2, 9)] == [
        "valid",
        "expired",
        "revoked",
        "replaced",
        "not_found",
        "not_found",
        "not_found",
    ]
    assert rows[5].record["replaced_by"]["code"] == s["new"].grouped_code
    assert rows[3].record["status"]["date"] == s["expired"].expires_on.isoformat()
    html = response.content.decode()
    assert "Revoked" in html and "Replaced by a newer certificate" in html
    assert "MARKER-7731" not in html
    assert s["valid"].trainee.email not in html
    assert "Sam Quiet" not in html  # hidden: nothing about it is shown


def test_names_are_matched_ignoring_case_and_spaces_and_mismatches_flagged(
    client, riverside, verifier
):
    jordan = issued_certificate("Jordan Avery Ellis")
    casey = issued_certificate("Casey Morgan")
    roster = (
        "Name,Code\n"
        f"  jordan   avery ELLIS ,{jordan.grouped_code}\n"
        f"Sam Someone-Else,{casey.verification_code}\n"
        f",{casey.verification_code}\n"
    )
    client.force_login(verifier)
    response = upload(client, riverside, roster)
    rows = rows_by_line(response)
    assert rows[2].name_match is True
    assert rows[3].name_match is False
    assert rows[4].name_match is None  # no name given: not checked
    assert rows[4].note == "The same code as line 3."
    assert response.context["counts"]["mismatches"] == 1
    assert "Does not match" in response.content.decode()


def test_bad_rows_get_their_own_clear_message_and_good_rows_are_still_checked(
    client, riverside, verifier
):
    good = issued_certificate("Jordan Avery Ellis")
    roster = "\n".join(
        [
            "Name,Code",
            f"Jordan Avery Ellis,{good.verification_code}",
            "Blank Code,",
            "Typo Code,ABC-123",
            f"Too,Many,{good.verification_code}",
            "X" * 400 + f",{good.verification_code}",
            "",  # a blank line is skipped, not an error
            f'"Ellis, Jordan Avery",{good.verification_code}',
        ]
    )
    client.force_login(verifier)
    response = upload(client, riverside, roster)
    assert response.status_code == 200
    rows = rows_by_line(response)
    assert rows[2].state == "valid"
    assert rows[3].error == "No certificate code in this row."
    assert rows[4].error.startswith("This is not a certificate code")
    assert rows[5].error.startswith("Too many columns: this row has 3, the header has 2")
    assert "longer than 300 characters" in rows[6].error
    assert 7 not in rows
    assert rows[8].state == "valid" and rows[8].name_match is False  # a quoted comma is fine
    assert response.context["counts"]["errors"] == 4
    html = response.content.decode()
    assert "No certificate code in this row." in html and "Too many columns" in html


@pytest.mark.parametrize(
    "template",
    [
        "{code}\n{code2}\n",  # codes only, no header
        "{name};{code}\n{name2};{code2}\n",  # semicolons
        "{code}\t{name}\n{code2}\t{name2}\n",  # tabs, code first
        "Staff number,Employee,Certificate code\n17,{name},{code}\n18,{name2},{code2}\n",
        "First name,Surname,Verification code\nJordan Avery,Ellis,{code}\nCasey,Morgan,{code2}\n",
        "Who,Cert\n{name},{code}\n{name2},{code2}\n",  # a header we do not know: skipped
    ],
)
def test_common_shapes_are_understood(template):
    jordan = issued_certificate("Jordan Avery Ellis")
    casey = issued_certificate("Casey Morgan")
    text = template.format(
        code=jordan.grouped_code,
        code2=casey.verification_code.lower(),
        name="Jordan Avery Ellis",
        name2="Casey Morgan",
    )
    result = roster_service.check_roster(data=("\ufeff" + text).replace("\n", "\r\n").encode())
    assert [row.state for row in result.rows] == ["valid", "valid"]
    assert all(row.name_match in (True, None) for row in result.rows)
    assert result.has_names == ("{name" in template or "First name" in template)
    if "Staff number" in template:
        assert result.ignored_columns == ["Staff number"]


def test_a_windows_spreadsheet_csv_is_read():
    jordan = issued_certificate("Zoë Ellis")
    data = f"Name,Code\nZoë Ellis,{jordan.verification_code}\n".encode("cp1252")
    [row] = roster_service.check_roster(data=data).rows
    assert row.name_match is True


def test_the_csv_download_is_safe_against_formula_injection(client, riverside, verifier):
    jordan = issued_certificate("Jordan Avery Ellis")
    roster = (
        "Name,Code\n"
        f'"=HYPERLINK(""http://evil.example"",""x"")",{jordan.verification_code}\n'
        f"+SUM(1;2),{jordan.verification_code}\n"
        f"-2+3,{jordan.verification_code}\n"
        f"@cmd,{jordan.verification_code}\n"
        "Tab,\t=1+1\n"
        "Pipe,=cmd|' /C calc'!A0\n"
    )
    client.force_login(verifier)
    response = upload(client, riverside, roster)
    assert response.status_code == 200
    download = client.get(
        reverse(
            "organisations:roster_csv",
            kwargs={"slug": riverside.slug, "token": response.context["token"]},
        )
    )
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"]
    cells = [cell for row in csv.reader(io.StringIO(download.content.decode())) for cell in row]
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert "'+SUM(1;2)" in cells and "'@cmd" in cells


def test_the_csv_has_one_row_per_roster_row_with_the_status(client, riverside, verifier):
    jordan = issued_certificate("Jordan Avery Ellis")
    client.force_login(verifier)
    response = upload(
        client, riverside, f"Name,Code\nJ. Ellis,{jordan.verification_code}\nLee Blank,\n"
    )
    download = client.get(
        reverse(
            "organisations:roster_csv",
            kwargs={"slug": riverside.slug, "token": response.context["token"]},
        )
    )
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert [r["status"] for r in rows] == ["Valid", "Not checked"]
    assert rows[0]["holder name"] == "Jordan Avery Ellis" and rows[0]["name matches"] == "NO"
    assert rows[0]["expires on"] == jordan.expires_on.isoformat()
    assert rows[1]["problem"] == "No certificate code in this row."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.csv", b"A" * (2 * 1024 * 1024 + 1), "the limit is 2 MB"),
        ("staff.xlsx", b"PK\x03\x04whatever", "spreadsheet workbook"),
        ("staff.csv", b"PK\x03\x04whatever", "spreadsheet workbook"),
        ("notes.pdf", b"%PDF-1.7", "Upload a CSV file"),
        ("empty.csv", b"   \n\n", "The file is empty"),
        ("binary.csv", b"\x00\x01\x02code", "not a CSV text file"),
        ("header.csv", b"Name,Code\n", "no rows under it"),
        ("nocode.csv", b"Name,Email\nJordan,j@example.org\n", 'no column is called "code"'),
    ],
)
def test_files_that_cannot_be_checked_get_a_clear_message(
    client, riverside, verifier, name, content, message
):
    client.force_login(verifier)
    response = upload(client, riverside, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&quot;", '"')
    assert response.context["result"] is None


def test_more_than_5000_rows_is_refused_with_a_clear_message(client, riverside, verifier):
    content = "\n".join([UNKNOWN] * 5001)
    client.force_login(verifier)
    response = upload(client, riverside, content)
    assert response.status_code == 400
    assert "more than 5,000 rows" in response.content.decode()
    assert len(roster_service.parse_roster(data="\n".join([UNKNOWN] * 5000).encode()).rows) == (
        5000
    )


def test_pasted_codes_work_and_an_empty_form_says_what_to_do(client, riverside, verifier):
    jordan = issued_certificate("Jordan Avery Ellis")
    client.force_login(verifier)
    url = reverse("organisations:roster", kwargs={"slug": riverside.slug})
    response = client.post(url, {"codes": f"{jordan.grouped_code}\n{UNKNOWN}"})
    assert [r.state for r in response.context["result"].rows] == ["valid", "not_found"]
    empty = client.post(url, {"codes": "  "})
    assert empty.status_code == 400
    assert "Choose a CSV file, or paste some codes." in empty.content.decode()


def test_only_that_organisations_verifiers_and_admins_may_check_rosters(client, riverside):
    """Anonymous: sign in. A trainee or supervisor of the organisation: 403. A verifier of
    another organisation, or a superuser who is not a member: 404. Admins: allowed."""
    url = reverse("organisations:roster", kwargs={"slug": riverside.slug})
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(member(riverside, "trainee"))
    assert client.get(url).status_code == 403
    assert upload(client, riverside, UNKNOWN).status_code == 403
    client.force_login(member(employer("Other Trust", "other"), "verifier"))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(url).status_code == 404
    client.force_login(member(riverside, "org_admin"))
    assert client.get(url).status_code == 200
    assert upload(client, riverside, UNKNOWN).status_code == 200


def test_a_results_download_belongs_to_who_uploaded_it(client, riverside, verifier):
    client.force_login(verifier)
    token = upload(client, riverside, UNKNOWN).context["token"]
    url = reverse("organisations:roster_csv", kwargs={"slug": riverside.slug, "token": token})
    assert client.get(url).status_code == 200
    client.force_login(member(riverside, "verifier"))
    assert client.get(url).status_code == 404  # a colleague cannot replay it
    assert (
        client.get(
            reverse("organisations:roster_csv", kwargs={"slug": riverside.slug, "token": "nope"})
        ).status_code
        == 404
    )


def test_the_lookup_is_one_query_for_a_thousand_codes(django_assert_num_queries):
    certificates = [issued_certificate(f"Person {n}") for n in range(5)]
    codes = [c.verification_code for c in certificates] + [
        re.sub(r"^.{5}", f"{n:05d}", UNKNOWN) for n in range(995)
    ]
    data = ("Code\n" + "\n".join(codes)).encode()
    with django_assert_num_queries(1):
        result = roster_service.check_roster(data=data)
    assert len(result.rows) == 1000
    assert sum(row.state == "valid" for row in result.rows) == 5


def test_uploads_are_rate_limited_per_person_with_a_clear_message(
    client, riverside, verifier, monkeypatch
):
    monkeypatch.setattr(roster_service, "ROSTER_UPLOADS_PER_HOUR", 2)
    client.force_login(verifier)
    assert upload(client, riverside, UNKNOWN).status_code == 200
    assert upload(client, riverside, UNKNOWN).status_code == 200
    response = upload(client, riverside, UNKNOWN)
    assert response.status_code == 429
    assert "rosters in the last hour" in response.content.decode()
    client.force_login(member(riverside, "verifier"))
    assert upload(client, riverside, UNKNOWN).status_code == 200  # per person


def test_a_verifier_of_one_organisation_goes_straight_to_it(client, riverside, verifier):
    client.force_login(verifier)
    response = client.get(reverse("organisations:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:roster", kwargs={"slug": "riverside"})


def test_a_bare_code_among_named_lines_is_checked_as_a_code(client, riverside, verifier):
    """Pasted lines may mix "name, code" and a code alone: the code alone is a code, not
    "No certificate code in this row"."""
    jordan = issued_certificate("Jordan Avery Ellis")
    sam = issued_certificate("Sam Okafor")
    client.force_login(verifier)
    url = reverse("organisations:roster", kwargs={"slug": riverside.slug})
    codes = "\n".join(
        [f"Jordan Avery Ellis, {jordan.grouped_code}", sam.grouped_code, f"Nobody, {UNKNOWN}"]
    )
    response = client.post(url, {"codes": codes})
    assert response.status_code == 200
    rows = response.context["result"].rows
    assert [r.state for r in rows] == ["valid", "valid", "not_found"]
    assert [r.error for r in rows] == ["", "", ""]
    assert rows[0].name_match is True
    assert rows[1].name == "" and rows[1].name_match is None
    assert "No certificate code in this row." not in response.content.decode()
