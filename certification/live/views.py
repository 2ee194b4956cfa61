"""Live-session pages: trainers schedule, show the check-in code and take the register;
learners see their sessions, check in, download calendars and choose reminders. Thin:
parse, ask `permissions`, call a service."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from courses.models import CoursePage, ModulePage
from lms import formviews
from lms.site import absolute_url

from . import permissions
from .forms import AttendanceForm, CheckInForm, MakeupForm, RegisterForm, ScheduleForm
from .models import Attendance, LiveSession
from .services import attendance as attendance_services
from .services import calendar as calendar_services
from .services import credit, places, scheduling

DEVICE_COOKIE = "peerpath_live_device"


def _require_trainer(user):
    if not permissions.may_schedule(user) and not user.is_superuser:
        raise Http404


# --- Trainers ----------------------------------------------------------------------------


@login_required
def teach(request):
    """The trainer's sessions, upcoming and past, with how many are on each register."""
    _require_trainer(request.user)
    now = timezone.now()
    sessions = (
        permissions.sessions_managed_by(request.user)
        .select_related("course", "module", "cohort", "signed_register")
        .annotate(recorded=Count("attendances"))
    )
    return render(
        request,
        "live/teach.html",
        {
            "upcoming": list(sessions.upcoming(now)),
            "past": list(sessions.past(now)[:50]),
            "teach_section": "sessions",
        },
    )


def _course_choices(cohorts):
    """Each course the trainer teaches, with its modules (one query for the modules)."""
    courses = {c.course_id: c.course for c in cohorts}
    if not courses:
        return []
    under = Q()
    for course in courses.values():
        under |= Q(path__startswith=course.path, depth=course.depth + 1)
    modules: dict[int, list] = {}
    for module in ModulePage.objects.filter(under).order_by("path"):
        parent = next(c for c in courses.values() if module.path.startswith(c.path))
        modules.setdefault(parent.pk, []).append(module)
    return [(course, modules.get(course.pk, [])) for course in courses.values()]


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request):
    _require_trainer(request.user)
    cohorts = list(permissions.cohorts_for_scheduling(request.user).select_related("course"))
    form = ScheduleForm(
        request.POST if request.method == "POST" else None,
        cohorts=cohorts,
        courses=_course_choices(cohorts),
    )

    def save(data):
        kind, _sep, pk = data["delivers"].partition(":")
        module = ModulePage.objects.filter(pk=pk).first() if kind == "module" else None
        course_id = (
            CoursePage.objects.ancestor_of(module).values_list("pk", flat=True).first()
            if module
            else int(pk)
        )
        return scheduling.schedule_session(
            trainer=request.user,
            title=data["title"],
            cohort_id=data["cohort"],
            course_id=course_id,
            module_id=module.pk if module else None,
            date=data["date"],
            start_time=data["start_time"],
            minutes=data["minutes"],
            mode=data["mode"],
            place=data["place"],
            meeting_link=data["meeting_link"],
            hours_by_domain=data["hours_by_domain"],
            required=data["required"],
            capacity=data["capacity"],
        )

    outcome = formviews.submit(request, form, save)
    if outcome.done:
        messages.success(request, _("Session scheduled."))
        return redirect("live:register", outcome.result.pk)
    return render(
        request,
        "live/schedule.html",
        {"form": form, "teach_section": "sessions"},
        status=outcome.status,
    )


def _register_context(request, session, form=None):
    signed = _signed_register(session)
    records = list(
        session.attendances.select_related("learner", "correction", "makeup_for").order_by(
            "learner__legal_name", "pk"
        )
    )
    checked_in = set(session.check_ins.values_list("learner_id", flat=True))
    if signed is None and form is None and session.starts_at <= timezone.now():
        form = RegisterForm(
            request=request,
            learners=permissions.learners_of(session).order_by("legal_name", "pk"),
            checked_in=checked_in,
        )
    return {
        "session": session,
        "signed": signed,
        "records": records,
        "form": form,
        "checked_in_count": len(checked_in),
        "places": places.summary(session),
        "rule": credit.rule_text(),
        "not_started": session.starts_at > timezone.now(),
        "teach_section": "sessions",
    }


def _managed(request, live_session_id):
    return get_object_or_404(
        permissions.sessions_managed_by(request.user).select_related(
            "course", "module", "cohort", "organisation"
        ),
        pk=live_session_id,
    )


def _signed_register(session):
    from .models import SignedRegister

    return SignedRegister.objects.filter(session=session).select_related("signed_by").first()


@login_required
@require_http_methods(["GET", "POST"])
def register(request, live_session_id):
    """The register: one form for the whole session, signed with a re-authentication."""
    session = _managed(request, live_session_id)
    form = None
    if request.method == "POST":
        form = RegisterForm(
            request.POST,
            request=request,
            learners=permissions.learners_of(session).order_by("legal_name", "pk"),
        )
        outcome = formviews.submit(
            request,
            form,
            lambda data: attendance_services.sign_register(
                trainer=request.user, session_id=session.pk, rows=form.rows()
            ),
        )
        if outcome.done:
            messages.success(request, _("Register signed and locked."))
            return redirect("live:register", session.pk)
        return render(
            request,
            "live/register.html",
            _register_context(request, session, form),
            status=outcome.status,
        )
    return render(request, "live/register.html", _register_context(request, session))


@login_required
def code(request, live_session_id):
    """The rotating check-in code, large, for the trainer to show the room."""
    session = _managed(request, live_session_id)
    now = timezone.now()
    current, seconds = attendance_services.current_code(session, now)
    return render(
        request,
        "live/code.html",
        {
            "session": session,
            "code": current if attendance_services.check_in_open(session, now) else None,
            "seconds": seconds,
            "rotation": attendance_services.rotation_minutes(),
            "opens": attendance_services.opens_before_minutes(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def correct(request, live_session_id, attendance_id):
    session = _managed(request, live_session_id)
    record = get_object_or_404(
        Attendance.objects.current().select_related("learner"), pk=attendance_id, session=session
    )
    form = AttendanceForm(request.POST if request.method == "POST" else None, request=request)
    outcome = formviews.submit(
        request,
        form,
        lambda data: attendance_services.correct_attendance(
            trainer=request.user,
            attendance_id=record.pk,
            status=data["status"],
            minutes_present=data["minutes_present"],
            note=data["note"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Correction signed. The earlier record is kept."))
        return redirect("live:register", session.pk)
    return render(
        request,
        "live/correct.html",
        {"session": session, "record": record, "form": form, "rule": credit.rule_text()},
        status=outcome.status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def makeup(request, live_session_id):
    """Record attendance at this session as a make-up for an earlier one."""
    session = _managed(request, live_session_id)
    missed = list(
        LiveSession.objects.filter(
            organisation=session.organisation_id,
            course=session.course_id,
            module=session.module_id,
            ends_at__lte=session.starts_at,
        ).exclude(pk=session.pk)
    )
    form = MakeupForm(
        request.POST if request.method == "POST" else None,
        request=request,
        learners=permissions.makeup_learners(session).order_by("legal_name"),
        missed=missed,
    )
    outcome = formviews.submit(
        request,
        form,
        lambda data: attendance_services.record_makeup(
            trainer=request.user,
            session_id=session.pk,
            learner_id=data["learner"],
            missed_session_id=data["missed"],
            status=data["status"],
            minutes_present=data["minutes_present"],
            note=data["note"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Make-up attendance signed."))
        return redirect("live:register", session.pk)
    return render(
        request,
        "live/makeup.html",
        {
            "session": session,
            "form": form,
            "rule": credit.rule_text(),
            "places": places.summary(session),
        },
        status=outcome.status,
    )


# --- Learners ----------------------------------------------------------------------------


@login_required
def mine(request):
    """The learner's sessions: upcoming, and missed ones with their make-up options."""
    now = timezone.now()
    sessions = permissions.sessions_for_learner(request.user).select_related("course", "module")
    missed = credit.missed(request.user, now)
    options = credit.makeup_options(request.user, missed, now)
    return render(
        request,
        "live/mine.html",
        {
            "upcoming": list(sessions.upcoming(now)),
            "missed": [(s, options[s.pk]) for s in missed],
            "attended": list(
                Attendance.objects.current()
                .filter(learner=request.user)
                .select_related("session")
                .order_by("-session__starts_at")
            ),
            "rule": credit.rule_text(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request, live_session_id):
    """One session for its learner: when, where (the link only for them), and check-in."""
    session = get_object_or_404(
        permissions.sessions_for_learner(request.user).select_related("course", "module"),
        pk=live_session_id,
    )
    form = CheckInForm(request.POST if request.method == "POST" else None)
    device = request.COOKIES.get(DEVICE_COOKIE) or secrets.token_urlsafe(16)
    outcome = formviews.submit(
        request,
        form,
        lambda data: attendance_services.check_in(
            learner=request.user, session_id=session.pk, code=data["code"], device_token=device
        ),
    )
    if outcome.done:
        messages.success(request, _("You are checked in. Your trainer confirms it."))
        response = redirect("live:session", session.pk)
    else:
        now = timezone.now()
        response = render(
            request,
            "live/session.html",
            {
                "session": session,
                "form": form,
                "checked_in": session.check_ins.filter(learner=request.user).exists(),
                "check_in_open": attendance_services.check_in_open(session, now),
                "record": Attendance.objects.current()
                .filter(session=session, learner=request.user)
                .first(),
                "rule": credit.rule_text(),
            },
            status=outcome.status,
        )
    response.set_cookie(
        DEVICE_COOKIE,
        device,
        max_age=400 * 24 * 3600,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def session_ics(request, live_session_id):
    session = get_object_or_404(
        permissions.sessions_for_learner(request.user).select_related("course"), pk=live_session_id
    )
    body = calendar_services.calendar_bytes([session], user=request.user, site_url=absolute_url())
    return _ics_response(body, f"peerpath-session-{session.pk}.ics")


def feed(request, token):
    """A learner's private calendar feed, for calendar apps (no sign-in: the token is the
    key). An unknown or revoked token answers 404 without logging the address, which
    holds the token."""
    user = calendar_services.user_for_token(token)
    if user is None:
        response = HttpResponse(status=404)
        # Django logs every 4xx with its path; this path is a secret.
        response._has_been_logged = True
        return response
    body = calendar_services.calendar_bytes(
        calendar_services.feed_sessions(user), user=user, site_url=absolute_url()
    )
    return _ics_response(body, "peerpath.ics")


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    """The learner's calendar feed address (make a new one, or turn it off) and reminders."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerate":
            calendar_services.regenerate_feed(user=request.user)
            messages.success(request, _("New calendar address made. The old one no longer works."))
        elif action == "revoke":
            calendar_services.revoke_feed(user=request.user)
            messages.success(request, _("Calendar address turned off."))
        elif action == "reminders":
            on = request.POST.get("reminders") == "on"
            calendar_services.set_reminders(user=request.user, on=on)
            messages.success(request, _("Reminders are on.") if on else _("Reminders are off."))
        else:
            return render(
                request,
                "live/calendar.html",
                {"preference": calendar_services.preference_for(request.user)},
                status=400,
            )
        return redirect("live:calendar")
    preference = calendar_services.preference_for(request.user)
    feed_url = (
        absolute_url(reverse("live:feed", args=[preference.feed_token]))
        if preference.feed_token
        else ""
    )
    return render(request, "live/calendar.html", {"preference": preference, "feed_url": feed_url})
