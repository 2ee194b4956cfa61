"""Each question type's own answers about itself, checked against a known question: its key,
the form fields it sends, the value it shows again after a refusal, and the options it counts.
(tests/test_meta.py checks every type has them; this checks they are right.)"""

import pytest
from django.http import QueryDict

from courses.models import question_class
from tests.courses.assessment_helpers import make_question

pytestmark = pytest.mark.django_db


def snapshot_of(kind):
    return make_question(kind).snapshot()


def ids(snapshot, key="options"):
    return [item["id"] for item in snapshot[key]]


def post(pairs):
    data = QueryDict(mutable=True)
    for name, value in pairs:
        data.appendlist(name, value)
    return data


def test_single_choice():
    s = snapshot_of("single_choice")
    cls = question_class("single_choice")
    peer = ids(s)[1]  # "Peer worker" is the correct option
    assert cls.answer_key(s, {}) == peer
    assert cls.form_fields(peer, "q0") == [("q0", peer)]
    assert cls.redisplay_value(post([("q0", "forged")]), "q0") == "forged"
    assert cls.chosen_option_ids(peer) == [peer]
    assert cls.chosen_option_ids(None) == []
    assert [c for _i, _t, c in cls.snapshot_options(s)] == [False, True, False]
    assert [t for _i, t, _c in cls.snapshot_options(s)] == ["Therapist", "Peer worker", "Sponsor"]


def test_multiple_response():
    s = snapshot_of("multiple_response")
    cls = question_class("multiple_response")
    first_two = sorted(ids(s)[:2])
    assert cls.answer_key(s, {}) == first_two
    assert cls.form_fields(first_two, "q1") == [("q1", first_two[0]), ("q1", first_two[1])]
    assert cls.redisplay_value(post([("q1", "a"), ("q1", "b")]), "q1") == ["a", "b"]
    assert cls.chosen_option_ids(first_two) == first_two
    assert [c for _i, _t, c in cls.snapshot_options(s)] == [True, True, False, False]


def test_true_false():
    s = snapshot_of("true_false")  # the statement is false
    cls = question_class("true_false")
    assert cls.answer_key(s, {}) is False
    assert cls.form_fields(False, "q2") == [("q2", "false")]
    assert cls.redisplay_value(post([("q2", "true")]), "q2") is True
    assert cls.redisplay_value(post([("q2", "maybe")]), "q2") is None
    assert cls.chosen_option_ids(False) == ["false"]
    assert [(i, c) for i, _t, c in cls.snapshot_options(s)] == [("true", False), ("false", True)]


@pytest.mark.parametrize("kind,key", [("ordering", "items"), ("scenario_judgement", "options")])
def test_ranked_types(kind, key):
    s = snapshot_of(kind)
    cls = question_class(kind)
    order = ids(s, key)
    assert cls.answer_key(s, {}) == order
    assert cls.form_fields(order, "q3") == [
        (f"q3-{item}", str(n)) for n, item in enumerate(order, 1)
    ]
    sent = post([(f"q3-{order[0]}", "2"), (f"q3-{order[1]}", "x"), ("q30", "1")])
    assert cls.redisplay_value(sent, "q3") == {order[0]: 2}
    assert cls.chosen_option_ids(order) == []
    assert cls.snapshot_options(s) == []


def test_matching_key_follows_the_attempts_shuffle():
    s = snapshot_of("matching")
    cls = question_class("matching")
    pairs = [p["id"] for p in s["pairs"]]
    shuffled = {"right": [pairs[2], pairs[0], pairs[1]]}
    key = cls.answer_key(s, shuffled)
    assert key == {pairs[0]: "r1", pairs[1]: "r2", pairs[2]: "r0"}
    assert cls.grade_snapshot(s, key, shuffled).correct
    assert cls.form_fields(key, "q4") == [(f"q4-{left}", right) for left, right in key.items()]
    assert cls.redisplay_value(post([(f"q4-{pairs[0]}", "r9")]), "q4") == {pairs[0]: "r9"}
    assert cls.snapshot_options(s) == []


def test_written_response():
    s = snapshot_of("written_response")
    cls = question_class("written_response")
    assert cls.answer_key(s, {}, written="My plan.") == "My plan."
    assert cls.form_fields("My plan.", "q5") == [("q5", "My plan.")]
    assert cls.redisplay_value(post([]), "q5") == ""
    assert cls.chosen_option_ids("My plan.") == []


def test_choice_with_justification():
    s = snapshot_of("choice_with_justification")
    cls = question_class("choice_with_justification")
    decline = ids(s)[0]
    key = cls.answer_key(s, {}, written="Policy.")
    assert key == {"choice": decline, "reason": "Policy."}
    assert cls.form_fields(key, "q6") == [("q6-choice", decline), ("q6-reason", "Policy.")]
    assert cls.redisplay_value(post([("q6-reason", "Because")]), "q6") == {
        "choice": "",
        "reason": "Because",
    }
    assert cls.chosen_option_ids(key) == [decline]
    assert cls.chosen_option_ids({"choice": "", "reason": "x"}) == []
    assert [c for _i, _t, c in cls.snapshot_options(s)] == [True, False]
