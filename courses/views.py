"""Learner and trainer pages outside the page tree: dashboard, enrolment, progress actions,
breaks, reflections, and cohort progress. Thin: parse, check permission, call a service."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cms.models import SupportSettings
from lms import parsing

from . import outline, permissions, reports, services
from .exceptions import CoursesError, EnrolmentError
from .models import ContentNoteChoice, CoursePage, LessonPage, QuizPage, Reflection


def _live_lesson(lesson_id) -> LessonPage:
    return get_object_or_404(LessonPage.objects.live(), pk=lesson_id)


def _block_anchor(block_id: str) -> str:
    return f"#block-{block_id}" if block_id else ""


@login_required
@require_GET
def dashboard(request):
    entries = outline.dashboard(user=request.user)
    in_progress = [e for e in entries if not e.enrolment.is_complete]
    completed = [e for e in entries if e.enrolment.is_complete]
    return render(
        request,
        "courses/dashboard.html",
        {"in_progress": in_progress, "completed": completed, "has_any": bool(entries)},
    )


@login_required
@require_POST
def enrol(request, course_id):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        enrolment, created = services.enrol_learner(user=request.user, course=course)
    except EnrolmentError as error:
        messages.error(request, error.message)
        return redirect(course.url)
    if created:
        messages.success(request, _("You are enrolled. Start whenever you are ready."))
    else:
        messages.info(request, _("You are already enrolled on this course."))
    return redirect(course.url)


@login_required
@require_POST
def save_position(request, lesson_id):
    lesson = _live_lesson(lesson_id)
    position = parsing.text(request.POST.get("position", ""))[:64]
    try:
        services.save_position(user=request.user, lesson=lesson, position=position)
    except CoursesError as error:
        return JsonResponse({"error": str(error.message)}, status=403)
    return JsonResponse({"saved": True})


@login_required
@require_POST
def complete_lesson(request, lesson_id):
    lesson = _live_lesson(lesson_id)
    try:
        result = services.complete_lesson(user=request.user, lesson=lesson)
    except CoursesError as error:
        messages.error(request, error.message)
        return redirect(lesson.url)
    course = result.enrolment.course
    if result.course_newly_completed:
        messages.success(
            request, _("You have completed %(course)s. Well done.") % {"course": course.title}
        )
        return redirect(course.url)
    if not result.lesson_newly_completed:
        messages.info(request, _("You had already completed this lesson."))
    following = outline.course_outline(course=course, user=request.user).neighbours(lesson.pk)[1]
    if following:
        return redirect(following.page.url)
    return redirect(course.url)


@login_required
@require_POST
def content_note(request, lesson_id, block_id):
    lesson = _live_lesson(lesson_id)
    choice = request.POST.get("choice", "")
    try:
        services.choose_at_content_note(
            user=request.user, lesson=lesson, block_id=block_id, choice=choice
        )
    except CoursesError as error:
        messages.error(request, error.message)
        return redirect(lesson.url)
    if choice == ContentNoteChoice.Choice.BREAK:
        return redirect(f"{reverse('learn:break')}?lesson={lesson.pk}")
    if choice == ContentNoteChoice.Choice.SKIP:
        messages.info(
            request,
            _("That section is folded away. Open it whenever you are ready; your place is saved."),
        )
        following = outline.course_outline(course=lesson.course, user=request.user).neighbours(
            lesson.pk
        )[1]
        return redirect(following.page.url if following else lesson.course.url)
    return redirect(lesson.url + _block_anchor(block_id))


@login_required
@require_POST
def take_break(request, lesson_id):
    lesson = _live_lesson(lesson_id)
    position = parsing.text(request.POST.get("position", ""))[:64]
    try:
        services.save_position(user=request.user, lesson=lesson, position=position)
    except CoursesError as error:
        messages.error(request, error.message)
        return redirect(lesson.url)
    return redirect(f"{reverse('learn:break')}?lesson={lesson.pk}")


@login_required
@require_GET
def break_page(request):
    """A calm page: support contacts, a grounding idea, and the way back to the same place."""
    back = None
    lesson_id = request.GET.get("lesson", "")
    if parsing.small_int(lesson_id) is not None:
        lesson = LessonPage.objects.live().filter(pk=parsing.small_int(lesson_id)).first()
        if lesson and permissions.enrolment_for(user=request.user, course=lesson.course):
            progress = lesson.progress.filter(user=request.user).first()
            back = lesson.url + _block_anchor(progress.position if progress else "")
    support = SupportSettings.for_request(request)
    return render(
        request,
        "courses/break.html",
        {"back": back, "support": support, "contacts": support.contacts.filter(is_crisis=True)},
    )


@login_required
def reflection(request, lesson_id, block_id):
    """Save (POST) or edit (GET) the learner's own reflection for one prompt."""
    lesson = _live_lesson(lesson_id)
    if permissions.enrolment_for(user=request.user, course=lesson.course) is None:
        raise Http404
    prompt = next(
        (
            b.value["prompt"]
            for b in lesson.body
            if b.block_type == "reflection" and b.id == block_id
        ),
        None,
    )
    if prompt is None:
        raise Http404
    existing = Reflection.objects.filter(
        user=request.user, lesson=lesson, block_id=block_id
    ).first()
    text = existing.text if existing else ""
    error = None
    if request.method == "POST":
        text = parsing.text(request.POST.get("text", ""))
        try:
            saved = services.save_reflection(
                user=request.user, lesson=lesson, block_id=block_id, text=text
            )
        except CoursesError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("Reflection saved. Only you can read it.") if saved else _("Reflection removed."),
            )
            next_url = request.POST.get("next", "")
            # Only a path on this site: redirect() would read "0" or "home" as a view name.
            if next_url.startswith("/") and url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}
            ):
                return HttpResponseRedirect(next_url)
            return redirect(lesson.url + _block_anchor(block_id))
    return render(
        request,
        "courses/reflection_form.html",
        {"lesson": lesson, "prompt": prompt, "text": text, "error": error, "block_id": block_id},
        status=400 if error else 200,
    )


@login_required
@require_GET
def reflections(request):
    """The learner's own reflections, newest first."""
    rows = Reflection.objects.filter(user=request.user).select_related("lesson")
    return render(request, "courses/reflections.html", {"reflections": rows})


@login_required
@require_POST
def delete_reflection(request, pk):
    if services.delete_reflection(user=request.user, reflection_id=pk):
        messages.success(request, _("Reflection deleted."))
    else:
        raise Http404
    return redirect("learn:reflections")


# Trainer pages.


@login_required
@require_GET
def cohorts(request):
    if not permissions.is_trainer(request.user):
        raise PermissionDenied
    rows = permissions.cohorts_visible_to(request.user).select_related("course")
    waiting = permissions.responses_to_mark(request.user).filter(marks__isnull=True).count()
    return render(
        request,
        "courses/cohort_list.html",
        {"cohorts": rows, "waiting": waiting, "teach_section": "cohorts"},
    )


def _visible_cohort(request, pk):
    return get_object_or_404(
        permissions.cohorts_visible_to(request.user).select_related("course"), pk=pk
    )


@login_required
def cohort_progress(request, pk):
    cohort = _visible_cohort(request, pk)
    if request.method == "POST":
        result = services.enrol_cohort(cohort=cohort)
        new, already = len(result.enrolled), len(result.already)
        messages.success(
            request,
            " ".join(
                (
                    ngettext("%(n)d learner enrolled.", "%(n)d learners enrolled.", new)
                    % {"n": new},
                    ngettext("%(n)d was already enrolled.", "%(n)d were already enrolled.", already)
                    % {"n": already},
                )
            ),
        )
        for learner, reason in result.refused:
            messages.warning(request, f"{learner.display_name}: {reason}")
        return redirect("teach:cohort", pk=cohort.pk)
    report = reports.cohort_progress(cohort=cohort, page=request.GET.get("page") or 1)
    quizzes = QuizPage.objects.live().descendant_of(cohort.course).order_by("path")
    return render(
        request,
        "courses/cohort_progress.html",
        {"cohort": cohort, "report": report, "quizzes": quizzes},
    )


@login_required
@require_GET
def cohort_progress_csv(request, pk):
    cohort = _visible_cohort(request, pk)
    report = reports.cohort_progress(cohort=cohort)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cohort-{cohort.pk}-progress.csv"'
    writer = csv.writer(response)
    titles = [reports.csv_safe(lesson_.title) for lesson_ in report.lessons]
    writer.writerow(["learner", "email", "enrolled", "completed", "percent", *titles])
    for row in report.rows:
        writer.writerow(
            [
                reports.csv_safe(row.learner.display_name),
                reports.csv_safe(row.learner.email),
                "yes" if row.enrolment else "no",
                row.enrolment.completed_at.isoformat()
                if row.enrolment and row.enrolment.completed_at
                else "",
                row.percent,
                *["done" if done else "" for done in row.cells],
            ]
        )
    return response
