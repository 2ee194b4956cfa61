"""Every question type grades itself, including the edge cases (empty answers, everything
picked, reversed rankings). Grading is tested through `Question.grade`, the public surface."""

import pytest

from courses.models import QUESTION_TYPES, AnswerError
from tests.courses.assessment_helpers import SPECS, make_question

pytestmark = pytest.mark.django_db


def option_ids(question, key="options"):
    return [item["id"] for item in question.snapshot()[key]]


def test_every_type_has_a_spec_and_grades():
    assert set(SPECS) == set(QUESTION_TYPES)
    for kind in QUESTION_TYPES:
        question = make_question(kind)
        grade = question.grade(None)
        assert grade.score == 0.0, kind


def test_single_choice_right_wrong_and_tampered():
    q = make_question("single_choice")
    ids = option_ids(q)
    right = q.grade(ids[1])
    assert (right.score, right.correct) == (1.0, True)
    assert "lived experience" in right.feedback
    assert q.grade(ids[0]).score == 0.0
    with pytest.raises(AnswerError):
        q.grade("not-an-option")
    with pytest.raises(AnswerError):
        q.grade([ids[0], ids[1]])


def test_multiple_response_partial_credit_and_penalty_never_below_zero():
    q = make_question("multiple_response")
    a, b, c, d = option_ids(q)
    assert q.grade([a, b]).score == 1.0
    assert q.grade([a]).score == 0.5
    assert q.grade([a, c]).score == 0.0  # one right, one wrong
    assert q.grade([a, b, c]).score == 0.5
    assert q.grade([a, b, c, d]).score == 0.0  # everything picked
    assert q.grade([c, d]).score == 0.0  # would be negative
    assert q.grade([]).score == 0.0
    with pytest.raises(AnswerError):
        q.grade([a, a])


def test_true_false():
    q = make_question("true_false")
    assert q.grade("false").correct
    assert q.grade("true").score == 0.0
    assert "accountability" in q.grade("false").feedback
    with pytest.raises(AnswerError):
        q.grade("maybe")


def test_ordering_partial_credit_by_adjacent_pairs():
    q = make_question("ordering")
    a, b, c, d = option_ids(q, "items")
    assert q.grade([a, b, c, d]).score == 1.0
    assert q.grade([d, c, b, a]).score == 0.0
    assert q.grade([b, a, c, d]).score == pytest.approx(1 / 3)  # only c->d in place
    assert q.grade([a, b, d, c]).score == pytest.approx(1 / 3)  # only a->b
    assert q.grade([c, d, a, b]).score == pytest.approx(2 / 3)  # a->b and c->d
    with pytest.raises(AnswerError):
        q.grade([a, b, c])  # a step missing
    with pytest.raises(AnswerError):
        q.grade([a, a, b, c])


def test_matching_share_correct():
    q = make_question("matching")
    pairs = option_ids(q, "pairs")
    # Without a shuffle, right-hand answer r<n> is pair n's answer.
    assert q.grade({pairs[0]: "r0", pairs[1]: "r1", pairs[2]: "r2"}).score == 1.0
    assert q.grade({pairs[0]: "r1", pairs[1]: "r0", pairs[2]: "r2"}).score == pytest.approx(1 / 3)
    assert q.grade({pairs[0]: "r0"}).score == pytest.approx(1 / 3)
    with pytest.raises(AnswerError):
        q.grade({"forged": "r0"})
    with pytest.raises(AnswerError):
        q.grade({pairs[0]: "r9"})


def test_scenario_judgement_scored_by_distance_from_the_key():
    q = make_question("scenario_judgement")
    a, b, c, d = option_ids(q)
    assert q.grade([a, b, c, d]).score == 1.0
    assert q.grade([d, c, b, a]).score == 0.0  # distance 8 = floor(16/2)
    assert q.grade([b, a, c, d]).score == pytest.approx(1 - 2 / 8)
    assert q.grade([a, b, d, c]).score == pytest.approx(1 - 2 / 8)
    with pytest.raises(AnswerError):
        q.grade([a, b, c])


def test_written_response_waits_for_a_trainer():
    q = make_question("written_response")
    grade = q.grade("I would plan the ending with them.")
    assert grade.needs_marking and grade.score == 0.0
    assert not q.grade("").needs_marking  # nothing written: nothing to mark
    with pytest.raises(AnswerError):
        q.grade("x" * 10_001)
    with pytest.raises(AnswerError):
        q.grade({"not": "text"})


def test_choice_with_justification_grades_the_choice_and_waits_for_the_reason():
    q = make_question("choice_with_justification")
    right, wrong = option_ids(q)
    grade = q.grade({"choice": right, "reason": "Policy protects both of us."})
    assert grade.score == 0.5 and grade.needs_marking and grade.correct
    assert q.grade({"choice": wrong, "reason": "Because"}).score == 0.0
    assert not q.grade({"choice": right, "reason": ""}).needs_marking
    with pytest.raises(AnswerError):
        q.grade({"choice": "forged", "reason": "x"})


def test_public_view_never_carries_the_key():
    """What reaches the browser before submission has no correctness, feedback or rationale."""
    for kind in QUESTION_TYPES:
        q = make_question(kind)
        snapshot = q.snapshot()
        view = type(q).public_view(snapshot, {})
        text = repr(view)
        for secret in ("correct", "feedback", "rationale", "explanation", "guidance", "rubric"):
            assert secret not in text, (kind, secret)
        if kind == "matching":
            assert all(item["id"].startswith("r") for item in view["right"])
            assert {p["id"] for p in snapshot["pairs"]}.isdisjoint({r["id"] for r in view["right"]})
