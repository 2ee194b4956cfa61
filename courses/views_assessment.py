"""Quiz pages for learners (start, answer, submit, result) and marking pages for trainers.
Thin: parse, check permission, call `courses.services`, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lms import parsing

from . import outline, permissions, services
from .exceptions import AssessmentError, CoursesError
from .models import AnswerError, Attempt, QuizPage, Response, snapshot_class

MAX_ANSWER_BYTES = 64 * 1024


def quiz_preview(request, quiz: QuizPage):
    """The quiz's front page as an editor previews it: the rules a learner will read and the
    questions as listed, with no attempts and nothing to start. `quiz` may be a draft or an
    unsaved page (the editor's live preview), so its questions come from the page in memory."""
    questions = [row.question for row in quiz.quiz_questions.all() if row.question_id]
    context = {
        "page": quiz,
        "course": services.course_of_quiz(quiz),
        "attempts": [],
        "open_attempt": None,
        "attempts_left": quiz.attempts_allowed or None,
        "passed": False,
        "preview": True,
        "preview_questions": questions,
    }
    return render(request, "courses/quiz_page.html", context)


def quiz_page(request, quiz: QuizPage):
    """The quiz's front page: rules, past attempts, start or resume."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    course = services.course_of_quiz(quiz)
    if permissions.enrolment_for(user=request.user, course=course) is None:
        return render(
            request,
            "courses/lesson_not_enrolled.html",
            {"page": quiz, "course": course},
            status=403,
        )
    attempts = list(Attempt.objects.for_learner(request.user).filter(quiz=quiz).order_by("number"))
    context = {
        "page": quiz,
        "course": course,
        "attempts": attempts,
        "open_attempt": next((a for a in attempts if a.status == Attempt.Status.IN_PROGRESS), None),
        "attempts_left": services.attempts_left(user=request.user, quiz=quiz),
        "passed": any(a.passed and a.released_at for a in attempts),
    }
    return render(request, "courses/quiz_page.html", context)


@login_required
@require_POST
def start_attempt(request, quiz_id):
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
    try:
        attempt = services.start_attempt(user=request.user, quiz=quiz)
    except CoursesError as error:
        messages.error(request, error.message)
        return redirect(quiz.url)
    return redirect("learn:attempt", key=attempt.key)


def _items_for_display(attempt: Attempt, responses: dict[int, Response], reveal: bool):
    rows = []
    for position, item in enumerate(attempt.items):
        snapshot = item["snapshot"]
        cls = snapshot_class(snapshot)
        response = responses.get(position)
        row = {
            "position": position,
            "number": position + 1,
            "type": snapshot["type"],
            "template": cls.learner_template(),
            "stem": snapshot["stem"],
            "points": snapshot["points"],
            "view": cls.public_view(snapshot, item["order"]),
            "answer": response.answer if response else None,
            "checked": bool(response and response.checked),
            "prefix": f"q{position}",
        }
        if reveal or row["checked"]:
            grade = cls.grade_snapshot(snapshot, row["answer"], item["order"])
            row["feedback"] = {
                "general": snapshot.get("feedback", ""),
                "specific": grade.feedback,
                "score": grade.score,
                "correct": grade.correct,
                "needs_marking": grade.needs_marking,
            }
            row["key"] = snapshot  # the answer key, only after submission or a checked answer
            mark = response.current_mark if response else None
            row["mark"] = mark
        rows.append(row)
    return rows


def _responses(attempt):
    return {r.position: r for r in attempt.responses.prefetch_related("marks")}


@login_required
def attempt_page(request, key):
    """Answer the questions. POST saves every answer on the page, then submits if asked."""
    try:
        attempt = services.get_attempt(user=request.user, key=key)
    except AssessmentError:
        raise Http404 from None
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return redirect("learn:attempt_result", key=attempt.key)
    errors = {}
    if request.method == "POST":
        check = request.POST.get("check", "")
        payloads = {}
        for position, item in enumerate(attempt.items):
            cls = snapshot_class(item["snapshot"])
            prefix = f"q{position}"
            if not any(k == prefix or k.startswith(prefix + "-") for k in request.POST):
                continue
            try:
                payloads[position] = parsing.without_nul(
                    cls.payload_from_form(request.POST, prefix)
                )
            except AnswerError as error:
                errors[position] = str(error)
        submitting = request.POST.get("action") == "submit" and not errors and not check
        try:
            if submitting:  # save and submit in one transaction
                errors.update(
                    services.submit_answers(user=request.user, key=attempt.key, payloads=payloads)
                )
            else:
                errors.update(
                    services.save_answers(
                        user=request.user,
                        key=attempt.key,
                        payloads=payloads,
                        check=parsing.small_int(check),
                    )
                )
        except AssessmentError as error:
            # Finished or out of time: nothing more can be saved; say so on the result page.
            messages.error(request, error.message)
            if error.status == 409 and request.POST.get("action") == "submit":
                services.submit_attempt(user=request.user, key=attempt.key)
            return redirect("learn:attempt", key=attempt.key)
        if errors:
            messages.error(request, _("Some answers need another look. Everything else is saved."))
        elif check:
            return redirect(
                reverse("learn:attempt", kwargs={"key": attempt.key})
                + f"#question-{parsing.small_int(check) + 1}"
                if parsing.small_int(check) is not None
                else reverse("learn:attempt", kwargs={"key": attempt.key})
            )
        elif submitting:
            return redirect("learn:attempt_result", key=attempt.key)
        else:
            messages.success(request, _("Your answers are saved. Come back to them at any time."))
            return redirect("learn:attempt", key=attempt.key)
    responses = _responses(attempt)
    rows = _items_for_display(attempt, responses, reveal=False)
    if errors:
        # Show what the learner typed, even where it was refused, so nothing is lost.
        for row in rows:
            if row["position"] in errors:
                row["error"] = errors[row["position"]]
                row["answer"] = snapshot_class(
                    attempt.items[row["position"]]["snapshot"]
                ).redisplay_value(request.POST, row["prefix"])
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "rows": rows,
        "after_each": attempt.quiz.feedback_timing == QuizPage.FeedbackTiming.AFTER_EACH,
        "answered": sum(1 for r in responses.values() if r.answer not in (None, "", [], {})),
    }
    return render(request, "courses/attempt_page.html", context, status=400 if errors else 200)


@login_required
@require_POST
def save_answer(request, key, position):
    """Autosave one answer (JSON body {"answer": ..., "check": bool}). Answers only with
    success or a message; never with the correct answer, except after "check answer" in
    after-each mode, where the feedback is the point."""
    if len(request.body) > MAX_ANSWER_BYTES:
        return JsonResponse({"error": _("That answer is too long to save.")}, status=413)
    try:
        body = parsing.json_value(request.body or b"{}")
    except parsing.TooDeepError:
        return JsonResponse(
            {"error": _("That answer is nested too deeply to be an answer, so it was not saved.")},
            status=400,
        )
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": _("We could not read that answer. Try again.")}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"error": _("We could not read that answer. Try again.")}, status=400)
    try:
        response = services.save_answer(
            user=request.user,
            key=key,
            position=position,
            payload=parsing.without_nul(body.get("answer")),
            check=bool(body.get("check")),
        )
    except AnswerError as error:
        return JsonResponse({"error": str(error)}, status=400)
    except AssessmentError as error:
        return JsonResponse({"error": str(error.message)}, status=error.status)
    result = {"saved": True, "saved_at": timezone.localtime(response.saved_at).strftime("%H:%M")}
    if response.checked:
        result["checked"] = True
    return JsonResponse(result)


@login_required
@require_GET
def attempt_result(request, key):
    try:
        attempt = services.get_attempt(user=request.user, key=key)
    except AssessmentError:
        raise Http404 from None
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return redirect("learn:attempt", key=attempt.key)
    quiz = attempt.quiz
    released = attempt.released_at is not None
    closed = quiz.closes_at is None or timezone.now() >= quiz.closes_at
    reveal = released and (quiz.feedback_timing != QuizPage.FeedbackTiming.AFTER_CLOSE or closed)
    rows = _items_for_display(attempt, _responses(attempt), reveal=reveal)
    # Where the learner's path goes on from here, in the course outline's order.
    course = services.course_of_quiz(quiz)
    following = outline.course_outline(course=course, user=request.user).neighbours(quiz.pk)[1]
    return render(
        request,
        "courses/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "rows": rows,
            "released": released,
            "reveal": reveal,
            "course": course,
            "following": following,
        },
    )


# Trainer marking.


@login_required
@require_GET
def marking_queue(request):
    if not (permissions.is_trainer(request.user) or permissions.is_default_marker(request.user)):
        raise PermissionDenied
    queue = permissions.responses_to_mark(request.user)
    quiz_id = request.GET.get("quiz", "")
    cohort_id = request.GET.get("cohort", "")
    if parsing.small_int(quiz_id) is not None:
        queue = queue.filter(attempt__quiz_id=parsing.small_int(quiz_id))
    if parsing.small_int(cohort_id) is not None:
        queue = queue.filter(attempt__user__cohorts__id=parsing.small_int(cohort_id))
    if request.GET.get("show") != "all":
        # Filter in the database: asking each row for its marks would be one query per row.
        queue = queue.filter(marks__isnull=True)
    rows = list(
        queue.select_related("attempt", "attempt__user", "attempt__quiz")
        .order_by("attempt__submitted_at")
        .distinct()
    )
    ready = permissions.attempts_to_release(request.user).select_related("user", "quiz")
    # Only quizzes whose answers this user may mark: other trainers' quizzes stay out of view.
    quizzes = QuizPage.objects.filter(
        attempts__in=permissions.attempts_visible_to_marker(request.user),
        attempts__responses__needs_marking=True,
    ).distinct()
    return render(
        request,
        "courses/marking_queue.html",
        {
            "rows": rows,
            "ready": ready,
            "cohorts": permissions.cohorts_visible_to(request.user),
            "quizzes": quizzes,
            "teach_section": "marking",
        },
    )


@login_required
def mark(request, response_id):
    response = get_object_or_404(
        permissions.responses_to_mark(request.user).select_related("attempt", "attempt__quiz"),
        pk=response_id,
    )
    item = response.attempt.items[response.position]
    snapshot = item["snapshot"]
    error = None
    if request.method == "POST":
        try:
            levels = [
                int(request.POST.get(f"criterion-{i}", "x"))
                for i in range(len(snapshot.get("rubric") or []))
            ]
        except ValueError:
            levels = None
        try:
            if levels is None:
                raise AssessmentError("Choose one level for every criterion of the rubric.")
            services.mark_response(
                marker=request.user,
                response_id=response.pk,
                levels=levels,
                feedback=parsing.text(request.POST.get("feedback", "")),
            )
        except CoursesError as exc:
            error = exc.message
        else:
            messages.success(request, _("Mark saved."))
            return redirect("teach:marking")
    marks = list(response.marks.select_related("marker").order_by("marked_at", "pk"))
    return render(
        request,
        "courses/mark_form.html",
        {
            "response": response,
            "snapshot": snapshot,
            "answer": response.answer,
            "marks": marks,
            "error": error,
            "feedback": request.POST.get("feedback", "")
            if error
            else (marks[-1].feedback if marks else ""),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def release(request, attempt_id):
    attempt = get_object_or_404(permissions.attempts_visible_to_marker(request.user), pk=attempt_id)
    try:
        services.release_results(attempt_id=attempt.pk)
    except CoursesError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Result released to the learner."))
    return redirect(reverse("teach:marking"))
