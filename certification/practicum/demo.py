"""Demo supervisors who joined by invitation, for `seed_demo`. Idempotent: nothing is added
once the demo invitation exists.

Casey Morgan was invited by the demo trainee Alex, joined through the link (password,
qualification and a copy of it) and registered a passkey; their qualification waits for a
registrar (or Harbour Lights' admin) to approve it, so what they sign shows as held. A demo
site cannot hold a passkey's private key (it lives on the person's device), so Casey's
passkey is a stored record only: the two-factor page shows it, and Casey signs in with the
demo authenticator key like the other staff logins. A second invitation, to Jamie Lee, is
still pending."""

import secrets
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lms.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from lms.accounts.models import Membership, Organisation, Passkey, TOTPDevice, User

from .models import SupervisorInvitation
from .models.onboarding import token_digest
from .services import onboarding

JOINED = "casey.supervisor@peerpath.example"
PENDING = "jamie.supervisor@peerpath.example"
TRAINEE = "alex.trainee@peerpath.example"
# A PNG's signature and a little padding: the demo's "copy of the certificate".
DEMO_COPY = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def seed_onboarding() -> tuple[str, str]:
    """Returns the login to print for the supervisor who joined by invitation."""
    label = ("Supervisor (joined by invitation, passkey)", JOINED)
    if SupervisorInvitation.objects.filter(email=JOINED).exists():
        return label
    host = Organisation.objects.get(slug="harbour-lights")
    provider = Organisation.objects.get(slug="northside-recovery-college")
    alex = User.objects.filter(email=TRAINEE).first() or User.objects.create_user(
        email=TRAINEE,
        password=DEMO_PASSWORD,
        legal_name="Alex Rivera",
        preferred_name="Alex",
        pronouns="he/him",
    )
    Membership.objects.get_or_create(user=alex, organisation=provider, role="trainee")
    today = timezone.localdate()
    invitation = onboarding.invite_supervisor(
        invited_by=alex,
        host=host,
        trainee_email=alex.email,
        name="Casey Morgan",
        email=JOINED,
        job_role="Peer support lead",
        qualification="Certified Peer Recovery Specialist",
        starts_on=today - timedelta(days=14),
        ends_on=today + timedelta(days=90),
    )
    # What the worker does when it sends the email: a token, stored as its digest. The demo
    # uses it at once, as Casey did with the link.
    token = secrets.token_urlsafe(32)
    invitation.token_sha256, invitation.sent_at = token_digest(token), timezone.now()
    invitation.save(update_fields=["token_sha256", "sent_at"])
    casey, _invitation = onboarding.join_as_supervisor(
        token=token,
        legal_name="Casey Morgan",
        preferred_name="Casey",
        password=DEMO_PASSWORD,
        qualification="Certified Peer Recovery Specialist",
        qualification_expires=today + timedelta(days=500),
        qualification_file=SimpleUploadedFile("cprs.png", DEMO_COPY, content_type="image/png"),
    )
    Passkey.objects.create(
        user=casey,
        credential_id=f"demo-{casey.pk}-record-only",
        public_key=b"demo: no device holds this passkey's private key",
        name="Phone (demo record: cannot sign in)",
        last_used_at=timezone.now(),
    )
    TOTPDevice.objects.get_or_create(
        user=casey, defaults={"secret": DEMO_TOTP_SECRET, "confirmed_at": timezone.now()}
    )
    onboarding.invite_supervisor(
        invited_by=alex,
        host=host,
        trainee_email=alex.email,
        name="Jamie Lee",
        email=PENDING,
        job_role="Volunteer coordinator",
        qualification="Peer Support Worker Level 3",
        starts_on=today + timedelta(days=91),
        ends_on=today + timedelta(days=180),
    )
    return label
