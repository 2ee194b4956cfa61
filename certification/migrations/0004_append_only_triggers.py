"""On PostgreSQL, the database itself refuses to change or remove signed records and audit
events: a signed row (one with a content hash) cannot be updated or deleted, whatever route
the change comes by (ORM, admin, bulk update, raw SQL). SQLite, the embedded default, relies
on the services; the verify_audit_chain command detects tampering on either. (TRUNCATE, an
owner's maintenance operation that test databases use to reset, is left to privileges: the
application's database role should not own these tables in production.)"""

from django.db import migrations

SIGNED_TABLES = [
    "certification_practicumentry",
    "certification_signoffrating",
]

FUNCTIONS = """
CREATE OR REPLACE FUNCTION peerpath_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'peerpath: % on % is refused: the audit trail is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION peerpath_refuse_signed_change() RETURNS trigger AS $$
BEGIN
    IF OLD.content_hash <> '' THEN
        RAISE EXCEPTION 'peerpath: % on signed row % of % is refused: signed records are locked',
            TG_OP, OLD.id, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- A signed supervision session: everything is locked except the private notes' ciphertext,
-- which key rotation re-encrypts and erasure clears (the notes' hash stays in the signed
-- content, so any other change to them shows in verify_audit_chain).
CREATE OR REPLACE FUNCTION peerpath_refuse_session_change() RETURNS trigger AS $$
BEGIN
    IF OLD.content_hash = '' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' OR (NEW.id, NEW.placement_id, NEW.supervisor_id, NEW.kind, NEW.date,
            NEW.minutes, NEW.entry_id, NEW.signed_qualification, NEW.notes_sha256,
            NEW.content_hash, NEW.created_at)
        IS DISTINCT FROM (OLD.id, OLD.placement_id, OLD.supervisor_id, OLD.kind, OLD.date,
            OLD.minutes, OLD.entry_id, OLD.signed_qualification, OLD.notes_sha256,
            OLD.content_hash, OLD.created_at) THEN
        RAISE EXCEPTION 'peerpath: % on signed row % of % is refused: signed records are locked',
            TG_OP, OLD.id, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS, params=None)  # no placeholders: RAISE uses %
    schema_editor.execute(
        "CREATE TRIGGER peerpath_audit_append_only BEFORE UPDATE OR DELETE "
        "ON certification_auditevent FOR EACH ROW EXECUTE FUNCTION peerpath_refuse_change()"
    )
    for table in SIGNED_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER peerpath_signed_locked BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION peerpath_refuse_signed_change()"
        )
    schema_editor.execute(
        "CREATE TRIGGER peerpath_signed_locked BEFORE UPDATE OR DELETE "
        "ON certification_supervisionsession "
        "FOR EACH ROW EXECUTE FUNCTION peerpath_refuse_session_change()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in [*SIGNED_TABLES, "certification_supervisionsession"]:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS peerpath_signed_locked ON {table}")
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS peerpath_audit_append_only ON certification_auditevent"
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS peerpath_refuse_signed_change()")
    schema_editor.execute("DROP FUNCTION IF EXISTS peerpath_refuse_session_change()")
    schema_editor.execute("DROP FUNCTION IF EXISTS peerpath_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("certification", "0003_supervision_signoffs_audit")]

    operations = [migrations.RunPython(forwards, backwards)]
