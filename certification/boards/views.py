"""Boards: a trainee's targets and readiness, and the registrar's requirements and cohort
view. Thin: permission, form, service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.models import Cohort
from lms.exceptions import ServiceError
from lms.formviews import submit

from .forms import RequirementsForm
from .models import BoardCredential, BoardTarget
from .permissions import can_aim, can_edit_requirements, can_see_cohort_readiness
from .services import targets as target_services
from .services.readiness import readiness, readiness_many
from .services.requirements import revise_requirements


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


@login_required
def index(request):
    _require(can_aim(request.user))
    targets = list(target_services.targets_of(request.user))
    found = readiness_many(targets)
    aimed = {t.credential_id for t in targets}
    credentials = (
        BoardCredential.objects.filter(retired=False)
        .exclude(pk__in=aimed)
        .select_related("board")
        .order_by("board__name", "name")
    )
    return render(
        request,
        "boards/index.html",
        {
            "mine": [found[t.pk] for t in targets],
            "credentials": credentials,
            "can_edit": can_edit_requirements(request.user),
            "can_see_cohorts": can_see_cohort_readiness(request.user),
        },
    )


def _refused(request, error: ServiceError, fallback):
    if error.status == 404:
        raise Http404(error.message)
    messages.error(request, error.message)
    return redirect(fallback)


@login_required
@require_POST
def aim(request, code):
    _require(can_aim(request.user))
    try:
        target_services.aim(trainee=request.user, code=code)
    except ServiceError as error:
        return _refused(request, error, "boards:index")
    return redirect("boards:detail", code=code)


@login_required
def detail(request, code):
    _require(can_aim(request.user))
    target = (
        BoardTarget.objects.filter(trainee=request.user, credential__code=code)
        .select_related("credential__board", "version")
        .first()
    )
    if target is None:
        credential = get_object_or_404(BoardCredential, code=code, retired=False)
        return render(request, "boards/not_aiming.html", {"credential": credential})
    newest = target.credential.current
    return render(
        request,
        "boards/detail.html",
        {
            "target": target,
            "readiness": readiness(target),
            "newer": newest if newest and newest.pk != target.version_id else None,
        },
    )


@login_required
@require_POST
def tick(request, code):
    _require(can_aim(request.user))
    try:
        target_services.set_tick(
            trainee=request.user,
            code=code,
            key=request.POST.get("key", ""),
            done=request.POST.get("done") == "1",
        )
    except ServiceError as error:
        return _refused(request, error, reverse("boards:detail", kwargs={"code": code}))
    anchor = "".join(ch for ch in request.POST.get("key", "") if ch.isalnum() or ch in "_-")
    return redirect(reverse("boards:detail", kwargs={"code": code}) + f"#item-{anchor}")


@login_required
@require_POST
def update(request, code):
    _require(can_aim(request.user))
    try:
        target_services.update_version(trainee=request.user, code=code)
    except ServiceError as error:
        return _refused(request, error, "boards:index")
    messages.success(request, _("Your checklist now follows the board's newest requirements."))
    return redirect("boards:detail", code=code)


@login_required
@require_http_methods(["GET", "POST"])
def let_go(request, code):
    _require(can_aim(request.user))
    target = get_object_or_404(
        BoardTarget.objects.select_related("credential__board"),
        trainee=request.user,
        credential__code=code,
    )
    if request.method == "POST":
        target_services.let_go(trainee=request.user, code=code)
        messages.success(
            request,
            _("You are no longer aiming for %(name)s. Your Peerpath records are unchanged.")
            % {"name": target.credential.name},
        )
        return redirect("boards:index")
    return render(request, "boards/let_go.html", {"target": target})


@login_required
@require_http_methods(["GET", "POST"])
def requirements(request, code):
    _require(can_edit_requirements(request.user))
    credential = get_object_or_404(BoardCredential.objects.select_related("board"), code=code)
    current = credential.current
    form = RequirementsForm(
        request.POST or None,
        initial=RequirementsForm.initial_from(current.rules if current else {}),
    )
    outcome = submit(
        request,
        form,
        lambda data: revise_requirements(registrar=request.user, credential=credential, data=data),
    )
    if outcome.done:
        messages.success(
            request,
            _("Saved as version %(n)s. Trainees move to it when they choose to.")
            % {"n": outcome.result.number},
        )
        return redirect("boards:requirements", code=code)
    return render(
        request,
        "boards/requirements.html",
        {
            "credential": credential,
            "current": current,
            "versions": credential.versions.order_by("-number")[:20],
            "form": form,
        },
        status=outcome.status,
    )


@login_required
def cohorts(request):
    _require(can_see_cohort_readiness(request.user))
    cohort_list = Cohort.objects.select_related("course").order_by("-start_date", "name")
    credential_list = BoardCredential.objects.filter(retired=False).order_by("name")
    cohort = credential = None
    rows = []
    cohort_id = request.GET.get("cohort", "")
    code = request.GET.get("credential", "")
    if cohort_id.isascii() and cohort_id.isdigit() and len(cohort_id) < 10:
        cohort = cohort_list.filter(pk=int(cohort_id)).first()
    if code:
        credential = credential_list.filter(code=code).first()
    if cohort and credential:
        targets = list(
            BoardTarget.objects.filter(
                credential=credential, trainee__in=cohort.learners.all()
            ).select_related("trainee", "version", "credential")
        )
        found = readiness_many(targets)
        aiming = {t.trainee_id for t in targets}
        rows = [(t.trainee, found[t.pk]) for t in targets]
        rows.sort(key=lambda row: (row[0].get_full_name() or row[0].email).lower())
        not_aiming = cohort.learners.exclude(pk__in=aiming).count()
    else:
        not_aiming = 0
    return render(
        request,
        "boards/cohorts.html",
        {
            "cohorts": cohort_list,
            "credentials": credential_list,
            "cohort": cohort,
            "credential": credential,
            "rows": rows,
            "not_aiming": not_aiming,
        },
    )
