"""Exam results for packets, read from the exams app (below this one): each standing result
a registrar recorded, as plain public values (never the score report itself). A result
superseded by a correction is no longer listed, so a packet that held it shows it as no
longer recorded."""

from __future__ import annotations

from certification.exams.models import ExamResult

# Keys of one result: board, exam, date (ISO), outcome ("pass"/"fail"), scaled_score (str or
# ""), key (stable per person, e.g. "exam:12"), url (where it can be seen, or "").
RESULT_KEYS = ("key", "board", "exam", "date", "outcome", "scaled_score", "url")


def results_for(user_id: int) -> list[dict]:
    """The person's standing exam results, oldest first. One query."""
    return [
        {
            "key": f"exam:{result.pk}",
            "board": result.board,
            "exam": result.exam_name,
            "date": result.taken_on.isoformat(),
            "outcome": result.outcome,
            "scaled_score": "" if result.scaled_score is None else str(result.scaled_score),
            "url": "",
        }
        for result in ExamResult.objects.standing()
        .filter(trainee_id=user_id)
        .order_by("taken_on", "pk")
    ]
