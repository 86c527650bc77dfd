"""Dates of birth and involvement dates cannot be in the future: enforced by the database.

A CHECK constraint cannot compare with today's date (SQLite forbids non-deterministic functions
there), so this is a trigger on both databases. One day of slack absorbs time zones; the
services check the exact local date and give the friendly message.
"""

from django.db import migrations

def forwards(apps, schema_editor):
    from joinedup.people.db_triggers import install

    install(schema_editor)


def backwards(apps, schema_editor):
    from joinedup.people.db_triggers import COLUMNS

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
