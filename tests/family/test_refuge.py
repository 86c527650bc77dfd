"""The classic failure: a refuge address shown to the other parent. The father's pages and API
never show the address where the mother and children live, whatever it is."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from joinedup.episodes import services as t
from joinedup.people.identifiers import normalise_postcode
from joinedup.sharing import policy
from tests import factories
from tests.family.conftest import (
    FATHER_ADDRESS,
    FATHER_POSTCODE,
    REFUGE_ADDRESS,
    REFUGE_POSTCODE,
    family_user,
    make_family,
)

pytestmark = pytest.mark.django_db


_API_GETS: list[str] = []


def family_api_gets(client: Client) -> list[str]:
    if not _API_GETS:
        schema = client.get("/api/v1/openapi.json").json()
        _API_GETS.extend(
            path
            for path, operations in schema["paths"].items()
            if path.startswith("/api/v1/family") and "get" in operations
        )
    return _API_GETS


def family_urls(client: Client, episode_id: int, action_id: int) -> list[str]:
    """Every family page and every GET of the family API (from the OpenAPI schema)."""
    pages = [
        "/family/",
        f"/family/episodes/{episode_id}/",
        f"/family/episodes/{episode_id}/team/",
        f"/family/episodes/{episode_id}/meetings/",
        f"/family/episodes/{episode_id}/have-your-say/",
        f"/family/episodes/{episode_id}/actions/{action_id}/",
        f"/family/episodes/{episode_id}/feedback/",
        "/family/consent/",
    ]
    api = [path.replace("{episode_id}", str(episode_id)) for path in family_api_gets(client)]
    assert len(api) >= 5
    return pages + api


def everything_shown_to(user, family) -> str:
    client = Client()
    client.force_login(user)
    bodies = [
        client.get(url).content.decode()
        for url in family_urls(client, family.episode.pk, family.mother_action.pk)
    ]
    # The family's writes answer with what was written: include those too.
    posted = client.post(
        f"/api/v1/family/episodes/{family.episode.pk}/comments",
        {"text": "How is everyone?"},
        content_type="application/json",
    )
    bodies.append(posted.content.decode())
    bodies.append(
        client.post(
            f"/family/episodes/{family.episode.pk}/have-your-say/", {"text": ""}
        ).content.decode()
    )
    return "\n".join(bodies)


def appears(text: str, body: str) -> bool:
    """Case-insensitive, and a postcode with or without its space."""
    flat = re.sub(r"\s+", "", body).lower()
    return text.lower() in body.lower() or re.sub(r"\s+", "", text).lower() in flat


def test_the_refuge_address_never_appears_for_the_father(family, father_user):
    shown = everything_shown_to(father_user, family)
    for secret in (REFUGE_ADDRESS, REFUGE_POSTCODE, "Lantern Row"):
        assert not appears(secret, shown), secret
    # He sees his own address, and the plan itself.
    assert FATHER_ADDRESS in shown and FATHER_POSTCODE in shown
    assert "Everyone feels safe at home" in shown


def test_the_refuge_service_is_not_named_to_the_father(family, father_user):
    shown = everything_shown_to(father_user, family)
    assert family.adviser.get_full_name() not in shown
    assert family.charity.name not in shown
    assert family.lead.get_full_name() in shown


def test_the_childrens_new_school_is_not_named_to_the_father(family, father_user, mother_user):
    school = factories.organisation("Brightwater Primary School", sector="education")
    teacher = factories.practitioner(school, profession="designated_safeguarding_lead")
    factories.involvement(school, family.child, service="Pupil, year 4")
    member = t.member_add(
        actor=family.lead, episode=family.episode, practitioner=teacher, role="Mia's school"
    )
    t.action_add(
        actor=family.lead,
        episode=family.episode,
        owner=member,
        text="Check in with Mia each morning",
        due_on=family.mother_action.due_on,
    )
    shown = everything_shown_to(father_user, family)
    assert "Check in with Mia each morning" in shown and "Someone in your team" in shown
    assert "Brightwater" not in shown and teacher.get_full_name() not in shown
    # The mother lives with Mia: she knows the school.
    assert "Brightwater" in everything_shown_to(mother_user, family)


def test_the_mother_and_the_young_person_see_their_own_address(family, mother_user):
    teen = family_user(family, family.teen, "tyler@example.net")
    for user in (mother_user, teen):
        client = Client()
        client.force_login(user)
        home = client.get("/family/").content.decode()
        assert REFUGE_ADDRESS in home and REFUGE_POSTCODE in home
        assert client.get("/api/v1/family/me").json()["postcode"] == REFUGE_POSTCODE


def test_the_policy_allows_the_father_only_his_own_address(family, father_user):
    assert not policy.may_see_address(father_user, family.mother)
    assert not policy.may_see_address(father_user, family.child)
    assert policy.may_see_address(father_user, family.father)
    assert policy.withheld_person_fields(father_user, family.mother) == {"address", "postcode"}


def test_even_as_a_team_member_with_an_action_the_father_never_sees_it(family, father_user):
    # The team adds the father to the episode and gives him an action: still no address.
    family.episode.persons.add(family.father)
    member = t.member_add(
        actor=family.lead, episode=family.episode, person=family.father, role="Dad"
    )
    t.action_add(
        actor=family.lead,
        episode=family.episode,
        owner=member,
        text="Phone the children on Sundays",
        due_on=family.mother_action.due_on,
    )
    shown = everything_shown_to(father_user, family)
    assert "Phone the children on Sundays" in shown
    for secret in (REFUGE_ADDRESS, REFUGE_POSTCODE):
        assert not appears(secret, shown)


STREET = st.from_regex(r"[A-Z][a-z]{4,9} (Row|Mews|Court|Terrace|Gardens)", fullmatch=True)
AREA = st.sampled_from(["A", "B", "D", "E", "F", "H", "J", "L", "N", "P", "R", "S", "T", "W"])


@st.composite
def refuge(draw) -> tuple[str, str]:
    address = f"{draw(st.integers(1, 400))} {draw(STREET)}, {draw(STREET)}"
    postcode = normalise_postcode(
        f"{draw(st.sampled_from(['DS', 'HX', 'ZE', 'KW']))}{draw(st.integers(10, 99))} "
        f"{draw(st.integers(1, 9))}{draw(AREA)}{draw(AREA)}"
    )
    return address, postcode


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(place=refuge(), father_in_team=st.booleans())
def test_property_no_page_or_api_answer_ever_shows_the_father_a_refuge_address(
    db, place, father_in_team
):
    address, postcode = place
    family = make_family(refuge_address=address, refuge_postcode=postcode)
    if father_in_team:
        family.episode.persons.add(family.father)
        t.member_add(actor=family.lead, episode=family.episode, person=family.father, role="Dad")
    father = family_user(family, family.father, f"dean{family.father.pk}@example.net")
    shown = everything_shown_to(father, family)
    assert not appears(address, shown)
    assert not appears(postcode, shown)
    street = address.split(" ", 1)[1].split(",")[0]
    assert not appears(street, shown)
    # Nor another person's words, an internal decision or the team's notes.
    for private in ("stay somewhere safe", "INTERNAL DECISION", "PRACTITIONER-ONLY NOTE"):
        assert not appears(private, shown)
