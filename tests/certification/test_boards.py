"""Boards: requirements loaded from the data file with their sources and versioned, a
trainee's readiness against the board they aim at (numbers from Peerpath's records, the rest
as items they tick), a registrar's new version and the cohort view. Through HTTP and the
services."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.boards.models import BoardCredential, BoardTarget, RequirementSet
from certification.boards.services import targets as target_services
from certification.boards.services.loading import load_boards
from certification.boards.services.readiness import readiness, readiness_many
from certification.credentials.services import credentials as credential_services
from certification.practicum.services import practicum as practicum_services
from lms.hours import HoursLine, register_source, unregister_source
from tests.factories.accounts import UserFactory
from tests.factories.courses import CohortFactory
from tests.factories.practicum import build_practicum

pytestmark = pytest.mark.django_db


@pytest.fixture
def boards(db):
    load_boards()


@pytest.fixture
def hours_source():
    """A training-hours source the test fills: {user id: [HoursLine]}. Removed afterwards."""
    lines: dict[int, list[HoursLine]] = {}
    register_source("test-boards", lambda ids: {pk: lines.get(pk, []) for pk in ids})
    yield lines
    unregister_source("test-boards")


def course_line(key, on, by_domain, *, total=None, face=0, topics=(), status="credited"):
    hours = {k: Decimal(str(v)) for k, v in by_domain.items()}
    return HoursLine(
        source="course",
        key=key,
        title=key,
        on=on,
        hours_by_domain=hours,
        total=Decimal(str(total)) if total is not None else sum(hours.values(), Decimal(0)),
        face_to_face=Decimal(str(face)),
        topics=tuple(topics),
        status=status,
    )


def line_of(result, key):
    return next(line for line in result.lines if line.key == key)


def test_loading_keeps_every_figure_with_its_source_and_is_idempotent(boards):
    icrc = BoardCredential.objects.get(code="icrc-pr")
    rules, sources = icrc.current.rules, icrc.current.sources
    assert rules["training"]["total"] == 46
    assert rules["training"]["by_domain"] == {
        "icrc-pr/advocacy": 10,
        "icrc-pr/mentoring": 10,
        "icrc-pr/recovery": 10,
        "icrc-pr/ethics": 16,
    }
    assert rules["experience"]["hours"] == 500 and rules["supervision"]["hours"] == 25
    assert rules["exam"]["required"] is True
    assert sources["training.by_domain.icrc-pr/ethics"]["source"].startswith(
        "https://internationalcredentialing.org"
    )
    assert sources["training.total"]["verification"] == "verified"
    # A member board that adopts IC&RC's credential starts from its rules.
    delaware = BoardCredential.objects.get(code="de-cprs")
    assert delaware.framework == "icrc-pr"
    assert delaware.current.rules["training"]["by_domain"]["icrc-pr/ethics"] == 16
    assert "lived_experience_statement" in delaware.current.rules["documents"]
    # NAADAC counts topics and a face-to-face share, not domains.
    naadac = BoardCredential.objects.get(code="naadac-ncprss").current.rules["training"]
    assert naadac["min_by_topic"] == {"ethics": 6, "hiv_bbp": 6}
    assert naadac["face_to_face_share_min"] == 0.5
    before = RequirementSet.objects.count()
    assert load_boards()["versions"] == 0
    assert RequirementSet.objects.count() == before


def test_readiness_counts_training_by_domain_and_practicum_with_numbers(boards, hours_source):
    practicum = build_practicum(week_of_entries=True)
    trainee = practicum.trainee
    practicum_services.approve_entries(
        supervisor=practicum.supervisor, entry_ids=[e.pk for e in practicum.entries]
    )
    hours_source[trainee.pk] = [
        course_line("ethics", date(2026, 3, 1), {"icrc-pr/ethics": 8, "icrc-pr/mentoring": 4}),
        course_line("boundaries", date(2026, 4, 1), {"icrc-pr/ethics": 4}),
        # Waiting for a registrar: shown elsewhere, never counted.
        course_line("outside", date(2026, 5, 1), {"icrc-pr/ethics": 10}, status="pending"),
    ]
    target = target_services.aim(trainee=trainee, code="icrc-pr")
    result = readiness(target)
    ethics = line_of(result, "domain:icrc-pr/ethics")
    assert (ethics.done, ethics.needed, ethics.met) == (12, 16, False)
    assert ethics.label == "Ethical Responsibility"
    assert "12 of 16 training hours" in ethics.detail
    assert line_of(result, "domain:icrc-pr/mentoring").done == 4
    assert line_of(result, "total").done == 16
    experience = line_of(result, "hours")
    assert experience.section == "experience" and experience.done == 10  # 5 x 2 h approved
    assert not result.ready
    # What Peerpath cannot hold is for the trainee to tick; the rest is counted.
    assert {line.key for line in result.checklist} >= {"proof_of_education", "residency"}
    # The exam is Peerpath's to count, from a pass a registrar recorded: none yet.
    exam = line_of(result, "exam")
    assert not exam.tickable and not exam.met and "No pass recorded" in exam.detail
    assert all(not line.tickable for line in result.counted)


def test_a_trainee_aims_reads_and_ticks_through_http(client, boards, hours_source):
    trainee = UserFactory()
    hours_source[trainee.pk] = [course_line("c", date(2026, 1, 5), {"icrc-pr/advocacy": 10})]
    client.force_login(trainee)
    response = client.post(reverse("boards:aim", args=["icrc-pr"]))
    assert response.status_code == 302
    page = client.get(reverse("boards:detail", args=["icrc-pr"])).content.decode()
    assert "10 of 10 training hours" in page
    assert "aligned to" in page and "approved by the board" not in page.replace(
        "not approved by the board", ""
    )
    response = client.post(
        reverse("boards:tick", args=["icrc-pr"]),
        {"key": "document:proof_of_education", "done": "1"},
    )
    assert response.status_code == 302
    target = BoardTarget.objects.get(trainee=trainee)
    assert target.ticked == ["document:proof_of_education"]
    assert line_of(readiness(target), "proof_of_education").met
    # Something that is not on the checklist is refused, and nothing changes.
    response = client.post(
        reverse("boards:tick", args=["icrc-pr"]),
        {"key": "document:training_certificates", "done": "1"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.ticked == ["document:proof_of_education"]
    follow = client.get(response.url).content.decode()
    assert "not an item you tick" in follow


def test_a_trainee_sees_only_their_own_readiness(client, boards):
    first, second = UserFactory(), UserFactory()
    target_services.aim(trainee=first, code="icrc-pr")
    target_services.set_tick(
        trainee=first, code="icrc-pr", key="document:proof_of_education", done=True
    )
    client.force_login(second)
    page = client.get(reverse("boards:detail", args=["icrc-pr"])).content.decode()
    assert "You are not aiming for this credential yet" in page
    assert client.post(reverse("boards:update", args=["icrc-pr"])).status_code == 404
    assert client.post(reverse("boards:let_go", args=["icrc-pr"])).status_code == 404
    assert BoardTarget.objects.filter(trainee=first).exists()


def test_letting_go_asks_first_then_forgets_only_the_target(client, boards):
    trainee = UserFactory()
    target_services.aim(trainee=trainee, code="pa-cps")
    client.force_login(trainee)
    page = client.get(reverse("boards:let_go", args=["pa-cps"])).content.decode()
    assert "Stop aiming for this credential?" in page and "not changed" in page
    assert BoardTarget.objects.filter(trainee=trainee).exists()
    client.post(reverse("boards:let_go", args=["pa-cps"]))
    assert not BoardTarget.objects.filter(trainee=trainee).exists()


def test_a_registrar_makes_a_new_version_and_trainees_keep_theirs_until_they_move(
    client, boards, registrar
):
    trainee = UserFactory()
    target = target_services.aim(trainee=trainee, code="icrc-pr")
    old = target.version
    client.force_login(registrar)
    url = reverse("boards:requirements", args=["icrc-pr"])
    form = client.get(url)
    assert form.status_code == 200 and "icrc-pr/ethics: 16" in form.content.decode()
    data = {
        "training_total": "50",
        "training_by_domain": "icrc-pr/ethics: 20\nicrc-pr/advocacy: 10",
        "experience_hours": "500",
        "supervision_hours": "25",
        "exam_required": "on",
        "exam_name": "IC&RC Peer Recovery Examination",
        "documents": ["proof_of_education", "training_certificates"],
        "change_note": "Ethics raised to 20 h in the 2027 handbook",
    }
    # A line that is not "framework/domain: hours" is refused at its field, input kept.
    bad = client.post(url, {**data, "training_by_domain": "ethics twenty"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Write one domain per line" in body and "ethics twenty" in body
    assert client.post(url, data).status_code == 302
    newest = BoardCredential.objects.get(code="icrc-pr").current
    assert newest.number == old.number + 1
    assert newest.rules["training"]["by_domain"] == {"icrc-pr/ethics": 20, "icrc-pr/advocacy": 10}
    assert newest.sources["training.by_domain.icrc-pr/ethics"]["source"].startswith("Ethics raised")
    # An unchanged figure keeps its published source.
    assert newest.sources["experience.hours"]["source"].startswith("https://")
    # Saving the same figures again is refused: nothing changed.
    again = client.post(url, data)
    assert again.status_code == 400 and "Nothing changed" in again.content.decode()
    target.refresh_from_db()
    assert target.version == old
    client.force_login(trainee)
    page = client.get(reverse("boards:detail", args=["icrc-pr"])).content.decode()
    assert "requirements have changed" in page
    client.post(reverse("boards:update", args=["icrc-pr"]))
    target.refresh_from_db()
    assert target.version == newest


def test_requirements_and_cohorts_are_for_registrars(client, boards, trainer):
    client.force_login(trainer)
    assert client.get(reverse("boards:requirements", args=["icrc-pr"])).status_code == 403
    assert client.get(reverse("boards:cohorts")).status_code == 403


def _cohort_with(size, hours_source):
    cohort = CohortFactory()
    for number in range(size):
        person = UserFactory()
        cohort.learners.add(person)
        target_services.aim(trainee=person, code="icrc-pr")
        hours_source[person.pk] = [
            course_line(f"c{number}", date(2026, 2, 1), {"icrc-pr/ethics": 16})
        ]
    return cohort


def test_cohort_readiness_in_a_fixed_number_of_queries(client, boards, registrar, hours_source):
    small = _cohort_with(2, hours_source)
    large = _cohort_with(8, hours_source)
    client.force_login(registrar)
    url = reverse("boards:cohorts")
    # Warm up twice: the first request creates the site's settings rows, which starts a new
    # version of the pages kept per process (lms.cache), read again on the second.
    for _ in range(2):
        client.get(url, {"cohort": small.pk, "credential": "icrc-pr"})
    counts = []
    for cohort in (small, large):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"cohort": cohort.pk, "credential": "icrc-pr"})
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    page = response.content.decode()
    assert "8 learners aim for it" in page
    assert "16 of 16 training hours" not in page  # met lines are not "still missing"
    assert "0 of 500 approved practicum hours" in page


def test_readiness_many_reads_many_trainees_at_once(boards, hours_source):
    targets = [target_services.aim(trainee=UserFactory(), code="naadac-ncprss") for _ in range(5)]
    for target in targets:
        hours_source[target.trainee_id] = [
            course_line("live", date(2026, 1, 1), {}, total=30, face=20, topics=("ethics",)),
            course_line("online", date(2026, 1, 2), {}, total=30, face=0),
        ]
    loaded = list(BoardTarget.objects.select_related("version", "credential"))
    counts = []
    for chosen in (loaded[:1], loaded):
        with CaptureQueriesContext(connection) as captured:
            found = readiness_many(chosen)
        counts.append(len(captured))
    # One query per registered hours source, two for the practicum, one each for document
    # titles, attestations and exam passes, however many trainees.
    assert counts[0] == counts[1], counts
    first = found[targets[0].pk]
    assert line_of(first, "total").done == 60 and line_of(first, "total").met
    face = line_of(first, "face_to_face")
    assert (face.done, face.met) == (33, False)  # 20 of 60 live is 33%, under half
    assert line_of(first, "topic:ethics").done == 30


def test_ethics_statement_comes_from_the_attestation(boards):
    trainee = UserFactory()
    target = target_services.aim(trainee=trainee, code="pa-cps")
    assert not line_of(readiness(target), "ethics_statement").met
    credential_services.attest(trainee=trainee, code="code_of_ethics")
    assert line_of(readiness(target), "ethics_statement").met


def test_export_and_erasure_cover_board_targets(boards, registrar):
    from lms.privacy.services import data_rights

    trainee = UserFactory()
    target_services.aim(trainee=trainee, code="icrc-pr")
    target_services.set_tick(
        trainee=trainee, code="icrc-pr", key="document:proof_of_education", done=True
    )
    exported = data_rights.personal_data(user=trainee)
    assert "'ticked': ['document:proof_of_education']" in str(exported) and "Peer Recovery" in str(
        exported
    )
    request = data_rights.request_erasure(user=trainee)
    _request, preview = data_rights.erasure_preview(request_id=request.pk)
    assert any("board they aim for" in line for line in preview)
    data_rights.complete_erasure(registrar=registrar, request_id=request.pk)
    assert not BoardTarget.objects.filter(trainee=trainee).exists()


def test_an_exam_pass_a_registrar_recorded_meets_the_exam_line(boards, registrar):
    from certification.exams import services as exam_services

    trainee = UserFactory()
    target = target_services.aim(trainee=trainee, code="icrc-pr")
    exam_services.record_exam_result(
        registrar=registrar,
        trainee=trainee,
        exam_key="icrc-pr",
        taken_on=date(2026, 10, 2),
        outcome="pass",
        scaled_score=540,
        evidence_file=SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    exam = line_of(readiness(target), "exam")
    assert exam.met and "Passed on 2 October 2026, scaled score 540" in exam.detail


def test_a_complete_readiness_lets_a_trainee_make_a_final_packet(boards):
    from certification.packets.services.packets import ready_for_board

    trainee = UserFactory()
    target_services.aim(trainee=trainee, code="uk-l3-peer-worker")
    assert not ready_for_board(trainee)  # their one condition is not ticked yet
    target_services.set_tick(
        trainee=trainee, code="uk-l3-peer-worker", key="eligibility:lived_experience", done=True
    )
    assert ready_for_board(trainee)
