"""Importing another publisher's ORUK feed: ids kept, incremental, malformed records refused by
id and field with nothing of them written."""

from __future__ import annotations

import copy
import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command

from joinedup.audit.models import AccessEvent
from joinedup.directory.feeds import feed_import
from joinedup.directory.models import Service, ServiceOrganisation, TaxonomyTerm

pytestmark = pytest.mark.django_db
FEED = (
    Path(__file__).resolve().parents[2] / "src/joinedup/directory/fixtures/example-oruk-feed.json"
)


def feed() -> dict:
    return json.loads(FEED.read_text())


def write(tmp_path: Path, payload: dict, name: str = "feed.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(payload))
    return str(path)


def test_the_example_feed_loads_keeping_its_ids(directory):
    report = feed_import(str(FEED))
    assert (report.created, report.refused) == (3, [])
    original = {s["id"]: s for s in feed()["contents"]}
    imported = Service.objects.filter(oruk_id__in=list(original))
    assert imported.count() == 3
    bank = imported.get(name="Borough Baby Bank")
    assert (bank.minimum_age, bank.maximum_age, bank.is_free) == (0, 5, True)
    assert bank.schedules.get().byday == "TU,TH"
    assert bank.at_locations.get().location.postcode == "DB1 1AA"
    assert bank.service_areas.get().postcode_districts == "DB1,DB2,DB3"
    # A term the partnership already has (same taxonomy, same name) is the same term.
    assert list(bank.taxonomy_terms.all()) == [directory.food]
    music = imported.get(name="Borough Youth Music Project")
    assert not music.is_free and music.cost_options.get().amount == 2
    assert TaxonomyTerm.objects.filter(name="Youth activities").exists()
    assert ServiceOrganisation.objects.get(name__startswith="Demo Borough").services.count() == 3
    assert AccessEvent.objects.filter(object_type="directory.feed").exists()


def test_incremental_import_reads_only_what_changed(directory, tmp_path):
    payload = feed()
    source = write(tmp_path, payload)
    assert feed_import(source).created == 3
    again = feed_import(source)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = copy.deepcopy(payload)
    changed["contents"][1]["name"] = "Borough Youth Music and Recording"
    changed["contents"][1]["last_modified"] = "2026-11-01T09:00:00.000Z"
    write(tmp_path, changed)
    third = feed_import(source)
    assert (third.updated, third.unchanged) == (1, 2)
    assert Service.objects.filter(name="Borough Youth Music and Recording").count() == 1
    assert Service.objects.filter(name__startswith="Borough").count() == 3  # updated, not doubled


def test_malformed_records_are_refused_by_id_and_field(directory, tmp_path):
    payload = feed()
    good, music, mediation = payload["contents"]
    no_name = copy.deepcopy(music)
    no_name["name"] = "  "
    bad_term = copy.deepcopy(mediation)
    bad_term["attributes"][0]["taxonomy_term"]["taxonomy"] = "Made-up taxonomy"
    bad_term["attributes"][0]["taxonomy_term_id"] = "d7b3c3de-0000-4000-8000-000000000001"
    bad_term["attributes"][0]["taxonomy_term"]["id"] = "d7b3c3de-0000-4000-8000-000000000001"
    duplicate = copy.deepcopy(good)
    duplicate["name"] = "Another baby bank"
    payload["contents"] = [good, duplicate, no_name, bad_term]
    report = feed_import(write(tmp_path, payload))
    refused = sorted((record, field) for record, field, _ in report.refused)
    assert refused == sorted(
        [
            (good["id"], "id"),  # both records with the duplicated id
            (good["id"], "id"),
            (music["id"], "name"),
            (mediation["id"], "attributes[0].taxonomy_term"),
        ]
    )
    assert len(report.refused) == 4 and report.created == 0
    # Nothing partial: no service, organisation, place or term of a refused record.
    assert not Service.objects.filter(name__startswith="Borough").exists()
    assert not Service.objects.filter(name="Another baby bank").exists()
    assert not TaxonomyTerm.objects.filter(oruk_id="d7b3c3de-0000-4000-8000-000000000001").exists()


def test_a_record_failing_late_leaves_nothing_behind(directory, tmp_path):
    payload = feed()
    record = payload["contents"][0]
    record["schedules"][0]["closes_at"] = "09:00"  # before it opens: found after the writes start
    payload["contents"] = [record]
    report = feed_import(write(tmp_path, payload))
    assert report.refused == [(record["id"], "schedules[0].closes_at", "is not after opens_at")]
    assert not Service.objects.filter(oruk_id=record["id"]).exists()
    assert not ServiceOrganisation.objects.filter(name__startswith="Demo Borough").exists()


def test_another_publishers_id_cannot_overwrite_a_local_service(directory, tmp_path):
    payload = feed()
    payload["contents"][0]["id"] = str(directory.club.oruk_id)
    report = feed_import(write(tmp_path, payload))
    assert (str(directory.club.oruk_id), "id") in {(r, f) for r, f, _ in report.refused}
    directory.club.refresh_from_db()
    assert directory.club.name == "Boxing fitness"


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"contents": "nope"}', '{"x": 1}'])
def test_a_broken_file_is_reported_not_a_crash(directory, tmp_path, content):
    path = tmp_path / "broken.json"
    path.write_text(content)
    if content == "[1, 2]":
        assert len(feed_import(str(path)).refused) == 2
    else:
        with pytest.raises(CommandError):
            call_command("directory", "import", str(path), stdout=StringIO())


def test_the_command_reports_and_fails_on_refusals(directory, tmp_path):
    payload = feed()
    source = write(tmp_path, payload)
    out = StringIO()
    call_command("directory", "import", source, stdout=out)
    assert "3 created" in out.getvalue()
    payload["contents"][0]["name"] = ""
    payload["contents"][0]["last_modified"] = "2026-12-01T00:00:00Z"
    write(tmp_path, payload)
    out = StringIO()
    with pytest.raises(CommandError, match="1 records were refused"):
        call_command("directory", "import", source, stdout=out)
    assert f"refused {payload['contents'][0]['id']}: name is missing" in out.getvalue()
    assert "2 unchanged" in out.getvalue()


class _Feed(BaseHTTPRequestHandler):
    payload: dict = {}
    seen: list = []

    def do_GET(self):
        query = parse_qs(urlsplit(self.path).query)
        type(self).seen.append((urlsplit(self.path).path, query))
        after = query.get("modified_after", [""])[0]
        since = datetime.fromisoformat(after) if after else None
        contents = [
            s
            for s in self.payload["contents"]
            if since is None or datetime.fromisoformat(s["last_modified"]) > since
        ]
        body = json.dumps({**self.payload, "contents": contents}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_url_is_read_with_modified_after(directory):
    _Feed.payload, _Feed.seen = feed(), []
    server = HTTPServer(("127.0.0.1", 0), _Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/oruk"
        assert feed_import(url).created == 3
        assert feed_import(url).read == 0
    finally:
        server.shutdown()
    (first_path, first), (_, second) = _Feed.seen
    assert first_path == "/oruk/services" and "modified_after" not in first
    assert second["modified_after"][0].startswith("2026-10-03T09:00:00")
