"""The boards' exams, read from `certification/data/boards.yaml` (the same file the
shared board data is kept in), so a registrar chooses a board's exam rather than retyping
its name and pass mark. An exam's key is the board credential's id (``"icrc-pr"``), the
same key a credential rule names in `exam_required`."""

import functools
from dataclasses import dataclass
from pathlib import Path

from certification.standards.services.credentials import (
    DEFAULT_BOARDS_FILE,
    board_credential_entries,
    read_boards_file,
)

BOARDS_FILE = DEFAULT_BOARDS_FILE
OTHER = "other"
# Entries that say a credential has no exam of its own ("none; competency-based ...").
NO_EXAM = ("none", "no separate")


@dataclass(frozen=True)
class Exam:
    """One board's exam: who sets it, its name, and its scaled pass mark where published."""

    key: str
    board: str
    name: str
    pass_score: int | None = None
    scale: tuple[int, int] | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.board})"


def _value(entry):
    return entry.get("value") if isinstance(entry, dict) else entry


def _exam(body: dict, credential: dict) -> Exam | None:
    exam = credential.get("exam")
    if not exam:
        return None
    if isinstance(exam, dict) and "name" in exam:
        name = _value(exam["name"])
    elif isinstance(exam, dict) and "value" in exam:
        name = _value(exam)
    elif isinstance(exam, dict) and _value(exam.get("required")):
        name = f"{credential.get('name') or credential['id']} examination"
    else:
        name = None
    if not isinstance(name, str) or name.strip().lower().startswith(NO_EXAM):
        return None
    scale = _value(exam.get("scale")) if isinstance(exam, dict) else None
    passing = exam.get("pass") if isinstance(exam, dict) else None
    # Only a scaled pass mark is one a recorded score can be checked against (Wisconsin's
    # is a share of answers correct, which a score report does not give).
    pass_score = (
        _value(passing)
        if isinstance(passing, dict) and passing.get("unit") == ("scaled score")
        else None
    )
    return Exam(
        key=str(credential["id"]),
        board=str(body.get("name") or body["id"]),
        name=" ".join(name.split()),
        pass_score=int(pass_score) if isinstance(pass_score, int | float) else None,
        scale=(int(scale[0]), int(scale[1]))
        if isinstance(scale, list) and len(scale) == 2
        else None,
    )


@functools.cache
def exams(path: Path = BOARDS_FILE) -> dict[str, Exam]:
    """Every board exam in the file, by key, in the file's order (read once per process)."""
    found = {}
    for body, credential in board_credential_entries(read_boards_file(path)):
        exam = _exam(body, credential)
        if exam is not None:
            found[exam.key] = exam
    return found


def exam_for(key: str) -> Exam | None:
    return exams().get(key)


def choices() -> list[tuple[str, str]]:
    """For a form: every board exam, then "another exam" (board and name typed)."""
    return [(exam.key, exam.label) for exam in exams().values()] + [
        (OTHER, "Another exam (type the board and the exam's name)")
    ]
