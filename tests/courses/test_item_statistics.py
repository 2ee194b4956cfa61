"""Item statistics of a quiz: facility, discrimination (corrected item-total correlation),
option frequencies, flags, the trainer page with its chart, the CSV export, the query count
and who may see them. Every expected figure is worked out by hand below, not by the code
under test."""

import csv
import io
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses import permissions, services
from courses.models import (
    Attempt,
    ChoiceWithJustificationQuestion,
    Mark,
    MultipleResponseQuestion,
    QuizPage,
    QuizQuestion,
    Response,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from courses.statistics import ItemStatistics, pearson, quiz_item_statistics
from tests.factories import CohortFactory, UserFactory, build_course

pytestmark = pytest.mark.django_db

# Minimal question builders (tests/factories/questions.py is being written separately).
# Option ids are fixed so the answers below can name them.


def _options(options, keyed):
    return [
        {
            "type": "option",
            "id": oid,
            "value": {"text": text, "is_correct": oid in keyed, "feedback": ""},
        }
        for oid, text in options
    ]


def single_choice(title, options, keyed):
    return SingleChoiceQuestion.objects.create(
        title=title, stem=f"<p>{title}?</p>", status="published", options=_options(options, {keyed})
    )


def multiple_response(title, options, keyed):
    return MultipleResponseQuestion.objects.create(
        title=title, stem=f"<p>{title}?</p>", status="published", options=_options(options, keyed)
    )


def true_false(title, answer):
    return TrueFalseQuestion.objects.create(
        title=title, stem=f"<p>{title}.</p>", status="published", correct_answer=answer
    )


def choice_with_justification(title, options, keyed):
    rubric = [
        {
            "type": "criterion",
            "value": {
                "criterion": "Reasoning",
                "levels": [
                    {"label": "Missing", "points": 0, "descriptor": ""},
                    {"label": "Partial", "points": 2, "descriptor": ""},
                    {"label": "Full", "points": 4, "descriptor": ""},
                ],
            },
        }
    ]
    return ChoiceWithJustificationQuestion.objects.create(
        title=title,
        stem=f"<p>{title}?</p>",
        status="published",
        options=_options(options, {keyed}),
        choice_weight=50,
        rubric=rubric,
    )


def make_quiz(module, title, questions, **rules):
    quiz = QuizPage(title=title, cooldown_minutes=0, attempts_allowed=0, **rules)
    module.add_child(instance=quiz)
    quiz.save_revision().publish()
    for i, question in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=i)
    return quiz


def sit(quiz, course, answers, *, submit=True):
    """A new enrolled learner answers by question (payloads as the browser sends them),
    wherever the shuffle put each question; returns the attempt."""
    learner = UserFactory()
    services.enrol_learner(user=learner, course=course)
    attempt = services.start_attempt(user=learner, quiz=quiz)
    position = {item["snapshot"]["question_id"]: i for i, item in enumerate(attempt.items)}
    for question, payload in answers.items():
        services.save_answer(
            user=learner, key=attempt.key, position=position[question.pk], payload=payload
        )
    if submit:
        attempt = services.submit_attempt(user=learner, key=attempt.key)
    return attempt


@pytest.fixture
def module(lessons):
    return lessons[0].get_parent().specific


@pytest.fixture
def worked_example(course, module):
    """Five graded attempts at four right-or-wrong items (1 point each), shown in shuffled
    order. ✓ = right (score 1), ✗ = wrong or unanswered (score 0).

        learner  Q1 boundaries  Q2 disclosure  Q3 confidentiality  Q4 crisis   total
        L1       a ✓            false ✗        x ✓                 false ✓     3
        L2       a ✓            true ✓         y ✗                 false ✓     3
        L3       b ✗            true ✓         y ✗                 false ✓     2
        L4       b ✗            false ✗        z ✗                 false ✓     1
        L5       c ✗            (no answer) ✗  y ✗                 false ✓     1

    Keys: Q1 a, Q2 true, Q3 x, Q4 false. A sixth learner answers everything right but never
    submits: in-progress attempts do not count.

    Facility = mean score: Q1 2/5 = 0.4, Q2 2/5 = 0.4, Q3 1/5 = 0.2, Q4 5/5 = 1.0.

    Discrimination = Pearson r between the item and the rest (total minus the item). Q4 adds
    1 to every rest, and the rest is divided by its maximum (3): a shift and a scale, which
    leave r unchanged, so the rests below leave Q4 out.

    Q1: x = [1,1,0,0,0] (mean 0.4), rest = Q2+Q3 = [1,1,1,0,0] (mean 0.6)
        dx = [.6,.6,-.4,-.4,-.4], dr = [.4,.4,.4,-.6,-.6]
        Sxy = .24+.24-.16+.24+.24 = 0.8; Sxx = 2(.36)+3(.16) = 1.2; Srr = 3(.16)+2(.36) = 1.2
        r = 0.8 / sqrt(1.2 × 1.2) = 2/3 ≈ 0.667
    Q2: x = [0,1,1,0,0] (mean 0.4), rest = Q1+Q3 = [2,1,0,0,0] (mean 0.6)
        dx = [-.4,.6,.6,-.4,-.4], dr = [1.4,.4,-.6,-.6,-.6]
        Sxy = -.56+.24-.36+.24+.24 = -0.2; Sxx = 1.2; Srr = 1.96+.16+3(.36) = 3.2
        r = -0.2 / sqrt(3.84) ≈ -0.102
    Q3: x = [1,0,0,0,0] (mean 0.2), rest = Q1+Q2 = [1,2,1,0,0] (mean 0.8)
        dx = [.8,-.2,-.2,-.2,-.2], dr = [.2,1.2,.2,-.8,-.8]
        Sxy = .16-.24-.04+.16+.16 = 0.2; Sxx = .64+4(.04) = 0.8; Srr = .04+1.44+.04+.64+.64 = 2.8
        r = 0.2 / sqrt(2.24) ≈ 0.134
    Q4: every score is 1, no variance: r is None.

    Flags: Q1 none; Q2 low discrimination (< 0.2); Q3 hard (< 0.3) and low discrimination;
    Q4 easy (> 0.95). Mean score: (75+75+50+25+25)/5 = 50%.

    Options chosen (of 5): Q1 a 2 (keyed), b 2, c 1; Q2 true 2 (keyed), false 2, one
    unanswered; Q3 x 1 (keyed), y 3, z 1; Q4 true 0, false 5 (keyed).
    """
    q1 = single_choice(
        "Boundaries", [("a", "Say no kindly"), ("b", "Lend money"), ("c", "=1+1")], "a"
    )
    q2 = true_false("Self-disclosure can help", True)
    q3 = single_choice(
        "-Confidentiality", [("x", "Ask first"), ("y", "Tell the team"), ("z", "Post it")], "x"
    )
    q4 = true_false("A crisis can wait", False)
    quiz = make_quiz(module, "Boundaries check", [q1, q2, q3, q4], shuffle_questions=True)
    rows = [
        ("a", "false", "x", "false"),
        ("a", "true", "y", "false"),
        ("b", "true", "y", "false"),
        ("b", "false", "z", "false"),
        ("c", None, "y", "false"),
    ]
    for row in rows:
        answers = {q: a for q, a in zip((q1, q2, q3, q4), row, strict=True) if a is not None}
        assert sit(quiz, course, answers).status == Attempt.Status.GRADED
    sit(quiz, course, {q1: "a", q2: "true", q3: "x", q4: "false"}, submit=False)
    return quiz, (q1, q2, q3, q4)


def by_question(stats):
    return {item.question_id: item for item in stats.items}


def test_facility_discrimination_and_flags_match_the_worked_example(worked_example):
    quiz, (q1, q2, q3, q4) = worked_example
    stats = quiz_item_statistics(quiz)
    assert stats.attempts == 5
    assert stats.mean_percent == pytest.approx(50)
    assert [item.question_id for item in stats.items] == [q1.pk, q2.pk, q3.pk, q4.pk]
    items = by_question(stats)
    assert [items[q.pk].n for q in (q1, q2, q3, q4)] == [5, 5, 5, 5]
    assert [items[q.pk].facility for q in (q1, q2, q3, q4)] == pytest.approx([0.4, 0.4, 0.2, 1.0])
    assert items[q1.pk].discrimination == pytest.approx(2 / 3)
    assert items[q2.pk].discrimination == pytest.approx(-0.2 / math.sqrt(3.84))
    assert items[q3.pk].discrimination == pytest.approx(0.2 / math.sqrt(2.24))
    assert items[q4.pk].discrimination is None
    assert items[q1.pk].flags == []
    assert items[q2.pk].flags == ["low_discrimination"]
    assert items[q3.pk].flags == ["hard", "low_discrimination"]
    assert items[q4.pk].flags == ["easy"]
    assert items[q2.pk].unanswered == 1
    assert stats.flagged == 3


def test_option_frequencies_are_counted_by_option_id_with_the_key(worked_example):
    quiz, (q1, q2, q3, q4) = worked_example
    items = by_question(quiz_item_statistics(quiz))

    def table(question):
        return [(o.option_id, o.text, o.correct, o.chosen) for o in items[question.pk].options]

    # Snapshot order, not the shuffled order each learner saw.
    assert table(q1) == [
        ("a", "Say no kindly", True, 2),
        ("b", "Lend money", False, 2),
        ("c", "=1+1", False, 1),
    ]
    assert table(q2) == [("true", "True", True, 2), ("false", "False", False, 2)]
    assert table(q3) == [
        ("x", "Ask first", True, 1),
        ("y", "Tell the team", False, 3),
        ("z", "Post it", False, 1),
    ]
    assert table(q4) == [("true", "True", False, 0), ("false", "False", True, 5)]
    assert items[q3.pk].options[1].share == pytest.approx(0.6)


def test_partial_credit_and_current_trainer_marks(course, module, trainer):
    """Partial credit and trainer marks, three graded attempts (1 point per item):

        learner  Q5 multiple response (key p, q)   Q6 choice + reason (key s; choice 50%)
        L1       p, q → 1                          s (0.5) + mark 4/4, remarked 2/4 → 0.75
        L2       p, r → (1 - 1)/2 = 0              t (0)   + mark 4/4 → 0.5
        L3       p    → 1/2 = 0.5                  s (0.5) + mark 0/4 → 0.5

    A fourth attempt still waits for marking and is left out.
    Facility: Q5 (1 + 0 + 0.5)/3 = 0.5; Q6 (0.75 + 0.5 + 0.5)/3 = 0.5833 (the current mark,
    not the superseded one). Discrimination of Q5 (its rest is Q6, and the other way round):
        x = [1, 0, .5] (mean .5), dx = [.5, -.5, 0]
        y = [.75, .5, .5] (mean 7/12), dy = [1/6, -1/12, -1/12]
        Sxy = 1/12 + 1/24 = 1/8; Sxx = 1/2; Syy = 1/36 + 2/144 = 1/24
        r = (1/8) / sqrt(1/48) = sqrt(48)/8 = sqrt(3)/2 ≈ 0.866, for both items.
    Options: Q5 p 3, q 1, r 1 (p and q keyed); Q6 s 2 (keyed), t 1."""
    q5 = multiple_response(
        "Safety plan", [("p", "Name"), ("q", "Contacts"), ("r", "Diagnosis")], {"p", "q"}
    )
    q6 = choice_with_justification("Referral", [("s", "Refer on"), ("t", "Handle alone")], "s")
    quiz = make_quiz(module, "Judgement check", [q5, q6])
    plan = [(["p", "q"], "s", [2], [1]), (["p", "r"], "t", [2], None), (["p"], "s", [0], None)]
    for picks, choice, first_mark, remark in plan:
        attempt = sit(quiz, course, {q5: picks, q6: {"choice": choice, "reason": "Because."}})
        assert attempt.status == Attempt.Status.AWAITING_MARKING
        response = attempt.responses.get(question=q6)
        services.mark_response(marker=trainer, response_id=response.pk, levels=first_mark)
        if remark:
            services.mark_response(marker=trainer, response_id=response.pk, levels=remark)
        attempt.refresh_from_db()
        assert attempt.status == Attempt.Status.GRADED
    sit(quiz, course, {q5: ["q"], q6: {"choice": "s", "reason": "Unmarked."}})

    stats = quiz_item_statistics(quiz)
    assert stats.attempts == 3
    items = by_question(stats)
    assert items[q5.pk].facility == pytest.approx(0.5)
    assert items[q6.pk].facility == pytest.approx(7 / 12)
    assert items[q5.pk].discrimination == pytest.approx(math.sqrt(3) / 2)
    assert items[q6.pk].discrimination == pytest.approx(math.sqrt(3) / 2)
    assert [(o.option_id, o.correct, o.chosen) for o in items[q5.pk].options] == [
        ("p", True, 3),
        ("q", True, 1),
        ("r", False, 1),
    ]
    assert [(o.option_id, o.correct, o.chosen) for o in items[q6.pk].options] == [
        ("s", True, 2),
        ("t", False, 1),
    ]


def test_pearson_needs_three_pairs_and_variance():
    assert pearson([1, 0], [0, 1]) is None
    assert pearson([1, 1, 1], [0, 1, 2]) is None
    assert pearson([0, 1, 2], [5, 5, 5]) is None
    assert pearson([0, 1, 2], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([0, 1, 2], [6, 4, 2]) == pytest.approx(-1.0)


def test_flags_judge_the_figures_as_shown():
    """A trainer never sees 0.20 flagged as under 0.20, or 30% flagged as under 30%."""

    def item(facility, discrimination):
        return ItemStatistics(1, "Q", "single_choice", 10, 0, facility, facility, discrimination)

    assert item(0.5, 0.1996).flags == []  # shown as 0.20
    assert item(0.5, 0.194).flags == ["low_discrimination"]  # shown as 0.19
    assert item(0.5, -0.4).flags == ["low_discrimination"]
    assert item(0.296, 0.5).flags == []  # shown as 30%
    assert item(0.294, 0.5).flags == ["hard"]  # shown as 29%
    assert item(0.954, None).flags == []  # shown as 95%
    assert item(0.956, None).flags == ["easy"]  # shown as 96%


# The page, the CSV and the query count.


def test_statistics_page_shows_chart_and_table_with_the_same_figures(
    client, trainer, worked_example
):
    quiz, _questions = worked_example
    client.force_login(trainer)
    response = client.get(reverse("teach:quiz_statistics", args=[quiz.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and "<desc" in svg
    assert "style=" not in svg and "<script" not in svg
    # Facility 40%, 40%, 20%, 100% at 5 pixels per point.
    assert [bar["width"] for bar in response.context["stats"].chart_bars] == [200, 200, 100, 500]
    assert 'width="200" class="bar"' in svg and 'width="500" class="bar"' in svg
    assert "20% · hard, low discrimination" in svg and "100% · easy" in svg
    assert "<td>40%</td>" in page and "<td>20%</td>" in page and "<td>100%</td>" in page
    assert "0.67" in page and "-0.10" in page and "0.13" in page
    assert "Hard: facility under 30%" in page
    assert "Easy: facility over 95%" in page
    assert page.count("Low discrimination: under 0.20") == 2
    assert "✓ Correct" in page and "Say no kindly" in page


def test_statistics_page_without_graded_attempts(client, trainer, module):
    quiz = make_quiz(module, "Empty quiz", [true_false("Listening matters", True)])
    client.force_login(trainer)
    page = client.get(reverse("teach:quiz_statistics", args=[quiz.pk])).content.decode()
    assert "No attempt at this quiz has been graded yet" in page
    assert "<svg" not in page


def test_csv_has_item_and_option_rows_and_is_injection_safe(client, trainer, worked_example):
    quiz, (q1, q2, q3, q4) = worked_example
    client.force_login(trainer)
    response = client.get(reverse("teach:quiz_statistics_csv", args=[quiz.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert f"quiz-{quiz.pk}-statistics.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    items = [row for row in rows if row["row"] == "item"]
    assert [
        (r["item"], r["question_id"], r["n"], r["facility"], r["discrimination"], r["flags"])
        for r in items
    ] == [
        ("1", str(q1.pk), "5", "0.400", "0.667", ""),
        ("2", str(q2.pk), "5", "0.400", "-0.102", "low_discrimination"),
        ("3", str(q3.pk), "5", "0.200", "0.134", "hard;low_discrimination"),
        ("4", str(q4.pk), "5", "1.000", "", "easy"),
    ]
    assert items[1]["unanswered"] == "1"
    # A title and an option text that a spreadsheet would run as formulas are neutralised;
    # the computed negative number is left a number.
    assert items[2]["question"] == "'-Confidentiality"
    options = [
        (r["item"], r["option_id"], r["option"], r["keyed_correct"], r["chosen"], r["share"])
        for r in rows
        if r["row"] == "option"
    ]
    assert options == [
        ("1", "a", "Say no kindly", "yes", "2", "0.400"),
        ("1", "b", "Lend money", "no", "2", "0.400"),
        ("1", "c", "'=1+1", "no", "1", "0.200"),
        ("2", "true", "True", "yes", "2", "0.400"),
        ("2", "false", "False", "no", "2", "0.400"),
        ("3", "x", "Ask first", "yes", "1", "0.200"),
        ("3", "y", "Tell the team", "no", "3", "0.600"),
        ("3", "z", "Post it", "no", "1", "0.200"),
        ("4", "true", "True", "no", "0", "0.000"),
        ("4", "false", "False", "yes", "5", "1.000"),
    ]


def _graded_attempts(quiz, questions, learner, marker, start, count):
    """`count` graded attempts written straight to the database (fast, for query counts),
    each with a marked written part so the marks prefetch is exercised."""
    items = [{"snapshot": q.snapshot(), "order": {}} for q in questions]
    now = timezone.now()
    for number in range(start, start + count):
        attempt = Attempt.objects.create(
            user=learner,
            quiz=quiz,
            number=number,
            seed=number,
            items=items,
            status=Attempt.Status.GRADED,
            submitted_at=now,
        )
        right = number % 2 == 0
        responses = Response.objects.bulk_create(
            [
                Response(
                    attempt=attempt,
                    position=0,
                    question=questions[0],
                    answer="a" if right else "b",
                    auto_score=1.0 if right else 0.0,
                ),
                Response(
                    attempt=attempt,
                    position=1,
                    question=questions[1],
                    answer=number % 3 == 0,
                    auto_score=1.0 if number % 3 == 0 else 0.0,
                ),
                Response(
                    attempt=attempt,
                    position=2,
                    question=questions[2],
                    answer={"choice": "s", "reason": "Why."},
                    auto_score=0.5,
                    needs_marking=True,
                ),
            ]
        )
        Mark.objects.create(
            response=responses[2],
            marker=marker,
            levels=[number % 3],
            points=2 * (number % 3),
            max_points=4,
        )


def test_query_count_does_not_grow_with_attempts(client, trainer, module):
    questions = [
        single_choice("Boundaries", [("a", "Say no kindly"), ("b", "Lend money")], "a"),
        true_false("Self-disclosure can help", True),
        choice_with_justification("Referral", [("s", "Refer on"), ("t", "Handle alone")], "s"),
    ]
    quiz = make_quiz(module, "Big quiz", questions)
    learner = UserFactory()
    client.force_login(trainer)
    counts = {}
    done = 0
    for size in (5, 40):
        _graded_attempts(quiz, questions, learner, trainer, done + 1, size - done)
        done = size
        # The query log is a deque of 9,000: setting up can fill it, and a full log would
        # make every capture below count zero.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as computed:
            stats = quiz_item_statistics(quiz)
        assert stats.attempts == size and all(item.n == size for item in stats.items)
        url = reverse("teach:quiz_statistics", args=[quiz.pk])
        client.get(url)  # warm per-process caches, as in a running server
        with CaptureQueriesContext(connection) as page:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as export:
            assert (
                client.get(reverse("teach:quiz_statistics_csv", args=[quiz.pk])).status_code == 200
            )
        counts[size] = (len(computed), len(page), len(export))
    assert counts[5] == counts[40], counts
    # Attempts, responses, marks, question titles, the quiz's question order.
    assert counts[40][0] == 5


# Who may see it.


def test_who_may_see_item_statistics(client, worked_example, trainer, trainee, superuser, course):
    quiz, _questions = worked_example
    page = reverse("teach:quiz_statistics", args=[quiz.pk])
    export = reverse("teach:quiz_statistics_csv", args=[quiz.pk])

    cohort_trainer = UserFactory()  # not in the Trainers group: allowed by their cohort
    CohortFactory(course=course, trainer=cohort_trainer)
    other_course, _lessons = build_course(title="Another course", modules=1, lessons_per_module=1)
    elsewhere = UserFactory(is_staff=True)  # teaches a cohort on another course only
    CohortFactory(course=other_course, trainer=elsewhere)

    for user, allowed in [
        (trainer, True),
        (superuser, True),
        (cohort_trainer, True),
        (elsewhere, False),
        (trainee, False),
    ]:
        assert permissions.can_view_quiz_statistics(user, quiz) is allowed
        client.force_login(user)
        expected = 200 if allowed else 404
        assert client.get(page).status_code == expected, user
        assert client.get(export).status_code == expected, user

    client.logout()
    for url in (page, export):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(trainer)
    assert client.get(reverse("teach:quiz_statistics", args=[quiz.pk + 999])).status_code == 404


def test_large_quiz_statistics_are_computed_in_the_background(client, trainer, module, monkeypatch):
    """Above the inline limit the page does not compute in the request: it queues the task
    once and shows its progress; once the task has stored the figures, page and CSV use
    them, and a new graded attempt makes them be computed again."""
    from courses import statistics, tasks

    questions = [
        single_choice("Boundaries", [("a", "Say no kindly"), ("b", "Lend money")], "a"),
        true_false("Self-disclosure can help", True),
        choice_with_justification("Referral", [("s", "Refer on"), ("t", "Handle alone")], "s"),
    ]
    quiz = make_quiz(module, "Large quiz", questions)
    learner = UserFactory()
    _graded_attempts(quiz, questions, learner, trainer, 1, 4)
    monkeypatch.setattr(statistics, "INLINE_LIMIT", 3)
    queued = []
    monkeypatch.setattr(
        tasks.compute_quiz_statistics_task,
        "delay_on_commit",
        lambda quiz_id: queued.append(quiz_id),
    )
    client.force_login(trainer)
    url = reverse("teach:quiz_statistics", args=[quiz.pk])
    csv_url = reverse("teach:quiz_statistics_csv", args=[quiz.pk])

    page = client.get(url).content.decode()
    assert "Working out the statistics" in page and "<progress" in page
    client.get(url)
    assert queued == [quiz.pk]  # queued once, however often the page is asked for
    assert client.get(csv_url)["Location"] == url  # the CSV waits for the figures too

    tasks.compute_quiz_statistics_task(quiz.pk)  # what the worker does
    page = client.get(url).content.decode()
    assert "4 graded attempts" in page and "Working out" not in page
    assert client.get(csv_url)["Content-Type"].startswith("text/csv")

    _graded_attempts(quiz, questions, learner, trainer, 5, 1)
    assert "Working out the statistics" in client.get(url).content.decode()
    assert queued == [quiz.pk, quiz.pk]


def test_the_statistics_csv_neutralises_formulas_behind_spaces_and_pipes(client, trainer, module):
    """Titles and option texts go through the strict check (spaces, |, % before a formula)."""
    questions = [
        single_choice(" =HYPERLINK(1)", [("a", "|calc"), ("b", "%0A=1+1")], "a"),
        true_false("Self-disclosure can help", True),
        choice_with_justification("Referral", [("s", "Refer on"), ("t", "Handle alone")], "s"),
    ]
    quiz = make_quiz(module, "Formula quiz", questions)
    _graded_attempts(quiz, questions, UserFactory(), trainer, 1, 4)
    client.force_login(trainer)
    response = client.get(reverse("teach:quiz_statistics_csv", args=[quiz.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    [first] = [r for r in rows if r["row"] == "item" and r["question_id"] == str(questions[0].pk)]
    assert first["question"] == "' =HYPERLINK(1)"
    options = {r["option"] for r in rows if r["row"] == "option" and r["item"] == first["item"]}
    assert options == {"'|calc", "'%0A=1+1"}


def test_items_are_not_flagged_on_too_few_responses(client, trainer, module, course):
    """Two attempts used to flag an item red: below the minimum nothing is flagged, and the
    page says why."""
    from courses.statistics import MIN_RESPONSES_TO_FLAG

    hard = true_false("A crisis can wait", False)
    quiz = make_quiz(module, "Small sample", [hard])
    for _ in range(MIN_RESPONSES_TO_FLAG - 1):
        sit(quiz, course, {hard: "true"})  # every answer wrong: "hard", given enough data
    assert [item.flags for item in quiz_item_statistics(quiz).items] == [[]]
    sit(quiz, course, {hard: "true"})
    assert [item.flags for item in quiz_item_statistics(quiz).items] == [["hard"]]
    cohort = CohortFactory(course=course, trainer=trainer)
    cohort.learners.add(*[a.user for a in Attempt.objects.filter(quiz=quiz)])
    client.force_login(trainer)
    page = client.get(reverse("teach:quiz_statistics", args=[quiz.pk])).content.decode()
    assert f"flagged only once {MIN_RESPONSES_TO_FLAG} graded responses" in page


def test_a_cohorts_statistics_count_only_its_learners(
    client, trainer, worked_example, course, organisation
):
    """The cohort page links to the statistics of its own learners: attempts by learners
    outside the cohort are not mixed in, and the page says whose figures they are. Another
    trainer's cohort, or a cohort of another course, is not found."""
    quiz, _questions = worked_example
    graded = Attempt.objects.filter(quiz=quiz, status=Attempt.Status.GRADED).order_by("pk")
    cohort = CohortFactory(course=course, trainer=trainer, organisation=organisation)
    cohort.learners.add(*[attempt.user for attempt in graded[:2]])
    client.force_login(trainer)

    everyone = client.get(reverse("teach:quiz_statistics", args=[quiz.pk]))
    assert everyone.context["stats"].attempts == 5
    assert "Every learner who took this quiz" in everyone.content.decode()
    url = reverse("teach:quiz_statistics", args=[quiz.pk]) + f"?cohort={cohort.pk}"
    scoped = client.get(url)
    assert scoped.context["stats"].attempts == 2
    assert f"Learners of {cohort.name} only" in scoped.content.decode()
    csv_url = reverse("teach:quiz_statistics_csv", args=[quiz.pk]) + f"?cohort={cohort.pk}"
    assert csv_url.replace("&", "&amp;") in scoped.content.decode()
    rows = client.get(csv_url).content.decode().splitlines()
    item_rows = [row for row in rows[1:] if row.startswith("item,")]
    assert item_rows and all(row.split(",")[5] == "2" for row in item_rows)  # n = 2 each
    progress = client.get(reverse("teach:cohort", args=[cohort.pk])).content.decode()
    assert url in progress

    others = CohortFactory(course=course)  # taught by someone else
    for bad in (others.pk, "x", "9" * 30):
        address = reverse("teach:quiz_statistics", args=[quiz.pk]) + f"?cohort={bad}"
        assert client.get(address).status_code == 404
