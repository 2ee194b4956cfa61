"""Every user-facing form and POST endpoint, as fuzz targets. Forged ids are drawn from all the
rows of a table, so most belong to somebody else."""

from __future__ import annotations

import json

from django.urls import reverse
from hypothesis import strategies as st

from .harness import Target, choice, dates, ints, junk_or, text, times

PRACTICUM = ("practicum.PracticumEntry", "audit.AuditEvent")
SESSIONS = ("practicum.SupervisionSession", "audit.AuditEvent")
SIGNOFFS = (
    "practicum.SignOffRequest",
    "practicum.SignOffRating",
    "audit.AuditEvent",
)


def files(field_name: str, names: list[str]):
    """One uploaded file: random bytes, text, or the start of a known format, under a
    plausible or misleading name."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    heads = [b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"MZ\x90", b"\xff\xfe"]
    content = st.one_of(
        st.binary(max_size=3000),
        st.tuples(st.sampled_from(heads), st.binary(max_size=500)).map(lambda p: p[0] + p[1]),
        text.map(lambda t: t.encode("utf-8", "replace")),
        text.map(lambda t: t.encode("cp1252", "replace")),
    )
    name = st.one_of(st.sampled_from(names), text.map(lambda t: t[:100] + ".csv"))

    def build(pair):
        filename, data = pair
        return {field_name: SimpleUploadedFile(filename or "x", data)}

    return lambda w: st.one_of(st.just({}), st.tuples(name, content).map(build))


def ids(values) -> st.SearchStrategy:
    """A real id (often someone else's) or junk."""
    return junk_or(st.sampled_from([str(v) for v in values] or ["1"]))


def password() -> st.SearchStrategy:
    return junk_or(st.just("peerpath-demo"))


def email() -> st.SearchStrategy:
    return junk_or(
        st.sampled_from(
            [
                "trainee@peerpath.example",
                "TRAINEE@PEERPATH.EXAMPLE",
                "new.person@example.org",
                "a@b",
                "x@" + "y" * 300 + ".org",
            ]
        )
    )


def current_demo_code() -> str:
    """The code the demo staff's authenticator shows now (every demo staff login shares it)."""
    from lms.accounts import totp
    from lms.accounts.demo import DEMO_TOTP_SECRET

    return totp.code_at(DEMO_TOTP_SECRET, totp.current_step())


def names() -> st.SearchStrategy:
    return junk_or(st.sampled_from(["Jordan Avery Ellis", "Rō Tanaka-Smith", "Ana"]))


TARGETS = [
    # --- accounts ---------------------------------------------------------------------
    Target(
        "sign-in",
        None,
        lambda w: reverse("accounts:login"),
        lambda w: {"username": email(), "password": password(), "next": text},
        tables=("accounts.User",),
        echo=("username",),
    ),
    Target(
        "two-factor code at sign-in",
        None,
        lambda w: reverse("accounts:two_factor_verify"),
        lambda w: {"code": junk_or(st.one_of(ints(0, 999999), st.builds(current_demo_code)))},
        # Not the device row: a wrong code is counted there on purpose (the lock-out).
        tables=("accounts.User",),
        pending="supervisor",
    ),
    Target(
        "two-factor setup",
        "supervisor",
        lambda w: reverse("accounts:two_factor"),
        lambda w: {
            "action": choice(["start", "confirm", "remove"]),
            "code": ints(0, 999999),
            "password": password(),
        },
        tables=("accounts.TOTPDevice",),
    ),
    Target(
        "sign-up",
        None,
        lambda w: reverse("accounts:register"),
        lambda w: {
            "email": email(),
            "legal_name": names(),
            "preferred_name": text,
            "pronouns": text,
            "password1": junk_or(st.just("a long enough passphrase 42")),
            "password2": junk_or(st.just("a long enough passphrase 42")),
        },
        tables=("accounts.User", "accounts.Membership"),
        echo=("email", "legal_name", "preferred_name", "pronouns"),
    ),
    Target(
        "invitation acceptance",
        None,
        lambda w: reverse("accounts:accept_invitation", args=[w.invitation.key]),
        lambda w: {
            "legal_name": names(),
            "preferred_name": text,
            "pronouns": text,
            "password1": junk_or(st.just("a long enough passphrase 42")),
            "password2": junk_or(st.just("a long enough passphrase 42")),
        },
        tables=("accounts.User", "accounts.Membership", "accounts.Invitation"),
        echo=("legal_name", "preferred_name", "pronouns"),
    ),
    Target(
        "profile",
        "trainee",
        lambda w: reverse("accounts:profile"),
        lambda w: {"legal_name": names(), "preferred_name": text, "pronouns": text},
        tables=("accounts.User",),
        echo=("legal_name", "preferred_name", "pronouns"),
    ),
    Target(
        "organisation invitation",
        "org_admin",
        lambda w: reverse("accounts:organisation", args=[w.organisation.slug]),
        lambda w: {"email": email(), "role": choice(["trainee", "supervisor", "org_admin"])},
        tables=("accounts.Invitation", "accounts.Membership"),
        echo=("email",),
    ),
    Target(
        "password reset",
        None,
        lambda w: reverse("accounts:password_reset"),
        lambda w: {"email": email()},
        tables=("accounts.User",),
        echo=("email",),
    ),
    # --- learner ----------------------------------------------------------------------
    Target(
        "reflection",
        "trainee",
        lambda w: reverse("learn:reflection", args=[w.reflection_lesson.pk, w.reflection_block]),
        lambda w: {"text": text, "next": text},
        tables=("courses.Reflection",),
        echo=("text",),
    ),
    Target(
        "reflection delete (forged id)",
        "trainee",
        lambda w: reverse("learn:delete_reflection", args=[max(w.reflection_ids or [1])]),
        lambda w: {"next": text},
        tables=("courses.Reflection",),
    ),
    Target(
        "content note choice",
        "trainee",
        lambda w: reverse("learn:content_note", args=[w.note_lesson.pk, w.note_block]),
        lambda w: {"choice": choice(["continue", "skip", "break"]), "next": text},
        tables=("courses.ContentNoteChoice",),
    ),
    Target(
        "lesson position and break",
        "trainee",
        lambda w: reverse("learn:position", args=[w.reflection_lesson.pk]),
        lambda w: {"position": text},
        tables=("courses.LessonProgress",),
    ),
    Target(
        "quiz answers page",
        "trainee",
        lambda w: reverse("learn:attempt", args=[w.attempt.key]),
        lambda w: {
            **{f"q{i}": text for i in range(len(w.attempt.items))},
            **{
                f"q{i}-{k}": text
                for i in range(len(w.attempt.items))
                for k in ("choice", "reason", "0", "1")
            },
            "check": ints(-5, 50),
            "action": choice(["save", "submit"]),
        },
        # Not courses.Response: the page saves every acceptable answer and refuses only the
        # others ("Everything else is saved"), so progress is never lost. The attempt itself
        # must not change (no submission) when anything is refused.
        tables=("courses.Attempt",),
    ),
    Target(
        "quiz answer autosave (JSON)",
        "trainee",
        lambda w: reverse("learn:save_answer", args=[w.attempt.key, 0]),
        lambda w: {
            "body": st.one_of(
                text,
                st.recursive(
                    st.none() | st.booleans() | st.integers() | st.floats() | text,
                    lambda inner: (
                        st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4)
                    ),
                    max_leaves=12,
                ).map(lambda answer: json.dumps({"answer": answer, "check": False})),
            )
        },
        tables=("courses.Response",),
        json_body=True,
    ),
    Target(
        "name confirmation",
        "trainee",
        lambda w: reverse("credentials:confirm_name"),
        lambda w: {"name": names(), "next": text},
        tables=("credentials.CertificateName",),
        echo=("name",),
    ),
    Target(
        "attestation",
        "trainee",
        lambda w: reverse("credentials:attest", args=["peer-foundations"]),
        lambda w: {"agree": choice(["yes", "no"]), "next": text},
        tables=("credentials.Attestation",),
    ),
    # --- practicum: trainee -----------------------------------------------------------
    Target(
        "practicum entry",
        "trainee",
        lambda w: reverse("practicum:entry_new", args=[w.placement.pk]),
        lambda w: {
            "date": dates(),
            "start_time": times(),
            "minutes": ints(-100, 2000),
            "setting": choice(["in_person", "phone", "video", "other"]),
            "activity": ids(range(1, 12)),
            "domains": ids(range(1, 30)),
            "description": text,
            "send": st.just("1"),
        },
        tables=PRACTICUM,
        echo=("description",),
    ),
    Target(
        "practicum entry edit",
        "trainee",
        lambda w: reverse("practicum:entry_edit", args=[w.placement.pk, w.editable_entry.pk]),
        lambda w: {
            "date": dates(),
            "start_time": times(),
            "minutes": ints(-100, 2000),
            "setting": choice(["in_person", "phone", "video"]),
            "activity": ids(range(1, 12)),
            "description": text,
        },
        tables=PRACTICUM,
        echo=("description",),
    ),
    Target(
        "practicum correction",
        "trainee",
        lambda w: reverse("practicum:entry_correct", args=[w.placement.pk, w.approved_entry.pk]),
        lambda w: {"minutes": ints(-100, 2000), "description": text},
        tables=PRACTICUM,
        echo=("description",),
    ),
    Target(
        "practicum send entries (forged ids)",
        "trainee",
        lambda w: reverse("practicum:submit", args=[w.placement.pk]),
        lambda w: {"entry": ids(w.entry_ids)},
        tables=PRACTICUM,
    ),
    Target(
        "sign-off request",
        "trainee",
        lambda w: reverse("practicum:signoff_new", args=[w.placement.pk]),
        lambda w: {"competency": ids(w.competency_ids), "account": text},
        tables=SIGNOFFS,
        echo=("account",),
        slow=True,
    ),
    # --- practicum: supervisor --------------------------------------------------------
    Target(
        "supervisor decision",
        "supervisor",
        lambda w: reverse("practicum:decide", args=[w.placement.pk]),
        lambda w: {
            "entry": ids(w.entry_ids),
            "action": choice(["approve", "return"]),
            "comment": text,
            "password": password(),
        },
        tables=PRACTICUM,
        echo=("comment",),
        slow=True,
    ),
    Target(
        "supervision session",
        "supervisor",
        lambda w: reverse("practicum:session_new", args=[w.placement.pk]),
        lambda w: {
            "kind": choice(["individual", "group"]),
            "date": dates(),
            "start_time": times(),
            "minutes": ints(-100, 2000),
            "private_notes": text,
            "password": password(),
            "otp": ints(0, 999999),
        },
        tables=SESSIONS,
        echo=("private_notes",),
        slow=True,
    ),
    Target(
        "sign-off rating",
        "supervisor",
        lambda w: reverse("practicum:rate", args=[w.placement.pk, w.signoff.pk]),
        lambda w: {
            "rating": choice(["not_yet", "meets", "exceeds", "1", "2", "3"]),
            "comment": text,
            "password": password(),
        },
        tables=SIGNOFFS,
        echo=("comment",),
        slow=True,
    ),
    Target(
        "placement agreement (forged placement)",
        "trainee",
        lambda w: reverse("practicum:agree", args=[max(w.placement_ids)]),
        lambda w: {"x": text},
        tables=("practicum.Placement", "practicum.PlacementSupervisor"),
    ),
    # --- trainer ----------------------------------------------------------------------
    Target(
        "cohort progress CSV (trainer GET-only page posted to)",
        "trainer",
        lambda w: reverse("teach:cohorts"),
        lambda w: {"x": text},
        tables=("courses.Cohort",),
    ),
    # --- organisations and verifiers ----------------------------------------------------
    Target(
        "roster check (pasted codes)",
        "verifier",
        lambda w: reverse("organisations:roster", args=[w.employer.slug]),
        lambda w: {"codes": text},
        tables=("credentials.Certificate",),
        echo=("codes",),
    ),
    Target(
        "share with an employer",
        "graduate",
        lambda w: reverse("sharing:certificate", args=[w.certificate.uuid]),
        lambda w: {"organisation": ids(w.organisation_ids)},
        tables=("organisations.CertificateShare",),
    ),
    Target(
        "certificate visibility",
        "graduate",
        lambda w: reverse("certificates:visibility", args=[w.certificate.uuid]),
        lambda w: {"hidden": choice(["0", "1"])},
        tables=("credentials.Certificate",),
    ),
    Target(
        "roster check (uploaded file)",
        "verifier",
        lambda w: reverse("organisations:roster", args=[w.employer.slug]),
        lambda w: {"codes": st.just("")},
        tables=("credentials.Certificate",),
        files=files("roster", ["roster.csv", "roster.txt", "roster.tsv", "roster.xlsx", "r.pdf"]),
    ),
    Target(
        "verify lookup",
        None,
        lambda w: reverse("verify:lookup"),
        lambda w: {"code": junk_or(st.just(w.certificate.verification_code))},
        tables=("credentials.Certificate",),
        method="get",
    ),
    Target(
        "PDF check",
        None,
        lambda w: reverse("verify:check_pdf"),
        lambda w: {"other": text},
        tables=("credentials.Certificate",),
        files=files("pdf", ["certificate.pdf", "certificate.PDF", "c.png", "noextension"]),
    ),
    # --- renewal ----------------------------------------------------------------------
    Target(
        "continuing education",
        "graduate",
        lambda w: reverse("renewal:home"),
        lambda w: {
            "title": text,
            "provider": text,
            "topic": choice(["ethics", "boundaries", "self_care", "other"]),
            "hours": junk_or(st.decimals(-10, 1000, places=2).map(str)),
            "completed_on": dates(),
            "evidence_text": text,
        },
        tables=("credentials.ContinuingEducation",),
        echo=("title", "provider", "evidence_text"),
        files=files("evidence_file", ["e.pdf", "e.png", "e.jpg", "e.exe", "e"]),
    ),
    Target(
        "renewal",
        "graduate",
        lambda w: reverse("renewal:renew", args=[w.certificate.uuid]),
        lambda w: {"x": text},
        tables=("credentials.Certificate",),
    ),
    Target(
        "continuing education delete (forged id)",
        "trainee",
        lambda w: reverse("renewal:delete_record", args=[max(w.ce_ids or [1])]),
        lambda w: {"x": text},
        tables=("credentials.ContinuingEducation",),
    ),
    # --- privacy and data rights ------------------------------------------------------
    Target(
        "erasure request",
        "trainee",
        lambda w: reverse("privacy:erase"),
        lambda w: {"confirm": choice(["yes", "no"]), "password": password()},
        tables=("accounts.ErasureRequest", "accounts.User"),
    ),
    Target(
        "erasure completion (registrar)",
        "registrar",
        lambda w: reverse("privacy:complete", args=[w.erasure.pk]),
        lambda w: {"password": password()},
        tables=("accounts.ErasureRequest", "accounts.User"),
    ),
]
