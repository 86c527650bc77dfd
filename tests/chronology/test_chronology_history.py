"""Involvements in the family's chronology: when each started and, once it has, when it ended,
with sensitive services hidden by the same rule as the involvement index."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from joinedup.chronology import services as c
from joinedup.episodes import services as t
from joinedup.people import services as people_services
from tests import factories

pytestmark = pytest.mark.django_db


def ended(org, person, *, service, started_days_ago, ended_days_ago, **extra):
    involvement = factories.involvement(
        org, person, since_days=started_days_ago, service=service, **extra
    )
    return people_services.involvement_end(
        actor=None,
        involvement=involvement,
        ended_on=timezone.localdate() - timedelta(days=ended_days_ago),
    )


def involvement_rows(view):
    return [(i.on, i.what, i.organisation, i.text) for i in view.items if i.source == "involvement"]


def test_an_ended_involvement_shows_when_it_started_and_when_it_ended(teacher, child, open_episode):
    police = factories.organisation("Demo Police", sector="police")
    factories.agreement(categories=["criminal_justice"])  # opens what the police did
    ended(police, child, service="Missing episode", started_days_ago=200, ended_days_ago=150)
    view = c.chronology_get(user=teacher, episode_id=open_episode.pk)
    rows = involvement_rows(view)
    today = timezone.localdate()
    assert (
        today - timedelta(days=200),
        "Involvement started",
        "Demo Police",
        "Universal service: Missing episode",
    ) in rows
    assert (
        today - timedelta(days=150),
        "Involvement ended",
        "Demo Police",
        "Universal service: Missing episode",
    ) in rows
    # Oldest first: the end comes after its start, wherever the other events fall.
    whats = [i.what for i in view.items if i.organisation == "Demo Police"]
    assert whats == ["Involvement started", "Involvement ended"]
    # The school's current involvement has started and not ended.
    school_rows = [r for r in rows if r[2] == "Oakfield Primary School"]
    assert [r[1] for r in school_rows] == ["Involvement started"]


def test_an_ended_sensitive_service_stays_hidden_from_other_agencies(teacher, child, open_episode):
    clinic = factories.organisation("Demo Sexual Health Clinic", sector="health")
    ended(
        clinic,
        child,
        service="Clinic",
        started_days_ago=100,
        ended_days_ago=20,
        sensitive_category="sexual_health",
    )
    view = c.chronology_get(user=teacher, episode_id=open_episode.pk)
    assert all(i.organisation != "Demo Sexual Health Clinic" for i in view.items)
    # ... but the clinic's own practitioner in the team sees their own service's history.
    nurse = factories.practitioner(clinic, profession="nurse")
    t.member_add(actor=teacher, episode=open_episode, practitioner=nurse, role="Nurse")
    own = c.chronology_get(user=nurse, episode_id=open_episode.pk)
    assert {r[1] for r in involvement_rows(own) if r[2] == "Demo Sexual Health Clinic"} == {
        "Involvement started",
        "Involvement ended",
    }


def test_after_step_up_the_team_may_know_of_every_service(teacher, child, open_episode):
    clinic = factories.organisation("Demo Sexual Health Clinic", sector="health")
    ended(
        clinic,
        child,
        service="Clinic",
        started_days_ago=100,
        ended_days_ago=20,
        sensitive_category="sexual_health",
    )
    social_worker = factories.practitioner(
        factories.organisation("CSC", sector="statutory"), profession="social_worker"
    )
    proposal = t.episode_step_up(
        actor=teacher, episode=open_episode, to=social_worker, reason="s47"
    )
    t.lead_proposal_accept(actor=social_worker, proposal=proposal)
    view = c.chronology_get(user=social_worker, episode_id=open_episode.pk)
    assert "Involvement ended" in {
        r[1] for r in involvement_rows(view) if r[2] == "Demo Sexual Health Clinic"
    }


def test_the_csv_export_carries_ended_involvements(client, teacher, child, open_episode):
    housing = factories.organisation("Demo Homes", sector="housing")
    factories.agreement(housing, teacher.organisation, categories=["involvement"])
    ended(housing, child, service="Tenancy support", started_days_ago=300, ended_days_ago=60)
    client.force_login(teacher)
    response = client.get(reverse("chronology:chronology-csv", args=[open_episode.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert any(r[1] == "Involvement ended" and r[3] == "Demo Homes" for r in rows)


def test_the_chronology_page_shows_ended_involvements(client, teacher, child, open_episode):
    housing = factories.organisation("Demo Homes", sector="housing")
    factories.agreement(housing, teacher.organisation, categories=["involvement"])
    ended(housing, child, service="Tenancy support", started_days_ago=300, ended_days_ago=60)
    client.force_login(teacher)
    html = client.get(reverse("chronology:chronology", args=[open_episode.pk])).content.decode()
    assert "Involvement ended" in html and "Tenancy support" in html


def test_another_organisations_health_detail_is_withheld_in_the_chronology(teacher, child):
    from joinedup.chronology import services as chronology
    from joinedup.frontdoor import services
    from tests import factories

    clinic = factories.organisation("Clinic", sector="health")
    factories.involvement(clinic, child, service="Weight clinic referral")
    episode = services.episode_open_practitioner_led(actor=teacher, persons=[child])
    view = chronology.chronology_get(user=teacher, episode_id=episode.pk)
    text = " ".join(str(vars(item)) for item in view.items)
    assert "Weight clinic referral" not in text and "Withheld" in text


def _chronology_queries(user, episode) -> int:
    with CaptureQueriesContext(connection) as captured:
        timeline = c.chronology_get(user=user, episode_id=episode.pk)
    assert timeline.items
    return len(captured)


def test_the_timeline_asks_the_policy_once_per_page_however_many_people(
    teacher, school, health_org
):
    """The policy's facts (safeguarding, consent, agreements, break-glass) and the involvement
    history are asked once for the whole family, not once per person (issue 13)."""

    def family(size: int):
        people = [factories.person(f"Child{i}", f"Size{size}") for i in range(size)]
        for person in people:
            factories.involvement(school, person)
            factories.involvement(health_org, person, service="Clinic", since_days=60)
        return t.episode_open_practitioner_led(actor=teacher, persons=people)

    small, large = family(1), family(5)
    _chronology_queries(teacher, small)  # warm: what is looked up once per process
    assert _chronology_queries(teacher, large) == _chronology_queries(teacher, small)
