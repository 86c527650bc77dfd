"""The demo's child-protection story: a family stepped up through strategy discussion, s47, ICPC
and a plan with a review; an FGDM offer accepted and held; a not-to-disclose decision; a census
return that passes the DfE rules."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.demo import loader
from joinedup.demo.protection import DEMO_LA_CODE, load_protection
from joinedup.partnership.models import Practitioner
from joinedup.protection import selectors
from joinedup.protection.models import CaseStatus, ChildProtectionTeam, ProtectionCase
from joinedup.sharing.models import SharingDecision
from tests.protection.test_census import needs_validator

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    loader.load(families=2, seed=2026)


def test_the_demo_story(demo):
    case = ProtectionCase.objects.get(child__reference="FAM-HALE-1")
    assert case.status == CaseStatus.PLAN
    assert [c.kind for c in case.conferences.all()] == ["initial", "review"]
    assert case.plan.category == "PHY" and case.plan.core_groups.exists()
    assert case.fgdm_meetings.exists()
    assessment = case.assessments.get()
    assert assessment.factors == ["4B", "16A"] and not assessment.is_under_way
    # The child protection plan took over from the child in need plan.
    assert [(p.started_on, p.ended_on) for p in case.cin_plans.all()] == [
        (date(2025, 10, 13), case.plan.started_on)
    ]
    assert {r.answer for o in case.fgdm_offers.all() for r in o.responses.all()} == {"accepted"}
    sw = Practitioner.objects.get(email="daniel.hughes@socialcare.example")
    view = selectors.case_get(user=sw, case_id=case.pk)
    assert view.warnings == [] and len(view.actions) == 4
    assert all(not t.late for t in view.timescales if t.met_on)
    assert (
        SharingDecision.objects.exclude(more_detrimental_reasons="")
        .filter(person=case.child)
        .exists()
    )
    manager = Practitioner.objects.get(email="ravi.patel@earlyhelp.example")
    teams = {t.team.name: t.missing for t in selectors.cp_teams_for_user(user=manager)}
    assert teams["Demo Shire North MACPT"] == []
    assert teams["Demo Shire South MACPT"] == [
        "a person from education",
        "a police constable or police employee",
    ]
    # Loading again adds nothing.
    assert load_protection() == 0
    assert ProtectionCase.objects.count() == 1 and ChildProtectionTeam.objects.count() == 2


@needs_validator
def test_the_demo_census_return_passes_the_dfe_rules(demo):
    manager = Practitioner.objects.get(email="ravi.patel@earlyhelp.example")
    checked = selectors.census_check(user=manager, year=2026, la_code=DEMO_LA_CODE)
    assert checked.children == 1
    assert checked.valid, checked.errors
    # No query about Maya either: her assessment (2991Q) and her UPN (8770Q) are there. The one
    # query left is about the return as a whole (2887Q: fewer than 8 disability codes in it),
    # which a return of one child cannot answer.
    assert [f for f in checked.queries if f.child] == []
    assert {f.rule for f in checked.queries} <= {"2887Q"}
    xml = checked.xml.decode()
    assert "<AssessmentFactors>16A</AssessmentFactors>" in xml and "<CINPlanDates>" in xml
