from django.db import migrations


def seed_default_template(apps, schema_editor):
    from joinedup.assessments.services import ensure_default_template

    ensure_default_template(apps.get_model("assessments", "AssessmentTemplate"))


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_initial")]
    operations = [migrations.RunPython(seed_default_template, migrations.RunPython.noop)]
