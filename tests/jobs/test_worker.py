"""`joinedup worker` processes on a database of their own: a worker killed mid-import (kill -9)
leaves its job to a second worker, which finishes it with no duplicate rows."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JOINEDUP = [sys.executable, "-m", "joinedup.config.cli"]
ROWS = 10000  # enough that the import is still running when the first worker is killed

SEED = f"""
import json
from joinedup.identity.models import ImportJob
from joinedup.jobs import queue, tasks
from joinedup.partnership.models import Organisation, Practitioner, Role
org = Organisation.objects.create(code="oakfield", name="Oakfield Primary", sector="education")
lead = Practitioner.objects.create_user(email="lead@oakfield.example", organisation=org)
lead.roles.add(Role.objects.get_or_create(code="agency_data_lead")[0])
rows = ["record_id,given_name,family_name,date_of_birth,postcode"]
rows += [f"P-{{n}},Child{{n}},Family{{n % 97}},2015-01-{{n % 28 + 1:02d}},AB{{n % 9}} 1CD"
         for n in range({ROWS})]
job = ImportJob.objects.create(organisation=org, uploaded_by=lead, filename="pupils.csv")
upload = queue.store_upload(name="pupils.csv", data="\\n".join(rows).encode())
tasks.import_records.enqueue(job_id=job.pk, upload_id=upload.pk)
print(json.dumps({{"job": job.pk, "org": org.pk}}))
"""


class Database:
    """A fresh database for the workers: a SQLite file, or a new PostgreSQL database when the
    suite runs on PostgreSQL."""

    def __init__(self, tmp_path: Path) -> None:
        base = os.environ.get("DATABASE_URL", "")
        self.postgres = base.startswith("postgres")
        if self.postgres:
            import psycopg

            server, _, name = base.rpartition("/")
            self.name = f"{name.split('?')[0]}_worker_{os.getpid()}"
            self.admin = f"{server}/postgres"
            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = f"{server}/{self.name}"
        else:
            self.path = tmp_path / "workers.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def query(self, sql: str, *params: object) -> list[tuple]:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as conn:
                return list(conn.execute(sql.replace("?", "%s"), params).fetchall())
        with sqlite3.connect(self.path, timeout=30) as conn:
            return list(conn.execute(sql, params).fetchall())

    def drop(self) -> None:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def database(tmp_path):
    db = Database(tmp_path)
    yield db
    db.drop()


def _env(database: Database) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("JOINEDUP_", "DJANGO_SETTINGS"))
    }
    return env | {
        "DATABASE_URL": database.url,
        "SECRET_KEY": "worker-test-secret-key",
        "JOINEDUP_DEBUG": "false",
        "JOINEDUP_HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "JOINEDUP_WORKER_LEASE_SECONDS": "4",
    }


def _run(args: list[str], env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(
        [*JOINEDUP, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _wait(check, seconds: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _task(database: Database) -> tuple[str, list[str]]:
    rows = database.query("SELECT status, worker_ids FROM django_tasks_database_dbtaskresult")
    status, worker_ids = rows[0]
    return status, worker_ids if isinstance(worker_ids, list) else json.loads(worker_ids)


def test_a_worker_killed_mid_import_leaves_it_to_another_with_no_duplicate_rows(database):
    env = _env(database)
    _run(["migrate", "--noinput"], env, timeout=1200)
    ids = json.loads(_run(["shell", "-c", SEED], env).strip().splitlines()[-1])

    first = subprocess.Popen(
        [*JOINEDUP, "worker", "--interval", "0.2", "--no-schedules"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: _task(database)[0] == "RUNNING", 120, "the first worker to claim the job")
        time.sleep(0.5)
        status = database.query("SELECT status FROM identity_importjob")[0][0]
        assert status == "running", "the import finished before the kill: load more rows"
        os.kill(first.pid, signal.SIGKILL)  # kill -9, mid-job
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()

    assert _task(database)[0] == "RUNNING"  # the dead worker's claim is still there
    second = subprocess.Popen(
        [*JOINEDUP, "worker", "--interval", "0.2", "--no-schedules"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: _task(database)[0] == "SUCCESSFUL", 240, "the second worker to finish")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=60)

    status, worker_ids = _task(database)
    assert len(worker_ids) == 2 and worker_ids[0] != worker_ids[1]
    job = database.query("SELECT status, created, updated FROM identity_importjob")[0]
    assert job == ("done", ROWS, 0)
    count, distinct = database.query(
        "SELECT COUNT(*), COUNT(DISTINCT agency_record_id) FROM people_sourcerecord "
        "WHERE organisation_id = ?",
        ids["org"],
    )[0]
    assert count == distinct == ROWS
    assert database.query("SELECT COUNT(*) FROM jobs_storedupload")[0][0] == 0
