from __future__ import annotations

import csv
import io
import json
import re
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.chronology import services as c
from joinedup.chronology.models import ChronologyEntry, ChronologyKind, PatternAlert
from joinedup.errors import ApplicationError, NotFound
from joinedup.partnership.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

WNB = ChronologyKind.WAS_NOT_BROUGHT
HEALTH = ChronologyKind.UNPLANNED_HEALTH_ATTENDANCE


def same_page(response, url):
    """A 404 page without what differs on every response: path, CSRF token, CSP nonce."""
    html = response.content.decode().replace(url, "")
    return re.sub(r'(?:name="csrfmiddlewaretoken" value|nonce)="[^"]*"', "", html)


def record(actor, person, kind=WNB, days_ago=0, text="Not brought to the clinic."):
    return c.chronology_entry_record(
        actor=actor,
        person=person,
        kind=kind,
        occurred_on=timezone.localdate() - timedelta(days=days_ago),
        text=text,
    )


def test_any_practitioner_working_with_the_person_records_an_entry(nurse, child):
    entry, alerts = record(nurse, child)
    assert entry.organisation == nurse.organisation and entry.recorded_by == nurse
    assert alerts == []
    assert AccessEvent.objects.filter(
        actor=nurse, action="create", object_type="chronology.chronologyentry"
    ).exists()


def test_an_unrelated_practitioner_may_not_record(outsider, child):
    with pytest.raises(NotFound):
        record(outsider, child)
    assert not ChronologyEntry.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "gossip"}, "kind"),
        ({"occurred_on": None}, "occurred_on"),
        ({"occurred_on": timezone.localdate() + timedelta(days=3)}, "occurred_on"),
        ({"text": "  "}, "text"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(nurse, child, values, field):
    kwargs = {"kind": WNB, "occurred_on": timezone.localdate(), "text": "Missed"} | values
    with pytest.raises(ApplicationError) as error:
        c.chronology_entry_record(actor=nurse, person=child, **kwargs)
    assert error.value.field == field
    assert not ChronologyEntry.objects.exists()


def test_three_not_brought_within_90_days_raise_one_alert_to_the_lead(
    nurse, teacher, child, open_episode
):
    assert record(nurse, child, days_ago=80)[1] == []
    assert record(nurse, child, days_ago=40)[1] == []
    _, alerts = record(nurse, child, days_ago=0)
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.rule == "was_not_brought_x3_90d" and alert.episode == open_episode
    assert len(alert.evidence) == 3
    note = Notification.objects.get(recipient=teacher, subject__startswith="Pattern alert")
    assert child.family_name not in note.subject + note.body  # no names in an email
    # A fourth in the same window adds evidence, not a second alert.
    assert record(nurse, child, days_ago=10)[1] == []
    assert PatternAlert.objects.count() == 1
    assert len(PatternAlert.objects.get().evidence) == 4
    assert Notification.objects.filter(subject__startswith="Pattern alert").count() == 1


def test_three_spread_over_100_days_raise_none(nurse, child, open_episode):
    for days_ago in (100, 50, 0):
        assert record(nurse, child, kind=HEALTH, days_ago=days_ago)[1] == []
    assert not PatternAlert.objects.exists()


def test_entries_recorded_out_of_order_still_match(nurse, child, open_episode):
    record(nurse, child, kind=HEALTH, days_ago=5)
    record(nurse, child, kind=HEALTH, days_ago=60)
    _, alerts = record(nurse, child, kind=HEALTH, days_ago=30)
    assert [a.rule for a in alerts] == ["unplanned_health_x3_90d"]


def test_a_new_adult_raises_one_alert(nurse, teacher, child, open_episode):
    _, alerts = record(
        nurse, child, kind=ChronologyKind.NEW_ADULT_IN_HOUSEHOLD, text="Mum's new partner"
    )
    assert [a.rule for a in alerts] == ["new_adult_in_household"]
    assert (
        Notification.objects.filter(recipient=teacher, subject__startswith="Pattern").count() == 1
    )


def test_without_an_open_episode_the_alert_is_kept_for_later(nurse, child):
    _, alerts = record(nurse, child, kind=ChronologyKind.NEW_ADULT_IN_HOUSEHOLD)
    assert alerts[0].episode is None
    assert not Notification.objects.filter(subject__startswith="Pattern").exists()


@override_settings(
    JOINEDUP_PATTERN_RULES=[
        {
            "code": "no_access_x2",
            "title": "Two no-access visits",
            "kinds": ["no_access"],
            "threshold": 2,
            "window_days": 30,
        }
    ]
)
def test_rules_are_configurable(nurse, child, open_episode):
    record(nurse, child, kind=ChronologyKind.NEW_ADULT_IN_HOUSEHOLD)
    record(nurse, child, kind=ChronologyKind.NO_ACCESS, days_ago=20)
    _, alerts = record(nurse, child, kind=ChronologyKind.NO_ACCESS)
    assert [a.rule for a in PatternAlert.objects.all()] == ["no_access_x2"]
    assert alerts


def test_the_timeline_gathers_every_agency_and_the_episode(
    client, nurse, teacher, child, open_episode
):
    record(nurse, child, text="Not brought to the 2-year check.")
    client.force_login(teacher)
    html = client.get(reverse("chronology:chronology", args=[open_episode.pk])).content.decode()
    assert "Not brought to the 2-year check." in html
    assert "Demo Health Visiting" in html
    assert "Involvement started" in html and "Open (early help)" in html
    assert 'media="print"' in html
    assert AccessEvent.objects.filter(
        actor=teacher, action="view", object_type="chronology.chronology"
    ).exists()


def test_the_timeline_page_stays_flat_as_entries_grow(
    client, nurse, teacher, child, open_episode, django_assert_max_num_queries
):
    for days_ago in range(0, 200, 40):
        record(nurse, child, kind=ChronologyKind.OTHER, days_ago=days_ago)
    client.force_login(teacher)
    with django_assert_max_num_queries(40):
        assert (
            client.get(reverse("chronology:chronology", args=[open_episode.pk])).status_code == 200
        )


def test_the_csv_export_is_audited_as_an_export(client, nurse, teacher, child, open_episode):
    record(nurse, child, text="=HYPERLINK(1)")
    client.force_login(teacher)
    response = client.get(reverse("chronology:chronology-csv", args=[open_episode.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == c.CSV_HEADER
    assert any(r[-1] == "'=HYPERLINK(1)" for r in rows)  # no formula runs in a spreadsheet
    event = AccessEvent.objects.get(actor=teacher, action="export")
    assert event.object_type == "chronology.chronology" and child.pk in event.person_ids


def test_the_lead_acknowledges_an_alert(client, nurse, teacher, child, open_episode):
    _, alerts = record(nurse, child, kind=ChronologyKind.NEW_ADULT_IN_HOUSEHOLD)
    client.force_login(teacher)
    url = reverse("chronology:pattern-alert-acknowledge", args=[open_episode.pk, alerts[0].pk])
    assert client.post(url).status_code == 302
    assert PatternAlert.objects.get().acknowledged_by == teacher


def test_recording_from_the_person_page(client, nurse, child, open_episode):
    client.force_login(nurse)
    url = reverse("chronology:chronology-entry-new", args=[child.pk])
    assert "Add to the chronology" in client.get(url).content.decode()
    today = timezone.localdate()
    bad = client.post(url, {"kind": "no_access", "text": "No answer"}).content.decode()
    assert "There is a problem" in bad and not ChronologyEntry.objects.exists()
    response = client.post(
        url,
        {
            "kind": "new_adult_in_household",
            "occurred_on_0": today.day,
            "occurred_on_1": today.month,
            "occurred_on_2": today.year,
            "text": "A new partner has moved in.",
        },
    )
    assert response.status_code == 302 and response.url == reverse("web:person", args=[child.pk])
    assert ChronologyEntry.objects.get().kind == "new_adult_in_household"
    assert PatternAlert.objects.get().episode == open_episode


def test_an_unrelated_organisation_is_refused_everywhere_like_a_missing_record(
    client, outsider, nurse, child, open_episode
):
    _, alerts = record(nurse, child, kind=ChronologyKind.NEW_ADULT_IN_HOUSEHOLD)
    client.force_login(outsider)
    urls = [
        ("get", reverse("chronology:chronology", args=[open_episode.pk])),
        ("get", reverse("chronology:chronology-csv", args=[open_episode.pk])),
        ("get", reverse("chronology:chronology-entry-new", args=[child.pk])),
        ("post", reverse("chronology:chronology-entry-new", args=[child.pk])),
        (
            "post",
            reverse("chronology:pattern-alert-acknowledge", args=[open_episode.pk, alerts[0].pk]),
        ),
    ]
    missing_url = reverse("chronology:chronology", args=[999999])
    missing = same_page(client.get(missing_url), missing_url)
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
        assert same_page(response, url) == missing
    assert AccessEvent.objects.filter(actor=outsider, action="refused").count() >= len(urls)
    assert not AccessEvent.objects.filter(actor=outsider, action__in=["view", "export"]).exists()
    assert ChronologyEntry.objects.count() == 1
    assert PatternAlert.objects.get().acknowledged_at is None


def test_the_timeline_costs_the_same_queries_for_many_entries(
    client, nurse, teacher, child, open_episode
):
    url = reverse("chronology:chronology", args=[open_episode.pk])
    client.force_login(teacher)
    record(nurse, child, kind=ChronologyKind.OTHER)
    client.get(url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for days_ago in range(1, 300, 30):
        record(nurse, child, kind=ChronologyKind.OTHER, days_ago=days_ago)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_api_records_an_entry_and_the_lead_acknowledges_the_alert(
    client, nurse, teacher, child, open_episode
):
    client.force_login(nurse)
    body = {
        "kind": "new_adult_in_household",
        "occurred_on": str(timezone.localdate()),
        "text": "New partner",
    }
    created = client.post(
        f"/api/v1/people/{child.pk}/chronology", json.dumps(body), content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["alerts"] == ["new_adult_in_household"]
    bad = client.post(
        f"/api/v1/people/{child.pk}/chronology",
        json.dumps(body | {"kind": "rumour"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "kind"
    client.force_login(teacher)
    timeline = client.get(f"/api/v1/episodes/{open_episode.pk}/chronology").json()
    alert = timeline["alerts"][0]
    assert any(i["text"] == "New partner" for i in timeline["items"])
    url = f"/api/v1/episodes/{open_episode.pk}/chronology/alerts/{alert['id']}/acknowledge"
    assert client.post(url).json()["acknowledged_at"]
    assert client.post(url).status_code == 409


@pytest.mark.postgres
@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_two_agencies_recording_at_once_raise_one_alert():
    school, clinic = factories.organisation(), factories.organisation(sector="health")
    child = factories.person("Maya", "Jones")
    for org in (school, clinic):
        factories.involvement(org, child)
    people = [factories.practitioner(school), factories.practitioner(clinic)]
    record(people[0], child, days_ago=30)
    record(people[1], child, days_ago=20)
    barrier, errors = threading.Barrier(2), []

    def write(user, days_ago):
        try:
            barrier.wait()
            record(user, child, days_ago=days_ago)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=write, args=(u, d)) for u, d in zip(people, (5, 4), strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert PatternAlert.objects.count() == 1
    assert len(PatternAlert.objects.get().evidence) == 4
