"""The involvement index says whom to call: the named worker, their team, the organisation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from joinedup.frontdoor import services as casework
from joinedup.partnership.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def health(db):
    return factories.organisation("Millbrook GP", sector="health", telephone="01632 960100")


@pytest.fixture
def involved(child, health, school):
    """A named health visitor in a team, and a school involvement with no one named."""
    team = factories.team(health, "Health visiting")
    team.telephone, team.email = "01632 960200", "hv-team@nhs.example"
    team.save()
    visitor = factories.practitioner(
        health, team=team, profession="health_visitor", telephone="07700 900123",
        job_title="Health visitor",
    )  # fmt: skip
    factories.involvement(health, child, contact=visitor, service="Healthy Child Programme")
    return visitor


def test_the_person_page_names_the_worker_with_telephone_and_email(
    client, teacher, child, involved, school
):
    client.force_login(teacher)
    html = client.get(reverse("web:person", args=[child.pk])).content.decode()
    assert involved.get_full_name() in html and "Health visitor" in html
    assert "Health visiting" in html
    assert 'href="tel:07700900123"' in html and f'href="mailto:{involved.email}"' in html
    # The school's own involvement names no one: the organisation's details instead.
    assert f'href="mailto:{school.email}"' in html


def test_triage_shows_the_same_contacts(client, teacher, child, involved):
    council = factories.organisation("Council", sector="statutory")
    hub = factories.team(council, "Hub", front_door=True)
    front_door = factories.practitioner(council, team=hub, roles=(Role.Code.FRONT_DOOR,))
    draft = casework.request_start(actor=teacher, immediate_risk=False)
    casework.request_add_person(actor=teacher, request=draft, person_id=child.pk)
    casework.request_describe(
        actor=teacher, request=draft, concern="Tired.", needs=[], family_wants="",
        family_agreement="yes", contact_telephone="01632 960000",
    )  # fmt: skip
    casework.request_submit(actor=teacher, request=draft)
    client.force_login(front_door)
    html = client.get(reverse("frontdoor:request", args=[draft.pk])).content.decode()
    assert involved.get_full_name() in html and 'href="tel:07700900123"' in html
    assert "hv-team@nhs.example" not in html  # the worker's own email comes first
    assert f'href="mailto:{involved.email}"' in html
