"""Recording external exam results and correcting them by a superseding record, and the
reads eligibility needs (which exams a person has passed), in a fixed number of queries.
Writes are keyword-only and atomic; each is recorded in the audit trail."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit.services.events import record_event
from lms.exceptions import Problems
from lms.uploads import check_upload

from . import catalogue
from .exceptions import ExamError
from .models import ExamResult
from .permissions import can_record_exam_results

__all__ = [
    "EVIDENCE_EXTENSIONS",
    "EVIDENCE_MAX_BYTES",
    "correct_exam_result",
    "passed_exams_many",
    "record_exam_result",
]

EVIDENCE_EXTENSIONS = ("pdf", "png", "jpg", "jpeg")
EVIDENCE_MAX_BYTES = 5 * 2**20
EARLIEST = date(1990, 1, 1)


def _checked(
    problems: Problems,
    *,
    exam_key: str,
    board: str,
    exam_name: str,
    taken_on,
    outcome: str,
    scaled_score,
    evidence_file,
    today: date,
) -> dict:
    """Adds each problem at its field; returns the result's fields to store, with the board
    and exam name the catalogue's for a known exam, the typed ones for another."""
    exam = catalogue.exam_for(exam_key)
    board, exam_name = " ".join((board or "").split()), " ".join((exam_name or "").split())
    if exam is not None:
        board, exam_name = exam.board, exam.name
    elif exam_key != catalogue.OTHER:
        problems.add(_("Choose the exam from the list."), "exam_key")
    else:
        if not board:
            problems.add(_("Type the board that set the exam."), "board")
        if not exam_name:
            problems.add(_("Type the exam's name as on the score report."), "exam_name")
    if taken_on is None:
        problems.add(_("Give the date the exam was taken."), "taken_on")
    elif taken_on > today:
        problems.add(_("The date cannot be in the future."), "taken_on")
    elif taken_on < EARLIEST:
        problems.add(_("The date is too long ago to be right; check the year."), "taken_on")
    if outcome not in ExamResult.Outcome.values:
        problems.add(_("Say whether the exam was passed."), "outcome")
    if scaled_score is not None and exam is not None:
        if exam.scale and not exam.scale[0] <= scaled_score <= exam.scale[1]:
            problems.add(
                _("This exam's scaled scores run from %(low)s to %(high)s.")
                % {"low": exam.scale[0], "high": exam.scale[1]},
                "scaled_score",
            )
        elif exam.pass_score is not None:
            passed = scaled_score >= exam.pass_score
            if outcome == ExamResult.Outcome.PASS and not passed:
                problems.add(
                    _("A scaled score of %(score)s is below this exam's pass mark of %(mark)s.")
                    % {"score": scaled_score, "mark": exam.pass_score},
                    "scaled_score",
                )
            elif outcome == ExamResult.Outcome.FAIL and passed:
                problems.add(
                    _("A scaled score of %(score)s reaches this exam's pass mark of %(mark)s.")
                    % {"score": scaled_score, "mark": exam.pass_score},
                    "scaled_score",
                )
    if evidence_file is not None:
        try:
            check_upload(
                evidence_file,
                extensions=EVIDENCE_EXTENSIONS,
                max_bytes=EVIDENCE_MAX_BYTES,
                what=_("a PDF, PNG or JPEG"),
            )
        except ValidationError as error:
            for message in error.messages:
                problems.add(message, "evidence_file")
    return {
        "exam_key": exam_key,
        "board": board,
        "exam_name": exam_name,
        "taken_on": taken_on,
        "outcome": outcome,
        "scaled_score": scaled_score,
    }


def _create(*, registrar, trainee, values: dict, evidence_file, supersedes=None, note=""):
    result = ExamResult(
        trainee=trainee,
        recorded_by=registrar,
        supersedes=supersedes,
        note=(note or "").strip()[:500],
        **values,
    )
    if evidence_file is not None:
        result.evidence_name = (evidence_file.name or "")[-200:]
        result.evidence_file = evidence_file
    elif supersedes is not None:  # a correction keeps the score report it was made from
        result.evidence_file = supersedes.evidence_file.name
        result.evidence_name = supersedes.evidence_name
    result.full_clean()
    result.save()
    return result


@transaction.atomic
def record_exam_result(
    *,
    registrar,
    trainee,
    exam_key: str,
    taken_on,
    outcome: str,
    scaled_score: int | None = None,
    board: str = "",
    exam_name: str = "",
    evidence_file=None,
    today: date | None = None,
) -> ExamResult:
    """Record a board exam result from its score report (which is required). Raises
    ExamError with each problem at its field; nothing is stored then."""
    if not can_record_exam_results(registrar):
        raise ExamError(_("Only a registrar can record exam results."), status=403)
    problems = Problems()
    if trainee is None:
        problems.add(_("Choose the person who took the exam."), "trainee")
    if evidence_file is None:
        problems.add(_("Upload the score report (PDF, PNG or JPEG)."), "evidence_file")
    values = _checked(
        problems,
        exam_key=exam_key,
        board=board,
        exam_name=exam_name,
        taken_on=taken_on,
        outcome=outcome,
        scaled_score=scaled_score,
        evidence_file=evidence_file,
        today=today or timezone.localdate(),
    )
    problems.raise_as(ExamError)
    result = _create(
        registrar=registrar, trainee=trainee, values=values, evidence_file=evidence_file
    )
    record_event(
        actor=registrar,
        action="exam_result.recorded",
        obj=result,
        after={**values, "trainee": trainee.pk},
    )
    return result


@transaction.atomic
def correct_exam_result(
    *,
    registrar,
    result_id: int,
    reason: str,
    exam_key: str,
    taken_on,
    outcome: str,
    scaled_score: int | None = None,
    board: str = "",
    exam_name: str = "",
    evidence_file=None,
    today: date | None = None,
) -> ExamResult:
    """Correct a result: a new record that supersedes it (the old one stays, marked as
    corrected). The reason is required; the score report carries over unless a new one is
    uploaded. Refused for a result already corrected (correct the newest instead)."""
    if not can_record_exam_results(registrar):
        raise ExamError(_("Only a registrar can correct exam results."), status=403)
    old = ExamResult.objects.select_for_update().filter(pk=result_id).first()
    if old is None:
        raise ExamError(_("We could not find that exam result."), status=404)
    if ExamResult.objects.filter(supersedes=old).exists():
        raise ExamError(
            _("This result has already been corrected. Correct the newest record instead."),
            status=409,
        )
    problems = Problems()
    if not (reason or "").strip():
        problems.add(_("Say why the result is being corrected."), "reason")
    values = _checked(
        problems,
        exam_key=exam_key,
        board=board,
        exam_name=exam_name,
        taken_on=taken_on,
        outcome=outcome,
        scaled_score=scaled_score,
        evidence_file=evidence_file,
        today=today or timezone.localdate(),
    )
    problems.raise_as(ExamError)
    before = {name: getattr(old, name) for name in values}
    result = _create(
        registrar=registrar,
        trainee=old.trainee,
        values=values,
        evidence_file=evidence_file,
        supersedes=old,
        note=reason,
    )
    # The reason stays on the record (registrars only); the trail says what changed.
    record_event(
        actor=registrar,
        action="exam_result.corrected",
        obj=result,
        before={**before, "record": old.pk},
        after=values,
    )
    return result


def passed_exams_many(*, trainee, keys) -> dict[str, ExamResult]:
    """For each exam key the person has a standing pass in, their latest such result.
    One query however many keys."""
    return {
        key: result
        for (_trainee, key), result in standing_passes(trainee_ids=[trainee.pk], keys=keys).items()
    }


def standing_passes(*, trainee_ids, keys) -> dict[tuple[int, str], ExamResult]:
    """For each (person, exam key) with a standing pass, the latest such result. One query
    however many people and keys."""
    keys = list(dict.fromkeys(k for k in keys if k))
    if not keys:
        return {}
    found = {}
    for result in (
        ExamResult.objects.passed()
        .filter(trainee_id__in=trainee_ids, exam_key__in=keys)
        .order_by("taken_on", "pk")
    ):
        found[(result.trainee_id, result.exam_key)] = result
    return found
