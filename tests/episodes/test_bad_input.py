"""Issue 4's bad input, through the services, the pages and the API: each is refused with a clear
error naming the field, and nothing is partly written."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.episodes import services as t
from joinedup.episodes.models import Action, Episode, LeadHandover, Meeting, TeamMember
from joinedup.errors import ApplicationError
from joinedup.frontdoor import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(teacher, child):
    return services.episode_open_practitioner_led(actor=teacher, persons=[child])


@pytest.fixture
def hv(episode, teacher):
    nurse = factories.practitioner(
        factories.organisation("Health Visiting", sector="health"), profession="health_visitor"
    )
    t.member_add(actor=teacher, episode=episode, practitioner=nurse, role="Health visitor")
    return nurse


@pytest.fixture
def other_team_member(db):
    """A member of another family's team: never a member of this one."""
    worker = factories.practitioner(factories.organisation("Youth Service", sector="community"))
    other_child = factories.person("Sam", "Other")
    factories.involvement(worker.organisation, other_child)
    other = services.episode_open_practitioner_led(actor=worker, persons=[other_child])
    return TeamMember.objects.get(episode=other, practitioner=worker)


def lead_member(episode):
    return TeamMember.objects.get(episode=episode, practitioner=episode.lead_professional)


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


# --- A due date before the plan started ------------------------------------------------------


def test_a_due_date_before_the_plan_names_due_on(client, episode, teacher):
    before = timezone.localtime(episode.opened_at).date() - timedelta(days=1)
    with pytest.raises(ApplicationError) as error:
        t.action_add(
            actor=teacher, episode=episode, owner=lead_member(episode), text="x", due_on=before
        )
    assert error.value.field == "due_on"
    client.force_login(teacher)
    body = {"text": "Visit", "owner_id": lead_member(episode).pk, "due_on": str(before)}
    response = post(client, f"/api/v1/episodes/{episode.pk}/actions", body)
    assert response.status_code == 422 and response.json()["field"] == "due_on"
    assert not Action.objects.exists()


# --- An action owner outside the team ----------------------------------------------------------


def test_an_owner_from_another_team_names_owner(client, episode, teacher, other_team_member):
    due = timezone.localdate() + timedelta(days=7)
    with pytest.raises(ApplicationError) as error:
        t.action_add(actor=teacher, episode=episode, owner=other_team_member, text="x", due_on=due)
    assert error.value.field == "owner"
    client.force_login(teacher)
    body = {"text": "Visit", "owner_id": other_team_member.pk, "due_on": str(due)}
    response = post(client, f"/api/v1/episodes/{episode.pk}/actions", body)
    assert response.status_code == 422 and response.json()["field"] == "owner_id"
    assert not Action.objects.exists()


def test_an_owner_who_left_the_team_names_owner(client, episode, teacher, hv):
    member = TeamMember.objects.get(episode=episode, practitioner=hv)
    t.member_remove(actor=teacher, member=member)
    due = timezone.localdate() + timedelta(days=7)
    client.force_login(teacher)
    body = {"text": "Visit", "owner_id": member.pk, "due_on": str(due)}
    response = post(client, f"/api/v1/episodes/{episode.pk}/actions", body)
    assert response.status_code == 422 and response.json()["field"] == "owner_id"
    page = client.post(
        reverse("episodes:action-add", args=[episode.pk]),
        {
            "text": "Visit",
            "owner": member.pk,
            "due_on_0": due.day,
            "due_on_1": due.month,
            "due_on_2": due.year,
        },
    ).content.decode()
    assert "There is a problem" in page and 'href="#id_owner"' in page
    assert not Action.objects.exists()


# --- A second active lead professional ---------------------------------------------------------


def test_a_second_lead_cannot_be_added_as_a_member(client, episode, teacher, hv):
    with pytest.raises(ApplicationError) as error:
        t.member_add(
            actor=teacher,
            episode=episode,
            practitioner=factories.practitioner(teacher.organisation),
            role="Lead professional",
        )
    assert error.value.field == "role"
    client.force_login(teacher)
    other = factories.practitioner(teacher.organisation)
    response = post(
        client,
        f"/api/v1/episodes/{episode.pk}/members",
        {"practitioner_id": other.pk, "role": "lead professional"},
    )
    assert response.status_code == 422 and response.json()["field"] == "role"
    assert not TeamMember.objects.filter(practitioner=other).exists()


def test_handing_the_lead_to_the_lead_names_the_field(client, episode, teacher):
    with pytest.raises(ApplicationError) as error:
        t.lead_professional_hand_over(actor=teacher, episode=episode, to=teacher, reason="x")
    assert error.value.field == "to"
    client.force_login(teacher)
    response = post(
        client,
        f"/api/v1/episodes/{episode.pk}/lead",
        {"to_practitioner_id": teacher.pk, "reason": "x", "expected_version": episode.version},
    )
    assert response.status_code == 422 and response.json()["field"] == "to_practitioner_id"
    assert not LeadHandover.objects.filter(episode=episode).exists()


def test_two_handovers_at_once_leave_one_lead(client, episode, teacher, hv):
    version = episode.version
    other = factories.practitioner(teacher.organisation)
    t.member_add(actor=teacher, episode=episode, practitioner=other, role="Teacher")
    proposal = t.lead_professional_hand_over(
        actor=teacher, episode=episode, to=hv, reason="a", expected_version=version
    )
    t.lead_proposal_accept(actor=hv, proposal=proposal)
    with pytest.raises(ApplicationError) as error:
        t.lead_professional_hand_over(
            actor=teacher, episode=episode, to=other, reason="b", expected_version=version
        )
    assert error.value.status == 409
    episode = Episode.objects.get(pk=episode.pk)
    assert episode.lead_professional == hv


def test_after_a_handover_only_the_new_lead_is_named_lead(client, episode, teacher, hv):
    proposal = t.lead_professional_hand_over(actor=teacher, episode=episode, to=hv, reason="Agreed")
    t.lead_proposal_accept(actor=hv, proposal=proposal)
    roles = dict(
        TeamMember.objects.filter(episode=episode, left_at__isnull=True).values_list(
            "practitioner_id", "role"
        )
    )
    assert roles[hv.pk] == "Health visitor"
    assert roles[teacher.pk] != "Lead professional"
    client.force_login(hv)
    html = client.get(reverse("episodes:episode", args=[episode.pk])).content.decode()
    assert html.count(">Lead</strong>") == 1 and "Lead professional</td>" not in html


# --- Meeting attendance for someone not in the team ------------------------------------------


def test_attendance_for_a_non_member_names_attendance(client, episode, teacher, other_team_member):
    today = timezone.localdate()
    with pytest.raises(ApplicationError) as error:
        t.meeting_record(
            actor=teacher,
            episode=episode,
            kind="team",
            held_on=today,
            attendance={other_team_member.pk: "attended"},
        )
    assert error.value.field == "attendance"
    client.force_login(teacher)
    body = {
        "kind": "team",
        "held_on": str(today),
        "attendance": {str(other_team_member.pk): "attended"},
        "decisions": [["Meet again", "Early days"]],
    }
    response = post(client, f"/api/v1/episodes/{episode.pk}/meetings", body)
    assert response.status_code == 422 and response.json()["field"] == "attendance"
    assert not Meeting.objects.filter(episode=episode).exists()
    assert not episode.decisions.exists()
