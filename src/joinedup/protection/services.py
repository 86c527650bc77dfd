"""Every write of the child-protection path: one use case each, atomic, checked against the policy
and audited with the child, on a safeguarding basis (Children Act 1989 s47)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action as AuditAction
from joinedup.episodes import services as episode_services
from joinedup.episodes.models import Action, Episode, EpisodeStatus, TeamMember
from joinedup.errors import ApplicationError, NotFound
from joinedup.partnership.models import Practitioner, Profession
from joinedup.people.models import Person
from joinedup.protection import codes, deadlines
from joinedup.protection.models import (
    OPEN_STATUSES,
    AbuseCategory,
    Agency,
    AgencyReport,
    Attendee,
    CaseStatus,
    ChildParticipation,
    ChildProtectionPlan,
    ChildProtectionTeam,
    ChildProtectionTeamMember,
    Conference,
    CoreGroupMeeting,
    EnquiryOutcome,
    FamilyNetworkMember,
    FgdmExemption,
    FgdmMeeting,
    FgdmOffer,
    FgdmResponse,
    LeadPractitionerHandover,
    Proceedings,
    ProtectionCase,
    Section47Enquiry,
    StrategyDecision,
    StrategyDiscussion,
)
from joinedup.sharing import policy

PURPOSE = "child protection"


def _audit(actor: Practitioner, action: str, obj: Any, case: ProtectionCase, **detail: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        persons=[case.child_id],
        purpose=PURPOSE,
        lawful_basis=policy.BASIS_CHILD_PROTECTION,
        detail=detail,
    )


def _open_case(actor: Practitioner, case: ProtectionCase) -> ProtectionCase:
    """Security: only the record's team may change it; others see it as missing. Locked while
    it changes so two people recording at once cannot both move it on."""
    policy.require_protection_case(actor, case.pk, PURPOSE)
    locked = ProtectionCase.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise ApplicationError("This child protection record is closed.", status=409)
    return locked


def _text(value: str, field: str, message: str) -> str:
    if not (value or "").strip():
        raise ApplicationError(message, field=field)
    return value.strip()


def _attendees(attendees: Iterable[tuple[str, str]], field: str = "attendees") -> list[Attendee]:
    found = []
    for name, agency in attendees:
        if agency not in Agency.values:
            raise ApplicationError("Choose each attendee's agency.", field=field)
        if name.strip():
            found.append(Attendee(name=name.strip()[:200], agency=agency))
    if not found:
        raise ApplicationError("Say who took part, by agency.", field=field)
    return found


# --- Multi-agency child protection teams (partnership configuration) --------------------------


def _may_configure(actor: Practitioner) -> None:
    if not policy.may_configure_child_protection_teams(actor):
        raise policy.refuse(actor, object_type="protection.childprotectionteam", object_id="")


@transaction.atomic
def cp_team_create(*, actor: Practitioner, name: str, area: str) -> ChildProtectionTeam:
    _may_configure(actor)
    name = _text(name, "name", "Give the team a name.")
    area = _text(area, "area", "Say which area the team serves.")
    if ChildProtectionTeam.objects.filter(name__iexact=name).exists():
        raise ApplicationError("A team already has this name.", field="name")
    team = ChildProtectionTeam.objects.create(name=name, area=area, created_by=actor)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=team, purpose="configuration")
    return team


@transaction.atomic
def cp_team_member_add(
    *,
    actor: Practitioner,
    team: ChildProtectionTeam,
    practitioner: Practitioner,
    agency: str,
    nominated_by_icb: bool = False,
    joined_on: date | None = None,
) -> ChildProtectionTeamMember:
    _may_configure(actor)
    if agency not in Agency.values:
        raise ApplicationError("Choose the member's agency.", field="agency")
    if agency == Agency.SOCIAL_WORK and practitioner.profession != Profession.SOCIAL_WORKER:
        raise ApplicationError("The social work member must be a social worker.", field="agency")
    if nominated_by_icb and agency != Agency.HEALTH:
        raise ApplicationError(
            "Only a health member is nominated by the integrated care board.",
            field="nominated_by_icb",
        )
    if team.members.filter(practitioner=practitioner, left_on__isnull=True).exists():
        raise ApplicationError("They are already a member of this team.", field="practitioner")
    member = ChildProtectionTeamMember.objects.create(
        team=team,
        practitioner=practitioner,
        agency=agency,
        nominated_by_icb=nominated_by_icb,
        joined_on=joined_on or timezone.localdate(),
    )
    audit.record(
        actor=actor, action=AuditAction.CREATE, obj=member, purpose="configuration", detail={}
    )
    return member


@transaction.atomic
def cp_team_member_remove(
    *, actor: Practitioner, member: ChildProtectionTeamMember
) -> ChildProtectionTeamMember:
    _may_configure(actor)
    if member.left_on is not None:
        raise ApplicationError("They have already left the team.", status=409)
    member.left_on = timezone.localdate()
    member.save(update_fields=["left_on"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=member, purpose="configuration")
    return member


# --- Opening the record and its lead --------------------------------------------------------


def _check_census_codes(
    referral_source: str, primary_need: str, ethnicity: str, disabilities: list[str]
) -> None:
    """Codes come only from the DfE lists; empty means not yet known (the return says so)."""
    if referral_source and referral_source not in codes.REFERRAL_SOURCE:
        raise ApplicationError(
            "Choose the source of referral from the list.", field="referral_source"
        )
    if primary_need and primary_need not in codes.PRIMARY_NEED:
        raise ApplicationError("Choose the primary need from the list.", field="primary_need")
    if ethnicity and ethnicity not in codes.ETHNICITY:
        raise ApplicationError("Choose the child's ethnicity from the list.", field="ethnicity")
    if any(d not in codes.DISABILITY for d in disabilities):
        raise ApplicationError("Choose disabilities from the list.", field="disabilities")
    if "NONE" in disabilities and len(disabilities) > 1:
        raise ApplicationError(
            "Choose either 'No disability' or the child's disabilities, not both.",
            field="disabilities",
        )


def _require_social_worker(practitioner: Practitioner, field: str) -> None:
    if practitioner.profession != Profession.SOCIAL_WORKER:
        raise ApplicationError(
            "The Lead Child Protection Practitioner must be a social worker.", field=field
        )


@transaction.atomic
def case_open(
    *,
    actor: Practitioner,
    episode: Episode,
    child: Person,
    lead_practitioner: Practitioner,
    referral_date: date,
    cp_team: ChildProtectionTeam | None = None,
    referral_source: str = "",
    primary_need: str = "",
    ethnicity: str = "",
    disabilities: list[str] | None = None,
) -> ProtectionCase:
    """Casework hands over at step-up: the child's record opens beside the episode, whose team and
    plan continue."""
    if not policy.may_edit_episode(actor, episode):
        raise NotFound()
    if episode.status != EpisodeStatus.STEPPED_UP:
        raise ApplicationError(
            "Step the episode up to children's social care first.", field="episode", status=409
        )
    if not episode.persons.filter(pk=child.pk, kind="child").exists():
        raise ApplicationError("Choose a child in this family.", field="child")
    _require_social_worker(lead_practitioner, "lead_practitioner")
    disabilities = sorted(set(disabilities or []))
    _check_census_codes(referral_source, primary_need, ethnicity, disabilities)
    if referral_date > timezone.localdate():
        raise ApplicationError("The referral date cannot be in the future.", field="referral_date")
    if ProtectionCase.objects.filter(child=child, status__in=OPEN_STATUSES).exists():
        raise ApplicationError(
            "This child already has an open child protection record.", field="child", status=409
        )
    case = ProtectionCase.objects.create(
        episode=episode,
        child=child,
        cp_team=cp_team,
        lead_practitioner=lead_practitioner,
        referral_date=referral_date,
        referral_source=referral_source,
        primary_need=primary_need,
        ethnicity=ethnicity,
        disabilities=disabilities,
        opened_by=actor,
    )
    LeadPractitionerHandover.objects.create(
        case=case, to_practitioner=lead_practitioner, reason="Record opened", recorded_by=actor
    )
    _audit(actor, AuditAction.CREATE, case, case)
    return case


@transaction.atomic
def lead_practitioner_hand_over(
    *, actor: Practitioner, case: ProtectionCase, to: Practitioner, reason: str
) -> ProtectionCase:
    case = _open_case(actor, case)
    _require_social_worker(to, "to")
    reason = _text(reason, "reason", "Give the reason for the handover.")
    if to.pk == case.lead_practitioner_id:
        raise ApplicationError("They are already the lead.", field="to")
    LeadPractitionerHandover.objects.create(
        case=case,
        from_practitioner_id=case.lead_practitioner_id,
        to_practitioner=to,
        reason=reason,
        recorded_by=actor,
    )
    ProtectionCase.objects.filter(pk=case.pk).update(lead_practitioner=to, version=case.version + 1)
    case.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, case, case, lead_practitioner=to.pk)
    return case


# --- Strategy discussion and section 47 enquiry ------------------------------------------------


@transaction.atomic
def strategy_record(
    *,
    actor: Practitioner,
    case: ProtectionCase,
    held_on: date,
    attendees: Iterable[tuple[str, str]],
    decision: str,
    reasons: str,
) -> StrategyDiscussion:
    case = _open_case(actor, case)
    if held_on > timezone.localdate():
        raise ApplicationError("The strategy discussion cannot be in the future.", field="held_on")
    if held_on < case.referral_date:
        raise ApplicationError(
            "The strategy discussion cannot be before the referral.", field="held_on"
        )
    if decision not in StrategyDecision.values:
        raise ApplicationError("Choose what the strategy discussion decided.", field="decision")
    reasons = _text(reasons, "reasons", "Give the reasons for the decision.")
    people = _attendees(attendees)
    strategy = StrategyDiscussion.objects.create(
        case=case, held_on=held_on, decision=decision, reasons=reasons, recorded_by=actor
    )
    for person in people:
        person.strategy = strategy
    Attendee.objects.bulk_create(people)
    _audit(actor, AuditAction.CREATE, strategy, case, decision=decision)
    return strategy


@transaction.atomic
def enquiry_start(
    *, actor: Practitioner, case: ProtectionCase, started_on: date
) -> Section47Enquiry:
    case = _open_case(actor, case)
    strategy = case.strategies.filter(decision=StrategyDecision.SECTION_47).last()
    if strategy is None:
        raise ApplicationError(
            "A strategy discussion must decide on a section 47 enquiry first.", field="started_on"
        )
    if hasattr(strategy, "enquiry"):
        raise ApplicationError("This enquiry has already started.", status=409)
    if started_on < strategy.held_on or started_on > timezone.localdate():
        raise ApplicationError(
            "The enquiry starts on or after its strategy discussion, and not in the future.",
            field="started_on",
        )
    enquiry = Section47Enquiry.objects.create(
        case=case, strategy=strategy, started_on=started_on, recorded_by=actor
    )
    _audit(actor, AuditAction.CREATE, enquiry, case)
    return enquiry


@transaction.atomic
def enquiry_complete(
    *,
    actor: Practitioner,
    case: ProtectionCase,
    outcome: str,
    reasons: str,
    completed_on: date,
) -> Section47Enquiry:
    case = _open_case(actor, case)
    enquiry = case.enquiries.filter(completed_on__isnull=True).last()
    if enquiry is None:
        raise ApplicationError("There is no enquiry under way.", field="outcome", status=409)
    if outcome not in EnquiryOutcome.values:
        raise ApplicationError("Choose the outcome of the enquiry.", field="outcome")
    reasons = _text(reasons, "reasons", "Give the reasons for the outcome.")
    if completed_on < enquiry.started_on or completed_on > timezone.localdate():
        raise ApplicationError(
            "The enquiry ends on or after it started, and not in the future.",
            field="completed_on",
        )
    enquiry.outcome, enquiry.outcome_reasons, enquiry.completed_on = outcome, reasons, completed_on
    enquiry.save(update_fields=["outcome", "outcome_reasons", "completed_on"])
    if outcome == EnquiryOutcome.CONFERENCE:
        ProtectionCase.objects.filter(pk=case.pk).update(status=CaseStatus.CONFERENCE)
    _audit(actor, AuditAction.UPDATE, enquiry, case, outcome=outcome)
    return enquiry


# --- Conferences and the plan ----------------------------------------------------------------


def _conference_checks(
    case: ProtectionCase, kind: str, held_on: date, decision: str, category: str, late: str
) -> None:
    calendar = deadlines.working_calendar()
    if kind == Conference.Kind.INITIAL:
        strategy = case.strategies.filter(decision=StrategyDecision.SECTION_47).last()
        if strategy is None:
            raise ApplicationError(
                "An initial conference follows a strategy discussion that decided on a "
                "section 47 enquiry.",
                field="held_on",
            )
        if held_on < strategy.held_on:
            raise ApplicationError(
                f"The initial conference cannot be before its strategy discussion "
                f"({strategy.held_on:%-d %B %Y}).",
                field="held_on",
            )
        if decision not in (Conference.Decision.PLAN, Conference.Decision.NO_PLAN):
            raise ApplicationError("Choose the conference's decision.", field="decision")
        due = deadlines.icpc_due(calendar, strategy.held_on)
        if held_on > due and not late.strip():
            raise ApplicationError(
                f"The initial conference was due by {due:%-d %B %Y} (15 working days after the "
                "strategy discussion): say why it was held later.",
                field="late_reason",
            )
    else:
        plan = getattr(case, "plan", None)
        if plan is None or plan.ended_on is not None:
            raise ApplicationError("Only a plan in force is reviewed.", field="kind", status=409)
        last = case.conferences.order_by("held_on").last()
        if last is not None and held_on <= last.held_on:
            raise ApplicationError(
                "A review is held after the previous conference.", field="held_on"
            )
        if decision not in (Conference.Decision.CONTINUE, Conference.Decision.END):
            raise ApplicationError("Choose the review's decision.", field="decision")
        review_due = review_due_on(case)
        if review_due is not None and held_on > review_due and not late.strip():
            raise ApplicationError(
                f"The review was due by {review_due:%-d %B %Y}: say why it was held later.",
                field="late_reason",
            )
    if decision in (Conference.Decision.PLAN, Conference.Decision.CONTINUE) and not category:
        raise ApplicationError(
            "A child protection plan needs a category of abuse.", field="category"
        )


def review_due_on(case: ProtectionCase) -> date | None:
    """When the next review conference is due, or None without a plan in force."""
    plan = getattr(case, "plan", None)
    if plan is None or plan.ended_on is not None:
        return None
    reviews = [c for c in case.conferences.all() if c.kind == Conference.Kind.REVIEW]
    calendar = deadlines.working_calendar()
    if not reviews:
        return deadlines.review_due(calendar, plan.started_on, first=True)
    return deadlines.review_due(calendar, max(r.held_on for r in reviews), first=False)


@transaction.atomic
def conference_record(
    *,
    actor: Practitioner,
    case: ProtectionCase,
    kind: str,
    held_on: date,
    attendees: Iterable[tuple[str, str]],
    decision: str,
    family_views: str = "",
    child_views: str = "",
    reports: dict[str, str] | None = None,
    category: str = "",
    late_reason: str = "",
) -> Conference:
    case = _open_case(actor, case)
    if kind not in Conference.Kind.values:
        raise ApplicationError("Choose the kind of conference.", field="kind")
    if held_on > timezone.localdate():
        raise ApplicationError("The conference cannot be in the future.", field="held_on")
    if category and category not in AbuseCategory.values:
        raise ApplicationError("Choose the category of abuse from the list.", field="category")
    if kind == Conference.Kind.INITIAL and case.conferences.filter(kind=kind).exists():
        raise ApplicationError("The initial conference is already recorded.", status=409)
    _conference_checks(case, kind, held_on, decision, category, late_reason)
    people = _attendees(attendees)
    conference = Conference.objects.create(
        case=case,
        kind=kind,
        held_on=held_on,
        family_views=family_views.strip(),
        child_views=child_views.strip(),
        decision=decision,
        category=category if decision != Conference.Decision.NO_PLAN else "",
        late_reason=late_reason.strip(),
        recorded_by=actor,
    )
    for person in people:
        person.conference = conference
    Attendee.objects.bulk_create(people)
    AgencyReport.objects.bulk_create(
        AgencyReport(conference=conference, agency=agency, summary=text.strip())
        for agency, text in (reports or {}).items()
        if agency in Agency.values and text.strip()
    )
    _after_conference(case, conference)
    _audit(actor, AuditAction.CREATE, conference, case, kind=kind, decision=decision)
    return conference


def _after_conference(case: ProtectionCase, conference: Conference) -> None:
    decision = conference.decision
    if decision == Conference.Decision.PLAN:
        ChildProtectionPlan.objects.create(
            case=case,
            initial_conference=conference,
            started_on=conference.held_on,
            category=conference.category,
        )
        ProtectionCase.objects.filter(pk=case.pk).update(status=CaseStatus.PLAN)
    elif decision == Conference.Decision.NO_PLAN:
        ProtectionCase.objects.filter(pk=case.pk).update(status=CaseStatus.ENDED)
    elif decision == Conference.Decision.END:
        ChildProtectionPlan.objects.filter(case=case).update(
            ended_on=conference.held_on, end_reason="Ended at a review conference."
        )
        ProtectionCase.objects.filter(pk=case.pk).update(status=CaseStatus.ENDED)


def latest_category(plan: ChildProtectionPlan) -> str:
    reviews = [c for c in plan.case.conferences.all() if c.kind == Conference.Kind.REVIEW]
    with_category = [c for c in reviews if c.category]
    return max(with_category, key=lambda c: c.held_on).category if with_category else plan.category


@transaction.atomic
def plan_action_add(
    *,
    actor: Practitioner,
    case: ProtectionCase,
    owner: TeamMember,
    text: str,
    due_on: date,
) -> Action:
    """The plan's actions are the episode's: owned by members of the team, across agencies."""
    case = _open_case(actor, case)
    if case.status != CaseStatus.PLAN:
        raise ApplicationError("Actions belong to a child protection plan in force.", status=409)
    action = episode_services.action_add(
        actor=actor, episode=case.episode, owner=owner, text=text, due_on=due_on
    )
    _audit(actor, AuditAction.CREATE, action, case, plan=case.plan.pk)
    return action


@transaction.atomic
def core_group_record(
    *, actor: Practitioner, case: ProtectionCase, held_on: date, attended: str, notes: str = ""
) -> CoreGroupMeeting:
    case = _open_case(actor, case)
    if case.status != CaseStatus.PLAN:
        raise ApplicationError("A core group works on a plan in force.", status=409)
    if held_on < case.plan.started_on or held_on > timezone.localdate():
        raise ApplicationError(
            "The core group meets after the plan started, and not in the future.", field="held_on"
        )
    attended = _text(attended, "attended", "Say who came, by agency.")
    meeting = CoreGroupMeeting.objects.create(
        plan=case.plan, held_on=held_on, attended=attended, notes=notes.strip(), recorded_by=actor
    )
    _audit(actor, AuditAction.CREATE, meeting, case)
    return meeting


@transaction.atomic
def case_step_down(
    *,
    actor: Practitioner,
    case: ProtectionCase,
    to: Practitioner,
    reason: str,
    closed_on: date,
    closure_reason: str,
) -> ProtectionCase:
    """Back to family help: the record closes; the episode steps down with its team kept when
    the family help lead practitioner accepts the lead (at once when they already lead)."""
    policy.require_protection_case(actor, case.pk, PURPOSE)
    locked = ProtectionCase.objects.select_for_update().get(pk=case.pk)
    if locked.status != CaseStatus.ENDED:
        raise ApplicationError(
            "End the enquiry or the plan before stepping down.", field="reason", status=409
        )
    if closure_reason not in codes.REASON_FOR_CLOSURE:
        raise ApplicationError(
            "Choose the reason for closure from the list.", field="closure_reason"
        )
    if closed_on > timezone.localdate() or closed_on < locked.referral_date:
        raise ApplicationError(
            "The closure date is after the referral, and not in the future.", field="closed_on"
        )
    reason = _text(reason, "reason", "Give the reason for stepping down.")
    episode_services.episode_step_down(actor=actor, episode=locked.episode, to=to, reason=reason)
    ProtectionCase.objects.filter(pk=locked.pk).update(
        status=CaseStatus.STEPPED_DOWN,
        closed_on=closed_on,
        closure_reason=closure_reason,
        version=locked.version + 1,
    )
    locked.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, locked, locked, status=CaseStatus.STEPPED_DOWN)
    return locked


# --- Family group decision-making (Children Act 1989 s31ZA) -----------------------------------


@transaction.atomic
def network_member_add(
    *,
    actor: Practitioner,
    case: ProtectionCase,
    name: str,
    relationship: str,
    contact: str = "",
    parental_responsibility: bool = False,
    person: Person | None = None,
) -> FamilyNetworkMember:
    case = _open_case(actor, case)
    member = FamilyNetworkMember.objects.create(
        case=case,
        person=person,
        name=_text(name, "name", "Give their name."),
        relationship=_text(relationship, "relationship", "Say how they are related to the child."),
        contact=contact.strip(),
        parental_responsibility=parental_responsibility,
    )
    _audit(actor, AuditAction.CREATE, member, case)
    return member


@transaction.atomic
def fgdm_offer_record(
    *,
    actor: Practitioner,
    case: ProtectionCase,
    offered_on: date,
    to: list[FamilyNetworkMember],
    in_letter_before_proceedings: bool,
) -> FgdmOffer:
    case = _open_case(actor, case)
    if not to or any(m.case_id != case.pk for m in to):
        raise ApplicationError("Choose who the meeting was offered to.", field="to")
    if offered_on > timezone.localdate():
        raise ApplicationError("The offer cannot be in the future.", field="offered_on")
    offer = FgdmOffer.objects.create(
        case=case,
        offered_on=offered_on,
        in_letter_before_proceedings=in_letter_before_proceedings,
        recorded_by=actor,
    )
    FgdmResponse.objects.bulk_create(FgdmResponse(offer=offer, member=m) for m in to)
    _audit(actor, AuditAction.CREATE, offer, case, offered_to=[m.pk for m in to])
    return offer


@transaction.atomic
def fgdm_response_record(
    *, actor: Practitioner, response: FgdmResponse, answer: str, answered_on: date
) -> FgdmResponse:
    case = _open_case(actor, response.offer.case)
    if answer not in (FgdmResponse.Answer.ACCEPTED, FgdmResponse.Answer.DECLINED):
        raise ApplicationError("Choose whether they accepted or declined.", field="answer")
    if answered_on < response.offer.offered_on or answered_on > timezone.localdate():
        raise ApplicationError(
            "They answer on or after the offer, and not in the future.", field="answered_on"
        )
    response.answer, response.answered_on = answer, answered_on
    response.save(update_fields=["answer", "answered_on"])
    _audit(actor, AuditAction.UPDATE, response, case, answer=answer)
    return response


@transaction.atomic
def fgdm_meeting_record(
    *,
    actor: Practitioner,
    case: ProtectionCase,
    held_on: date,
    attended: list[FamilyNetworkMember],
    child_participation: str,
    family_plan: str,
) -> FgdmMeeting:
    case = _open_case(actor, case)
    if held_on > timezone.localdate():
        raise ApplicationError("The meeting cannot be in the future.", field="held_on")
    proceedings = getattr(case, "proceedings", None)
    if proceedings is not None and held_on > proceedings.applied_on:
        raise ApplicationError(
            f"The meeting must be held before the application for proceedings "
            f"({proceedings.applied_on:%-d %B %Y}).",
            field="held_on",
        )
    if child_participation not in ChildParticipation.values:
        raise ApplicationError("Say how the child took part.", field="child_participation")
    if any(m.case_id != case.pk for m in attended):
        raise ApplicationError("Choose people from the family network.", field="attended")
    family_plan = _text(family_plan, "family_plan", "Write down the plan the family agreed.")
    meeting = FgdmMeeting.objects.create(
        case=case,
        held_on=held_on,
        child_participation=child_participation,
        family_plan=family_plan,
        recorded_by=actor,
    )
    meeting.attended.set(attended)
    _audit(actor, AuditAction.CREATE, meeting, case)
    return meeting


@transaction.atomic
def fgdm_exemption_record(
    *, actor: Practitioner, case: ProtectionCase, reasons: str, decided_on: date
) -> FgdmExemption:
    case = _open_case(actor, case)
    if hasattr(case, "fgdm_exemption"):
        raise ApplicationError("An exemption is already recorded.", status=409)
    reasons = _text(
        reasons, "reasons", "Say why a meeting would not be in the child's best interests."
    )
    exemption = FgdmExemption.objects.create(
        case=case, reasons=reasons, decided_on=decided_on, decided_by=actor
    )
    _audit(actor, AuditAction.CREATE, exemption, case)
    return exemption


@transaction.atomic
def proceedings_record(
    *, actor: Practitioner, case: ProtectionCase, applied_on: date
) -> Proceedings:
    case = _open_case(actor, case)
    if hasattr(case, "proceedings"):
        raise ApplicationError("Proceedings are already recorded.", status=409)
    if applied_on > timezone.localdate():
        raise ApplicationError("The application cannot be in the future.", field="applied_on")
    later = case.fgdm_meetings.filter(held_on__gt=applied_on).first()
    if later is not None:
        raise ApplicationError(
            f"A family group decision-making meeting is recorded after this date "
            f"({later.held_on:%-d %B %Y}); it must come before the application.",
            field="applied_on",
        )
    proceedings = Proceedings.objects.create(case=case, applied_on=applied_on, recorded_by=actor)
    _audit(actor, AuditAction.CREATE, proceedings, case)
    return proceedings
