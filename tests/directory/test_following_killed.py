"""`joinedup worker` processes on a database of their own, following a feed served by a real
HTTP server on 127.0.0.1: a worker killed (kill -9) while it loads the feed leaves nothing
loaded; a second worker runs the import again and gives the result an uninterrupted one would."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.jobs.test_worker import JOINEDUP, ROOT, Database, _env, _run, _wait

SERVICES = 3000  # enough that the load is still running when the first worker is killed
FEED = (
    Path(__file__).resolve().parents[2] / "src/joinedup/directory/fixtures/example-oruk-feed.json"
)

SEED = """
import json
from joinedup.directory import following
from joinedup.partnership.models import Organisation, Practitioner, Role
org = Organisation.objects.create(code="office", name="Partnership Office", sector="statutory")
admin = Practitioner.objects.create_user(email="admin@office.example", organisation=org)
admin.roles.add(Role.objects.get_or_create(code="administrator")[0])
feed = following.feed_register(actor=admin, url="URL", publisher="Big Borough", every_hours=24)
run = following.feed_import_now(actor=admin, feed_id=feed.pk)
print(json.dumps({"feed": feed.pk, "run": run.pk}))
"""


def _services() -> list[dict]:
    """The shipped example's first service, published many times under new ids."""
    template = json.loads(FEED.read_text())["contents"][0]
    template.pop("attributes", None)  # no taxonomy in the workers' fresh database
    made = []
    for n in range(SERVICES):
        service = copy.deepcopy(template)
        service["id"] = str(uuid.UUID(int=n + 1))
        service["name"] = f"Baby bank {n}"
        for part in ("schedules", "service_areas", "cost_options", "contacts"):
            for i, item in enumerate(service.get(part) or []):
                item["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{part}/{n}/{i}"))
        for i, sal in enumerate(service.get("service_at_locations") or []):
            sal["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"sal/{n}/{i}"))
        made.append(service)
    return made


class Publisher(ThreadingHTTPServer):
    def __init__(self, services: list[dict]):
        self.services = services
        self.served_last_page = threading.Event()
        super().__init__(("127.0.0.1", 0), Handler)


class Handler(BaseHTTPRequestHandler):
    server: Publisher

    def do_GET(self):
        query = parse_qs(urlsplit(self.path).query)
        page, per_page = int(query["page"][0]), int(query["per_page"][0])
        everything = self.server.services
        contents = everything[(page - 1) * per_page : page * per_page]
        last = page * per_page >= len(everything)
        body = json.dumps({"contents": contents, "page_number": page, "last_page": last})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())
        if last:
            self.server.served_last_page.set()

    def log_message(self, *args):
        pass


@pytest.fixture
def database(tmp_path):
    db = Database(tmp_path)
    yield db
    db.drop()


@pytest.fixture
def publisher():
    server = Publisher(_services())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [*JOINEDUP, "worker", "--interval", "0.2", "--no-schedules"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_load_leaves_the_feed_to_another_with_the_same_result(
    database, publisher
):
    env = _env(database)
    _run(["migrate", "--noinput"], env, timeout=1200)
    url = f"http://127.0.0.1:{publisher.server_port}/oruk"
    ids = json.loads(_run(["shell", "-c", SEED.replace("URL", url)], env).strip().splitlines()[-1])

    def run_row() -> tuple:
        return database.query(
            "SELECT status, attempts, added_ids FROM directory_feedrun WHERE id = ?", ids["run"]
        )[0]

    def loaded() -> int:
        return database.query("SELECT COUNT(*) FROM directory_service")[0][0]

    first = _worker(env)
    try:
        assert publisher.served_last_page.wait(240), "the first worker never read the feed"
        time.sleep(1)  # the load under way
        os.kill(first.pid, signal.SIGKILL)  # kill -9, mid-load
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    status, attempts, _ = run_row()
    assert status == "running", "the load finished before the kill: publish more services"
    assert attempts == 1 and loaded() == 0  # nothing of the cut-short load was written
    assert database.query(
        "SELECT last_modified_seen FROM directory_feed WHERE id = ?", ids["feed"]
    ) == [(None,)]

    second = _worker(env)
    try:
        _wait(lambda: run_row()[0] == "succeeded", 600, "the second worker to finish the import")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=60)
    status, attempts, added = run_row()
    added = added if isinstance(added, list) else json.loads(added)
    assert (status, attempts, len(added), len(set(added))) == ("succeeded", 2, SERVICES, SERVICES)
    count, distinct = database.query(
        "SELECT COUNT(*), COUNT(DISTINCT oruk_id) FROM directory_service"
    )[0]
    assert count == distinct == SERVICES
    assert database.query("SELECT COUNT(*) FROM directory_serviceorganisation")[0][0] == 1
