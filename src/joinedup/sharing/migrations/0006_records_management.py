"""Records management: default retention periods, and erasure of consent records.

1. Default retention rules, each with the guidance it follows. They are defaults only: every
   partnership must check them against its own retention schedule (administrators change them
   in /admin/). Rules that already exist are left as they are.
2. On PostgreSQL a consent record is still never changed, and is deleted only by erasure: the
   trigger lets a DELETE through only while the erasing transaction has set `joinedup.erasure`
   (sharing/retention.py, `_delete_consent_records`). The audit trail's own triggers are
   untouched.
"""

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


def add_default_rules(apps, schema_editor):
    RetentionRule = apps.get_model("sharing", "RetentionRule")
    for record_type, months, authority in DEFAULT_RULES:
        RetentionRule.objects.get_or_create(
            record_type=record_type, defaults={"keep_for_months": months, "authority": authority}
        )


def consent_erasable(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CONSENT_FUNCTION, params=None)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON sharing_consentrecord")
    schema_editor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON sharing_consentrecord "
        "FOR EACH ROW EXECUTE FUNCTION joinedup_consent_append_only()"
    )


def consent_never_deleted(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON sharing_consentrecord")
    schema_editor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON sharing_consentrecord "
        "FOR EACH ROW EXECUTE FUNCTION joinedup_audit_append_only()"
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS joinedup_consent_append_only()")


class Migration(migrations.Migration):
    dependencies = [("sharing", "0005_sharing_law")]

    operations = [
        migrations.RunPython(add_default_rules, migrations.RunPython.noop),
        migrations.RunPython(consent_erasable, consent_never_deleted),
    ]
