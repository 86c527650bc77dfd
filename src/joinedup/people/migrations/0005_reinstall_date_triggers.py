"""0004 rebuilt people_involvement on SQLite, which drops its triggers: install them again."""

from django.db import migrations


def forwards(apps, schema_editor):
    from joinedup.people.db_triggers import install

    install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("people", "0004_involvement_sensitive_category")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
