"""Starting and watching a linkage run: the review queue's button, the run's page, the API."""

from __future__ import annotations

import re
from datetime import date

import pytest

from joinedup.audit.models import AccessEvent
from joinedup.identity.models import LinkageRun
from joinedup.partnership.models import Role
from tests import factories
from tests.identity.conftest import load_records

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'(?:name="csrfmiddlewaretoken" value|nonce)="[^"]+"')
MAYA = "Maya,Jones,2015-03-27,F,12 Mill Lane,DS1 4AB,,"


@pytest.fixture
def maya(school):
    person = factories.person("Maya", "Jones", date(2015, 3, 27), postcode="DS1 4AB")
    factories.involvement(school, person)
    return person


@pytest.fixture
def admin(school):
    return factories.practitioner(school, roles=(Role.Code.ADMINISTRATOR,))


@pytest.fixture
def data_lead(school):
    return factories.practitioner(school, roles=(Role.Code.AGENCY_DATA_LEAD,))


@pytest.fixture
def unlinked(settings, saved_model, maya, school):
    settings.JOINEDUP = {**settings.JOINEDUP, "LINKAGE": {"REALTIME_MAX_RECORDS": 0}}
    load_records(school, [f"S1,{MAYA}"])


def _refusals(user) -> int:
    return AccessEvent.objects.filter(actor=user, action="refused").count()


@pytest.mark.parametrize("who", ["admin", "data_lead"])
def test_a_run_is_started_from_the_review_queue_and_watched(client, request, unlinked, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    queue = client.get("/identity/review/").content.decode()
    assert "Run linkage now" in queue
    started = client.post("/identity/linkage/")
    run = LinkageRun.objects.get()
    assert started.url == f"/identity/linkage/{run.pk}/"
    assert run.started_by == user and run.trigger == "page" and run.status == "done"
    page = client.get(started.url).content.decode()
    assert "Linked" in page and "Records given a person" in page
    assert f'href="/identity/linkage/{run.pk}/"' in client.get("/identity/review/").content.decode()


def test_a_second_run_while_one_is_under_way_is_refused(client, admin, unlinked):
    LinkageRun.objects.create(trigger="page", automatic_threshold=0.9, review_threshold=0.5)
    client.force_login(admin)
    response = client.post("/identity/linkage/", follow=True)
    assert "already under way" in response.content.decode()
    assert LinkageRun.objects.count() == 1


def test_practitioners_without_the_role_are_refused_like_a_missing_run(
    client, teacher, outsider, unlinked, admin
):
    client.force_login(admin)
    client.post("/identity/linkage/")
    run = LinkageRun.objects.get()
    for user in (teacher, outsider):
        client.force_login(user)
        before = _refusals(user)
        started = client.post("/identity/linkage/")
        asked = client.get("/identity/linkage/")
        seen = client.get(f"/identity/linkage/{run.pk}/")
        missing = client.get("/identity/linkage/999999/")
        assert started.status_code == asked.status_code == 404
        assert seen.status_code == missing.status_code == 404
        assert CSRF.sub("", seen.content.decode()) == CSRF.sub("", missing.content.decode())
        assert _refusals(user) == before + 4
    assert LinkageRun.objects.count() == 1


def test_the_api_starts_and_reports_a_run(client, admin, outsider, unlinked):
    client.force_login(admin)
    bad = client.post(
        "/api/v1/identity/linkage-runs", {"review": 0.95}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["field"] == "review"
    made = client.post(
        "/api/v1/identity/linkage-runs", {"automatic": 0.95}, content_type="application/json"
    )
    assert made.status_code == 202
    body = made.json()
    assert body["status"] == "done" and body["automatic_threshold"] == 0.95
    assert client.get(f"/api/v1/identity/linkage-runs/{body['id']}").json()["records"] == 1
    client.force_login(outsider)
    before = _refusals(outsider)
    refused = client.post("/api/v1/identity/linkage-runs", {}, content_type="application/json")
    seen = client.get(f"/api/v1/identity/linkage-runs/{body['id']}")
    missing = client.get("/api/v1/identity/linkage-runs/999999")
    assert refused.status_code == seen.status_code == missing.status_code == 404
    assert seen.json() == missing.json()
    assert _refusals(outsider) == before + 3
    assert LinkageRun.objects.count() == 1


def test_a_duplicate_person_is_shown_side_by_side_to_administrators_only(
    client, admin, data_lead, unlinked, maya
):
    entered = factories.person("Maya", "Jones", date(2015, 3, 27), postcode="DS1 4AB")
    client.force_login(admin)
    client.post("/identity/linkage/")
    from joinedup.identity.models import MatchCandidate

    proposal = MatchCandidate.objects.get(duplicate=entered)
    html = client.get(f"/identity/review/{proposal.pk}/").content.decode()
    assert f"Person {entered.reference}, entered in joinedup" in html and "<svg" in html
    assert "Starting point: any two records" in html
    client.force_login(data_lead)
    assert client.get(f"/identity/review/{proposal.pk}/").status_code == 404
    assert entered.reference not in client.get("/identity/review/").content.decode()
