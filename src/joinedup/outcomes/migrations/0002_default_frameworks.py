from django.db import migrations


def seed(apps, schema_editor):
    from joinedup.outcomes.defaults import ensure_default_frameworks

    ensure_default_frameworks(
        apps.get_model("outcomes", "OutcomeFramework"), apps.get_model("outcomes", "OutcomeCategory")
    )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
