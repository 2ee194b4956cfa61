"""Wagtail groups for staff roles, as data. `python manage.py sync_roles` applies them.

Trainers author curricula and run the cohorts of the organisations they teach for;
registrars manage organisations, cohorts (and who teaches them), credentials and
certificates. Neither may change site settings or user accounts (that stays with superusers).
Later apps add their permissions here so one command keeps every site in step.
"""

TRAINERS = "Trainers"
REGISTRARS = "Registrars"

# Model names (lower case) of the question bank: the polymorphic base and one per type.
# tests/courses/test_question_bank_admin.py checks this against courses.QUESTION_TYPES.
QUESTION_MODELS = [
    "question",
    "singlechoicequestion",
    "multipleresponsequestion",
    "truefalsequestion",
    "orderingquestion",
    "matchingquestion",
    "scenariojudgementquestion",
    "writtenresponsequestion",
    "choicewithjustificationquestion",
]

FRAMEWORK_MODELS = ("framework", "domain", "competency")

ROLE_GROUPS: dict[str, list[str]] = {
    TRAINERS: [
        # Frameworks are reference data: trainers read them and align courses to them.
        *(f"standards.view_{m}" for m in FRAMEWORK_MODELS),
        "standards.add_coursealignment",
        "standards.change_coursealignment",
        "standards.delete_coursealignment",
        *(
            f"standards.{action}_questionalignment"
            for action in ("add", "change", "delete", "view")
        ),
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        # Cohorts of the organisations they teach for (courses/permissions.py scopes them).
        # No add_cohort: who teaches a cohort is set by an organisation admin or a registrar.
        "courses.change_cohort",
        "courses.view_cohort",
        # The question bank: the base model (the all-questions listing) and each type.
        *(
            f"courses.{action}_{model}"
            for model in QUESTION_MODELS
            for action in ("add", "change", "view", "delete")
        ),
        # Accommodations: no delete, so taking extra time back stays with an administrator.
        "courses.add_accommodation",
        "courses.change_accommodation",
        "courses.view_accommodation",
    ],
    REGISTRARS: [
        *(
            f"standards.{action}_{m}"
            for m in FRAMEWORK_MODELS
            for action in ("add", "change", "view")
        ),
        "wagtailadmin.access_admin",
        # Credentials (each rules change a new version), certificate designs, certificates.
        "standards.add_credential",
        "standards.change_credential",
        "standards.view_credential",
        "credentials.add_certificatetemplate",
        "credentials.change_certificatetemplate",
        "credentials.view_certificatetemplate",
        "credentials.add_certificate",
        "credentials.view_certificate",
        # Cohorts of every provider: registrars set them up and choose their trainers.
        "courses.add_cohort",
        "courses.change_cohort",
        "courses.view_cohort",
        "accounts.add_organisation",
        "accounts.change_organisation",
        "accounts.view_organisation",
        "accounts.add_membership",
        "accounts.change_membership",
        "accounts.delete_membership",
        "accounts.view_membership",
        "accounts.add_invitation",
        "accounts.view_invitation",
        "accounts.delete_invitation",
        # The practicum: registrars set up placements and supervisors and read the ledger and
        # the audit trail (signed records and events are never edited: see viewsets.py).
        "practicum.add_placement",
        "practicum.change_placement",
        "practicum.view_placement",
        "practicum.add_placementsupervisor",
        "practicum.change_placementsupervisor",
        "practicum.view_placementsupervisor",
        "practicum.view_practicumentry",
        "audit.view_auditevent",
    ],
}

# Permissions that come with an organisation role rather than a staff group, keyed by
# (organisation kind, membership role), held while the membership lasts (backends.py).
# Organisation admins of a training provider set up its cohorts in the admin and choose who
# teaches them (courses/permissions.py scopes every cohort view to their own provider).
MEMBERSHIP_PERMISSIONS: dict[tuple[str, str], list[str]] = {
    ("training_provider", "org_admin"): [
        "wagtailadmin.access_admin",
        "courses.add_cohort",
        "courses.change_cohort",
        "courses.view_cohort",
    ],
}

# Page-tree permissions per group: (page type, permissions granted on every page of that type
# and everything below it). Trainers author the whole curriculum under the course catalogue.
ROLE_PAGE_PERMISSIONS: dict[str, list[tuple[str, list[str]]]] = {
    TRAINERS: [("courses.CourseIndexPage", ["add_page", "change_page", "publish_page"])],
}
