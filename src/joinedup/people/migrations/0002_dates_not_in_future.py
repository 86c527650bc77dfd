"""Dates of birth and involvement dates cannot be in the future: enforced by the database.

A CHECK constraint cannot compare with today's date (SQLite forbids non-deterministic functions
there), so this is a trigger on both databases. One day of slack absorbs time zones; the
services check the exact local date and give the friendly message.
"""

from django.db import migrations

COLUMNS = {
    "people_person": ["date_of_birth"],
    "people_sourcerecord": ["date_of_birth"],
    "people_involvement": ["started_on", "ended_on"],
}

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION joinedup_not_in_future() RETURNS trigger AS $$
DECLARE col text; val date;
BEGIN
  FOREACH col IN ARRAY TG_ARGV LOOP
    EXECUTE format('SELECT ($1).%I::date', col) INTO val USING NEW;
    IF val IS NOT NULL AND val > CURRENT_DATE + 1 THEN
      RAISE EXCEPTION '%.% must not be in the future', TG_TABLE_NAME, col
        USING ERRCODE = 'check_violation';
    END IF;
  END LOOP;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
    for table, columns in COLUMNS.items():
        if vendor == "postgresql":
            args = ", ".join(f"'{c}'" for c in columns)
            schema_editor.execute(
                f"CREATE TRIGGER {table}_not_in_future BEFORE INSERT OR UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION joinedup_not_in_future({args})"
            )
        elif vendor == "sqlite":
            condition = " OR ".join(
                f"(NEW.{c} IS NOT NULL AND NEW.{c} > date('now', '+1 day'))" for c in columns
            )
            for event in ("INSERT", "UPDATE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_not_in_future_{event.lower()} BEFORE {event} "
                    f"ON {table} WHEN {condition} BEGIN "
                    f"SELECT RAISE(ABORT, '{table}: a date is in the future'); END"
                )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in COLUMNS:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_not_in_future ON {table}")
        elif vendor == "sqlite":
            for event in ("insert", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_not_in_future_{event}")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
