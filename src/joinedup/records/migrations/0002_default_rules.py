"""Default retention rules, each with the guidance it follows. They are defaults only: every
partnership must check them against its own retention schedule (administrators change them in
/admin/). Rules that already exist are left as they are."""

from django.db import migrations

DEFAULT_RULES = [
    (
        "person",
        72,
        "Children's services case records: 6 years after the last contact, and not before the "
        "child's 25th birthday (common local-authority practice, e.g. the IRMS Retention "
        "Guidelines for Local Authorities). Configurable: check your own schedule.",
    ),
    (
        "episode",
        72,
        "Early help records: 6 years after closure, and until the child is 25, whichever is "
        "later (common local-authority retention schedules). Configurable: check your own "
        "schedule.",
    ),
    (
        "request",
        72,
        "Contacts and requests for support with no further action: 6 years after the decision "
        "(common local-authority retention schedules). Configurable: check your own schedule.",
    ),
    (
        "advice",
        24,
        "Anonymous professional consultations name no family: 2 years after the advice was "
        "given, a local choice. Configurable: check your own schedule.",
    ),
]


def add_default_rules(apps, schema_editor):
    RetentionRule = apps.get_model("records", "RetentionRule")
    for record_type, months, authority in DEFAULT_RULES:
        RetentionRule.objects.get_or_create(
            record_type=record_type, defaults={"keep_for_months": months, "authority": authority}
        )


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]
    operations = [migrations.RunPython(add_default_rules, migrations.RunPython.noop)]
