"""Once a team around the family exists, everyone who may see the child knows it and whom to
call: the person page, the front door's involvement index and the API show each open episode
with its lead professional; only the team gets the link."""

from __future__ import annotations

import pytest
from django.urls import reverse

from joinedup.frontdoor import services as frontdoor
from tests import factories
from tests.conftest import raise_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def gp(child):
    surgery = factories.organisation("Riverside Surgery", sector="health")
    factories.involvement(surgery, child, service="GP")
    return factories.practitioner(surgery, profession="gp")


@pytest.fixture
def episode(teacher, child):
    return frontdoor.episode_open_practitioner_led(actor=teacher, persons=[child])


def test_the_person_page_shows_the_team_and_its_lead(client, episode, teacher, gp, child):
    client.force_login(gp)
    page = client.get(reverse("web:person", args=[child.pk])).content.decode()
    assert "Team around the family (early help)" in page
    assert teacher.get_full_name() in page and teacher.email in page
    assert episode.reference in page and "ask the lead professional" in page
    assert reverse("episodes:episode", args=[episode.pk]) not in page  # not in the team
    assert "Start a team around the family" not in page
    client.force_login(teacher)
    page = client.get(reverse("web:person", args=[child.pk])).content.decode()
    assert reverse("episodes:episode", args=[episode.pk]) in page


def test_starting_a_second_team_says_who_leads_the_first(client, episode, teacher, gp, child):
    client.force_login(gp)
    page = client.get(reverse("episodes:episode-start", args=[child.pk])).content.decode()
    assert "already has a team around the family" in page and teacher.email in page
    assert "Start the team" not in page


def test_the_api_lists_open_episodes(client, episode, teacher, gp, outsider, child):
    client.force_login(gp)
    body = client.get(f"/api/v1/people/{child.pk}").json()
    [open_episode] = body["open_episodes"]
    assert open_episode["reference"] == episode.reference
    assert open_episode["lead_email"] == teacher.email and open_episode["episode_id"] is None
    client.force_login(teacher)
    assert client.get(f"/api/v1/people/{child.pk}").json()["open_episodes"][0]["episode_id"] == (
        episode.pk
    )
    client.force_login(outsider)
    assert client.get(f"/api/v1/people/{child.pk}").status_code == 404


def test_the_involvement_index_shows_the_episode_to_whoever_triages(
    client, teacher, gp, child, front_door
):
    request = raise_request(gp, child)
    frontdoor.episode_open_practitioner_led(actor=teacher, persons=[child])
    client.force_login(front_door)
    page = client.get(reverse("frontdoor:request", args=[request.pk])).content.decode()
    assert "Team around the family (early help)" in page and teacher.get_full_name() in page
