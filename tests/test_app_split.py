"""The split of `certification/` into small apps moves models between apps without moving a
row: on a seeded PostgreSQL database, migrating back to the pre-split migrations and forward
again keeps every table, column and row, every content type and permission (same ids), the
audit chain, and every issued certificate's signed credential and PDF hash; the old state's
models read the same tables; and no migration is missing.

How: the test database is built by the migrations as they are now; the demo seed (with its
issued certificate) is written at the new layout; then `MigrationExecutor` unapplies the
split (the pre-split nodes below: certification's last migration before the split, and
every new app's migrations) and applies it again. The split's migrations change state and
content types only, so a database migrated and seeded on the pre-split code has the same
tables as the one here at the pre-split nodes; the checks at that point prove the old
state's models find their rows there, and the checks after the forward run prove the new
layout keeps them. Run it: `DATABASE_URL=postgres://... pytest tests/test_app_split.py`."""

import hashlib
import io

import pytest
from django.apps import apps as current_apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from certification import pdf
from certification.models import Certificate
from certification.openbadges import verify_credential
from certification.verify_pdf import find_by_pdf_sha256
from lms.accounts.services import sync_role_groups
from lms.audit.services.events import verify_audit_chain

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The last migration of certification before the split, and the apps the split created
# (all their migrations are unapplied to reach the pre-split layout).
CERTIFICATION_BEFORE_SPLIT = ("certification", "0012_certificate_pdf_sha256_index")
SPLIT_APPS = ["audit", "privacy", "standards", "practicum"]
PRE_SPLIT = [CERTIFICATION_BEFORE_SPLIT, *((label, None) for label in SPLIT_APPS)]


def migrate_to(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return MigrationExecutor(connection)


def leaf_nodes() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def row_counts() -> dict[str, int]:
    """Rows per table, every table but the migration records."""
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table == "django_migrations":
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - introspected names
            counts[table] = cursor.fetchone()[0]
    return counts


def schema() -> dict[str, tuple]:
    """Columns and constraint names per table."""
    with connection.cursor() as cursor:
        return {
            table: (
                sorted(
                    (column.name, column.type_code, column.null_ok)
                    for column in connection.introspection.get_table_description(cursor, table)
                ),
                sorted(connection.introspection.get_constraints(cursor, table)),
            )
            for table in connection.introspection.table_names(cursor)
        }


def content_types() -> dict[int, tuple[str, str]]:
    return {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.all()}


def permissions() -> set[tuple]:
    return set(Permission.objects.values_list("pk", "content_type_id", "codename"))


def group_permissions() -> dict[str, set[int]]:
    return {
        group.name: set(group.permissions.values_list("pk", flat=True))
        for group in Group.objects.all()
    }


def check_certificates():
    """Every issued certificate: its signed credential verifies, its stored PDF has the
    recorded hash, and the PDF check finds the certificate by that hash."""
    issued = list(Certificate.objects.filter(status=Certificate.Status.ISSUED))
    assert issued, "the seed issues the demo certificate"
    for certificate in issued:
        result = verify_credential(credential=certificate.signed_credential)
        assert result.verified, result.reasons
        with certificate.pdf.open("rb") as stored:
            assert hashlib.sha256(stored.read()).hexdigest() == certificate.pdf_sha256
        assert find_by_pdf_sha256(certificate.pdf_sha256) == certificate


def test_the_split_migrations_keep_every_row_both_ways_on_a_seeded_database(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("The migration-on-data check runs on PostgreSQL (CI's second pass).")
    settings.MEDIA_ROOT = tmp_path / "media"
    pdf.reset_process_state()
    call_command("seed_demo", "--quiet")
    check_certificates()
    leaves = leaf_nodes()
    rows, tables, types, perms = row_counts(), schema(), content_types(), permissions()
    moved = {pk for pk, (app, _model) in types.items() if app in SPLIT_APPS}
    assert moved, "some content types belong to the split apps"
    try:
        executor = migrate_to(PRE_SPLIT)

        # The pre-split layout: same tables, columns and rows; the moved models' content
        # types back under `certification` with the same ids; the old state's models read
        # every row from the same tables.
        assert row_counts() == rows
        assert schema() == tables
        assert content_types() == {
            pk: (("certification", model) if pk in moved else (app, model))
            for pk, (app, model) in types.items()
        }
        assert permissions() == perms
        old_apps = executor.loader.project_state([CERTIFICATION_BEFORE_SPLIT]).apps
        for label in SPLIT_APPS:
            with pytest.raises(LookupError):
                old_apps.get_app_config(label)
        for model in old_apps.get_app_config("certification").get_models():
            assert model.objects.count() == rows[model._meta.db_table], model
        assert verify_audit_chain() == []
    finally:
        migrate_to(leaves)

    # Forward again: the new layout keeps everything, the certificates still verify, and
    # syncing the roles (codenames under the new labels) changes no group's permissions.
    assert row_counts() == rows
    assert schema() == tables
    assert content_types() == types
    assert permissions() == perms
    for model in current_apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            assert model.objects.count() == rows[model._meta.db_table], model
    assert verify_audit_chain() == []
    check_certificates()
    before = group_permissions()
    sync_role_groups()
    assert group_permissions() == before
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())
