"""Training-hours pages: the trainee's hours by domain and source, recording and correcting
outside training, its certificate (never a public URL), and the registrar's queue, decision
page and per-person view. Thin: parse, check permission, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from lms.accounts.models import User
from lms.files import private_download
from lms.formviews import submit

from . import services
from .forms import DecisionForm, OutsideTrainingForm
from .models import OutsideTraining
from .permissions import (
    can_review_outside_training,
    can_see_outside_training,
    can_see_training_record,
)


def _record_page(request, person, *, own: bool):
    record = services.training_record(person=person)
    return TemplateResponse(
        request,
        "hours/training_hours.html",
        {"record": record, "person": person, "own": own},
    )


@login_required
def home(request):
    """The trainee's own training hours against the credentials they work toward."""
    return _record_page(request, request.user, own=True)


@login_required
def person(request, person_id):
    """A registrar's view of one person's training hours (the same page)."""
    if not can_review_outside_training(request.user):
        raise PermissionDenied
    someone = get_object_or_404(User, pk=person_id)
    if not can_see_training_record(request.user, someone):
        raise PermissionDenied
    return _record_page(request, someone, own=False)


@login_required
def outside_new(request):
    """Record training done elsewhere, with its certificate."""
    form = OutsideTrainingForm(request.POST or None, request.FILES or None)
    outcome = submit(
        request,
        form,
        lambda data: services.record_outside_training(
            trainee=request.user, **form.service_arguments()
        ),
    )
    if outcome.done:
        messages.success(
            request, _("Recorded. A registrar checks it against the certificate; it counts then.")
        )
        return redirect("hours:home")
    return TemplateResponse(
        request, "hours/outside_form.html", {"form": form, "record": None}, status=outcome.status
    )


def _own(request, outside_id) -> OutsideTraining:
    record = OutsideTraining.objects.filter(pk=outside_id, trainee=request.user).first()
    if record is None:
        raise Http404
    return record


@login_required
def outside(request, outside_id):
    """One outside training of the trainee's: its status and the registrar's reason, and
    (unless verified) the form to correct it and send it again."""
    record = _own(request, outside_id)
    form = OutsideTrainingForm(
        request.POST or None,
        request.FILES or None,
        initial=OutsideTrainingForm.initial_from(record),
        certificate_required=False,
    )
    if record.locked and request.method == "POST":
        messages.error(request, _("This training is verified, so it can no longer change."))
        return redirect("hours:outside", outside_id=record.pk)
    outcome = submit(
        request,
        form,
        lambda data: services.resubmit_outside_training(
            trainee=request.user, record_id=record.pk, **form.service_arguments()
        ),
    )
    if outcome.done:
        messages.success(request, _("Sent again. A registrar will look at it."))
        return redirect("hours:home")
    return TemplateResponse(
        request,
        "hours/outside_form.html",
        {"form": form, "record": record},
        status=outcome.status,
    )


@login_required
def certificate(request, outside_id):
    """The certificate, to the trainee and registrars only."""
    record = get_object_or_404(OutsideTraining, pk=outside_id)
    if not can_see_outside_training(request.user, record) or not record.certificate:
        raise Http404
    return private_download(record.certificate, stem=f"training-certificate-{record.pk}")


@login_required
def queue(request):
    """Outside training waiting for a registrar, oldest first."""
    if not can_review_outside_training(request.user):
        raise PermissionDenied
    waiting = OutsideTraining.objects.waiting().select_related("trainee")
    return TemplateResponse(request, "hours/queue.html", {"waiting": waiting})


@login_required
def review(request, outside_id):
    """A registrar verifies one outside training, or returns it with a reason."""
    if not can_review_outside_training(request.user):
        raise PermissionDenied
    record = get_object_or_404(OutsideTraining.objects.select_related("trainee"), pk=outside_id)
    form = DecisionForm(request.POST or None)

    def decide(data):
        if data["decision"] == DecisionForm.VERIFY:
            return services.verify_outside_training(registrar=request.user, record_id=record.pk)
        return services.return_outside_training(
            registrar=request.user, record_id=record.pk, reason=data["reason"]
        )

    outcome = submit(request, form, decide)
    if outcome.done:
        if outcome.result.status == OutsideTraining.Status.VERIFIED:
            messages.success(request, _("Verified. Its hours now count."))
        else:
            messages.success(request, _("Returned to the trainee with your reason."))
        return redirect("hours:queue")
    titles = dict(services.domain_choices())
    split = [(titles.get(k, k), v) for k, v in (record.hours_by_domain or {}).items()]
    return TemplateResponse(
        request,
        "hours/review.html",
        {"record": record, "form": form, "split": split},
        status=outcome.status,
    )
