"""The Children in Need census return: built from joinedup's records, checked by the DfE rules."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from joinedup.audit.models import AccessEvent
from joinedup.errors import ApplicationError, NotFound
from joinedup.protection import census, selectors
from joinedup.protection.models import ProtectionCase
from tests.protection.conftest import ATTENDEES, through_icpc


def _validator_missing() -> bool:
    return not census.validator_python().exists()


needs_validator = pytest.mark.skipif(
    _validator_missing() and os.environ.get("CI") != "true",
    reason="the DfE census validator's environment is not installed (make install makes it)",
)


def test_a_year_not_yet_ended_is_refused():
    with pytest.raises(ApplicationError) as error:
        census.reporting_year(2027, today=date(2026, 12, 3))
    assert error.value.field == "year"
    with pytest.raises(ApplicationError) as error:
        census.reporting_year("twenty", today=date(2026, 12, 3))
    assert error.value.field == "year"
    year = census.reporting_year(2026, today=date(2026, 12, 3))
    assert (year.start, year.end, year.ruleset) == (
        date(2025, 4, 1),
        date(2026, 3, 31),
        "cin2025_26",
    )


def test_the_xml_carries_the_path(case, social_worker):
    through_icpc(social_worker, case)
    from joinedup.protection import services

    services.conference_record(
        actor=social_worker,
        case=case,
        kind="review",
        held_on=date(2026, 2, 19),
        attendees=ATTENDEES,
        decision="continue",
        category="NEG",
    )
    xml, _ = census.build_xml(census.ReportingYear(2026), "999")
    root = ET.fromstring(xml)  # noqa: S314 (our own output)
    child = root.find("Children/Child")
    assert child.findtext("ChildIdentifiers/LAchildID") == case.child.reference.replace("-", "")
    assert child.findtext("ChildCharacteristics/Ethnicity") == "WBRI"
    details = child.find("CINdetails")
    assert details.findtext("ReferralSource") == "2A"
    assert details.findtext("Section47/DateOfInitialCPC") == "2025-11-21"
    assert details.findtext("Section47/InitialCPCtarget") == "2025-11-26"
    plan = details.find("ChildProtectionPlans")
    assert plan.findtext("InitialCategoryOfAbuse") == "PHY"
    assert plan.findtext("LatestCategoryOfAbuse") == "NEG"
    assert plan.findtext("Reviews/CPPreviewDate") == "2026-02-19"
    with pytest.raises(ApplicationError) as error:
        census.build_xml(census.ReportingYear(2026), "12")
    assert error.value.field == "la_code"


@needs_validator
def test_the_return_validates_and_a_seeded_fault_is_named_by_child_and_field(
    case, social_worker, manager
):
    through_icpc(social_worker, case)
    checked = selectors.census_check(user=manager, year=2026, la_code="999")
    assert checked.children == 1
    assert checked.valid, checked.errors
    assert AccessEvent.objects.filter(object_type="protection.census", action="export").exists()
    # Seed a fault: the ethnicity was never recorded.
    ProtectionCase.objects.filter(pk=case.pk).update(ethnicity="")
    checked = selectors.census_check(user=manager, year=2026, la_code="999")
    assert not checked.valid
    failure = next(f for f in checked.errors if f.rule == "4220")
    assert (failure.child, failure.field) == (case.child.reference.replace("-", ""), "Ethnicity")


def test_only_census_makers_check_the_return(teacher, outsider):
    for user in (teacher, outsider):
        with pytest.raises(NotFound):
            selectors.census_check(user=user, year=2026, la_code="999")
