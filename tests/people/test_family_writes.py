"""Families, relationships and households: written through the services, pages and API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.chronology.models import ChronologyEntry, PatternAlert
from joinedup.errors import ApplicationError, NotFound
from joinedup.people import services
from joinedup.people.models import FamilyMember, HouseholdMembership, Relationship
from tests import factories
from tests.recording.conftest import hidden_fields

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_relationship_add_and_end_are_audited(fam):
    partner = factories.person("Lee", "Moss", kind="adult", dob=TODAY().replace(year=1990))
    rel = services.relationship_add(
        actor=fam.lead, person=partner, relative=fam.child, kind="parent_partner"
    )
    assert AccessEvent.objects.filter(object_type="people.relationship", object_id=str(rel.pk))
    services.relationship_end(actor=fam.lead, relationship=rel, ended_on=TODAY())
    rel.refresh_from_db()
    assert rel.ended_on == TODAY()
    assert AccessEvent.objects.filter(
        object_type="people.relationship", object_id=str(rel.pk), action="update"
    )
    # Ended relationships are kept; the same kind may be recorded again later.
    again = services.relationship_add(
        actor=fam.lead, person=partner, relative=fam.child, kind="parent_partner"
    )
    assert again.pk != rel.pk


def test_own_parent_refused_naming_the_field(fam):
    with pytest.raises(ApplicationError) as error:
        services.relationship_add(
            actor=fam.lead, person=fam.child, relative=fam.child, kind="parent"
        )
    assert error.value.field == "relative"
    # The mother is the child's parent: the child cannot be recorded as the mother's parent.
    with pytest.raises(ApplicationError) as error:
        services.relationship_add(
            actor=fam.lead, person=fam.child, relative=fam.mother, kind="parent"
        )
    assert error.value.field == "kind"


def test_parental_responsibility_needs_its_basis(fam):
    gran = factories.person("Rose", "Carter", kind="adult", dob=TODAY().replace(year=1960))
    with pytest.raises(ApplicationError) as error:
        services.relationship_add(
            actor=fam.lead,
            person=gran,
            relative=fam.child,
            kind="grandparent",
            parental_responsibility=True,
        )
    assert error.value.field == "parental_responsibility_basis"
    rel = services.relationship_add(
        actor=fam.lead,
        person=gran,
        relative=fam.child,
        kind="grandparent",
        parental_responsibility=True,
        parental_responsibility_basis="special_guardianship",
    )
    assert rel.get_parental_responsibility_basis_display() == "Special guardianship order"


def test_household_dates_refused_in_future_and_overlapping(fam):
    first = services.household_join(
        actor=fam.lead, person=fam.child, moved_in_on=TODAY() - timedelta(days=100)
    )
    with pytest.raises(ApplicationError) as error:
        services.household_join(
            actor=fam.lead, person=fam.teen, moved_in_on=TODAY() + timedelta(days=1)
        )
    assert error.value.field == "moved_in_on"
    with pytest.raises(ApplicationError) as error:
        services.household_join(
            actor=fam.lead, person=fam.child, moved_in_on=TODAY() - timedelta(days=10)
        )
    assert error.value.field == "moved_in_on"
    assert HouseholdMembership.objects.filter(person=fam.child).count() == 1
    services.household_leave(
        actor=fam.lead, membership=first, moved_out_on=TODAY() - timedelta(days=20)
    )
    services.household_join(
        actor=fam.lead, person=fam.child, moved_in_on=TODAY() - timedelta(days=10)
    )
    assert HouseholdMembership.objects.filter(person=fam.child).count() == 2


def test_new_adult_in_household_raises_the_pattern_alert(fam):
    services.household_join(
        actor=fam.lead, person=fam.child, moved_in_on=TODAY() - timedelta(days=200)
    )
    relationship = services.family_member_add(
        actor=fam.lead,
        anchor=fam.child,
        kind="parent_partner",
        new_person={
            "given_name": "Lee",
            "family_name": "Moss",
            "kind": "adult",
            "date_of_birth": TODAY().replace(year=1992),
        },
        lives_with_since=TODAY() - timedelta(days=2),
    )
    partner = relationship.person
    assert FamilyMember.objects.filter(person=partner).exists()
    entry = ChronologyEntry.objects.get(person=fam.child, kind="new_adult_in_household")
    assert "Lee Moss" in entry.text
    alert = PatternAlert.objects.get(person=fam.child, rule="new_adult_in_household")
    assert alert.episode == fam.episode


def test_outsider_may_not_change_a_family(fam, outsider):
    partner = factories.person("Lee", "Moss", kind="adult", dob=TODAY().replace(year=1990))
    with pytest.raises(NotFound):
        services.relationship_add(
            actor=outsider, person=partner, relative=fam.child, kind="parent_partner"
        )
    with pytest.raises(NotFound):
        services.household_join(actor=outsider, person=fam.child, moved_in_on=TODAY())
    assert not Relationship.objects.filter(person=partner).exists()


# --- Pages -------------------------------------------------------------------------------------


def _date(prefix: str, day) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def test_family_add_page_submits(client, fam):
    client.force_login(fam.lead)
    url = reverse("people:family-add", args=[fam.child.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        **hidden_fields(page.content.decode()),
        "given_name": "Lee",
        "family_name": "Moss",
        "kind": "adult",
        "sex": "male",
        "postcode": "",
        "relationship": "parent_partner",
        **_date("date_of_birth", TODAY().replace(year=1991)),
        **_date("lives_with_since", TODAY() - timedelta(days=1)),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    partner = Relationship.objects.get(relative=fam.child, kind="parent_partner").person
    assert partner.full_name == "Lee Moss"
    assert HouseholdMembership.objects.filter(person=partner).exists()
    assert AccessEvent.objects.filter(object_type="people.householdmembership").exists()
    # The person page shows them, with a link to end the relationship.
    html = client.get(reverse("web:person", args=[fam.child.pk])).content.decode()
    assert "Lee Moss" in html and "Partner of a parent" in html


def test_family_add_page_errors_name_the_field(client, fam):
    client.force_login(fam.lead)
    url = reverse("people:family-add", args=[fam.child.pk])
    data = {
        "given_name": "Lee",
        "family_name": "Moss",
        "kind": "adult",
        "sex": "male",
        "relationship": "parent",
        "parental_responsibility": "on",
    }
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "#id_parental_responsibility_basis" in html
    assert (
        not Relationship.objects.filter(relative=fam.child, kind="parent")
        .exclude(person__in=[fam.mother, fam.father])
        .exists()
    )


def test_relationship_end_page_submits(client, fam):
    rel = Relationship.objects.get(person=fam.father, relative=fam.child)
    client.force_login(fam.lead)
    url = reverse("people:relationship-end", args=[rel.pk])
    page = client.get(url)
    data = {**hidden_fields(page.content.decode()), **_date("ended_on", TODAY())}
    assert client.post(url, data).status_code == 302
    rel.refresh_from_db()
    assert rel.ended_on == TODAY()


def test_household_pages_submit(client, fam):
    client.force_login(fam.lead)
    url = reverse("people:household", args=[fam.teen.pk])
    page = client.get(url)
    data = {**hidden_fields(page.content.decode()), **_date("moved_in_on", TODAY() - timedelta(5))}
    assert client.post(url, data).status_code == 302
    membership = HouseholdMembership.objects.get(person=fam.teen)
    leave = reverse("people:household-leave", args=[membership.pk])
    page = client.get(leave)
    data = {**hidden_fields(page.content.decode()), **_date("moved_out_on", TODAY())}
    assert client.post(leave, data).status_code == 302
    membership.refresh_from_db()
    assert membership.moved_out_on == TODAY()
    future = {**_date("moved_in_on", TODAY() + timedelta(days=3))}
    html = client.post(url, future).content.decode()
    assert "govuk-error-summary" in html


def test_pages_refuse_an_unrelated_organisation(client, fam, outsider):
    client.force_login(outsider)
    rel = Relationship.objects.get(person=fam.father, relative=fam.child)
    for url in (
        reverse("people:family-add", args=[fam.child.pk]),
        reverse("people:relationship-end", args=[rel.pk]),
        reverse("people:household", args=[fam.child.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404


def test_family_account_refused(client, fam, mother_user):
    client.force_login(mother_user)
    assert client.get(reverse("people:household", args=[fam.child.pk])).status_code == 404


# --- API ---------------------------------------------------------------------------------------


def test_api_family_relationship_household(client, fam, outsider):
    client.force_login(fam.lead)
    response = client.post(
        f"/api/v1/people/{fam.child.pk}/family",
        {
            "relationship": "parent_partner",
            "new_person": {"given_name": "Lee", "family_name": "Moss", "kind": "adult"},
            "lives_with_since": (TODAY() - timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    rel_id = response.json()["id"]
    homes = client.get(f"/api/v1/people/{fam.child.pk}/households").json()
    assert homes and homes[0]["others"][0]["name"] == "Lee Moss"
    ended = client.post(
        f"/api/v1/people/{fam.child.pk}/relationships/{rel_id}/end",
        {"ended_on": TODAY().isoformat()},
        content_type="application/json",
    )
    assert ended.json()["ended_on"] == TODAY().isoformat()
    bad = client.post(
        f"/api/v1/people/{fam.teen.pk}/households",
        {"moved_in_on": (TODAY() + timedelta(days=2)).isoformat()},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "moved_in_on"
    client.force_login(outsider)
    refused = client.get(f"/api/v1/people/{fam.child.pk}/households")
    assert refused.status_code == 404 and refused.json() == {"message": "Not found", "field": None}
