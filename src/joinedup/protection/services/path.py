"""Strategy discussion, section 47 enquiry, conferences, the plan, core groups and step-down."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from joinedup.audit.models import Action as AuditAction
from joinedup.episodes import services as episode_services
from joinedup.episodes.models import Action, TeamMember
from joinedup.errors import ApplicationError
from joinedup.partnership.models import Practitioner
from joinedup.protection import codes, deadlines
from joinedup.protection.models import (
    AbuseCategory,
    Agency,
    AgencyReport,
    Attendee,
    CaseStatus,
    ChildProtectionPlan,
    Conference,
    CoreGroupMeeting,
    EnquiryOutcome,
    ProtectionCase,
    Section47Enquiry,
    StrategyDecision,
    StrategyDiscussion,
)
from joinedup.protection.services.case import PURPOSE, _attendees, _audit, _open_case, _text
from joinedup.protection.services.need import cin_plan_close_for
from joinedup.sharing import policy


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
    if decision == Conference.Decision.PLAN:
        # The child protection plan takes over from a child in need plan the day it starts.
        cin_plan_close_for(actor, case, held_on, "held_on", "child protection plan started")
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
    if locked.assessments.filter(authorised_on__isnull=True).exists():
        raise ApplicationError(
            "An assessment is under way: record its authorisation before the record closes.",
            field="closed_on",
            status=409,
        )
    cin_plan_close_for(actor, locked, closed_on, "closed_on", "record closed")
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
