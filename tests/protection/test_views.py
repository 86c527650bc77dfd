"""The pages of the path: every form submitted as a person would, bad input shown in the GOV.UK
error summary, and everyone outside the record refused every page as if it did not exist."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from joinedup.audit.models import AccessEvent
from joinedup.protection import services
from joinedup.protection.models import (
    CaseStatus,
    ChildProtectionTeam,
    Conference,
    FgdmMeeting,
    ProtectionCase,
)

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def client_for(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def submit(client: Client, url: str, data: dict) -> object:
    """Render the form, take its own hidden fields from the HTML, fill the rest, post it."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    fields = dict(HIDDEN.findall(page.content.decode()))
    return client.post(url, {**fields, **data})


def day(prefix: str, value: date) -> dict:
    return {f"{prefix}_0": value.day, f"{prefix}_1": value.month, f"{prefix}_2": value.year}


def test_the_path_through_the_pages(stepped_up, child, social_worker, teacher):
    client = client_for(social_worker)
    episode_page = client.get(reverse("episodes:episode", args=[stepped_up.pk])).content.decode()
    assert reverse("protection:case-open", args=[stepped_up.pk]) in episode_page
    response = submit(
        client,
        reverse("protection:case-open", args=[stepped_up.pk]),
        {
            "child": child.pk,
            "lead_practitioner": social_worker.pk,
            **day("referral_date", date(2025, 11, 3)),
            "referral_source": "2A",
            "primary_need": "N1",
            "ethnicity": "WBRI",
            "disabilities": ["NONE"],
        },
    )
    case = ProtectionCase.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "protection:case", args=[case.pk]
    )
    url = lambda name, *args: reverse(f"protection:{name}", args=[case.pk, *args])  # noqa: E731
    steps = [
        (
            url("strategy"),
            {
                **day("held_on", date(2025, 11, 5)),
                "decision": "s47",
                "reasons": "Unexplained bruising.",
                "attended_social_work": "Dan Hughes",
                "attended_police": "PC Shaw",
                "attended_health": "Nurse Lee",
            },
        ),
        (url("enquiry-start"), day("started_on", date(2025, 11, 5))),
        (
            url("enquiry-complete"),
            {
                "outcome": "conference",
                "reasons": "Substantiated.",
                **day("completed_on", date(2025, 11, 20)),
            },
        ),
        (
            url("conference", "initial"),
            {
                **day("held_on", date(2025, 11, 21)),
                "decision": "plan",
                "category": "PHY",
                "family_views": "Mum wants help.",
                "child_views": "Maya wants to stay at home.",
                "attended_social_work": "Dan Hughes",
                "attended_education": "Amira Khan",
                "report_education": "Attendance 85%.",
            },
        ),
    ]
    for target, data in steps:
        response = submit(client, target, data)
        assert response.status_code == 302, (target, response.content.decode()[:3000])
    case.refresh_from_db()
    assert case.status == CaseStatus.PLAN
    owner = case.episode.members.get(practitioner=teacher)
    more = [
        (
            url("action-add"),
            {"text": "Check in daily", "owner": owner.pk, **day("due_on", date.today())},
        ),
        (
            url("core-group"),
            {**day("held_on", date(2025, 12, 3)), "attended": "Social work, school"},
        ),
        (
            url("network-add"),
            {"name": "Jodie", "relationship": "Mother", "parental_responsibility": "on"},
        ),
        (
            url("conference", "review"),
            {
                **day("held_on", date(2026, 2, 19)),
                "decision": "end",
                "category": "PHY",
                "attended_social_work": "Dan Hughes",
            },
        ),
        (
            url("step-down"),
            {
                "to": teacher.pk,
                "reason": "Plan ended.",
                **day("closed_on", date(2026, 2, 19)),
                "closure_reason": "RC7",
            },
        ),
    ]
    for target, data in more:
        response = submit(client, target, data)
        assert response.status_code == 302, (target, response.content.decode()[:3000])
    case.refresh_from_db()
    assert case.status == CaseStatus.STEPPED_DOWN
    assert case.episode.lead_proposals.get(status="waiting").proposed_id == teacher.pk
    assert case.episode.actions.filter(text="Check in daily").exists()
    page = client.get(url("case")).content.decode()
    assert "Maya wants to stay at home." in page and "Report from education" in page
    assert len(re.findall(r"<h1[ >]", page)) == 1


def test_fgdm_pages(case, social_worker):
    client = client_for(social_worker)
    url = lambda name, *args: reverse(f"protection:{name}", args=[case.pk, *args])  # noqa: E731
    submit(client, url("network-add"), {"name": "Jodie", "relationship": "Mother"})
    mum = case.network.get()
    assert (
        submit(
            client,
            url("fgdm-offer"),
            {
                **day("offered_on", date(2026, 2, 2)),
                "to": [mum.pk],
                "in_letter_before_proceedings": "on",
            },
        ).status_code
        == 302
    )
    response = case.fgdm_offers.get().responses.get()
    assert (
        submit(
            client,
            url("fgdm-response", response.pk),
            {"answer": "accepted", **day("answered_on", date(2026, 2, 3))},
        ).status_code
        == 302
    )
    assert (
        submit(client, url("proceedings"), day("applied_on", date(2026, 3, 2))).status_code == 302
    )
    page = client.get(url("case")).content.decode()
    assert "accepted but no meeting was held" in page
    # A meeting after the application is refused, naming the date, and nothing is written.
    bad = submit(
        client,
        url("fgdm-meeting"),
        {
            **day("held_on", date(2026, 3, 9)),
            "attended": [mum.pk],
            "child_participation": "views",
            "family_plan": "Gran helps.",
        },
    )
    html = bad.content.decode()
    assert bad.status_code == 200 and "govuk-error-summary" in html
    assert 'href="#id_held_on_0"' in html and not FgdmMeeting.objects.exists()
    assert (
        submit(
            client,
            url("fgdm-meeting"),
            {
                **day("held_on", date(2026, 2, 20)),
                "attended": [mum.pk],
                "child_participation": "views",
                "family_plan": "Gran helps.",
            },
        ).status_code
        == 302
    )
    assert "accepted but no meeting" not in client.get(url("case")).content.decode()
    assert (
        submit(
            client,
            url("fgdm-exemption"),
            {"reasons": "Risk to the mother.", **day("decided_on", date(2026, 2, 21))},
        ).status_code
        == 302
    )


def test_icpc_before_strategy_shows_the_error_summary(case, social_worker):
    services.strategy_record(
        actor=social_worker,
        case=case,
        held_on=date(2025, 11, 10),
        attendees=[("Dan", "social_work")],
        decision="s47",
        reasons="Bruising",
    )
    client = client_for(social_worker)
    response = submit(
        client,
        reverse("protection:conference", args=[case.pk, "initial"]),
        {
            **day("held_on", date(2025, 11, 7)),
            "decision": "plan",
            "category": "PHY",
            "attended_social_work": "Dan",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "cannot be before its strategy discussion" in html and 'href="#id_held_on_0"' in html
    assert not Conference.objects.exists()


def test_handover_page(case, social_worker, second_social_worker):
    client = client_for(social_worker)
    response = submit(
        client,
        reverse("protection:hand-over", args=[case.pk]),
        {"to": second_social_worker.pk, "reason": "Caseload"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.lead_practitioner_id == second_social_worker.pk


def test_team_configuration_pages(manager, social_worker, officer, teacher):
    client = client_for(manager)
    response = submit(
        client, reverse("protection:cp-team-new"), {"name": "North", "area": "North Demo Shire"}
    )
    team = ChildProtectionTeam.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("protection:cp-team", args=[team.pk])).content.decode()
    assert "a police constable or police employee" in page
    response = submit(
        client,
        reverse("protection:cp-team", args=[team.pk]),
        {"practitioner": officer.pk, "agency": "police"},
    )
    assert response.status_code == 302
    page = client.get(reverse("protection:cp-team", args=[team.pk])).content.decode()
    assert "no a police" not in page and "a police constable" not in page
    bad = submit(
        client,
        reverse("protection:cp-team", args=[team.pk]),
        {"practitioner": teacher.pk, "agency": "social_work"},
    )
    assert "must be a social worker" in bad.content.decode()
    assert client.get(reverse("protection:cp-teams")).status_code == 200


def test_census_page_refuses_a_year_not_ended(manager):
    client = client_for(manager)
    response = submit(
        client, reverse("protection:census"), {"year": date.today().year + 1, "la_code": "999"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "has not ended yet" in html and 'href="#id_year"' in html


def test_dpo_sees_decisions_not_to_disclose(case, social_worker, dpo, teacher, outsider):
    from joinedup.sharing import services as sharing

    sharing.sharing_decision_record(
        actor=social_worker,
        person=case.child,
        choice="not_share",
        what="Mother's new address",
        categories=["contact"],
        recipients=[teacher.organisation],
        purpose="safeguarding",
        reasons="Risk of the father learning it.",
        more_detrimental_reasons="The father could find the child through the school.",
    )
    event = AccessEvent.objects.filter(object_type="sharing.sharingdecision").last()
    assert event.detail["duty_to_share_withheld"] is True
    page = client_for(dpo).get(reverse("protection:duty-withheld")).content.decode()
    assert "The father could find the child through the school." in page
    for user in (social_worker, outsider):
        assert client_for(user).get(reverse("protection:duty-withheld")).status_code == 404


def _every_url(case) -> list[str]:
    response = case.network.create(name="X", relationship="Aunt")
    offer = case.fgdm_offers.create(offered_on=date(2026, 1, 1), recorded_by=case.opened_by)
    answer = offer.responses.create(member=response)
    team = ChildProtectionTeam.objects.create(name="T", area="A", created_by=case.opened_by)
    assessment = case.assessments.create(
        started_on=date(2025, 11, 4), social_worker=case.opened_by, recorded_by=case.opened_by
    )
    names = [
        "case",
        "hand-over",
        "strategy",
        "enquiry-start",
        "enquiry-complete",
        "action-add",
        "core-group",
        "step-down",
        "network-add",
        "fgdm-offer",
        "fgdm-meeting",
        "fgdm-exemption",
        "proceedings",
        "assessment-start",
        "cin-plan-start",
        "cin-plan-end",
    ]
    return [
        *(reverse(f"protection:{n}", args=[case.pk]) for n in names),
        reverse("protection:conference", args=[case.pk, "initial"]),
        reverse("protection:fgdm-response", args=[case.pk, answer.pk]),
        reverse("protection:assessment-authorise", args=[case.pk, assessment.pk]),
        reverse("protection:case-open", args=[case.episode_id]),
        reverse("protection:cp-team", args=[team.pk]),
        reverse("protection:cp-teams"),
        reverse("protection:census"),
        reverse("protection:duty-withheld"),
    ]


def test_outsider_and_family_are_refused_every_page(case, outsider, mother_user):
    urls = _every_url(case)
    for user in (outsider, mother_user):
        client = client_for(user)
        for target in urls:
            assert client.get(target).status_code == 404, (user, target)
        assert client.post(reverse("protection:strategy", args=[case.pk]), {}).status_code in (
            403,
            404,
        )
    assert AccessEvent.objects.filter(
        action="refused", object_type="protection.protectioncase"
    ).exists()


@pytest.mark.parametrize("name", ["case", "strategy"])
def test_the_team_member_from_school_sees_the_record(case, teacher, name):
    assert client_for(teacher).get(reverse(f"protection:{name}", args=[case.pk])).status_code == 200
