from django.db import migrations, models

def seed(apps, schema_editor):
    from joinedup.outcomes.defaults import ensure_default_frameworks

    ensure_default_frameworks(apps.get_model("outcomes", "OutcomeFramework"),
                              apps.get_model("outcomes", "OutcomeCategory"))


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="OutcomeFramework",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=40, unique=True)),
                ("name", models.CharField(max_length=200)),
                ("is_default", models.BooleanField(default=False, help_text="The categories a request for support asks about.")),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="OutcomeCategory",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=60)),
                ("name", models.CharField(max_length=200)),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("framework", models.ForeignKey(on_delete=models.deletion.PROTECT, related_name="categories", to="outcomes.outcomeframework")),
            ],
            options={"ordering": ["framework", "position"], "verbose_name_plural": "outcome categories"},
        ),
        migrations.AddConstraint(
            model_name="outcomeframework",
            constraint=models.UniqueConstraint(condition=models.Q(("is_default", True)), fields=("is_default",), name="one_default_outcome_framework"),
        ),
        migrations.AddConstraint(
            model_name="outcomecategory",
            constraint=models.UniqueConstraint(fields=("framework", "code"), name="outcome_category_unique"),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
