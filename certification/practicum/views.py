"""Practicum pages for trainees and supervisors. Thin: parse, ask `permissions`, call a
service, and on a refusal show the service's message with everything typed kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from certification.practicum.services import practicum as practicum_services
from certification.practicum.services import progress
from certification.practicum.services import supervision as supervision_services
from certification.standards.models import Domain
from certification.standards.services import frameworks
from certification.standards.services import rules as standards_rules
from lms import formviews
from lms.accounts.models import Organisation
from lms.privacy.services import wellbeing

from . import permissions
from .exceptions import EntryLockedError, NotYourPlacementError, PracticumError
from .forms import (
    CorrectionForm,
    DecisionForm,
    EntryForm,
    RatingForm,
    SendForm,
    SessionForm,
    SignOffRequestForm,
)
from .models import Placement, PracticumEntry

# Hours are counted by the IC&RC Peer Recovery domains, as its credential counts them.


def _ledger_domains():
    return Domain.objects.filter(framework__slug=progress.LEDGER_DOMAIN_FRAMEWORK, retired=False)


def _refused(request, error: PracticumError, *, back=None):
    return render(
        request,
        "certification/practicum_refused.html",
        {"message": error.message, "back": back},
        status=error.status,
    )


# Trainee and supervisor landing page ------------------------------------------------------


@login_required
def home(request):
    user = request.user
    own = Placement.objects.filter(trainee=user).select_related("host")
    waiting = Count("entries", filter=Q(entries__status=PracticumEntry.Status.SUBMITTED))
    supervising = (
        permissions.placements_supervised_now(user)
        .select_related("host", "trainee")
        .annotate(waiting=waiting)
        .order_by("ends_on")
    )
    notes = user.notifications.all()[:8]
    # Organisations whose supervisors and cohorts the person manages (views_onboarding).
    onboarding = Organisation.objects.administered_by(user).order_by("name")
    return render(
        request,
        "certification/practicum_home.html",
        {
            "own": own,
            "supervising": supervising,
            "notifications": notes,
            "onboarding": onboarding,
        },
    )


# Trainee pages ----------------------------------------------------------------------------


def _assessed(placement, *, corrections=True):
    """What both practicum pages show of the trainee's standing toward the placement's
    credential: the rules of the version they are assessed against, the ledger, the sign-off
    requests and the progress bars. Six queries, five without corrections (the current
    credential versions and the standards are kept per process)."""
    rules = standards_rules.credential_rules(placement.credential_code, trainee=placement.trainee)
    ledger = practicum_services.placement_ledger(placement=placement, corrections=corrections)
    requests, achieved = supervision_services.placement_signoffs(
        placement=placement, rule=rules.signoff_rule
    )
    return ledger, requests, progress.placement_progress(rules, ledger, achieved)


def _placement_context(request, placement, form=None):
    ledger, requests, progress = _assessed(placement)
    groups = {"open": [], "waiting": [], "approved": []}
    for entry in ledger.entries:
        if entry.status in (PracticumEntry.Status.DRAFT, PracticumEntry.Status.RETURNED):
            groups["open"].append(entry)
        elif entry.status == PracticumEntry.Status.SUBMITTED:
            groups["waiting"].append(entry)
        else:
            groups["approved"].append(entry)
    if form is None:
        form = SendForm(entries=placement.entries.all(), open_entries=groups["open"])
    for entry in groups["open"]:
        name = f"reply-{entry.pk}"
        entry.reply_field = form[name] if name in form.fields else None
    return {
        "placement": placement,
        "groups": groups,
        "send_form": form,
        "selected": form.chosen(),
        "sessions": placement.sessions.select_related("supervisor"),
        "requests": requests,
        "waiting_competencies": {r.competency_id for r in requests if not r.ratings.all()},
        "progress": progress,
    }


@login_required
def placement(request, placement_id):
    placement = permissions.own_placement(request.user, placement_id)
    return render(
        request, "certification/practicum_placement.html", _placement_context(request, placement)
    )


@login_required
@require_POST
def agree(request, placement_id):
    user = request.user
    own = Placement.objects.filter(pk=placement_id, trainee=user).exists()
    supervised = permissions.placements_supervised_now(user).filter(pk=placement_id).exists()
    if not (own or supervised):
        return _refused(request, NotYourPlacementError(_("We could not find that placement.")))
    practicum_services.accept_agreement(placement_id=placement_id, user=user)
    messages.success(request, _("You accepted the supervision agreement."))
    target = "practicum:placement" if own else "practicum:supervise"
    return redirect(target, placement_id)


@login_required
@require_http_methods(["GET", "POST"])
def entry_form(request, placement_id, entry_id=None):
    placement = permissions.own_placement(request.user, placement_id)
    entry = None
    if entry_id is not None:
        entry = get_object_or_404(
            placement.entries.select_related("activity").prefetch_related("domains"), pk=entry_id
        )
        if entry.status not in (PracticumEntry.Status.DRAFT, PracticumEntry.Status.RETURNED):
            return _refused(
                request,
                EntryLockedError(
                    _("This entry is approved and locked; add a correction instead.")
                    if entry.locked
                    else _(
                        "This entry is with your supervisor. Ask them to return it to change it."
                    )
                ),
                back=reverse("practicum:placement", args=[placement.pk]),
            )
    initial = None
    if entry is not None:
        initial = {
            "date": entry.date,
            "start_time": entry.start_time,
            "minutes": entry.minutes,
            "setting": entry.setting,
            "activity": entry.activity,
            "domains": list(entry.domains.all()),
            "description": entry.description,
        }
    form = EntryForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        domains=_ledger_domains(),
    )

    def save(data):
        saved = practicum_services.save_entry(
            trainee=request.user,
            placement_id=placement.pk,
            entry_id=entry.pk if entry else None,
            date=data["date"],
            start_time=data["start_time"],
            minutes=data["minutes"],
            setting=data["setting"],
            activity=data["activity"],
            description=data["description"],
            domains=data["domains"],
        )
        if "send" in request.POST:
            practicum_services.submit_entries(trainee=request.user, entry_ids=[saved.pk])
        return saved

    outcome = formviews.submit(request, form, save)
    if outcome.done:
        if "send" in request.POST:
            messages.success(request, _("Saved and sent to your supervisor."))
        else:
            messages.success(request, _("Saved as a draft. Send it when you are ready."))
        return redirect("practicum:placement", placement.pk)
    return render(
        request,
        "certification/practicum_entry_form.html",
        {"placement": placement, "entry": entry, "form": form},
        status=outcome.status,
    )


@login_required
@require_POST
def submit(request, placement_id):
    """Send the ticked entries. A returned entry goes back only once edited or with a reply;
    otherwise the page comes back with what was ticked and typed."""
    placement = permissions.own_placement(request.user, placement_id)
    open_entries = placement.entries.filter(
        status__in=[PracticumEntry.Status.DRAFT, PracticumEntry.Status.RETURNED]
    )
    form = SendForm(request.POST, entries=placement.entries.all(), open_entries=open_entries)
    if not form.chosen():
        messages.error(request, _("Tick the entries you want to send first."))
        return redirect("practicum:placement", placement.pk)
    outcome = formviews.submit(
        request,
        form,
        lambda data: practicum_services.submit_entries(
            trainee=request.user, entry_ids=data["entries"], replies=data["replies"]
        ),
    )
    if not outcome.done:
        return render(
            request,
            "certification/practicum_placement.html",
            _placement_context(request, placement, form),
            status=outcome.status,
        )
    sent = outcome.result
    messages.success(
        request,
        ngettext(
            "Sent %(count)s entry to your supervisor.",
            "Sent %(count)s entries to your supervisor.",
            sent,
        )
        % {"count": sent}
        if sent
        else _("Nothing was sent: those entries were already with your supervisor."),
    )
    return redirect("practicum:placement", placement.pk)


@login_required
@require_http_methods(["GET", "POST"])
def correction_form(request, placement_id, entry_id):
    placement = permissions.own_placement(request.user, placement_id)
    entry = get_object_or_404(placement.entries.select_related("activity"), pk=entry_id)
    form = CorrectionForm(
        request.POST if request.method == "POST" else None,
        initial={"minutes": entry.minutes, "description": entry.description},
    )
    outcome = formviews.submit(
        request,
        form,
        lambda data: practicum_services.correct_entry(
            trainee=request.user,
            entry_id=entry.pk,
            minutes=data["minutes"],
            description=data["description"],
        ),
    )
    if outcome.done:
        messages.success(
            request,
            _("Correction saved as a draft. It counts once your supervisor approves it."),
        )
        return redirect("practicum:placement", placement.pk)
    return render(
        request,
        "certification/practicum_correction_form.html",
        {"placement": placement, "entry": entry, "form": form},
        status=outcome.status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def signoff_form(request, placement_id):
    placement = permissions.own_placement(request.user, placement_id)
    rules = standards_rules.credential_rules(placement.credential_code, trainee=request.user)
    competencies = frameworks.competencies_in_order(rules.competency_signoffs)
    form = SignOffRequestForm(
        request.POST if request.method == "POST" else None,
        competencies=competencies,
        initial={"competency": request.GET.get("competency")},
    )
    outcome = formviews.submit(
        request,
        form,
        lambda data: supervision_services.request_signoff(
            trainee=request.user,
            placement_id=placement.pk,
            competency_id=data["competency"],
            account=data["account"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Asked for sign-off. Your supervisor has been told."))
        return redirect("practicum:placement", placement.pk)
    return render(
        request,
        "certification/practicum_signoff_form.html",
        {"placement": placement, "form": form, "rules": rules},
        status=outcome.status,
    )


# Supervisor pages -------------------------------------------------------------------------


def _waiting(placement):
    return (
        placement.entries.filter(status=PracticumEntry.Status.SUBMITTED)
        .select_related("activity", "corrects")
        .prefetch_related("domains")
        .order_by("date", "start_time")
    )


def _supervise_context(request, link, form=None):
    placement = link.placement
    ledger, requests, progress = _assessed(placement, corrections=False)
    waiting = sorted(
        (e for e in ledger.entries if e.status == PracticumEntry.Status.SUBMITTED),
        key=lambda e: (e.date, e.start_time, e.pk),
    )
    if form is None:
        form = DecisionForm(request=request, entries=placement.entries.all(), waiting=waiting)
    for entry in waiting:
        entry.comment_field = form[f"comment-{entry.pk}"]
    decided = (PracticumEntry.Status.SUBMITTED, PracticumEntry.Status.DRAFT)
    recent = [e for e in ledger.entries if e.status not in decided][:15]  # newest first
    sessions = placement.sessions.filter(supervisor=request.user).select_related("supervisor")
    return {
        "placement": placement,
        "trainee": placement.trainee,
        "waiting": waiting,
        "form": form,
        "selected": form.chosen(),
        "recent": recent,
        "sessions": sessions,
        "requests": requests,
        "progress": progress,
        # Only what the trainee chose to share (see wellbeing.support_requests_for_supervisor).
        "wellbeing": wellbeing.support_requests_for_supervisor(placement=placement),
        "link": link,
    }


@login_required
def supervise(request, placement_id):
    link = permissions.supervised_link(request.user, placement_id)
    return render(
        request, "certification/practicum_supervise.html", _supervise_context(request, link)
    )


def _decide(supervisor, data):
    """Approve or return the chosen entries, each with its comment."""
    arguments = {
        "supervisor": supervisor,
        "entry_ids": data["entries"],
        "comment": data["comment"],
        "comments": data["comments"],
    }
    if data["action"] == "approve":
        done = practicum_services.approve_entries(**arguments)
        return ngettext(
            "Approved and signed %(count)s entry.",
            "Approved and signed %(count)s entries.",
            len(done),
        ) % {"count": len(done)}
    done = practicum_services.return_entries(**arguments)
    return ngettext("Returned %(count)s entry.", "Returned %(count)s entries.", len(done)) % {
        "count": len(done)
    }


@login_required
@require_POST
def decide(request, placement_id):
    link = permissions.supervised_link(request.user, placement_id)
    placement = link.placement
    form = DecisionForm(
        request.POST,
        request=request,
        entries=placement.entries.all(),
        waiting=_waiting(placement),
    )
    outcome = formviews.submit(request, form, lambda data: _decide(request.user, data))
    if outcome.done:
        messages.success(request, outcome.result)
        return redirect("practicum:supervise", placement.pk)
    context = _supervise_context(request, link, form)
    # Every refusal answers 400 here, as before (a refused entry is the form's problem).
    return render(request, "certification/practicum_supervise.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def session_form(request, placement_id):
    placement = permissions.supervised_placement(request.user, placement_id)
    form = SessionForm(request.POST if request.method == "POST" else None, request=request)
    outcome = formviews.submit(
        request,
        form,
        lambda data: supervision_services.record_session(
            supervisor=request.user,
            placement_id=placement.pk,
            kind=data["kind"],
            date=data["date"],
            start_time=data["start_time"],
            minutes=data["minutes"],
            private_notes=data["private_notes"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Session recorded and signed."))
        return redirect("practicum:supervise", placement.pk)
    return render(
        request,
        "certification/practicum_session_form.html",
        {"placement": placement, "form": form},
        status=outcome.status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rating_form(request, placement_id, request_id):
    placement = permissions.supervised_placement(request.user, placement_id)
    signoff = get_object_or_404(
        supervision_services.signoff_requests().filter(placement=placement), pk=request_id
    )
    form = RatingForm(request.POST if request.method == "POST" else None, request=request)
    outcome = formviews.submit(
        request,
        form,
        lambda data: supervision_services.rate_signoff(
            supervisor=request.user,
            request_id=signoff.pk,
            rating=data["rating"],
            comment=data["comment"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Rating signed and saved."))
        return redirect("practicum:supervise", placement.pk)
    rules = standards_rules.credential_rules(placement.credential_code, trainee=placement.trainee)
    return render(
        request,
        "certification/practicum_rating_form.html",
        {"placement": placement, "signoff": signoff, "form": form, "rule": rules.signoff_rule},
        status=outcome.status,
    )
