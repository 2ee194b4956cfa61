"""Contact hours pages: every course and module with its approved hours and any waiting
proposal; a page's history, where a trainer proposes and a registrar approves or returns.
Thin: check permission (courses.permissions), call the service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lms.formviews import submit

from . import permissions
from .forms_contact_hours import ContactHoursForm, ReturnContactHoursForm
from .models import ContactHoursVersion, CoursePage, ModulePage
from .services import contact_hours


def _may_propose(user):
    if not permissions.can_propose_contact_hours(user):
        raise PermissionDenied


@login_required
@require_GET
def contact_hours_list(request):
    """Courses and their modules, each with approved hours and a waiting proposal: three
    queries (pages, versions, domain names) plus the session's."""
    _may_propose(request.user)
    courses = list(CoursePage.objects.live().order_by("path"))
    modules = list(ModulePage.objects.live().order_by("path"))
    pages = []
    for course in courses:
        pages.append(course)
        pages.extend(m for m in modules if m.path.startswith(course.path))
    versions = contact_hours.current_versions(p.pk for p in pages)
    waiting = {
        v.page_id: v
        for v in ContactHoursVersion.objects.proposed().filter(page_id__in=[p.pk for p in pages])
    }
    summaries = contact_hours.summaries(versions.get(p.pk) for p in pages)
    rows = [
        {
            "page": page,
            "is_module": isinstance(page, ModulePage),
            "hours": summary,
            "waiting": waiting.get(page.pk),
        }
        for page, summary in zip(pages, summaries, strict=True)
    ]
    return render(
        request,
        "courses/contact_hours_list.html",
        {
            "rows": rows,
            "waiting_count": len(waiting),
            "may_approve": permissions.can_approve_contact_hours(request.user),
            "teach_section": "contact_hours",
        },
    )


def _hours_page(page_id):
    """The course or module (contact hours belong to nothing else)."""
    for model in (CoursePage, ModulePage):
        page = model.objects.filter(pk=page_id).first()
        if page is not None:
            return page
    raise Http404


@login_required
def contact_hours_page(request, page_id):
    """A course's or module's contact hours: the approved versions, the waiting proposal,
    and the form to propose new hours (or correct the waiting proposal)."""
    _may_propose(request.user)
    page = _hours_page(page_id)
    history = list(
        ContactHoursVersion.objects.filter(page_id=page.pk).select_related(
            "proposed_by", "decided_by"
        )
    )
    waiting = next((v for v in history if v.status == ContactHoursVersion.Status.PROPOSED), None)
    current = next((v for v in history if v.status == ContactHoursVersion.Status.APPROVED), None)
    start = waiting or current
    initial = (
        {
            "title": start.title,
            "total": start.total,
            "delivery": start.delivery,
            "face_to_face": start.face_to_face,
            "hours_by_domain": "\n".join(
                f"{key} = {hours}" for key, hours in sorted(start.domain_hours.items())
            ),
        }
        if start
        else {"title": page.title}
    )
    form = ContactHoursForm(request.POST or None, initial=initial)
    outcome = submit(
        request,
        form,
        lambda data: contact_hours.propose_contact_hours(proposer=request.user, page=page, **data),
    )
    if outcome.done:
        messages.success(request, _("Proposed. A registrar will approve or return the hours."))
        return redirect("teach:contact_hours_page", page_id=page.pk)
    summaries = contact_hours.summaries(history)
    return render(
        request,
        "courses/contact_hours_page.html",
        {
            "page": page,
            "is_module": isinstance(page, ModulePage),
            "form": form,
            "proposal": waiting,
            "history": list(zip(history, summaries, strict=True)),
            "return_form": ReturnContactHoursForm(),
            "may_approve": permissions.can_approve_contact_hours(request.user),
            "teach_section": "contact_hours",
        },
        status=outcome.status,
    )


@login_required
@require_POST
def decide_contact_hours(request, pk):
    """A registrar approves a waiting proposal, or returns it with a reason."""
    if not permissions.can_approve_contact_hours(request.user):
        raise PermissionDenied
    proposal = get_object_or_404(ContactHoursVersion.objects.proposed(), pk=pk)
    if request.POST.get("decision") == "approve":
        approved = contact_hours.approve_contact_hours(
            registrar=request.user, version_id=proposal.pk
        )
        messages.success(
            request,
            _("Approved as version %(n)s. Completions from now on carry these hours.")
            % {"n": approved.number},
        )
        return redirect("teach:contact_hours_page", page_id=proposal.page_id)
    form = ReturnContactHoursForm(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: contact_hours.return_contact_hours(
            registrar=request.user, version_id=proposal.pk, reason=data["reason"]
        ),
        error_field="reason",
    )
    if outcome.done:
        messages.success(request, _("Returned to the trainer with your reason."))
    else:
        messages.error(
            request, _("Say why the hours are returned, so the trainer can correct them.")
        )
    return redirect("teach:contact_hours_page", page_id=proposal.page_id)
