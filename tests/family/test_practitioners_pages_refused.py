"""A family account gets 404 on practitioners' pages and API, not an empty page (item 17)."""

from __future__ import annotations

import pytest

from joinedup.audit.models import AccessEvent

pytestmark = pytest.mark.django_db

PRACTITIONER_PAGES = [
    "/directory/",
    "/my-work/",
    "/requests/",
    "/requests/new/",
    "/front-door/",
    "/data-protection/",
    "/emergency-access/",
    "/partnership-health/",
    "/identity/review/",
]


@pytest.mark.parametrize("path", PRACTITIONER_PAGES)
def test_a_family_account_gets_404_on_practitioners_pages(client, family, mother_user, path):
    client.force_login(mother_user)
    response = client.get(path)
    assert response.status_code == 404
    assert AccessEvent.objects.filter(actor=mother_user, object_id=path).exists()


def test_a_family_account_gets_404_on_a_persons_and_an_episodes_page(client, family, mother_user):
    client.force_login(mother_user)
    assert client.get(f"/people/{family.mother.pk}/").status_code == 404
    assert client.get(f"/episodes/{family.episode.pk}/").status_code == 404


def test_a_family_account_gets_the_api_404_shape_on_practitioners_routes(
    client, family, mother_user
):
    client.force_login(mother_user)
    for path in ("/api/v1/people", "/api/v1/my-work", "/api/v1/requests"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {"message": "Not found", "field": None}


def test_the_family_still_has_its_own_pages(client, family, mother_user):
    client.force_login(mother_user)
    assert client.get("/").url == "/family/"
    assert client.get("/family/").status_code == 200
    assert client.get(f"/family/episodes/{family.episode.pk}/").status_code == 200
    assert client.get("/api/v1/family/me").status_code == 200


def test_practitioners_are_not_affected(client, family):
    client.force_login(family.lead)
    assert client.get("/directory/").status_code == 200
    assert client.get(f"/episodes/{family.episode.pk}/").status_code == 200
