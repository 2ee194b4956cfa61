"""Frameworks as data: an idempotent loader with stable codes, public pages for every node,
course alignment, and who may edit frameworks in the admin."""

import io

import pytest
import yaml
from django.core.management import CommandError, call_command

from certification.standards.exceptions import FrameworkDataError
from certification.standards.models import Competency, CourseAlignment, Domain, Framework
from certification.standards.services import frameworks as standards_services
from tests.factories import CourseIndexPageFactory, build_course

pytestmark = pytest.mark.django_db


def load():
    call_command("load_frameworks", stdout=io.StringIO())


def test_loading_twice_changes_nothing_and_keeps_ids():
    load()
    before = {
        "f": list(Framework.objects.values_list("pk", "slug", "title").order_by("pk")),
        "d": list(Domain.objects.values_list("pk", "code", "title").order_by("pk")),
        "c": list(Competency.objects.values_list("pk", "code", "text").order_by("pk")),
    }
    load()
    after = {
        "f": list(Framework.objects.values_list("pk", "slug", "title").order_by("pk")),
        "d": list(Domain.objects.values_list("pk", "code", "title").order_by("pk")),
        "c": list(Competency.objects.values_list("pk", "code", "text").order_by("pk")),
    }
    assert before == after
    assert Framework.objects.count() == 7
    assert Competency.objects.get(code="III.3").domain.framework.slug == "samhsa-pw-2015"


def test_an_updated_file_updates_in_place_and_retires_what_is_gone(tmp_path):
    load()
    competency = Competency.objects.get(code="III.3")
    domain_count = Domain.objects.count()
    data = yaml.safe_load(standards_services.DEFAULT_FRAMEWORKS_FILE.read_text())
    samhsa = next(f for f in data["frameworks"] if f["id"] == "samhsa-pw-2015")
    domain = next(d for d in samhsa["domains"] if d["code"] == "III")
    domain["competencies"] = [c for c in domain["competencies"] if c["code"] != "III.1"]
    next(c for c in domain["competencies"] if c["code"] == "III.3")["text"] = (
        "Knows when to share and when to listen"
    )
    path = tmp_path / "frameworks.yaml"
    path.write_text(yaml.safe_dump(data))
    call_command("load_frameworks", str(path), stdout=io.StringIO())
    competency.refresh_from_db()
    assert competency.text == "Knows when to share and when to listen"  # same row, new wording
    retired = Competency.objects.get(code="III.1")
    assert retired.retired  # kept for what points at it, not deleted
    assert Domain.objects.count() == domain_count


def test_a_broken_file_is_refused_with_a_message(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("frameworks:\n  - {title: No id}\n")
    with pytest.raises(CommandError, match="needs an id"):
        call_command("load_frameworks", str(path), stdout=io.StringIO())
    assert not Framework.objects.exists()


@pytest.fixture
def aligned_course(site):
    load()
    CourseIndexPageFactory(parent=site)
    course, _ = build_course(title="Boundaries basics", modules=1, lessons_per_module=1)
    standards_services.align_course(
        course=course, keys=["samhsa-pw-2015/III.3", "naps-npg-2013/v08"]
    )
    standards_services.align_course(
        course=course, keys=["samhsa-pw-2015/III.3"]
    )  # again: no duplicate
    return course


def test_public_pages_show_nodes_and_aligned_courses(client, aligned_course):
    assert CourseAlignment.objects.filter(page=aligned_course).count() == 2
    pages = {
        "/frameworks/": "Core Competencies for Peer Workers",
        "/frameworks/samhsa-pw-2015/": "Boundaries basics",
        "/frameworks/samhsa-pw-2015/III/": "Boundaries basics",  # through its competency
        "/frameworks/samhsa-pw-2015/III.3/": "Boundaries basics",
        "/frameworks/naps-npg-2013/v08/": "Boundaries basics",
    }
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert expected in body, url
        assert "approved by" not in body.lower().replace("not approved", "")
    unaligned = client.get("/frameworks/samhsa-pw-2015/XII.1/").content.decode()
    assert "No published course is aligned to this yet" in unaligned


def test_unknown_framework_nodes_are_404(client, aligned_course):
    assert client.get("/frameworks/nope/").status_code == 404
    assert client.get("/frameworks/samhsa-pw-2015/ZZ/").status_code == 404


def test_unknown_alignment_code_is_refused(aligned_course):
    with pytest.raises(FrameworkDataError):
        standards_services.align_course(course=aligned_course, keys=["samhsa-pw-2015/NOPE"])


def test_registrars_edit_frameworks_and_trainers_only_read(client, roles, trainer, registrar):
    load()
    framework = Framework.objects.get(slug="samhsa-pw-2015")
    from lms.accounts.services import sync_role_groups

    sync_role_groups()
    client.force_login(trainer)
    assert client.get("/admin/framework/").status_code == 200
    assert client.get(f"/admin/framework/edit/{framework.pk}/").status_code in (302, 403)
    client.force_login(registrar)
    assert client.get(f"/admin/framework/edit/{framework.pk}/").status_code == 200


def test_modules_and_questions_are_aligned_too(client, aligned_course, trainer):
    from courses.models import ModulePage
    from lms.accounts.services import sync_role_groups
    from tests.factories import SingleChoiceQuestionFactory

    module = ModulePage.objects.child_of(aligned_course).first()
    standards_services.align_course(course=module, keys=["samhsa-pw-2015/IX.5"])
    body = client.get("/frameworks/samhsa-pw-2015/IX.5/").content.decode()
    assert "Modules aligned to this" in body and module.title in body

    sync_role_groups()
    client.force_login(trainer)
    editor = client.get(f"/admin/pages/{module.pk}/edit/").content.decode()
    assert "Aligned to" in editor
    question = SingleChoiceQuestionFactory()
    competency = Competency.objects.get(domain__framework__slug="samhsa-pw-2015", code="III.3")
    response = client.post(
        "/admin/questionalignment/new/", {"question": question.pk, "competency": competency.pk}
    )
    assert response.status_code == 302
    assert question.alignments.get().competency == competency
    # A row with no target is refused with a message, not a 500.
    response = client.post("/admin/questionalignment/new/", {"question": question.pk})
    assert response.status_code == 200


def test_kept_standards_follow_every_change_at_once(tmp_path):
    """Pages keep the standards they read per process (live_domains, competencies_in_order,
    current_versions); a save, a reload of the file that retires an entry, or a new version
    of a credential is seen on the next read."""
    from certification.standards.services import credentials as standards_credentials
    from certification.standards.services import rules as standards_rules
    from tests.certification.credential_helpers import make_credential

    load()
    domains = [d.code for d in standards_services.live_domains("icrc-pr")]
    assert domains == list(
        Domain.objects.filter(framework__slug="icrc-pr", retired=False).values_list(
            "code", flat=True
        )
    )
    first = Domain.objects.get(framework__slug="icrc-pr", code=domains[0])
    first.title = "Renamed by an editor"
    first.save()
    assert standards_services.live_domains("icrc-pr")[0].title == "Renamed by an editor"

    keys = ["samhsa-pw-2015/III.3", "samhsa-pw-2015/III.1"]
    assert [c.code for c in standards_services.competencies_in_order(keys)] == ["III.3", "III.1"]
    Competency.objects.get(code="III.1").delete()
    assert [c.code for c in standards_services.competencies_in_order(keys)] == ["III.3"]

    data = yaml.safe_load(standards_services.DEFAULT_FRAMEWORKS_FILE.read_text())
    icrc = next(f for f in data["frameworks"] if f["id"] == "icrc-pr")
    icrc["domains"] = icrc["domains"][1:]  # the file drops the first domain: it is retired
    path = tmp_path / "frameworks.yaml"
    path.write_text(yaml.safe_dump(data))
    call_command("load_frameworks", str(path), stdout=io.StringIO())
    assert first.code not in [d.code for d in standards_services.live_domains("icrc-pr")]

    credential = make_credential("kept-cert", experience_hours=10)
    assert standards_rules.credential_rules("kept-cert").experience_hours == 10
    standards_credentials.save_credential_version(
        credential=credential,
        actor=None,
        rules={"title": "Kept", "experience_hours": 40, "validity_months": 24},
    )
    assert standards_rules.credential_rules("kept-cert").experience_hours == 40
