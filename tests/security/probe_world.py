"""The second half of the probe's world, added to a seeded demo: a second training provider
with its own trainer, trainee, cohort and accommodation, a second placement host and a second
employer, an invitation for a new supervisor, and an authenticator for every staff login the
probe signs in as. Prints one JSON object (ids, keys, the int routes) for the black-box driver
in `tests/security/probe.py`. White-box on purpose: it only builds the world; everything the
probe checks goes over HTTP.

Run by the probe as `python -m tests.security.probe_world` with the probe's settings.
"""

import json
import os
from datetime import date, timedelta

import django


def build() -> dict:
    from django.contrib.auth.models import Group
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.utils import timezone

    from courses.models import Accommodation, Cohort, CoursePage, QuizPage
    from lms.accounts import services as account_services
    from lms.accounts.demo import DEMO_PASSWORD
    from lms.accounts.models import Membership, Organisation, TOTPDevice, User
    from lms.accounts.roles import TRAINERS

    secret_b = "PROBEPROVIDERBTRAINERKEYBBBBBBBB"

    def org(slug, name, kind):
        found, _ = Organisation.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "contact_email": f"hi@{slug}.example"}
        )
        return found

    def person(email, legal, organisation, role, *, staff=False, groups=()):
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=DEMO_PASSWORD, legal_name=legal, is_staff=staff
        )
        Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
        for name in groups:
            user.groups.add(Group.objects.get(name=name))
        return user

    provider_a = Organisation.objects.get(slug="northside-recovery-college")
    provider_b = org("eastgate-peer-academy", "Eastgate Peer Academy", "training_provider")
    host_b = org("lantern-house", "Lantern House", "placement_host")
    employer_b = org("westmoor-council", "Westmoor Council", "employer")

    trainer_b = person(
        "trainer-b@probe.example",
        "Bea Trainer",
        provider_b,
        "trainer",
        staff=True,
        groups=[TRAINERS],
    )
    TOTPDevice.objects.update_or_create(
        user=trainer_b, defaults={"secret": secret_b, "confirmed_at": timezone.now()}
    )
    trainee_b = person("trainee-b@probe.example", "Bo Learner", provider_b, "trainee")
    person("supervisor-b@probe.example", "Sol Supervisor", host_b, "supervisor")
    person("verifier-b@probe.example", "Val Verifier", employer_b, "verifier")

    cohort_a = Cohort.objects.get(name="Northside spring cohort")
    course = CoursePage.objects.get(slug="trauma-informed-practice")
    cohort_b, _ = Cohort.objects.get_or_create(
        name="Eastgate winter cohort",
        defaults={
            "course": course,
            "trainer": trainer_b,
            "organisation": provider_b,
            "start_date": date.today(),
            "end_date": date.today() + timedelta(days=60),
        },
    )
    cohort_b.learners.add(trainee_b)
    quiz = QuizPage.objects.live().first()
    trainee_a = User.objects.get(email="trainee@peerpath.example")
    accommodation_a, _ = Accommodation.objects.get_or_create(
        quiz=quiz, user=trainee_a, defaults={"extra_minutes": 15, "note": "probe: provider A"}
    )

    invitation = account_services.create_invitation(
        organisation=Organisation.objects.get(slug="harbour-lights"),
        email=f"new-supervisor-{os.getpid()}@probe.example",
        role="supervisor",
        invited_by=User.objects.get(email="admin@peerpath.example"),
    )

    int_routes = []

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry, route)
            elif isinstance(entry, URLPattern) and ("<int:" in route or "<id:" in route):
                int_routes.append(route)

    walk(get_resolver())

    return {
        "provider_a": provider_a.slug,
        "provider_b": provider_b.slug,
        "cohort_a": cohort_a.pk,
        "cohort_a_name": cohort_a.name,
        "cohort_b": cohort_b.pk,
        "trainee_a_email": trainee_a.email,
        "trainee_a_id": trainee_a.pk,
        "course_id": course.pk,
        "accommodation_a": accommodation_a.pk,
        "quiz_id": quiz.pk,
        "invitation_key": invitation.key,
        "invitation_email": invitation.email,
        "trainer_b_secret": secret_b,
        "int_routes": sorted(set(int_routes)),
    }


if __name__ == "__main__":
    django.setup()
    print(json.dumps(build()))
