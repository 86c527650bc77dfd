"""Consent records: given, withdrawn as a new record, never edited; exchanged as ISO 27560."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.audit.models import AccessEvent
from joinedup.errors import ApplicationError
from joinedup.sharing import policy, services
from joinedup.sharing.consent_export import consent_as_iso27560
from joinedup.sharing.models import ConsentRecord, ConsentRecordImmutable
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def give(actor, person, **extra):
    args = {
        "given_by": "parental_responsibility",
        "given_by_name": "Sam Jones",
        "given_by_relationship": "Mother",
        "organisations": [],
        "sectors": ["health"],
        "purposes": ["assessment", "planning"],
        "method": "written",
        "evidence": "Signed form kept at school",
        "given_on": TODAY() - timedelta(days=10),
    }
    return services.consent_give(actor=actor, person=person, **(args | extra))


def withdraw(actor, record, **extra):
    args = {"withdrawn_by": "young_person", "withdrawn_on": TODAY()}
    return services.consent_withdraw(actor=actor, record=record, **(args | extra))


def test_consent_covers_the_organisations_sectors_and_purposes_given(teacher, child, school):
    clinic = factories.organisation("Clinic", sector="health")
    record = give(teacher, child, organisations=[school])
    assert policy.consent_covers(child, clinic, "assessment") == record
    assert policy.consent_covers(child, school, "planning") == record
    assert policy.consent_covers(child, clinic, "referral") is None
    assert (
        policy.consent_covers(
            child, factories.organisation("Police", sector="police"), "assessment"
        )
        is None
    )
    event = AccessEvent.objects.get(object_type="sharing.consentrecord")
    assert event.action == "create" and event.person_ids == [child.pk]


def test_consent_is_not_covered_before_it_was_given_or_after_it_expires(teacher, child):
    clinic = factories.organisation("Clinic", sector="health")
    give(teacher, child, expires_on=TODAY() + timedelta(days=5))
    assert (
        policy.consent_covers(child, clinic, "assessment", on=TODAY() - timedelta(days=11)) is None
    )
    assert policy.consent_covers(child, clinic, "assessment", on=TODAY() + timedelta(days=5))
    assert (
        policy.consent_covers(child, clinic, "assessment", on=TODAY() + timedelta(days=6)) is None
    )


def test_withdrawal_is_a_new_record_and_effective_at_once(teacher, child):
    clinic = factories.organisation("Clinic", sector="health")
    record = give(teacher, child)
    withdrawal = withdraw(teacher, record)
    assert withdrawal.withdraws == record and withdrawal.event == "withdrawn"
    assert withdrawal.given_by_name == "Maya Jones"  # the young person withdrew it
    assert policy.consent_covers(child, clinic, "assessment") is None
    # Before the withdrawal it did cover sharing (history is kept).
    assert policy.consent_covers(child, clinic, "assessment", on=TODAY() - timedelta(days=1))
    with pytest.raises(ApplicationError) as error:
        withdraw(teacher, record)
    assert error.value.status == 409


def test_a_consent_record_is_never_edited(teacher, child):
    record = give(teacher, child)
    record.evidence = "changed"
    with pytest.raises(ConsentRecordImmutable):
        record.save()
    with pytest.raises(ConsentRecordImmutable):
        ConsentRecord.objects.filter(pk=record.pk).update(evidence="changed")
    with pytest.raises(ConsentRecordImmutable):
        ConsentRecord.objects.all().delete()
    with pytest.raises(ConsentRecordImmutable):
        record.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
def test_on_postgresql_the_database_refuses_to_change_a_consent_record(teacher, child):
    from django.db import DatabaseError, transaction

    record = give(teacher, child)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE sharing_consentrecord SET evidence = 'x' WHERE id = %s", [record.pk])


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"given_by": ""}, "given_by"),
        ({"given_by_name": "  "}, "given_by_name"),
        ({"purposes": []}, "purposes"),
        ({"sectors": [], "organisations": []}, "organisations"),
        ({"method": ""}, "method"),
        ({"given_on": None}, "given_on"),
        ({"given_on": TODAY() + timedelta(days=1)}, "given_on"),
        ({"expires_on": TODAY() - timedelta(days=20)}, "expires_on"),
    ],
)
def test_bad_consent_names_the_field_and_writes_nothing(teacher, child, extra, field):
    with pytest.raises(ApplicationError) as error:
        give(teacher, child, **extra)
    assert error.value.field == field
    assert not ConsentRecord.objects.exists()
    assert not AccessEvent.objects.filter(object_type="sharing.consentrecord").exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"withdrawn_on": TODAY() - timedelta(days=11)}, "withdrawn_on"),
        ({"withdrawn_on": TODAY() + timedelta(days=1)}, "withdrawn_on"),
        ({"withdrawn_by": "parental_responsibility", "withdrawn_by_name": ""}, "withdrawn_by_name"),
    ],
)
def test_bad_withdrawal_names_the_field_and_writes_nothing(teacher, child, extra, field):
    record = give(teacher, child)
    with pytest.raises(ApplicationError) as error:
        withdraw(teacher, record, **extra)
    assert error.value.field == field
    assert ConsentRecord.objects.count() == 1


def test_iso27560_export_uses_dpv_terms(teacher, child, school):
    record = give(teacher, child, organisations=[school])
    doc = consent_as_iso27560(record)
    assert doc["@context"]["dpv"] == "https://w3id.org/dpv#"
    assert doc["record_id"] == str(record.record_id) and doc["pii_principal_id"] == child.reference
    assert doc["state"] == "dpv:ConsentGiven" and doc["legal_basis"] == "dpv:Consent"
    assert doc["event"]["indicated_by"]["@type"] == "dpv:ParentOfDataSubject"
    assert {p["@type"] for p in doc["purposes"]} == {"dpv:ServiceProvision"}
    recipients = doc["purposes"][0]["recipients"]
    assert {r["@type"] for r in recipients} == {"dpv:Recipient"}
    assert school.name in {r["name"] for r in recipients}
    withdrawal = withdraw(teacher, record)
    record.refresh_from_db()
    assert consent_as_iso27560(record)["state"] == "dpv:ConsentWithdrawn"
    assert consent_as_iso27560(withdrawal)["withdraws"] == str(record.record_id)


@settings(max_examples=15, deadline=None)
@given(
    steps=st.lists(st.sampled_from(["give", "withdraw"]), min_size=1, max_size=6),
    purpose=st.sampled_from(["assessment", "planning", "referral"]),
)
def test_withdrawing_consent_never_widens_access(steps, purpose):
    school = factories.organisation()
    clinic = factories.organisation(sector="health")
    outsider = factories.practitioner(factories.organisation(sector="housing"))
    actor = factories.practitioner(school)
    child = factories.person()
    factories.involvement(school, child)
    for step in steps:
        visible_before = set(policy.persons_visible_to(outsider).values_list("pk", flat=True))
        covered_before = policy.consent_covers(child, clinic, purpose) is not None
        if step == "give":
            give(actor, child, purposes=[purpose])
            continue
        current = [
            r
            for r in ConsentRecord.objects.filter(person=child, event="given")
            if not hasattr(r, "withdrawal")
        ]
        for record in current:
            withdraw(actor, record)
        visible_after = set(policy.persons_visible_to(outsider).values_list("pk", flat=True))
        assert visible_after <= visible_before
        assert not policy.person_decision(outsider, child).allowed
        assert policy.consent_covers(child, clinic, purpose) is None
        assert covered_before or not current


def test_the_consent_pages_record_and_withdraw(client, teacher, child, school):
    client.force_login(teacher)
    url = reverse("sharing:consent", args=[child.pk])
    assert "No consent to share information" in client.get(url).content.decode()
    new = reverse("sharing:consent-new", args=[child.pk])
    bad = client.post(new, {"given_by": "parental_responsibility", "method": "written"})
    html = bad.content.decode()
    assert 'href="#id_given_by_name"' in html and "There is a problem" in html
    assert not ConsentRecord.objects.exists()
    today = TODAY()
    response = client.post(
        new,
        {
            "given_by": "young_person",
            "organisations": [school.pk],
            "purposes": ["assessment"],
            "method": "verbal",
            "given_on_0": today.day,
            "given_on_1": today.month,
            "given_on_2": today.year,
        },
    )
    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    page = client.get(url).content.decode()
    assert "Oakfield Primary School" in page and "Given" in page
    withdraw_url = reverse("sharing:consent-withdraw", args=[child.pk])
    response = client.post(
        withdraw_url,
        {
            "record": record.pk,
            "withdrawn_by": "young_person",
            "method": "verbal",
            "withdrawn_on_0": today.day,
            "withdrawn_on_1": today.month,
            "withdrawn_on_2": today.year,
        },
    )
    assert response.status_code == 302
    assert "Withdrawn" in client.get(url).content.decode()
    data = client.get(reverse("sharing:consent-json", args=[child.pk])).json()
    assert [r["state"] for r in data["records"]] == ["dpv:ConsentWithdrawn"] * 2
    assert AccessEvent.objects.filter(action="export", actor=teacher).exists()


def test_the_consent_pages_refuse_another_organisation_like_a_missing_person(
    client, outsider, child
):
    client.force_login(outsider)
    for name in (
        "sharing:consent",
        "sharing:consent-new",
        "sharing:consent-withdraw",
        "sharing:consent-json",
    ):
        real = client.get(reverse(name, args=[child.pk]))
        missing = client.get(reverse(name, args=[10**9]))
        assert real.status_code == missing.status_code == 404
    assert AccessEvent.objects.filter(actor=outsider, action="refused").count() == 8


def test_an_adult_consents_for_themselves(client, teacher, school):
    from tests import factories

    parent = factories.person("Sam", "Jones", kind="adult")
    factories.involvement(school, parent)
    for wrong in ("young_person", "parental_responsibility"):
        with pytest.raises(ApplicationError) as error:
            give(teacher, parent, given_by=wrong)
        assert error.value.field == "given_by" and "themselves" in error.value.message
    client.force_login(teacher)
    new = reverse("sharing:consent-new", args=[parent.pk])
    page = client.get(new).content.decode()
    assert "The person themselves" in page and "parental responsibility" not in page
    today = TODAY()
    response = client.post(
        new,
        {
            "given_by": "self",
            "organisations": [school.pk],
            "purposes": ["planning"],
            "method": "verbal",
            "given_on_0": today.day,
            "given_on_1": today.month,
            "given_on_2": today.year,
        },
    )
    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert record.given_by == "self" and record.given_by_name == "Sam Jones"


def test_a_child_does_not_consent_as_an_adult(teacher, child):
    with pytest.raises(ApplicationError) as error:
        give(teacher, child, given_by="self")
    assert error.value.field == "given_by"
    assert not ConsentRecord.objects.exists()
