"""Demo boards: every body in the data file, the demo trainee and the graduate aiming for
IC&RC Peer Recovery (the graduate with what Peerpath cannot hold ticked)."""

from lms.accounts.models import User

from .services import targets as target_services
from .services.loading import load_boards

DEMO_TRAINEE = "trainee@peerpath.example"
GRADUATE = "graduate@peerpath.example"


def _aim(email, ticks):
    person = User.objects.filter(email=email).first()
    if person is None:
        return
    target = target_services.aim(trainee=person, code="icrc-pr")
    for key in ticks:
        if key not in (target.ticked or []):  # idempotent: a second seed changes nothing
            target = target_services.set_tick(trainee=person, code="icrc-pr", key=key, done=True)


def seed_boards():
    load_boards()
    _aim(DEMO_TRAINEE, ["document:proof_of_education"])
    _aim(GRADUATE, ["document:proof_of_education", "document:residency_attestation"])
