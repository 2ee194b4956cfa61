"""Prior-learning claims: the trainee's list and form, a claim's page, its evidence, and the
assessor's queue and decision. Thin: permission, form, service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lms.files import private_download
from lms.formviews import submit

from .forms import ClaimForm, DecisionForm
from .models import PriorLearningClaim
from .permissions import can_assess, can_claim, can_decide, can_see_claim
from .services import claims as claim_services


def _claim(request, claim_id) -> PriorLearningClaim:
    claim = (
        PriorLearningClaim.objects.select_related("trainee", "decided_by")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None or not can_see_claim(request.user, claim):
        raise Http404
    return claim


@login_required
@require_http_methods(["GET", "POST"])
def home(request):
    if not can_claim(request.user):
        raise PermissionDenied
    form = ClaimForm(request.POST or None, request.FILES or None)
    outcome = submit(
        request, form, lambda data: claim_services.make_claim(trainee=request.user, data=data)
    )
    if outcome.done:
        messages.success(
            request, _("Your claim is with an assessor. You will see their decision here.")
        )
        return redirect("recognition:detail", claim_id=outcome.result.pk)
    claims = PriorLearningClaim.objects.filter(trainee=request.user).order_by("-created_at")
    return render(
        request,
        "recognition/home.html",
        {"form": form, "claims": claims, "can_assess": can_assess(request.user)},
        status=outcome.status,
    )


@login_required
def detail(request, claim_id):
    claim = _claim(request, claim_id)
    form = (
        DecisionForm() if can_decide(request.user, claim) and claim.status == "submitted" else None
    )
    return render(request, "recognition/detail.html", {"claim": claim, "form": form})


@login_required
@require_POST
def decide(request, claim_id):
    claim = _claim(request, claim_id)
    if not can_decide(request.user, claim):
        raise Http404
    form = DecisionForm(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: claim_services.decide(
            assessor=request.user,
            claim_id=claim.pk,
            decision=data["decision"],
            granted_hours=data.get("granted_hours"),
            reason=data.get("reason") or "",
        ),
    )
    if outcome.done:
        messages.success(request, _("Decision recorded. The trainee sees it now."))
        return redirect("recognition:queue")
    return render(
        request, "recognition/detail.html", {"claim": claim, "form": form}, status=outcome.status
    )


@login_required
def queue(request):
    if not can_assess(request.user):
        raise PermissionDenied
    waiting = (
        PriorLearningClaim.objects.filter(status=PriorLearningClaim.Status.SUBMITTED)
        .exclude(trainee=request.user)
        .select_related("trainee")
        .order_by("created_at")[:200]
    )
    return render(request, "recognition/queue.html", {"claims": waiting})


@login_required
def evidence(request, claim_id):
    """The evidence file, to the trainee and assessors only (never a public URL)."""
    claim = _claim(request, claim_id)
    if not claim.evidence_file:
        raise Http404
    return private_download(claim.evidence_file, stem=f"prior-learning-{claim.pk}")
