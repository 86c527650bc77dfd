"""Following another publisher's feed: an administrator registers it in the pages, the worker's
job imports it when due from a real HTTP server on 127.0.0.1 serving the shipped example feed,
then only what changed (modified_after), refusing a malformed record by id and field; the
publisher unreachable is retried with backoff; a feed is never imported twice at once; a try
cut short leaves the run to the next try, which gives the same result."""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.directory import following
from joinedup.directory.models import Feed, FeedRun, Service
from joinedup.jobs import tasks
from joinedup.jobs.queue import retry_for
from tests import factories
from tests.family.conftest import family_user, make_family

pytestmark = pytest.mark.django_db
FEED = (
    Path(__file__).resolve().parents[2] / "src/joinedup/directory/fixtures/example-oruk-feed.json"
)
BAD_ID = "0b7e7d8e-5a57-4c1f-9f7e-000000000bad"


@dataclass
class Publisher:
    """What the publisher's server serves, what it was asked, and whether it is up."""

    payload: dict
    asked: list[dict] = field(default_factory=list)
    down: bool = False
    url: str = ""


def _handler(publisher: Publisher) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            query = parse_qs(urlsplit(self.path).query)
            publisher.asked.append(query)
            if publisher.down:
                self.send_response(503)
                self.end_headers()
                return
            after = query.get("modified_after", [""])[0]
            since = datetime.fromisoformat(after) if after else None
            contents = [
                s
                for s in publisher.payload["contents"]
                if since is None or datetime.fromisoformat(s["last_modified"]) > since
            ]
            body = json.dumps({**publisher.payload, "contents": contents}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def publisher() -> Iterator[Publisher]:
    served = Publisher(payload=json.loads(FEED.read_text()))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    served.url = f"http://127.0.0.1:{server.server_port}/oruk"
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def administrator(db):
    return factories.practitioner(
        factories.organisation("Partnership Office", sector="statutory"), roles=("administrator",)
    )


def hidden(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def follow(administrator, publisher, every_hours=24) -> Feed:
    return following.feed_register(
        actor=administrator, url=publisher.url, publisher="Demo Borough", every_hours=every_hours
    )


def test_an_administrator_follows_a_feed_and_the_worker_imports_what_changed(
    client, administrator, directory, publisher
):
    # Registered through the page, as an administrator would.
    client.force_login(administrator)
    page = client.get("/service-feeds/").content.decode()
    assert "Follow a feed" in page
    response = client.post(
        "/service-feeds/",
        hidden(page) | {"url": publisher.url, "publisher": "Demo Borough", "every_hours": "24"},
    )
    feed = Feed.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/service-feeds/{feed.pk}/"
    assert (feed.publisher, feed.every_hours, feed.registered_by) == (
        "Demo Borough",
        24,
        administrator,
    )
    assert AccessEvent.objects.filter(object_type="directory.feed", action="create").exists()

    # The worker's schedule finds it due and imports every service (no watermark yet).
    result = tasks.directory_feeds_due.enqueue()
    assert result.return_value == 1
    run = FeedRun.objects.get()
    original = [s["id"] for s in publisher.payload["contents"]]
    assert (run.status, sorted(run.added_ids), run.updated_ids, run.refused) == (
        "succeeded",
        sorted(original),
        [],
        [],
    )
    assert "modified_after" not in publisher.asked[0]
    feed.refresh_from_db()
    assert feed.last_modified_seen == datetime.fromisoformat("2026-10-03T09:00:00+00:00")
    assert feed.last_result == "3 added, 0 updated, 0 unchanged, 0 refused"
    assert Service.objects.filter(oruk_id__in=original).count() == 3

    # Not due again until a day has passed.
    assert following.feeds_due_enqueue(timezone.now()) == []

    # The publisher changes one service and publishes a malformed one.
    changed = publisher.payload["contents"][1]
    changed["name"] = "Borough Youth Music and Recording"
    changed["last_modified"] = "2026-11-01T09:00:00+00:00"
    malformed = copy.deepcopy(publisher.payload["contents"][0])
    malformed |= {"id": BAD_ID, "name": " ", "last_modified": "2026-11-02T09:00:00+00:00"}
    publisher.payload["contents"].append(malformed)

    (second_id,) = following.feeds_due_enqueue(timezone.now() + timedelta(hours=25))
    second = FeedRun.objects.get(pk=second_id)
    assert publisher.asked[-1]["modified_after"] == ["2026-10-03T09:00:00+00:00"]
    assert (second.status, second.added_ids, second.updated_ids, second.unchanged) == (
        "succeeded",
        [],
        [changed["id"]],
        0,
    )
    assert second.refused == [{"id": BAD_ID, "field": "name", "message": "is missing"}]
    assert Service.objects.get(oruk_id=changed["id"]).name == "Borough Youth Music and Recording"
    assert not Service.objects.filter(oruk_id=BAD_ID).exists()
    assert Service.objects.filter(name__startswith="Borough").count() == 3  # updated, not doubled
    feed.refresh_from_db()
    assert feed.last_modified_seen == datetime.fromisoformat("2026-11-01T09:00:00+00:00")

    # The administrator sees what each import did, record by record.
    page = client.get(f"/service-feeds/{feed.pk}/").content.decode()
    assert BAD_ID in page and "name is missing" in page and changed["id"] in page
    assert "0 added, 1 updated, 0 unchanged, 1 refused" in page


def test_an_unreachable_publisher_is_tried_again_with_backoff(administrator, directory, publisher):
    feed = follow(administrator, publisher, every_hours=1)
    publisher.down = True
    result = tasks.directory_feeds_due.enqueue()
    run = FeedRun.objects.get()
    assert (run.status, run.attempts) == ("retrying", 1) and "503" in run.error
    # The worker tries the job again later, each wait twice the last.
    retry = retry_for(tasks.directory_feed_import.module_path)
    assert retry.max_attempts == 5
    assert [retry.delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert result.return_value == 1 and not Service.objects.filter(source=feed.url).exists()

    # While that run is open the feed is never imported a second time at once.
    assert following.feeds_due_enqueue(timezone.now() + timedelta(hours=2)) == []
    with pytest.raises(Exception, match="being imported now"):
        following.feed_import_now(actor=administrator, feed_id=feed.pk)
    assert FeedRun.objects.count() == 1

    publisher.down = False
    tasks.directory_feed_import.enqueue(run_id=run.pk)  # the worker's next try
    run.refresh_from_db()
    assert (run.status, run.attempts, len(run.added_ids), run.error) == ("succeeded", 2, 3, "")


def test_when_the_tries_are_spent_the_run_fails_and_says_why(administrator, directory, publisher):
    feed = follow(administrator, publisher)
    publisher.down = True
    following.feeds_due_enqueue()
    run = FeedRun.objects.get()
    for _ in range(4):  # the worker's tries 2 to 5
        tasks.directory_feed_import.enqueue(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("failed", 5)
    assert "after 5 tries" in run.error
    feed.refresh_from_db()
    assert feed.last_result.startswith("Failed: Cannot reach")
    # A finished run is not run again; the next one may start.
    tasks.directory_feed_import.enqueue(run_id=run.pk)
    run.refresh_from_db()
    assert run.attempts == 5
    publisher.down = False
    (next_run,) = following.feeds_due_enqueue(timezone.now() + timedelta(days=2))
    assert FeedRun.objects.get(pk=next_run).status == "succeeded"


def test_a_try_cut_short_leaves_the_run_to_the_next_which_gives_the_same_result(
    administrator, directory, publisher
):
    feed = follow(administrator, publisher)
    run = following._run_start(feed)
    # A worker claimed the run and was killed during the load: its one transaction rolled back,
    # leaving exactly this: the run held by a try that will never finish, nothing loaded.
    lost = following._claim(run.pk)
    assert lost is not None and not Service.objects.filter(source=feed.url).exists()
    # The worker runs the dead worker's job again: the same result as an uninterrupted run.
    tasks.directory_feed_import.enqueue(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts, len(run.added_ids)) == ("succeeded", 2, 3)
    assert Service.objects.filter(source=feed.url).count() == 3
    # The lost try, were it only slow, writes nothing: another try holds the run.
    records = publisher.payload["contents"]
    following._load(run, lost, records, None, timezone.now())
    assert Service.objects.filter(source=feed.url).count() == 3
    run.refresh_from_db()
    assert len(run.added_ids) == 3 and run.unchanged == 0
    # And running the finished job yet again changes nothing.
    tasks.directory_feed_import.enqueue(run_id=run.pk)
    run.refresh_from_db()
    assert run.attempts == 2


def test_the_feed_page_changes_imports_now_and_stops_following(
    client, administrator, directory, publisher
):
    feed = follow(administrator, publisher, every_hours=168)
    client.force_login(administrator)
    url = f"/service-feeds/{feed.pk}/"
    page = client.get(url).content.decode()
    assert "Import what changed now" in page
    ok = client.post(
        f"/service-feeds/{feed.pk}/import/", hidden(page) | {}, follow=True
    ).content.decode()
    assert "The import has started" in ok
    run = FeedRun.objects.get()
    assert run.status == "succeeded" and run.asked_by == administrator
    response = client.post(
        url, hidden(page) | {"publisher": "Demo Borough Council", "every_hours": "0"}
    )
    assert response.status_code == 302
    feed.refresh_from_db()
    assert (feed.publisher, feed.every_hours, feed.next_run_at) == (
        "Demo Borough Council",
        None,
        None,
    )
    assert following.feeds_due_enqueue(timezone.now() + timedelta(days=30)) == []
    assert AccessEvent.objects.filter(
        object_type="directory.feed", action="update", actor=administrator
    ).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"url": "ftp://services.example.org/oruk"}, "url"),
        ({"url": "not an address"}, "url"),
        ({"publisher": ""}, "publisher"),
        ({"every_hours": "5"}, "every_hours"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(client, administrator, data, field):
    client.force_login(administrator)
    page = client.get("/service-feeds/").content.decode()
    good = {"url": "https://services.example.org/oruk", "publisher": "Demo", "every_hours": "24"}
    response = client.post("/service-feeds/", hidden(page) | good | data)
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert f'href="#id_{field}' in html
    assert not Feed.objects.exists()


def test_only_administrators_reach_the_feeds(client, administrator, teacher, outsider, publisher):
    feed = follow(administrator, publisher)
    family = make_family()
    mother = family_user(family, family.mother, "jodie@example.net")
    for user in (teacher, outsider, mother):
        client.force_login(user)
        for url in ("/service-feeds/", f"/service-feeds/{feed.pk}/"):
            assert client.get(url).status_code == 404
        assert client.post(f"/service-feeds/{feed.pk}/import/").status_code == 404
        assert client.post(f"/service-feeds/{feed.pk}/", {"publisher": "x"}).status_code == 404
    assert not FeedRun.objects.exists()
    feed.refresh_from_db()
    assert feed.publisher == "Demo Borough"
    assert AccessEvent.objects.filter(
        object_type="directory.feed", action="refused", actor=outsider
    ).exists()
