"""Find a service: by need, kind, age, locality or postcode district, cost, open now."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from joinedup.directory import selectors
from joinedup.directory.selectors import ServiceQuery
from joinedup.outcomes.models import OutcomeCategory
from tests import factories

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def names(user, **query) -> list[str]:
    now = query.pop("now", None)
    return [
        s.name for s in selectors.services_find(user=user, query=ServiceQuery(**query), now=now)
    ]


def test_by_need_kind_age_and_cost(teacher, directory):
    safe = OutcomeCategory.objects.get(code="stay-safe").pk
    assert names(teacher, need=safe) == ["Boxing fitness", "Duty desk", "Sleep clinic"]
    assert names(teacher, term=directory.food.pk) == ["Community pantry"]
    assert names(teacher, need=safe, age=3) == ["Duty desk", "Sleep clinic"]
    assert names(teacher, need=safe, age=12) == ["Boxing fitness", "Duty desk"]
    assert "Boxing fitness" not in names(teacher, free_only=True)
    assert names(teacher, takes_referrals=True) == [
        "Boxing fitness",
        "Refuge support",
        "Sleep clinic",
    ]
    assert names(teacher, text="judo") == []
    assert names(teacher, text="Northside") == ["Boxing fitness", "Community pantry"]


def test_by_locality_or_postcode_district(teacher, directory):
    assert names(teacher, district="DS1") == ["Boxing fitness", "Community pantry"]
    assert names(teacher, district="ds3") == ["Boxing fitness"]  # its service area
    assert names(teacher, district="Central") == ["Sleep clinic"]
    # Security: a refuge's postcode district never finds the refuge.
    assert names(teacher, district="DS5") == []


def test_open_now(teacher, directory):
    monday_evening = datetime(2026, 11, 30, 17, 30, tzinfo=LONDON)
    tuesday_evening = datetime(2026, 12, 1, 17, 30, tzinfo=LONDON)
    assert names(teacher, open_now=True, now=monday_evening) == ["Boxing fitness"]
    assert names(teacher, open_now=True, now=tuesday_evening) == []


def test_the_page_shows_offer_eligibility_contact_and_referrals(client, teacher, directory):
    client.force_login(teacher)
    page = client.get("/services/", {"district": "DS1", "age": "12"}).content.decode()
    assert "2 services found" in page and "Boxing fitness" in page
    assert "Ages 10 to 18" in page and "£1 a session" in page
    assert "coach@boxing.example" in page and "Takes joinedup referrals" in page
    detail = client.get(f"/services/{directory.club.pk}/").content.decode()
    assert "Mondays and Thursdays: 17:00 to 18:30" in detail
    assert "they answer by an emailed link" in detail


def test_bad_search_input_is_an_error_summary(client, teacher, directory):
    client.force_login(teacher)
    response = client.get("/services/", {"age": "old", "need": "x"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and 'href="#id_age"' in page


def test_only_practitioners(client, directory):
    assert client.get("/services/").status_code == 302  # signed out: sign in first
    family = factories.practitioner(None)
    family.organisation = None
    family.save()
    client.force_login(family)
    assert client.get("/services/").status_code == 404
    assert client.get(f"/services/{directory.club.pk}/").status_code == 404


def test_search_queries_stay_flat(client, teacher, directory, django_assert_max_num_queries):
    client.force_login(teacher)
    with django_assert_max_num_queries(20):
        client.get("/services/", {"takes_referrals": "on"})
