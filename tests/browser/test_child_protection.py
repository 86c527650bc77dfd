"""A school steps a family up; the social worker opens the child's child-protection record and
takes it through a strategy discussion and a section 47 enquiry to an initial conference and a
child protection plan. Every page passes axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from joinedup.demo import loader
from joinedup.episodes import services as episodes
from joinedup.episodes.models import LeadProposal
from joinedup.partnership.models import Organisation, Practitioner
from joinedup.people import services as people
from joinedup.protection.models import ProtectionCase
from tests.browser.conftest import assert_accessible, choose_person, screenshot
from tests.browser.test_find_a_child import sign_in
from tests.browser.test_request_for_support import sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_date(page, value) -> None:
    page.get_by_label("Day").first.fill(str(value.day))
    page.get_by_label("Month").first.fill(str(value.month))
    page.get_by_label("Year").first.fill(str(value.year))


def test_step_up_to_an_initial_conference_and_a_plan(page):
    loader.load(families=2, seed=2026)
    dsl = Practitioner.objects.get(email="amira.khan@oakfield.example")
    sw = Practitioner.objects.get(email="daniel.hughes@socialcare.example")
    today = timezone.localdate()
    child = people.person_create(
        actor=None,
        given_name="Sam",
        family_name="Reed",
        kind="child",
        sex="male",
        date_of_birth=today.replace(year=today.year - 8),
    )
    people.involvement_start(
        actor=None,
        organisation=Organisation.objects.get(code="oakfield-primary"),
        person=child,
        kind="universal",
        service="Pupil",
        started_on=today - timedelta(days=400),
    )
    episode = episodes.episode_open_practitioner_led(actor=dsl, persons=[child])

    sign_in(page, dsl.email)
    page.goto(f"/episodes/{episode.pk}/")
    page.get_by_role("link", name="Step up").click()
    choose_person(page, "Who will lead now", sw.get_full_name())
    page.get_by_label("Reason").fill("Sam told his teacher he was hit at home.")
    assert_accessible(page)
    page.get_by_role("button", name="Step up").click()
    sign_out(page)
    episodes.lead_proposal_accept(
        actor=sw, proposal=LeadProposal.objects.get(episode=episode, status="waiting")
    )

    sign_in(page, sw.email)
    page.goto(f"/episodes/{episode.pk}/")
    page.get_by_role("link", name="Child protection").click()
    page.get_by_role("heading", name="Open a child protection record").wait_for()
    page.get_by_label("Child", exact=True).select_option(str(child.pk))
    page.get_by_label("Lead Child Protection Practitioner").select_option(str(sw.pk))
    _fill_date(page, today - timedelta(days=14))
    page.get_by_label("Source of referral").select_option("2A")
    page.get_by_label("Primary need").select_option("N1")
    page.get_by_label("Child's ethnicity").select_option("WBRI")
    page.get_by_label("NONE: No disability").check()
    assert_accessible(page)
    page.get_by_role("button", name="Open the record").click()
    page.get_by_role("heading", name="Sam Reed").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Record a strategy discussion").click()
    strategy_on = today - timedelta(days=12)
    _fill_date(page, strategy_on)
    page.get_by_label("Start a section 47 enquiry").check()
    page.get_by_label("Reasons").fill("A disclosure of physical harm.")
    page.get_by_label("Who took part from social work").fill("Daniel Hughes")
    page.get_by_label("Who took part from police").fill("DC Laura Wright")
    page.get_by_label("Who took part from health").fill("Ruth Morris")
    assert_accessible(page)
    page.get_by_role("button", name="Record the discussion").click()
    page.get_by_text("Strategy discussion recorded.").wait_for()

    page.get_by_role("link", name="Start the section 47 enquiry").click()
    _fill_date(page, strategy_on)
    page.get_by_role("button", name="Record the start").click()
    page.get_by_role("link", name="Record the enquiry's outcome").click()
    page.get_by_label(re.compile("Concerns substantiated")).check()
    page.get_by_label("Reasons").fill("Injuries consistent with his account.")
    _fill_date(page, today - timedelta(days=2))
    page.get_by_role("button", name="Record the outcome").click()

    page.get_by_role("link", name="Record the initial child protection conference").click()
    # First without a category: the error summary names the field.
    _fill_date(page, today - timedelta(days=1))
    page.get_by_label("The child needs a child protection plan").check()
    page.get_by_label("Who took part from social work").fill("Daniel Hughes")
    page.get_by_label("The child's views").fill("Sam wants to stay with his mum.")
    page.get_by_role("button", name="Record the conference").click()
    page.get_by_role("alert").get_by_text("needs a category of abuse").wait_for()
    assert_accessible(page)
    page.get_by_label("Category of abuse").select_option("PHY")
    page.get_by_role("button", name="Record the conference").click()
    page.get_by_text("Conference recorded.").wait_for()
    page.get_by_role("heading", name="Child protection plan").wait_for()
    assert_accessible(page)
    screenshot(page, "child-protection-plan")
    case = ProtectionCase.objects.get(child=child)
    assert case.status == "plan" and case.plan.category == "PHY"


def test_a_single_assessment_with_its_factors_and_a_child_in_need_plan(page):
    """Maya's social worker starts a new single assessment and records its authorisation with
    the factors identified; a date before the start, and a child in need plan beside her child
    protection plan, are refused in the error summary. Every page passes axe-core."""
    loader.load(families=2, seed=2026)
    sw = Practitioner.objects.get(email="daniel.hughes@socialcare.example")
    case = ProtectionCase.objects.get(child__reference="FAM-HALE-1")
    today = timezone.localdate()

    sign_in(page, sw.email)
    page.goto(f"/child-protection/{case.pk}/")
    page.get_by_role("heading", name="Assessments and child in need plans").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Start a single assessment").click()
    page.get_by_role("heading", name="Start a single assessment").wait_for()
    _fill_date(page, today - timedelta(days=3))
    page.get_by_label("Social worker carrying out the assessment").select_option(str(sw.pk))
    page.get_by_label("What the assessment is looking at").fill("How Maya is since the review.")
    assert_accessible(page)
    page.get_by_role("button", name="Record the start").click()
    page.get_by_text("Assessment started.").wait_for()

    page.get_by_role("link", name="Record the assessment's authorisation").click()
    _fill_date(page, today - timedelta(days=5))
    page.get_by_label("4B: Mental health: concerns about a parent or carer").check()
    page.get_by_role("button", name="Record the authorisation").click()
    page.get_by_role("alert").get_by_text("cannot be authorised before it started").wait_for()
    assert_accessible(page)
    _fill_date(page, today)
    page.get_by_label("4B: Mental health: concerns about a parent or carer").check()
    page.get_by_label("17A: Emotional abuse").check()
    page.get_by_role("button", name="Record the authorisation").click()
    page.get_by_text("Assessment authorised.").wait_for()
    page.get_by_text("17A: Emotional abuse").wait_for()
    assert_accessible(page)

    page.goto(f"/child-protection/{case.pk}/cin-plans/new/")
    _fill_date(page, today)
    assert_accessible(page)
    page.get_by_role("button", name="Record the plan").click()
    page.get_by_role("alert").get_by_text("beside the child protection plan").wait_for()
    assert_accessible(page)
    screenshot(page, "child-in-need-plan-refused")
    assessment = case.assessments.order_by("pk").last()
    assert assessment.factors == ["4B", "17A"] and not case.cin_plans.filter(ended_on=None)
