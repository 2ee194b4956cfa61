"""Practicum pages for trainees and supervisors. Thin: parse, ask `permissions`, call a
service, and on a refusal show the service's message with everything typed kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from certification.practicum.services import practicum as practicum_services
from certification.practicum.services import supervision as supervision_services
from certification.standards.models import Competency, Domain
from certification.standards.services import rules as standards_rules
from lms import parsing
from lms.accounts import reauth
from lms.accounts import services as account_services
from lms.privacy.services import wellbeing

from . import permissions
from .exceptions import EntryLockedError, NotYourPlacementError, PracticumError
from .forms import CorrectionForm, EntryForm, RatingForm, SessionForm, SignOffRequestForm
from .models import Placement, PracticumEntry, SignOffRating, SignOffRequest

# Hours are counted by the IC&RC Peer Recovery domains, as its credential counts them.
LEDGER_DOMAIN_FRAMEWORK = "icrc-pr"


def _ledger_domains():
    return Domain.objects.filter(framework__slug=LEDGER_DOMAIN_FRAMEWORK, retired=False)


def _refused(request, error: PracticumError, *, back=None):
    return render(
        request,
        "certification/practicum_refused.html",
        {"message": error.message, "back": back},
        status=error.status,
    )


def _required_competencies(rules):
    """The credential's competencies to sign off, in the rules' order (one query)."""
    wanted = [code.partition("/") for code in rules.competency_signoffs]
    if not wanted:
        return []
    query = Q()
    for framework, _sep, code in wanted:
        query |= Q(domain__framework__slug=framework, code=code)
    found = {
        f"{c.domain.framework.slug}/{c.code}": c
        for c in Competency.objects.select_related("domain__framework").filter(query)
    }
    return [found[code] for code in rules.competency_signoffs if code in found]


def _progress(placement):
    """Bars toward the credential (over all the trainee's placements for it) and this
    placement's own totals."""
    rules = standards_rules.credential_rules(placement.credential_code)
    totals = practicum_services.credential_totals(
        trainee=placement.trainee, credential_code=placement.credential_code
    )
    here = practicum_services.placement_totals(placement=placement)
    achieved = supervision_services.achieved_competencies(
        trainee=placement.trainee, credential_code=placement.credential_code
    )
    required = _required_competencies(rules)
    hours = totals["minutes"] / 60
    share = totals["direct_minutes"] / totals["minutes"] if totals["minutes"] else 0
    bars = []

    def bar(label, done, target, text):
        percent = 100 if target <= 0 else min(100, round(100 * done / target))
        bars.append({"label": label, "percent": percent, "text": text, "met": done >= target})

    if rules.experience_hours:
        bar(
            _("Practicum hours"),
            hours,
            rules.experience_hours,
            _("%(done)s of %(target)s hours")
            % {"done": _hours(hours), "target": _hours(rules.experience_hours)},
        )
    if rules.direct_service_share_min:
        bar(
            _("Direct service share"),
            share,
            rules.direct_service_share_min,
            _("%(done)s%% direct service (at least %(target)s%%)")
            % {"done": round(100 * share), "target": round(100 * rules.direct_service_share_min)},
        )
    if rules.supervision_hours:
        supervision = totals["supervision_minutes"] / 60
        bar(
            _("Supervision hours"),
            supervision,
            rules.supervision_hours,
            _("%(done)s of %(target)s hours")
            % {"done": _hours(supervision), "target": _hours(rules.supervision_hours)},
        )
    if required:
        done = sum(1 for c in required if f"{c.domain.framework.slug}/{c.code}" in achieved)
        bar(
            _("Competencies signed off"),
            done,
            len(required),
            _("%(done)s of %(target)s") % {"done": done, "target": len(required)},
        )
    domains = {d.pk: d for d in _ledger_domains()}
    by_domain = [
        {"domain": domains[pk], "hours": _hours(minutes / 60)}
        for pk, minutes in sorted(totals["by_domain"].items())
        if pk in domains
    ]
    return {
        "rules": rules,
        "bars": bars,
        "by_domain": by_domain,
        "here_hours": _hours(here["minutes"] / 60),
        "required": [
            {"competency": c, "achieved": f"{c.domain.framework.slug}/{c.code}" in achieved}
            for c in required
        ],
    }


def _hours(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def _signoff_requests(placement):
    return (
        SignOffRequest.objects.filter(placement=placement)
        .select_related("competency__domain__framework")
        .prefetch_related(
            Prefetch("ratings", queryset=SignOffRating.objects.select_related("rater"))
        )
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
    return render(
        request,
        "certification/practicum_home.html",
        {"own": own, "supervising": supervising, "notifications": notes},
    )


# Trainee pages ----------------------------------------------------------------------------


@login_required
def placement(request, placement_id):
    placement = permissions.own_placement(request.user, placement_id)
    entries = (
        placement.entries.select_related("activity", "corrects", "decided_by", "session")
        .prefetch_related("domains", "corrections")
        .order_by("-date", "-start_time")
    )
    groups = {"open": [], "waiting": [], "approved": []}
    for entry in entries:
        if entry.status in (PracticumEntry.Status.DRAFT, PracticumEntry.Status.RETURNED):
            groups["open"].append(entry)
        elif entry.status == PracticumEntry.Status.SUBMITTED:
            groups["waiting"].append(entry)
        else:
            groups["approved"].append(entry)
    requests = list(_signoff_requests(placement))
    return render(
        request,
        "certification/practicum_placement.html",
        {
            "placement": placement,
            "groups": groups,
            "sessions": placement.sessions.select_related("supervisor"),
            "requests": requests,
            "waiting_competencies": {r.competency_id for r in requests if not r.ratings.all()},
            "progress": _progress(placement),
            "notifications": request.user.notifications.all()[:5],
        },
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
    error, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
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
            except PracticumError as refused:
                error, status = refused.message, refused.status
            else:
                if "send" in request.POST:
                    practicum_services.submit_entries(trainee=request.user, entry_ids=[saved.pk])
                    messages.success(request, _("Saved and sent to your supervisor."))
                else:
                    messages.success(request, _("Saved as a draft. Send it when you are ready."))
                return redirect("practicum:placement", placement.pk)
        else:
            status = 400
    return render(
        request,
        "certification/practicum_entry_form.html",
        {"placement": placement, "entry": entry, "form": form, "error": error},
        status=status,
    )


@login_required
@require_POST
def submit(request, placement_id):
    placement = permissions.own_placement(request.user, placement_id)
    ids = parsing.ids(request.POST.getlist("entry"))
    if not ids:
        messages.error(request, _("Tick the entries you want to send first."))
        return redirect("practicum:placement", placement.pk)
    sent = practicum_services.submit_entries(
        trainee=request.user,
        entry_ids=placement.entries.filter(pk__in=ids).values_list("pk", flat=True),
    )
    messages.success(
        request,
        _("Sent %(count)s to your supervisor.") % {"count": sent}
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
    error, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                practicum_services.correct_entry(
                    trainee=request.user,
                    entry_id=entry.pk,
                    minutes=form.cleaned_data["minutes"],
                    description=form.cleaned_data["description"],
                )
            except PracticumError as refused:
                error, status = refused.message, refused.status
            else:
                messages.success(
                    request,
                    _("Correction saved as a draft. It counts once your supervisor approves it."),
                )
                return redirect("practicum:placement", placement.pk)
        else:
            status = 400
    return render(
        request,
        "certification/practicum_correction_form.html",
        {"placement": placement, "entry": entry, "form": form, "error": error},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def signoff_form(request, placement_id):
    placement = permissions.own_placement(request.user, placement_id)
    rules = standards_rules.credential_rules(placement.credential_code)
    competencies = _required_competencies(rules)
    form = SignOffRequestForm(
        request.POST if request.method == "POST" else None,
        competencies=competencies,
        initial={"competency": request.GET.get("competency")},
    )
    error, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                supervision_services.request_signoff(
                    trainee=request.user,
                    placement_id=placement.pk,
                    competency_id=form.cleaned_data["competency"],
                    account=form.cleaned_data["account"],
                )
            except PracticumError as refused:
                error, status = refused.message, refused.status
            else:
                messages.success(request, _("Asked for sign-off. Your supervisor has been told."))
                return redirect("practicum:placement", placement.pk)
        else:
            status = 400
    return render(
        request,
        "certification/practicum_signoff_form.html",
        {"placement": placement, "form": form, "error": error, "rules": rules},
        status=status,
    )


# Supervisor pages -------------------------------------------------------------------------


def _without_password_unless_needed(request, form):
    if reauth.needs_password(request):
        form.fields["password"].widget.attrs["autocomplete"] = "current-password"
        if account_services.confirmed_device(request.user) is None:
            del form.fields["otp"]
    else:
        del form.fields["password"]
        del form.fields["otp"]
    return form


def _supervise_context(request, placement, **extra):
    waiting = (
        placement.entries.filter(status=PracticumEntry.Status.SUBMITTED)
        .select_related("activity", "corrects")
        .prefetch_related("domains")
        .order_by("date", "start_time")
    )
    recent = (
        placement.entries.exclude(status=PracticumEntry.Status.SUBMITTED)
        .exclude(status=PracticumEntry.Status.DRAFT)
        .select_related("activity")
        .order_by("-date", "-start_time")[:15]
    )
    sessions = placement.sessions.filter(supervisor=request.user).select_related("supervisor")
    return {
        "placement": placement,
        "trainee": placement.trainee,
        "waiting": waiting,
        "recent": recent,
        "sessions": sessions,
        "requests": _signoff_requests(placement),
        "progress": _progress(placement),
        "needs_password": reauth.needs_password(request),
        # Only what the trainee chose to share (see wellbeing.support_requests_for_supervisor).
        "wellbeing": wellbeing.support_requests_for_supervisor(placement=placement),
        "link": next(
            (x for x in placement.supervisor_links.all() if x.supervisor_id == request.user.pk),
            None,
        ),
        **extra,
    }


@login_required
def supervise(request, placement_id):
    placement = permissions.supervised_placement(request.user, placement_id)
    return render(
        request, "certification/practicum_supervise.html", _supervise_context(request, placement)
    )


@login_required
@require_POST
def decide(request, placement_id):
    placement = permissions.supervised_placement(request.user, placement_id)
    ids = parsing.ids(request.POST.getlist("entry"))
    action = request.POST.get("action")
    comment = parsing.text(request.POST.get("comment", ""))
    error = None
    if action not in ("approve", "return"):
        error = _("Choose approve or return.")
    elif not ids:
        error = _("Tick the entries you want to decide on first.")
    else:
        error = reauth.confirm(request, request.POST.get("password"))
    if error is None:
        entry_ids = placement.entries.filter(pk__in=ids).values_list("pk", flat=True)
        try:
            if action == "approve":
                done = practicum_services.approve_entries(
                    supervisor=request.user, entry_ids=entry_ids
                )
                messages.success(
                    request, _("Approved and signed %(n)s entries.") % {"n": len(done)}
                )
            else:
                done = practicum_services.return_entries(
                    supervisor=request.user, entry_ids=entry_ids, comment=comment
                )
                messages.success(request, _("Returned %(n)s entries.") % {"n": len(done)})
        except PracticumError as refused:
            error = refused.message
        else:
            return redirect("practicum:supervise", placement.pk)
    context = _supervise_context(
        request, placement, error=error, selected=set(ids), comment=comment
    )
    return render(request, "certification/practicum_supervise.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def session_form(request, placement_id):
    placement = permissions.supervised_placement(request.user, placement_id)
    form = _without_password_unless_needed(
        request, SessionForm(request.POST if request.method == "POST" else None)
    )
    error, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            error = reauth.confirm(request, form.cleaned_data.get("password"))
            if error is None:
                data = form.cleaned_data
                try:
                    supervision_services.record_session(
                        supervisor=request.user,
                        placement_id=placement.pk,
                        kind=data["kind"],
                        date=data["date"],
                        start_time=data["start_time"],
                        minutes=data["minutes"],
                        private_notes=data["private_notes"],
                    )
                except PracticumError as refused:
                    error = refused.message
                else:
                    messages.success(request, _("Session recorded and signed."))
                    return redirect("practicum:supervise", placement.pk)
        status = 400
    return render(
        request,
        "certification/practicum_session_form.html",
        {
            "placement": placement,
            "form": form,
            "error": error,
            "needs_password": reauth.needs_password(request),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rating_form(request, placement_id, request_id):
    placement = permissions.supervised_placement(request.user, placement_id)
    signoff = get_object_or_404(_signoff_requests(placement), pk=request_id)
    form = _without_password_unless_needed(
        request, RatingForm(request.POST if request.method == "POST" else None)
    )
    error, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            error = reauth.confirm(request, form.cleaned_data.get("password"))
            if error is None:
                try:
                    supervision_services.rate_signoff(
                        supervisor=request.user,
                        request_id=signoff.pk,
                        rating=form.cleaned_data["rating"],
                        comment=form.cleaned_data["comment"],
                    )
                except PracticumError as refused:
                    error = refused.message
                else:
                    messages.success(request, _("Rating signed and saved."))
                    return redirect("practicum:supervise", placement.pk)
        status = 400
    return render(
        request,
        "certification/practicum_rating_form.html",
        {
            "placement": placement,
            "signoff": signoff,
            "form": form,
            "error": error,
            "needs_password": reauth.needs_password(request),
            "rule": standards_rules.credential_rules(placement.credential_code).signoff_rule,
        },
        status=status,
    )
