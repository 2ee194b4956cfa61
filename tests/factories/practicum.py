"""A practicum scenario for page, permission and browser tests: a trainee's agreed placement
with a supervisor, and the people around it who must not see it."""

from dataclasses import dataclass, field
from datetime import time, timedelta

from django.utils import timezone

from certification.credentials.services import loading as loading_services
from certification.practicum.models import ActivityType, Placement, PracticumEntry
from certification.practicum.services import practicum as practicum_services
from certification.standards.models import Domain
from lms.accounts.models import Membership, Organisation, User

from .accounts import MembershipFactory, OrganisationFactory, UserFactory

QUALIFICATION = "Certified Peer Recovery Specialist"


@dataclass
class Practicum:
    placement: Placement
    trainee: User
    supervisor: User
    other_trainee: User
    other_placement: Placement
    other_supervisor: User
    host: Organisation
    entries: list = field(default_factory=list)


def log_entry(placement, *, days_ago=1, start=time(9, 0), minutes=120, activity="one_to_one"):
    return practicum_services.save_entry(
        trainee=placement.trainee,
        placement_id=placement.pk,
        date=timezone.localdate() - timedelta(days=days_ago),
        start_time=start,
        minutes=minutes,
        setting=PracticumEntry.Setting.COMMUNITY,
        activity=ActivityType.objects.get(code=activity),
        description="Supported a person to prepare for a housing appointment.",
        domains=[Domain.objects.get(framework__slug="icrc-pr", code="recovery")],
    )


def build_practicum(*, week_of_entries=False) -> Practicum:
    """Frameworks loaded; an agreed placement; optionally five submitted weekday entries."""
    loading_services.load_frameworks()
    host = OrganisationFactory(
        name="Harbour Lights", slug="harbour-lights-test", kind=Organisation.Kind.PLACEMENT_HOST
    )
    trainee = UserFactory(legal_name="Jordan Avery Ellis", preferred_name="Jordan")
    other_trainee = UserFactory(legal_name="Dev Anand", preferred_name="Dev")
    supervisor = UserFactory(legal_name="Marcus Reid", preferred_name="Marcus")
    other_supervisor = UserFactory(legal_name="Lena Brooks")
    for person in (supervisor, other_supervisor):
        MembershipFactory(user=person, organisation=host, role=Membership.Role.SUPERVISOR)
    today = timezone.localdate()

    def placement_for(person, supervising):
        placement = practicum_services.create_placement(
            trainee=person,
            host=host,
            supervisor=supervising,
            qualification=QUALIFICATION,
            starts_on=today - timedelta(days=40),
            ends_on=today + timedelta(days=40),
        )
        practicum_services.accept_agreement(placement_id=placement.pk, user=person)
        practicum_services.accept_agreement(placement_id=placement.pk, user=supervising)
        placement.refresh_from_db()
        return placement

    scenario = Practicum(
        placement=placement_for(trainee, supervisor),
        trainee=trainee,
        supervisor=supervisor,
        other_trainee=other_trainee,
        other_placement=placement_for(other_trainee, other_supervisor),
        other_supervisor=other_supervisor,
        host=host,
    )
    if week_of_entries:
        scenario.entries = [log_entry(scenario.placement, days_ago=d) for d in range(1, 6)]
        practicum_services.submit_entries(
            trainee=trainee, entry_ids=[e.pk for e in scenario.entries]
        )
    return scenario
