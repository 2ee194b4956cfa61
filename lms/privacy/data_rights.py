"""This app's own part of a person's data: the lived-experience statement and the wellbeing
check-ins (exported whole, erased whole)."""

from . import registry
from .models import LivedExperienceStatement, WellbeingCheckIn
from .services.data_rights import iso


def export(user) -> registry.Export:
    statement = LivedExperienceStatement.objects.filter(trainee=user).first()
    checkins = list(WellbeingCheckIn.objects.for_trainee(user))
    return registry.Export(
        sections={
            "lived_experience_statement": {
                "text": statement.text,
                "shared_with_your_supervisor": statement.share_with_supervisor,
                "created_at": iso(statement.created_at),
                "updated_at": iso(statement.updated_at),
            }
            if statement
            else None,
            "wellbeing_checkins": [
                {
                    "date": iso(c.date),
                    "energy": c.energy,
                    "stress": c.stress,
                    "note": c.note,
                    "asked_supervisor_to_know": c.tell_supervisor,
                    "recorded_at": iso(c.created_at),
                }
                for c in checkins
            ],
        },
        consent={
            "lived_experience_statement_shared_with_supervisor": bool(
                statement and statement.share_with_supervisor
            ),
        },
    )


def erase(person) -> dict[str, int]:
    """The statement and check-ins go entirely."""
    return {
        "lived_experience_statement": LivedExperienceStatement.objects.filter(
            trainee=person
        ).delete()[0],
        "wellbeing_checkins": WellbeingCheckIn.objects.filter(trainee=person).delete()[0],
    }


registry.register("privacy", export=export, erase=erase)
