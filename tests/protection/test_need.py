"""The child in need part of the statutory record: the single assessment with the factors
identified at its end, and child in need plans. Bad input is refused naming the field with
nothing written; the pages and endpoints answer only the record's team; every write is audited."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from joinedup.audit.models import AccessEvent
from joinedup.errors import ApplicationError, NotFound
from joinedup.protection import codes, services
from joinedup.protection.models import CaseStatus, ChildInNeedPlan, SingleAssessment
from tests.protection.conftest import ATTENDEES, through_icpc
from tests.protection.test_views import client_for, day, submit

API = "/api/v1"


def _assessment(actor, case, *, started_on=date(2025, 11, 4), authorised_on=None, factors=()):
    made = services.assessment_start(
        actor=actor, case=case, started_on=started_on, social_worker=actor
    )
    if authorised_on is not None:
        made = services.assessment_authorise(
            actor=actor, assessment=made, authorised_on=authorised_on, factors=factors
        )
    return made


def _refused(call, field: str) -> ApplicationError:
    with pytest.raises(ApplicationError) as error:
        call()
    assert error.value.field == field, (error.value.field, error.value.message)
    return error.value


# --- Services ---------------------------------------------------------------------------------


def test_an_assessment_is_started_and_authorised_with_its_factors(case, social_worker):
    made = _assessment(social_worker, case)
    assert made.is_under_way and made.social_worker == social_worker
    done = services.assessment_authorise(
        actor=social_worker,
        assessment=made,
        authorised_on=date(2025, 11, 20),
        factors=["16a", "4B", "4B"],
    )
    # Upper-cased, once each, in the census list's order.
    assert done.factors == ["4B", "16A"] and done.authorised_by == social_worker
    events = AccessEvent.objects.filter(object_type="protection.singleassessment")
    assert {e.action for e in events} == {"create", "update"}
    assert all(e.persons.filter(person_id=case.child_id).exists() for e in events)


def test_bad_assessments_are_refused_naming_the_field(case, social_worker, teacher):
    _refused(
        lambda: services.assessment_start(
            actor=social_worker,
            case=case,
            started_on=date(2025, 11, 2),
            social_worker=social_worker,
        ),
        "started_on",
    )  # before the referral
    _refused(
        lambda: services.assessment_start(
            actor=social_worker, case=case, started_on=date(2025, 11, 4), social_worker=teacher
        ),
        "social_worker",
    )
    made = _assessment(social_worker, case, started_on=date(2025, 11, 10))
    _refused(lambda: _assessment(social_worker, case), "started_on")  # one under way already
    authorise = lambda **kw: services.assessment_authorise(  # noqa: E731
        actor=social_worker, assessment=made, **kw
    )
    error = _refused(
        lambda: authorise(authorised_on=date(2025, 11, 9), factors=["4B"]), "authorised_on"
    )
    assert "before it started (10 November 2025)" in error.message
    error = _refused(
        lambda: authorise(authorised_on=date(2025, 11, 20), factors=["18A"]), "factors"
    )
    assert "'18A' is not a factor in the census list" in error.message
    _refused(lambda: authorise(authorised_on=date(2025, 11, 20), factors=["99Z"]), "factors")
    _refused(lambda: authorise(authorised_on=date(2025, 11, 20), factors=[]), "factors")
    _refused(lambda: authorise(authorised_on=date(2025, 11, 20), factors=["21", "4B"]), "factors")
    made.refresh_from_db()
    assert made.is_under_way and made.factors == []
    assert not AccessEvent.objects.filter(
        object_type="protection.singleassessment", action="update"
    ).exists()


def test_child_in_need_plans_keep_to_the_census_rules(case, social_worker):
    error = _refused(
        lambda: services.cin_plan_start(
            actor=social_worker,
            case=case,
            started_on=date(2025, 11, 10),
            ended_on=date(2025, 11, 9),
        ),
        "ended_on",
    )
    assert "cannot end before it starts" in error.message
    _refused(
        lambda: services.cin_plan_start(
            actor=social_worker, case=case, started_on=date(2025, 11, 1)
        ),
        "started_on",
    )  # before the referral
    assert not ChildInNeedPlan.objects.exists()
    cin_plan = services.cin_plan_start(actor=social_worker, case=case, started_on=date(2025, 11, 4))
    _refused(
        lambda: services.cin_plan_start(
            actor=social_worker, case=case, started_on=date(2025, 11, 6)
        ),
        "started_on",
    )  # one in force already
    _refused(
        lambda: services.cin_plan_end(actor=social_worker, case=case, ended_on=date(2025, 11, 3)),
        "ended_on",
    )
    # The child protection plan takes over the day it starts, and nothing runs beside it.
    through_icpc(social_worker, case)
    cin_plan.refresh_from_db()
    assert cin_plan.ended_on == date(2025, 11, 21)
    assert AccessEvent.objects.filter(
        object_type="protection.childinneedplan", action="update"
    ).exists()
    error = _refused(
        lambda: services.cin_plan_start(
            actor=social_worker, case=case, started_on=date(2025, 12, 1)
        ),
        "started_on",
    )
    assert "beside the child protection plan" in error.message


def test_a_plan_recorded_into_a_later_conference_is_named(case, social_worker):
    services.cin_plan_start(
        actor=social_worker, case=case, started_on=date(2025, 11, 4), ended_on=date(2025, 12, 1)
    )
    with pytest.raises(ApplicationError) as error:
        through_icpc(social_worker, case)
    assert error.value.field == "held_on" and "runs past this date" in error.value.message
    assert not hasattr(type(case).objects.get(pk=case.pk), "plan")


def test_after_the_plan_ends_a_child_in_need_plan_follows_and_closing_ends_it(
    case, social_worker, teacher
):
    through_icpc(social_worker, case)
    services.conference_record(
        actor=social_worker,
        case=case,
        kind="review",
        held_on=date(2026, 2, 19),
        attendees=ATTENDEES,
        decision="end",
        category="PHY",
    )
    cin_plan = services.cin_plan_start(actor=social_worker, case=case, started_on=date(2026, 2, 19))
    _assessment(social_worker, case, started_on=date(2026, 2, 20))
    step_down = lambda: services.case_step_down(  # noqa: E731
        actor=social_worker,
        case=case,
        to=teacher,
        reason="Plan ended.",
        closed_on=date(2026, 3, 20),
        closure_reason="RC7",
    )
    _refused(step_down, "closed_on")  # an assessment is under way
    services.assessment_authorise(
        actor=social_worker,
        assessment=SingleAssessment.objects.get(authorised_on__isnull=True),
        authorised_on=date(2026, 3, 6),
        factors=["21"],
    )
    step_down()
    cin_plan.refresh_from_db()
    assert cin_plan.ended_on == date(2026, 3, 20)
    case.refresh_from_db()
    assert case.status == CaseStatus.STEPPED_DOWN
    _refused(lambda: _assessment(social_worker, case, started_on=date(2026, 3, 21)), None)


def test_only_the_records_team_writes(case, social_worker, outsider):
    with pytest.raises(NotFound):
        services.assessment_start(
            actor=outsider, case=case, started_on=date(2025, 11, 4), social_worker=social_worker
        )
    with pytest.raises(NotFound):
        services.cin_plan_start(actor=outsider, case=case, started_on=date(2025, 11, 4))
    assert not SingleAssessment.objects.exists() and not ChildInNeedPlan.objects.exists()


# --- Pages --------------------------------------------------------------------------------------


def test_the_need_pages(case, social_worker):
    """Every new form submitted with valid data, its result checked and audited; bad input
    shown in the error summary naming the field, with nothing written."""
    client = client_for(social_worker)
    url = lambda name, *args: reverse(f"protection:{name}", args=[case.pk, *args])  # noqa: E731
    page = client.get(url("case")).content.decode()
    assert url("assessment-start") in page and url("cin-plan-start") in page
    response = submit(
        client,
        url("assessment-start"),
        {
            **day("started_on", date(2025, 11, 4)),
            "social_worker": social_worker.pk,
            "summary": "Care at home.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assessment = SingleAssessment.objects.get()
    target = url("assessment-authorise", assessment.pk)
    assert target in client.get(url("case")).content.decode()
    bad = submit(client, target, {**day("authorised_on", date(2025, 11, 3)), "factors": ["4B"]})
    html = bad.content.decode()
    assert bad.status_code == 200 and "govuk-error-summary" in html
    assert 'href="#id_authorised_on_0"' in html and "before it started" in html
    bad = submit(client, target, {**day("authorised_on", date(2025, 11, 20)), "factors": ["99Z"]})
    html = bad.content.decode()
    assert 'href="#id_factors' in html and "Choose factors from the census list" in html
    assessment.refresh_from_db()
    assert assessment.is_under_way
    response = submit(
        client, target, {**day("authorised_on", date(2025, 11, 20)), "factors": ["4B", "16A"]}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.factors == ["4B", "16A"]
    assert "16A: Neglect" in client.get(url("case")).content.decode()

    bad = submit(
        client,
        url("cin-plan-start"),
        {**day("started_on", date(2025, 11, 21)), **day("ended_on", date(2025, 11, 20))},
    )
    html = bad.content.decode()
    assert 'href="#id_ended_on_0"' in html and "cannot end before it starts" in html
    assert not ChildInNeedPlan.objects.exists()
    response = submit(client, url("cin-plan-start"), day("started_on", date(2025, 11, 21)))
    assert response.status_code == 302
    bad = submit(client, url("cin-plan-end"), day("ended_on", date(2025, 11, 20)))
    assert 'href="#id_ended_on_0"' in bad.content.decode()
    response = submit(client, url("cin-plan-end"), day("ended_on", date(2025, 12, 5)))
    assert response.status_code == 302
    assert ChildInNeedPlan.objects.get().ended_on == date(2025, 12, 5)
    written = AccessEvent.objects.filter(
        object_type__in=["protection.singleassessment", "protection.childinneedplan"],
        actor=social_worker,
    ).values_list("object_type", "action")
    assert set(written) == {
        ("protection.singleassessment", "create"),
        ("protection.singleassessment", "update"),
        ("protection.childinneedplan", "create"),
        ("protection.childinneedplan", "update"),
    }


def test_outsider_and_family_are_refused_the_need_pages(case, social_worker, outsider, mother_user):
    assessment = _assessment(social_worker, case)
    urls = [
        reverse("protection:assessment-start", args=[case.pk]),
        reverse("protection:assessment-authorise", args=[case.pk, assessment.pk]),
        reverse("protection:cin-plan-start", args=[case.pk]),
        reverse("protection:cin-plan-end", args=[case.pk]),
    ]
    for user in (outsider, mother_user):
        client = client_for(user)
        for target in urls:
            assert client.get(target).status_code == 404, (user, target)
            assert client.post(target, {}).status_code in (403, 404), (user, target)
    # The team's own page for another record's assessment is missing too.
    assert (
        client_for(social_worker)
        .get(reverse("protection:assessment-authorise", args=[case.pk, assessment.pk + 99]))
        .status_code
        == 404
    )
    assessment.refresh_from_db()
    assert assessment.is_under_way and not ChildInNeedPlan.objects.exists()
    assert AccessEvent.objects.filter(
        action="refused", object_type="protection.protectioncase", actor=outsider
    ).exists()


# --- The API ----------------------------------------------------------------------------------


def _post(user, path: str, body: dict):
    client = Client()
    client.force_login(user)
    response = client.post(API + path, json.dumps(body), content_type="application/json")
    return response.status_code, response.json() if response.content else {}


def test_the_need_endpoints(case, social_worker):
    status, body = _post(
        social_worker,
        f"/child-protection/{case.pk}/assessments",
        {"started_on": "2025-11-04", "social_worker_id": social_worker.pk},
    )
    assert status == 201, body
    path = f"/child-protection/{case.pk}/assessments/{body['id']}/authorisation"
    status, error = _post(social_worker, path, {"authorised_on": "2025-11-03", "factors": ["4B"]})
    assert (status, error["field"]) == (422, "authorised_on"), error
    status, error = _post(social_worker, path, {"authorised_on": "2025-11-20", "factors": ["4Z"]})
    assert (status, error["field"]) == (422, "factors"), error
    status, _ = _post(social_worker, path, {"authorised_on": "2025-11-20", "factors": ["16A"]})
    assert status == 200
    status, error = _post(
        social_worker,
        f"/child-protection/{case.pk}/cin-plans",
        {"started_on": "2025-11-21", "ended_on": "2025-11-20"},
    )
    assert (status, error["field"]) == (422, "ended_on"), error
    status, _ = _post(
        social_worker, f"/child-protection/{case.pk}/cin-plans", {"started_on": "2025-11-21"}
    )
    assert status == 201
    status, _ = _post(
        social_worker, f"/child-protection/{case.pk}/cin-plans/end", {"ended_on": "2025-12-05"}
    )
    assert status == 200
    record = client_for(social_worker).get(f"{API}/child-protection/{case.pk}").json()
    assert record["assessments"][0]["factors"] == ["16A"]
    assert record["cin_plans"] == [
        {
            "id": ChildInNeedPlan.objects.get().pk,
            "started_on": "2025-11-21",
            "ended_on": "2025-12-05",
        }
    ]


def test_outsider_and_family_are_refused_the_need_endpoints(
    case, social_worker, outsider, mother_user
):
    assessment = _assessment(social_worker, case)
    calls = [
        (
            f"/child-protection/{case.pk}/assessments",
            {"started_on": "2025-11-04", "social_worker_id": social_worker.pk},
        ),
        (
            f"/child-protection/{case.pk}/assessments/{assessment.pk}/authorisation",
            {"authorised_on": "2025-11-20", "factors": ["4B"]},
        ),
        (f"/child-protection/{case.pk}/cin-plans", {"started_on": "2025-11-21"}),
        (f"/child-protection/{case.pk}/cin-plans/end", {"ended_on": "2025-12-05"}),
    ]
    for user in (outsider, mother_user):
        for path, body in calls:
            status, _ = _post(user, path, body)
            assert status == 404, (user, path, status)
    assessment.refresh_from_db()
    assert assessment.is_under_way and not ChildInNeedPlan.objects.exists()
    assert SingleAssessment.objects.count() == 1


def test_the_factor_list_is_the_censuss():
    assert codes.NO_FACTORS in codes.ASSESSMENT_FACTORS
    # Retired in favour of 18B/18C and 19B/19C: never offered.
    assert "18A" not in codes.ASSESSMENT_FACTORS and "19A" not in codes.ASSESSMENT_FACTORS
