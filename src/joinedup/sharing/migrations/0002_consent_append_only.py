"""On PostgreSQL a consent record is never changed, and is deleted only by erasure: the trigger
lets a DELETE through only while the erasing transaction has set `joinedup.erasure`
(records/retention.py, `_delete_consent_records`)."""

from django.db import migrations

CONSENT_FUNCTION = """
CREATE OR REPLACE FUNCTION joinedup_consent_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('joinedup.erasure', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'consent records are never changed: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;
"""
TRIGGER = "sharing_consentrecord_append_only"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CONSENT_FUNCTION, params=None)
    schema_editor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON sharing_consentrecord "
        "FOR EACH ROW EXECUTE FUNCTION joinedup_consent_append_only()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON sharing_consentrecord")
    schema_editor.execute("DROP FUNCTION IF EXISTS joinedup_consent_append_only()")


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
