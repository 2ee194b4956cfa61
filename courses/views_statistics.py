"""Item statistics of a quiz for trainers: a page with a chart and tables, and a CSV export.
Thin: find the quiz, ask permissions, compute, render."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from lms import parsing
from lms.exports import csv_safe

from . import permissions, statistics
from .models import CoursePage, QuizPage


def _cohort_scope(request, quiz):
    """The cohort named by `?cohort=` (the cohort page links with it), which must be one the
    user sees and must run the quiz's course; None for every learner's attempts."""
    raw = request.GET.get("cohort")
    if raw in (None, ""):
        return None
    course = CoursePage.objects.ancestor_of(quiz).first()
    cohort = (
        permissions.cohorts_visible_to(request.user)
        .filter(pk=parsing.small_int(raw), course=course)
        .first()
    )
    if cohort is None:
        raise Http404
    return cohort


def _visible_quiz(request, quiz_id) -> QuizPage:
    # Anyone who may not see the statistics gets "not found": the page shows the keyed
    # answers, and its existence says nothing to a learner.
    quiz = QuizPage.objects.filter(pk=quiz_id).first()
    if quiz is None or not permissions.can_view_quiz_statistics(request.user, quiz):
        raise Http404
    return quiz


@login_required
@require_GET
def quiz_statistics(request, quiz_id):
    quiz = _visible_quiz(request, quiz_id)
    course = CoursePage.objects.ancestor_of(quiz).first()
    cohort = _cohort_scope(request, quiz)
    stats, done = statistics.statistics_or_progress(quiz, cohort=cohort)
    if stats is None:  # a large quiz: a background task is computing the figures
        return render(
            request,
            "courses/quiz_statistics_pending.html",
            {"quiz": quiz, "course": course, "percent": int(done * 100)},
        )
    return render(
        request,
        "courses/quiz_statistics.html",
        {
            "quiz": quiz,
            "course": course,
            "stats": stats,
            "cohort": cohort,
            "min_to_flag": statistics.MIN_RESPONSES_TO_FLAG,
        },
    )


def _number(value: float | None, places: int = 3) -> str:
    return "" if value is None else f"{value:.{places}f}"


@login_required
@require_GET
def quiz_statistics_csv(request, quiz_id):
    quiz = _visible_quiz(request, quiz_id)
    cohort = _cohort_scope(request, quiz)
    stats, _done = statistics.statistics_or_progress(quiz, cohort=cohort)
    if stats is None:  # still being computed: the page shows how far it has got
        return redirect("teach:quiz_statistics", quiz_id=quiz.pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quiz-{quiz.pk}-statistics.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "row",
            "item",
            "question_id",
            "question",
            "type",
            "n",
            "unanswered",
            "mean_points",
            "facility",
            "discrimination",
            "flags",
            "option_id",
            "option",
            "keyed_correct",
            "chosen",
            "share",
        ]
    )
    for item in stats.items:
        head = [item.number, item.question_id, csv_safe(item.title)]
        writer.writerow(
            [
                "item",
                *head,
                item.type_key,
                item.n,
                item.unanswered,
                _number(item.mean_points),
                _number(item.facility),
                _number(item.discrimination),
                ";".join(item.flags),
                "",
                "",
                "",
                "",
                "",
            ]
        )
        for option in item.options:
            writer.writerow(
                [
                    "option",
                    *head,
                    item.type_key,
                    item.n,
                    "",
                    "",
                    "",
                    "",
                    "",
                    csv_safe(option.option_id),
                    csv_safe(option.text),
                    "yes" if option.correct else "no",
                    option.chosen,
                    _number(option.share),
                ]
            )
    return response
