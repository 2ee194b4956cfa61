"""The exams app's part of a person's data (see lms/privacy/registry.py): their external
exam results and score reports. Erasure deletes them with their files (the results are the
board's to keep, not Peerpath's; an eligibility decision already made does not need them)."""

from django.core.files.storage import default_storage
from django.db import transaction

from lms.privacy import registry
from lms.privacy.services.data_rights import iso

from .models import ExamResult


def export(user) -> registry.Export:
    results = list(ExamResult.objects.filter(trainee=user).select_related("superseded_by"))
    return registry.Export(
        sections={
            "exam_results": [
                {
                    "exam": r.exam_name,
                    "board": r.board,
                    "taken_on": iso(r.taken_on),
                    "result": r.get_outcome_display(),
                    "scaled_score": r.scaled_score,
                    "score_report": r.evidence_name or None,
                    "note": r.note,
                    "corrected": not r.is_standing,
                    "recorded_at": iso(r.recorded_at),
                }
                for r in results
            ]
        },
        subjects={"exams.examresult": [r.pk for r in results]},
    )


def erase(person) -> dict[str, int]:
    results = list(ExamResult.objects.select_for_update().filter(trainee=person).order_by("-pk"))
    files = {r.evidence_file.name for r in results if r.evidence_file}
    # Newest first: a correction protects the record it corrects.
    for result in results:
        result.delete()

    def delete_files():
        for name in files:
            if default_storage.exists(name):
                default_storage.delete(name)

    transaction.on_commit(delete_files)
    return {"exam_results_deleted": len(results), "exam_evidence_files": len(files)}


registry.register("exams", export=export, erase=erase)
