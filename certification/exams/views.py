"""Exam results pages for registrars: the list with the form to record a result, the
correction form, and the score report download (the person and registrars only). Thin:
parse, check permission, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from lms import formviews
from lms.files import private_download

from . import services
from .forms import CorrectExamResultForm, RecordExamResultForm
from .models import ExamResult
from .permissions import can_record_exam_results, can_see_exam_result

LIST_LENGTH = 100


def _fields(data: dict) -> dict:
    return {
        "exam_key": data["exam_key"],
        "board": data.get("board", ""),
        "exam_name": data.get("exam_name", ""),
        "taken_on": data["taken_on"],
        "outcome": data["outcome"],
        "scaled_score": data.get("scaled_score"),
        "evidence_file": data.get("evidence_file"),
    }


@login_required
def home(request):
    """The newest results (corrected ones marked), and the form to record one."""
    if not can_record_exam_results(request.user):
        raise PermissionDenied
    form = RecordExamResultForm(request.POST or None, request.FILES or None)
    outcome = formviews.submit(
        request,
        form,
        lambda data: services.record_exam_result(
            registrar=request.user, trainee=data.get("trainee"), **_fields(data)
        ),
    )
    if outcome.done:
        messages.success(request, _("The exam result is recorded."))
        return redirect("exams:home")
    results = list(
        ExamResult.objects.select_related("trainee", "superseded_by").order_by(
            "-recorded_at", "-pk"
        )[:LIST_LENGTH]
    )
    return TemplateResponse(
        request,
        "exams/exam_result_list.html",
        {"form": form, "results": results},
        status=outcome.status,
    )


@login_required
def correct(request, pk):
    """A correction: a new record that supersedes this one, with the reason."""
    if not can_record_exam_results(request.user):
        raise PermissionDenied
    result = get_object_or_404(ExamResult.objects.select_related("trainee"), pk=pk)
    initial = {
        "exam_key": result.exam_key,
        "board": result.board,
        "exam_name": result.exam_name,
        "taken_on": result.taken_on,
        "outcome": result.outcome,
        "scaled_score": result.scaled_score,
    }
    form = CorrectExamResultForm(request.POST or None, request.FILES or None, initial=initial)
    outcome = formviews.submit(
        request,
        form,
        lambda data: services.correct_exam_result(
            registrar=request.user, result_id=result.pk, reason=data["reason"], **_fields(data)
        ),
    )
    if outcome.done:
        messages.success(request, _("Corrected. The earlier record is kept, marked as corrected."))
        return redirect("exams:home")
    return TemplateResponse(
        request,
        "exams/exam_result_correct.html",
        {"form": form, "result": result},
        status=outcome.status,
    )


@login_required
def evidence(request, pk):
    """The score report, to the person and registrars only (never a public URL)."""
    result = get_object_or_404(ExamResult, pk=pk)
    if not can_see_exam_result(request.user, result) or not result.evidence_file:
        raise Http404
    return private_download(result.evidence_file, stem=f"exam-result-{result.pk}")
