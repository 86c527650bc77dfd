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


def _child_in_need(actor, case):
    """An assessment authorised with its factors, then a child in need plan until the initial
    conference's child protection plan took over."""
    from joinedup.protection import services

    assessment = services.assessment_start(
        actor=actor, case=case, started_on=date(2025, 11, 4), social_worker=actor
    )
    services.assessment_authorise(
        actor=actor, assessment=assessment, authorised_on=date(2025, 11, 14), factors=["4B", "16A"]
    )
    services.cin_plan_start(actor=actor, case=case, started_on=date(2025, 11, 17))
    through_icpc(actor, case)
    return assessment


def test_the_xml_carries_assessments_and_child_in_need_plan_dates(case, social_worker):
    _child_in_need(social_worker, case)
    xml, _ = census.build_xml(census.ReportingYear(2026), "999")
    details = ET.fromstring(xml).find("Children/Child/CINdetails")  # noqa: S314 (our own output)
    # In the order of the census's schema.
    tags = [e.tag for e in details]
    assert tags.index("ReferralNFA") < tags.index("Assessments") < tags.index("CINPlanDates")
    assert tags.index("CINPlanDates") < tags.index("Section47")
    assessment = details.find("Assessments")
    assert assessment.findtext("AssessmentActualStartDate") == "2025-11-04"
    assert assessment.findtext("AssessmentAuthorisationDate") == "2025-11-14"
    factors = assessment.findall("FactorsIdentifiedAtAssessment/AssessmentFactors")
    assert [f.text for f in factors] == ["4B", "16A"]
    assert details.findtext("CINPlanDates/CINPlanStartDate") == "2025-11-17"
    assert details.findtext("CINPlanDates/CINPlanEndDate") == "2025-11-21"
    # The year before knows nothing of them; in the year after, an assessment still under way
    # at the end of the year would be returned without its authorisation and factors.
    earlier = ET.fromstring(census.build_xml(census.ReportingYear(2025), "999")[0])  # noqa: S314
    assert earlier.find("Children/Child") is None


def test_an_assessment_authorised_after_the_year_is_returned_as_under_way(case, social_worker):
    from joinedup.protection.models import SingleAssessment

    assessment = _child_in_need(social_worker, case)
    SingleAssessment.objects.filter(pk=assessment.pk).update(authorised_on=date(2026, 4, 2))
    xml, _ = census.build_xml(census.ReportingYear(2026), "999")
    element = ET.fromstring(xml).find("Children/Child/CINdetails/Assessments")  # noqa: S314
    assert element.findtext("AssessmentActualStartDate") == "2025-11-04"
    assert element.find("AssessmentAuthorisationDate") is None
    assert element.find("FactorsIdentifiedAtAssessment") is None


def _by_rule(checked, rule: str) -> list:
    return [f for f in checked.failures if f.rule == rule]


@needs_validator
def test_seeded_faults_in_assessments_and_plans_are_named_by_child_and_rule(
    case, social_worker, manager
):
    from joinedup.protection.models import ChildInNeedPlan, SingleAssessment

    assessment = _child_in_need(social_worker, case)
    child = case.child.reference.replace("-", "")
    checked = selectors.census_check(user=manager, year=2026, la_code="999")
    assert checked.valid, checked.errors
    assert not _by_rule(checked, "8897Q") and not _by_rule(checked, "2991Q")
    # A completed assessment with no factor: the DfE rules query it, for this child.
    SingleAssessment.objects.filter(pk=assessment.pk).update(factors=[])
    checked = selectors.census_check(user=manager, year=2026, la_code="999")
    assert {f.child for f in _by_rule(checked, "8897Q")} == {child}
    # An assessment starting before the referral: an error, for this child.
    SingleAssessment.objects.filter(pk=assessment.pk).update(
        factors=["4B"], started_on=date(2025, 11, 1)
    )
    checked = selectors.census_check(user=manager, year=2026, la_code="999")
    assert not checked.valid
    assert {f.child for f in _by_rule(checked, "1103")} == {child}
    # A child in need plan running on into the child protection plan: an error, for this child.
    SingleAssessment.objects.filter(pk=assessment.pk).update(started_on=date(2025, 11, 4))
    ChildInNeedPlan.objects.update(ended_on=date(2025, 12, 1))
    checked = selectors.census_check(user=manager, year=2026, la_code="999")
    assert not checked.valid
    assert {f.child for f in _by_rule(checked, "4017")} == {child}


@needs_validator
def test_every_factor_offered_is_one_the_dfe_rules_accept(case, social_worker, manager):
    """Never a guessed code: an assessment naming every factor offered (but 'no factors
    identified', which stands alone) raises none of the DfE's factor rules."""
    from joinedup.protection import codes, services

    assessment = services.assessment_start(
        actor=social_worker, case=case, started_on=date(2025, 11, 4), social_worker=social_worker
    )
    services.assessment_authorise(
        actor=social_worker,
        assessment=assessment,
        authorised_on=date(2025, 11, 14),
        factors=[c for c in codes.ASSESSMENT_FACTORS if c != codes.NO_FACTORS],
    )
    checked = selectors.census_check(user=manager, year=2026, la_code="999")
    flagged = {f.rule for f in checked.failures} & {"8897Q", "8945Q", "8950Q", "8898", "8869"}
    assert flagged == set(), checked.failures
