from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from joinedup.errors import ApplicationError
from joinedup.people import services
from joinedup.people.identifiers import is_valid_nhs_number, nhs_check_digit
from joinedup.people.models import Involvement, Person, SourceRecord
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "number, valid",
    [
        ("9434765919", True),
        ("943 476 5919", True),
        ("9434765918", False),
        ("123", False),
        ("94347659AB", False),
        ("", False),
    ],
)
def test_nhs_number_check_digit(number, valid):
    assert is_valid_nhs_number(number) is valid


def test_check_digit_of_ten_means_no_valid_number():
    # the ninth digit weighs 2: 6 x 2 = 12, remainder 1, check digit 10 -> no valid number
    assert nhs_check_digit("000000006") is None


def test_database_refuses_an_invalid_nhs_number_even_past_the_services():
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(
            reference="P-X", given_name="A", family_name="B", kind="child", nhs_number="9434765918"
        )


def test_database_refuses_non_digits_in_an_nhs_number():
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - vendor-specific error class
        Person.objects.create(
            reference="P-Y", given_name="A", family_name="B", kind="child", nhs_number="94347659A9"
        )
    assert not Person.objects.filter(reference="P-Y").exists()


def test_database_accepts_a_valid_or_empty_nhs_number():
    Person.objects.create(
        reference="P-1", given_name="A", family_name="B", kind="child", nhs_number="9434765919"
    )
    Person.objects.create(reference="P-2", given_name="A", family_name="B", kind="child")
    assert Person.objects.count() == 2


def test_agency_record_ids_are_unique_per_agency(school, other_org):
    SourceRecord.objects.create(organisation=school, agency_record_id="A1")
    SourceRecord.objects.create(organisation=other_org, agency_record_id="A1")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceRecord.objects.create(organisation=school, agency_record_id="A1")


def test_database_refuses_a_date_of_birth_in_the_future():
    future = timezone.localdate() + timedelta(days=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(
            reference="P-F", given_name="A", family_name="B", kind="child", date_of_birth=future
        )
    person = factories.person()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_person SET date_of_birth = %s WHERE id = %s", [future, person.pk]
        )
    person.refresh_from_db()
    assert person.date_of_birth == date(2015, 3, 27)


def test_service_names_the_field_for_a_future_date_of_birth():
    with pytest.raises(ApplicationError) as error:
        factories.person(dob=timezone.localdate() + timedelta(days=1))
    assert error.value.field == "date_of_birth"
    assert not Person.objects.exists()


def test_service_names_the_field_for_a_bad_nhs_number_and_writes_nothing():
    with pytest.raises(ApplicationError) as error:
        factories.person(nhs_number="1234567890")
    assert error.value.field == "nhs_number"
    assert not Person.objects.exists()


def test_service_names_the_field_for_a_bad_postcode():
    with pytest.raises(ApplicationError) as error:
        factories.person(postcode="NOT A POSTCODE")
    assert error.value.field == "postcode"


def test_involvement_cannot_end_before_it_starts(school):
    person = factories.person()
    with pytest.raises(IntegrityError), transaction.atomic():
        Involvement.objects.create(
            organisation=school,
            person=person,
            kind="universal",
            service="Pupil",
            started_on=date(2024, 9, 1),
            ended_on=date(2024, 8, 1),
        )


def test_involvement_end_is_refused_twice(school, teacher, child):
    involvement = child.involvements.get()
    services.involvement_end(actor=teacher, involvement=involvement, ended_on=timezone.localdate())
    with pytest.raises(ApplicationError) as error:
        services.involvement_end(
            actor=teacher, involvement=involvement, ended_on=timezone.localdate()
        )
    assert error.value.status == 409


def test_only_an_organisations_own_practitioners_record_its_involvement(school, outsider):
    person = factories.person()
    with pytest.raises(ApplicationError) as error:
        services.involvement_start(
            actor=outsider,
            organisation=school,
            person=person,
            kind="universal",
            service="Pupil",
            started_on=timezone.localdate(),
        )
    assert error.value.field == "organisation"
    assert not Involvement.objects.exists()


def test_every_date_trigger_survives_the_migrations():
    from joinedup.people.db_triggers import expected

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
    assert expected(connection.vendor) <= names


def test_database_refuses_an_involvement_starting_in_the_future(school):
    person = factories.person()
    with pytest.raises(IntegrityError), transaction.atomic():
        Involvement.objects.create(
            organisation=school,
            person=person,
            kind="universal",
            service="Pupil",
            started_on=timezone.localdate() + timedelta(days=10),
        )
