from __future__ import annotations

import pytest

from joinedup.audit import services as audit
from joinedup.demo import loader
from joinedup.partnership.models import Organisation, Practitioner, Sector
from joinedup.people.models import Involvement, Person, SourceRecord

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(
        Person.objects.values_list("reference", "given_name", "family_name", "date_of_birth")
    ), sorted(SourceRecord.objects.values_list("agency_record_id", "given_name", "date_of_birth"))


def test_the_demo_is_a_whole_partnership():
    result = loader.load(families=12, seed=7)
    assert result.organisations == Organisation.objects.count() >= 15
    assert Practitioner.objects.count() >= 40
    assert set(Organisation.objects.values_list("sector", flat=True)) >= {
        Sector.STATUTORY,
        Sector.HEALTH,
        Sector.EDUCATION,
        Sector.POLICE,
        Sector.JUSTICE,
        Sector.HOUSING,
        Sector.VOLUNTARY,
        Sector.COMMUNITY,
    }
    assert (
        Person.objects.filter(kind="child").exists()
        and Person.objects.filter(kind="adult").exists()
    )
    assert Involvement.objects.count() > Person.objects.count()
    assert audit.verify().ok


def test_the_demo_is_deterministic_and_idempotent():
    loader.load(families=10, seed=3)
    first = snapshot()
    again = loader.load(families=10, seed=3)
    assert again.families_added == 0 and snapshot() == first


def test_agency_records_carry_real_world_inconsistencies():
    loader.load(families=60, seed=2026)
    differs = 0
    for record in SourceRecord.objects.select_related("person"):
        p = record.person
        if (record.given_name, record.family_name, record.date_of_birth) != (
            p.given_name,
            p.family_name,
            p.date_of_birth,
        ):
            differs += 1
    assert differs > 0
    assert SourceRecord.objects.filter(nhs_number="").exists()
