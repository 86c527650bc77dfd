"""The child-protection path through its services: the happy path, the bad input, the warnings."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.audit.models import AccessEvent
from joinedup.episodes.models import EpisodeStatus, TeamMember
from joinedup.errors import ApplicationError, NotFound
from joinedup.protection import selectors, services
from joinedup.protection.models import (
    CaseStatus,
    ChildProtectionPlan,
    Conference,
    FgdmMeeting,
    ProtectionCase,
)
from tests.protection.conftest import ATTENDEES, through_icpc


def test_four_memberships_named_when_missing(manager, social_worker, officer, nurse, teacher):
    team = services.cp_team_create(actor=manager, name="North MACPT", area="North Demo Shire")
    view = selectors.cp_team_get(user=manager, team_id=team.pk)
    assert len(view.missing) == 4
    services.cp_team_member_add(
        actor=manager, team=team, practitioner=social_worker, agency="social_work"
    )
    services.cp_team_member_add(actor=manager, team=team, practitioner=officer, agency="police")
    # A health member the integrated care board did not nominate does not count.
    services.cp_team_member_add(actor=manager, team=team, practitioner=nurse, agency="health")
    view = selectors.cp_team_get(user=manager, team_id=team.pk)
    assert view.missing == [
        "a person from education",
        "a registered health professional nominated by the integrated care board",
    ]
    services.cp_team_member_add(actor=manager, team=team, practitioner=teacher, agency="education")
    member = view.team.members.get(practitioner=nurse)
    services.cp_team_member_remove(actor=manager, member=member)
    services.cp_team_member_add(
        actor=manager, team=team, practitioner=nurse, agency="health", nominated_by_icb=True
    )
    assert selectors.cp_team_get(user=manager, team_id=team.pk).missing == []


def test_only_managers_configure_teams(teacher, manager):
    with pytest.raises(NotFound):
        services.cp_team_create(actor=teacher, name="X", area="Y")
    services.cp_team_create(actor=manager, name="X", area="Y")
    with pytest.raises(ApplicationError) as error:
        services.cp_team_create(actor=manager, name="x", area="Y")
    assert error.value.field == "name"


def test_social_work_member_must_be_a_social_worker(manager, teacher):
    team = services.cp_team_create(actor=manager, name="South", area="South")
    with pytest.raises(ApplicationError) as error:
        services.cp_team_member_add(
            actor=manager, team=team, practitioner=teacher, agency="social_work"
        )
    assert error.value.field == "agency"


def test_record_opens_only_after_step_up(teacher, child, social_worker):
    from joinedup.episodes import services as casework

    episode = casework.episode_open_practitioner_led(actor=teacher, persons=[child])
    with pytest.raises(ApplicationError) as error:
        services.case_open(
            actor=teacher,
            episode=episode,
            child=child,
            lead_practitioner=social_worker,
            referral_date=date(2025, 11, 3),
        )
    assert error.value.field == "episode"


def test_lead_must_be_a_social_worker_and_codes_come_from_the_lists(
    stepped_up, child, social_worker, teacher
):
    with pytest.raises(ApplicationError) as error:
        services.case_open(
            actor=social_worker,
            episode=stepped_up,
            child=child,
            lead_practitioner=teacher,
            referral_date=date(2025, 11, 3),
        )
    assert error.value.field == "lead_practitioner"
    with pytest.raises(ApplicationError) as error:
        services.case_open(
            actor=social_worker,
            episode=stepped_up,
            child=child,
            lead_practitioner=social_worker,
            referral_date=date(2025, 11, 3),
            ethnicity="XXXX",
        )
    assert error.value.field == "ethnicity"
    assert not ProtectionCase.objects.exists()


def test_the_path_to_a_plan_with_a_review_and_back_to_family_help(case, social_worker, teacher):
    icpc = through_icpc(social_worker, case)
    case.refresh_from_db()
    assert case.status == CaseStatus.PLAN
    plan = ChildProtectionPlan.objects.get(case=case)
    assert (plan.started_on, plan.category) == (date(2025, 11, 21), "PHY")
    assert {r.agency for r in icpc.reports.all()} == {"education", "police"}
    owner = TeamMember.objects.get(episode=case.episode, practitioner=teacher)
    action = services.plan_action_add(
        actor=social_worker, case=case, owner=owner, text="Daily check-in", due_on=date.today()
    )
    assert action.episode_id == case.episode_id
    services.core_group_record(
        actor=social_worker, case=case, held_on=date(2025, 12, 3), attended="Social work, school"
    )
    services.conference_record(
        actor=social_worker,
        case=case,
        kind="review",
        held_on=date(2026, 2, 19),
        attendees=ATTENDEES,
        decision="end",
        category="PHY",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ENDED
    services.case_step_down(
        actor=social_worker,
        case=case,
        to=teacher,
        reason="Plan ended; family help continues.",
        closed_on=date(2026, 2, 19),
        closure_reason="RC7",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.STEPPED_DOWN
    # The family help lead takes over when they accept.
    from joinedup.episodes import services as episode_services
    from joinedup.episodes.models import LeadProposal

    proposal = LeadProposal.objects.get(episode=case.episode, status="waiting")
    episode_services.lead_proposal_accept(actor=teacher, proposal=proposal)
    case.episode.refresh_from_db()
    assert case.episode.status == EpisodeStatus.STEPPED_DOWN
    # The team is kept: the teacher leads again, the social worker is still a member.
    assert case.episode.lead_professional_id == teacher.pk
    assert TeamMember.objects.filter(
        episode=case.episode, practitioner=social_worker, left_at__isnull=True
    ).exists()
    events = AccessEvent.objects.filter(object_type="protection.conference")
    assert events.count() == 2
    assert all("s47" in e.lawful_basis for e in events)


def test_lead_practitioner_handover_is_recorded(case, social_worker, second_social_worker, teacher):
    with pytest.raises(ApplicationError) as error:
        services.lead_practitioner_hand_over(actor=social_worker, case=case, to=teacher, reason="x")
    assert error.value.field == "to"
    services.lead_practitioner_hand_over(
        actor=social_worker, case=case, to=second_social_worker, reason="Caseload"
    )
    case.refresh_from_db()
    assert case.lead_practitioner_id == second_social_worker.pk
    last = case.handovers.last()
    assert (last.from_practitioner_id, last.reason) == (social_worker.pk, "Caseload")


def test_icpc_before_its_strategy_discussion_is_refused(case, social_worker):
    services.strategy_record(
        actor=social_worker,
        case=case,
        held_on=date(2025, 11, 10),
        attendees=ATTENDEES,
        decision="s47",
        reasons="Bruising",
    )
    with pytest.raises(ApplicationError) as error:
        services.conference_record(
            actor=social_worker,
            case=case,
            kind="initial",
            held_on=date(2025, 11, 7),
            attendees=ATTENDEES,
            decision="plan",
            category="NEG",
        )
    assert error.value.field == "held_on"
    assert not Conference.objects.exists()


def test_plan_without_category_is_refused(case, social_worker):
    services.strategy_record(
        actor=social_worker,
        case=case,
        held_on=date(2025, 11, 10),
        attendees=ATTENDEES,
        decision="s47",
        reasons="Bruising",
    )
    with pytest.raises(ApplicationError) as error:
        services.conference_record(
            actor=social_worker,
            case=case,
            kind="initial",
            held_on=date(2025, 11, 20),
            attendees=ATTENDEES,
            decision="plan",
        )
    assert error.value.field == "category"
    assert not Conference.objects.exists() and not ChildProtectionPlan.objects.exists()


def test_late_icpc_needs_a_reason(case, social_worker):
    services.strategy_record(
        actor=social_worker,
        case=case,
        held_on=date(2025, 12, 15),
        attendees=ATTENDEES,
        decision="s47",
        reasons="Bruising",
    )
    # 15 working days after 15 December 2025 (Christmas, Boxing Day, New Year) is 8 January.
    kwargs = dict(
        actor=social_worker,
        case=case,
        kind="initial",
        attendees=ATTENDEES,
        decision="plan",
        category="NEG",
    )
    with pytest.raises(ApplicationError) as error:
        services.conference_record(**kwargs, held_on=date(2026, 1, 9))
    assert error.value.field == "late_reason"
    assert "8 January 2026" in error.value.message
    services.conference_record(**kwargs, held_on=date(2026, 1, 8))
    assert Conference.objects.get().late_reason == ""


def test_review_out_of_timescale_without_reason_is_refused(case, social_worker):
    through_icpc(social_worker, case)
    kwargs = dict(
        actor=social_worker,
        case=case,
        kind="review",
        attendees=ATTENDEES,
        decision="continue",
        category="PHY",
    )
    # First review due within 3 months of 21 November 2025: by 20 February 2026.
    with pytest.raises(ApplicationError) as error:
        services.conference_record(**kwargs, held_on=date(2026, 2, 23))
    assert error.value.field == "late_reason"
    assert Conference.objects.count() == 1
    services.conference_record(**kwargs, held_on=date(2026, 2, 23), late_reason="Chair was ill.")
    view = selectors.case_get(user=social_worker, case_id=case.pk)
    assert [t.due for t in view.timescales][-1] == date(2026, 8, 21)


def test_fgdm_warnings(case, social_worker):
    mum = services.network_member_add(
        actor=social_worker,
        case=case,
        name="Jodie",
        relationship="Mother",
        parental_responsibility=True,
    )
    gran = services.network_member_add(
        actor=social_worker, case=case, name="Pat", relationship="Grandmother"
    )
    services.proceedings_record(actor=social_worker, case=case, applied_on=date(2026, 3, 2))
    case.refresh_from_db()
    assert "no family group decision-making meeting was offered" in selectors.fgdm_warnings(case)[0]
    offer = services.fgdm_offer_record(
        actor=social_worker,
        case=case,
        offered_on=date(2026, 2, 2),
        to=[mum, gran],
        in_letter_before_proceedings=True,
    )
    response = offer.responses.get(member=mum)
    services.fgdm_response_record(
        actor=social_worker, response=response, answer="accepted", answered_on=date(2026, 2, 4)
    )
    case = ProtectionCase.objects.get(pk=case.pk)
    assert "accepted but no meeting was held" in selectors.fgdm_warnings(case)[0]
    with pytest.raises(ApplicationError) as error:
        services.fgdm_meeting_record(
            actor=social_worker,
            case=case,
            held_on=date(2026, 3, 9),
            attended=[mum],
            child_participation="views",
            family_plan="Gran has the children at weekends.",
        )
    assert error.value.field == "held_on"
    assert not FgdmMeeting.objects.exists()
    services.fgdm_meeting_record(
        actor=social_worker,
        case=case,
        held_on=date(2026, 2, 20),
        attended=[mum, gran],
        child_participation="part",
        family_plan="Gran has the children at weekends.",
    )
    case = ProtectionCase.objects.get(pk=case.pk)
    assert selectors.fgdm_warnings(case) == []


def test_accepted_offer_with_best_interests_exemption_has_no_warning(case, social_worker):
    dad = services.network_member_add(
        actor=social_worker,
        case=case,
        name="Dean",
        relationship="Father",
        parental_responsibility=True,
    )
    offer = services.fgdm_offer_record(
        actor=social_worker,
        case=case,
        offered_on=date(2026, 2, 2),
        to=[dad],
        in_letter_before_proceedings=True,
    )
    services.fgdm_response_record(
        actor=social_worker,
        response=offer.responses.get(),
        answer="accepted",
        answered_on=date(2026, 2, 3),
    )
    with pytest.raises(ApplicationError) as error:
        services.fgdm_exemption_record(
            actor=social_worker, case=case, reasons=" ", decided_on=date(2026, 2, 5)
        )
    assert error.value.field == "reasons"
    services.fgdm_exemption_record(
        actor=social_worker,
        case=case,
        reasons="Domestic abuse risk to mother.",
        decided_on=date(2026, 2, 5),
    )
    services.proceedings_record(actor=social_worker, case=case, applied_on=date(2026, 3, 2))
    assert selectors.fgdm_warnings(ProtectionCase.objects.get(pk=case.pk)) == []


def test_proceedings_before_a_recorded_meeting_are_refused(case, social_worker):
    mum = services.network_member_add(
        actor=social_worker, case=case, name="Jodie", relationship="Mother"
    )
    services.fgdm_meeting_record(
        actor=social_worker,
        case=case,
        held_on=date(2026, 2, 20),
        attended=[mum],
        child_participation="not",
        family_plan="Plan",
    )
    with pytest.raises(ApplicationError) as error:
        services.proceedings_record(actor=social_worker, case=case, applied_on=date(2026, 2, 10))
    assert error.value.field == "applied_on"


def test_outsider_cannot_touch_the_record(case, outsider):
    with pytest.raises(NotFound):
        services.strategy_record(
            actor=outsider,
            case=case,
            held_on=date(2025, 11, 5),
            attendees=ATTENDEES,
            decision="s47",
            reasons="x",
        )
    with pytest.raises(NotFound):
        selectors.case_get(user=outsider, case_id=case.pk)
