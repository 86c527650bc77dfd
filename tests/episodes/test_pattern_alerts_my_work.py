"""Pattern alerts reach the lead professional: raised once and stored, told in joinedup and by
email, and waiting on My work (with a link to the chronology) until the lead acknowledges."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.chronology import services as c
from joinedup.chronology.models import ChronologyKind, PatternAlert
from joinedup.episodes import selectors
from joinedup.episodes import services as t
from joinedup.errors import ApplicationError, NotFound
from joinedup.frontdoor import services
from joinedup.partnership.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

WNB = ChronologyKind.WAS_NOT_BROUGHT
NEW_ADULT = ChronologyKind.NEW_ADULT_IN_HOUSEHOLD


def record(actor, person, kind=WNB, days_ago=0, text="Not brought to the clinic."):
    return c.chronology_entry_record(
        actor=actor,
        person=person,
        kind=kind,
        occurred_on=timezone.localdate() - timedelta(days=days_ago),
        text=text,
    )


def three_not_brought(nurse, child):
    for days_ago in (70, 35):
        record(nurse, child, days_ago=days_ago)
    return record(nurse, child)[1]


@pytest.fixture
def hv_member(open_episode, teacher, nurse):
    return t.member_add(actor=teacher, episode=open_episode, practitioner=nurse, role="HV")


def test_the_alert_waits_on_the_leads_my_work_with_a_link_to_the_chronology(
    client, nurse, teacher, child, open_episode, hv_member
):
    [alert] = three_not_brought(nurse, child)
    work = selectors.my_work(user=teacher)
    assert [a.pk for a in work.pattern_alerts] == [alert.pk]
    assert work.pattern_alerts[0].waiting_in_id == open_episode.pk
    # A member of the team who is not the lead is not asked to acknowledge it.
    assert selectors.my_work(user=nurse).pattern_alerts == []
    client.force_login(teacher)
    html = client.get(reverse("episodes:my-work")).content.decode()
    assert "Pattern alerts to look at" in html
    assert "Three appointments the child was not brought to within 90 days" in html
    assert reverse("chronology:chronology", args=[open_episode.pk]) in html
    assert f"episode {open_episode.reference}" in html


def test_the_alert_is_raised_once_and_told_once_in_joinedup_and_by_email(
    nurse, teacher, child, open_episode, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        three_not_brought(nurse, child)
        record(nurse, child, days_ago=5)  # more evidence in the same window: no new alert
    assert PatternAlert.objects.count() == 1
    assert (
        Notification.objects.filter(recipient=teacher, subject__startswith="Pattern").count() == 1
    )
    emails = [m for m in mail.outbox if "Pattern alert" in m.subject]
    assert [m.to for m in emails] == [[teacher.email]]
    assert child.family_name not in emails[0].subject + emails[0].body  # no names in email
    assert len(selectors.my_work(user=teacher).pattern_alerts) == 1


def test_reading_my_work_raises_nothing(client, nurse, teacher, child, open_episode):
    three_not_brought(nurse, child)
    before = (PatternAlert.objects.count(), Notification.objects.count())
    client.force_login(teacher)
    for _ in range(2):
        assert client.get(reverse("episodes:my-work")).status_code == 200
        client.get("/api/v1/my-work")
    assert (PatternAlert.objects.count(), Notification.objects.count()) == before


def test_acknowledged_alerts_leave_my_work_and_who_and_when_are_kept(
    client, nurse, teacher, child, open_episode
):
    [alert] = three_not_brought(nurse, child)
    client.force_login(teacher)
    url = reverse("chronology:pattern-alert-acknowledge", args=[open_episode.pk, alert.pk])
    assert client.post(url).status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == teacher and alert.acknowledged_at is not None
    event = AccessEvent.objects.get(actor=teacher, action="update", object_id=str(alert.pk))
    assert event.object_type == "chronology.patternalert" and event.detail["acknowledged"] is True
    assert selectors.my_work(user=teacher).pattern_alerts == []
    assert (
        "Pattern alerts to look at" not in client.get(reverse("episodes:my-work")).content.decode()
    )


def test_only_the_lead_acknowledges(nurse, teacher, child, open_episode, hv_member):
    [alert] = three_not_brought(nurse, child)
    with pytest.raises(ApplicationError) as error:
        c.pattern_alert_acknowledge(actor=nurse, alert=alert, episode=open_episode)
    assert error.value.field == "alert"
    assert PatternAlert.objects.get().acknowledged_at is None


def test_a_new_lead_takes_over_the_waiting_alerts(nurse, teacher, child, open_episode, hv_member):
    [alert] = three_not_brought(nurse, child)
    proposal = t.lead_professional_hand_over(
        actor=teacher, episode=open_episode, to=nurse, reason="Agreed"
    )
    t.lead_proposal_accept(actor=nurse, proposal=proposal)
    assert selectors.my_work(user=teacher).pattern_alerts == []
    assert [a.pk for a in selectors.my_work(user=nurse).pattern_alerts] == [alert.pk]
    open_episode.refresh_from_db()
    c.pattern_alert_acknowledge(actor=nurse, alert=alert, episode=open_episode)
    assert PatternAlert.objects.get().acknowledged_by == nurse


def test_an_alert_raised_before_any_episode_is_given_to_the_first_lead(
    nurse, teacher, child, django_capture_on_commit_callbacks
):
    _, [alert] = record(nurse, child, kind=NEW_ADULT, text="Mum's new partner moved in.")
    assert alert.episode is None
    assert not Notification.objects.filter(subject__startswith="Pattern").exists()
    with django_capture_on_commit_callbacks(execute=True):
        episode = services.episode_open_practitioner_led(actor=teacher, persons=[child])
    alert.refresh_from_db()
    assert alert.episode == episode
    note = Notification.objects.get(recipient=teacher, subject__startswith="Pattern alert")
    assert "raised before this episode opened" in note.body
    assert child.family_name not in note.body
    assert [a.pk for a in selectors.my_work(user=teacher).pattern_alerts] == [alert.pk]
    c.pattern_alert_acknowledge(actor=teacher, alert=alert, episode=episode)


def test_an_alert_left_from_a_closed_episode_waits_for_the_next_lead(nurse, teacher, child):
    first = services.episode_open_practitioner_led(actor=teacher, persons=[child])
    _, [alert] = record(nurse, child, kind=NEW_ADULT)
    t.episode_close(actor=teacher, episode=first, reason="moved_away", summary="Moved.")
    assert selectors.my_work(user=teacher).pattern_alerts == []  # nothing open to work in
    second = services.episode_open_practitioner_led(actor=nurse, persons=[child])
    told = Notification.objects.get(recipient=nurse, subject__startswith="Pattern alert")
    assert "1 pattern alert raised before this episode opened" in told.body
    [waiting] = selectors.my_work(user=nurse).pattern_alerts
    assert waiting.pk == alert.pk and waiting.waiting_in_id == second.pk
    c.pattern_alert_acknowledge(actor=nurse, alert=alert, episode=second)
    alert.refresh_from_db()
    assert alert.acknowledged_by == nurse and alert.episode == first  # raised in the first


def test_an_alert_about_another_family_cannot_be_acknowledged_through_this_episode(
    nurse, teacher, child, open_episode
):
    other = factories.person("Leo", "Brown")
    factories.involvement(nurse.organisation, other)
    _, [alert] = record(nurse, other, kind=NEW_ADULT)
    with pytest.raises(NotFound):
        c.pattern_alert_acknowledge(actor=teacher, alert=alert, episode=open_episode)


def test_the_api_lists_waiting_alerts_for_the_lead(client, nurse, teacher, child, open_episode):
    [alert] = three_not_brought(nurse, child)
    client.force_login(teacher)
    body = client.get("/api/v1/my-work").json()
    assert body["pattern_alerts"] == [
        {
            "id": alert.pk,
            "episode_id": open_episode.pk,
            "rule": "was_not_brought_x3_90d",
            "title": alert.title,
        }
    ]
    client.force_login(nurse)
    assert client.get("/api/v1/my-work").json()["pattern_alerts"] == []


def test_an_unrelated_organisation_sees_no_alert_on_its_my_work(
    client, outsider, nurse, child, open_episode
):
    three_not_brought(nurse, child)
    client.force_login(outsider)
    html = client.get(reverse("episodes:my-work")).content.decode()
    assert "Pattern alert" not in html and child.family_name not in html
    assert client.get("/api/v1/my-work").json()["pattern_alerts"] == []


def test_my_work_costs_the_same_queries_for_many_alerts(
    client, nurse, teacher, child, open_episode, django_assert_max_num_queries
):
    client.force_login(teacher)
    record(nurse, child, kind=NEW_ADULT, days_ago=200)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("episodes:my-work"))
    siblings = [factories.person("Sib", f"Ling{i}") for i in range(4)]
    for sibling in siblings:
        factories.involvement(teacher.organisation, sibling)
        factories.involvement(nurse.organisation, sibling)
    second = services.episode_open_practitioner_led(actor=teacher, persons=siblings)
    for days_ago in range(0, 100, 20):
        for sibling in siblings:
            record(nurse, sibling, kind=NEW_ADULT, days_ago=days_ago)
    assert len(selectors.my_work(user=teacher).pattern_alerts) == 21
    assert second.pk
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("episodes:my-work"))


def test_my_work_audits_every_family_it_names_not_only_the_page_of_families(
    client, teacher, child, open_episode, monkeypatch
):
    # A second team, off the first page of families, with a critical incident waiting for the
    # lead: the incident names that family on My work, so the read is audited with its persons.
    sibling = factories.person("Leo", "Jones")
    factories.involvement(teacher.organisation, sibling)
    from joinedup.episodes.services import episode_open_practitioner_led
    from joinedup.episodes.services.disagreements import incident_record

    second = episode_open_practitioner_led(actor=teacher, persons=[sibling])
    incident_record(
        actor=teacher,
        episode=second,
        kind="missing",
        occurred_at=timezone.now() - timedelta(hours=1),
        description="Not home overnight.",
    )
    monkeypatch.setattr(selectors, "MY_FAMILIES_PER_PAGE", 1)
    work = selectors.my_work(user=teacher)
    assert [e.pk for e in work.my_families.object_list] == [open_episode.pk]
    assert [i.episode.family_label for i in work.incidents_to_acknowledge] == ["Leo Jones"]
    event = AccessEvent.objects.filter(object_type="episodes.my_work").latest("seq")
    assert set(event.person_ids) == {child.pk, sibling.pk}
