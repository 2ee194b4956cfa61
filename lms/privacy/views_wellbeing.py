"""The trainee's wellbeing space: their lived-experience statement and self-care check-ins.
Only the trainee sees these pages; nothing here is ever public, and nothing the trainee
wrote is put in a URL, a message or a log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .exceptions import WellbeingError
from .forms import CheckInForm, StatementForm
from .models import HIGH_STRESS, LivedExperienceStatement, WellbeingCheckIn
from .services import wellbeing


def _statement(user):
    return LivedExperienceStatement.objects.filter(trainee=user).first()


def _home(request, *, form=None, status=200):
    checkins = list(WellbeingCheckIn.objects.for_trainee(request.user)[:30])
    latest = checkins[0] if checkins else None
    return render(
        request,
        "certification/wellbeing_home.html",
        {
            "form": form or CheckInForm(),
            "checkins": checkins,
            "statement": _statement(request.user),
            "high_stress": bool(latest and latest.stress >= HIGH_STRESS),
        },
        status=status,
    )


@login_required
@never_cache
def home(request):
    if request.method != "POST":
        return _home(request)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        # Shown again with everything the trainee typed.
        return _home(request, form=form, status=400)
    try:
        wellbeing.record_checkin(
            trainee=request.user,
            on=form.cleaned_data["date"],
            energy=form.cleaned_data["energy"],
            stress=form.cleaned_data["stress"],
            note=form.cleaned_data["note"],
            tell_supervisor=form.cleaned_data["tell_supervisor"],
        )
    except (WellbeingError, ValueError) as refused:
        form.add_error(None, getattr(refused, "message", str(refused)))
        return _home(request, form=form, status=400)
    messages.success(request, _("Thank you for checking in with yourself."))
    return redirect("wellbeing:home")


@login_required
@require_POST
def delete_checkin(request, checkin_id):
    if wellbeing.delete_checkin(trainee=request.user, checkin_id=checkin_id):
        messages.success(request, _("That check-in is deleted."))
    else:
        messages.error(request, _("We could not find that check-in. Nothing was deleted."))
    return redirect("wellbeing:home")


@login_required
@never_cache
def statement(request):
    current = _statement(request.user)
    if request.method == "POST":
        form = StatementForm(request.POST)
        if form.is_valid():
            wellbeing.save_statement(
                trainee=request.user,
                text=form.cleaned_data["text"],
                share_with_supervisor=form.cleaned_data["share_with_supervisor"],
            )
            messages.success(request, _("Your statement is saved."))
            return redirect("wellbeing:home")
        status = 400
    else:
        initial = (
            {"text": current.text, "share_with_supervisor": current.share_with_supervisor}
            if current
            else {}
        )
        form, status = StatementForm(initial=initial), 200
    return render(
        request,
        "certification/wellbeing_statement.html",
        {"form": form, "statement": current},
        status=status,
    )
