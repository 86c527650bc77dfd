"""Database triggers that keep dates out of the future, installed idempotently.

SQLite rebuilds a table (and drops its triggers) when a migration changes it in ways ALTER TABLE
cannot, so every migration that alters one of these tables must call `install` again. A test
checks that every trigger is in place after all migrations.
"""

from __future__ import annotations

from typing import Any

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


def install(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
    for table, columns in COLUMNS.items():
        if vendor == "postgresql":
            args = ", ".join(f"'{c}'" for c in columns)
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_not_in_future ON {table}")
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
                    f"CREATE TRIGGER IF NOT EXISTS {table}_not_in_future_{event.lower()} "
                    f"BEFORE {event} ON {table} WHEN {condition} BEGIN "
                    f"SELECT RAISE(ABORT, '{table}: a date is in the future'); END"
                )


def expected(vendor: str) -> set[str]:
    if vendor == "postgresql":
        return {f"{table}_not_in_future" for table in COLUMNS}
    return {f"{table}_not_in_future_{event}" for table in COLUMNS for event in ("insert", "update")}
