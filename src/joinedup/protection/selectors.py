"""Every read of the child-protection path a user sees, through the access policy, audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action as AuditAction
from joinedup.episodes.models import Action, Episode
from joinedup.partnership.models import Practitioner
from joinedup.protection import census, deadlines
from joinedup.protection.models import (
    REQUIRED_AGENCIES,
    REQUIRED_MEMBERSHIP_LABELS,
    CaseStatus,
    ChildInNeedPlan,
    ChildProtectionTeam,
    ChildProtectionTeamMember,
    Conference,
    FgdmResponse,
    ProtectionCase,
    SingleAssessment,
    StrategyDecision,
)
from joinedup.protection.services import latest_category, review_due_on
from joinedup.sharing import policy
from joinedup.sharing.models import SharingDecision

PURPOSE = "child protection"


# --- Multi-agency child protection teams ----------------------------------------------------


def missing_memberships(members: list[ChildProtectionTeamMember]) -> list[str]:
    """Which of the four memberships Children Act 2004 s16EA requires the team lacks, named."""
    present = {m.agency for m in members if m.left_on is None and m.counts_as_required}
    return [REQUIRED_MEMBERSHIP_LABELS[a] for a in REQUIRED_AGENCIES if a not in present]


@dataclass
class TeamView:
    team: ChildProtectionTeam
    members: list[ChildProtectionTeamMember]
    missing: list[str]
    may_configure: bool


def cp_teams_for_user(*, user: Any) -> list[TeamView]:
    current = ChildProtectionTeamMember.objects.filter(left_on__isnull=True).select_related(
        "practitioner__organisation"
    )
    teams = policy.child_protection_teams_visible_to(user).prefetch_related(
        Prefetch("members", queryset=current, to_attr="current_members")
    )
    may = policy.may_configure_child_protection_teams(user)
    return [
        TeamView(t, t.current_members, missing_memberships(t.current_members), may)  # type: ignore[attr-defined]
        for t in teams
    ]


def cp_team_get(*, user: Any, team_id: Any) -> TeamView:
    team = policy.require_child_protection_team(user, team_id)
    members = list(
        team.members.filter(left_on__isnull=True).select_related("practitioner__organisation")
    )
    return TeamView(
        team,
        members,
        missing_memberships(members),
        policy.may_configure_child_protection_teams(user),
    )


def social_workers() -> QuerySet[Practitioner]:
    return Practitioner.objects.filter(profession="social_worker", is_active=True).order_by(
        "last_name", "first_name"
    )


def practitioners_for_teams() -> QuerySet[Practitioner]:
    return (
        Practitioner.objects.filter(is_active=True, organisation__isnull=False)
        .select_related("organisation")
        .order_by("last_name", "first_name")
    )


# --- One child's record -----------------------------------------------------------------------


@dataclass
class Timescale:
    what: str
    due: date
    met_on: date | None = None

    @property
    def late(self) -> bool:
        reference = self.met_on or timezone.localdate()
        return reference > self.due


@dataclass
class CaseView:
    case: ProtectionCase
    timescales: list[Timescale] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    latest_category: str = ""

    @property
    def plan(self) -> Any:
        return getattr(self.case, "plan", None)

    @property
    def assessment_under_way(self) -> SingleAssessment | None:
        return next((a for a in self.case.assessments.all() if a.is_under_way), None)

    @property
    def cin_plan_in_force(self) -> ChildInNeedPlan | None:
        return next((p for p in self.case.cin_plans.all() if p.ended_on is None), None)

    @property
    def may_record_need(self) -> bool:
        """Assessment and child in need work go on until the record closes."""
        return self.case.status != CaseStatus.STEPPED_DOWN


def _case_queryset(user: Any) -> QuerySet[ProtectionCase]:
    return policy.protection_cases_visible_to(user).select_related(
        "child", "episode", "lead_practitioner", "cp_team"
    )


def case_get(*, user: Any, case_id: Any) -> CaseView:
    case = policy.require_protection_case(user, case_id, PURPOSE)
    case = (
        ProtectionCase.objects.select_related("child", "episode", "lead_practitioner", "cp_team")
        .prefetch_related(
            "strategies__attendees",
            "enquiries",
            "conferences__attendees",
            "conferences__reports",
            "handovers__to_practitioner",
            "network",
            "fgdm_offers__responses__member",
            "fgdm_meetings__attended",
            "assessments__social_worker",
            "assessments__authorised_by",
            "cin_plans",
        )
        .get(pk=case.pk)
    )
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        obj=case,
        persons=[case.child_id],
        purpose=PURPOSE,
        lawful_basis=policy.BASIS_CHILD_PROTECTION,
    )
    view = CaseView(case=case)
    view.timescales = _timescales(case)
    view.warnings = fgdm_warnings(case) + _strategy_warnings(case)
    plan = getattr(case, "plan", None)
    if plan is not None:
        view.latest_category = latest_category(plan)
        view.actions = list(
            Action.objects.filter(episode=case.episode, created_at__date__gte=plan.started_on)
            .select_related("owner__practitioner__organisation", "owner__person")
            .order_by("due_on", "pk")
        )
    return view


def _timescales(case: ProtectionCase) -> list[Timescale]:
    calendar = deadlines.working_calendar()
    found = []
    strategy = next(
        (s for s in reversed(case.strategies.all()) if s.decision == StrategyDecision.SECTION_47),
        None,
    )
    conferences = list(case.conferences.all())
    initial = next((c for c in conferences if c.kind == Conference.Kind.INITIAL), None)
    if strategy is not None:
        found.append(
            Timescale(
                "Initial child protection conference (15 working days after the strategy "
                "discussion)",
                deadlines.icpc_due(calendar, strategy.held_on),
                initial.held_on if initial else None,
            )
        )
    plan = getattr(case, "plan", None)
    if plan is not None:
        first_core = plan.core_groups.order_by("held_on").first()
        found.append(
            Timescale(
                "First core group (10 working days after the initial conference)",
                deadlines.core_group_due(calendar, plan.started_on),
                first_core.held_on if first_core else None,
            )
        )
        due = review_due_on(case)
        if due is not None:
            found.append(Timescale("Next review conference", due))
    return found


def _strategy_warnings(case: ProtectionCase) -> list[str]:
    """Working Together: a strategy discussion includes social care, health and police."""
    warnings = []
    for strategy in case.strategies.all():
        agencies = {a.agency for a in strategy.attendees.all()}
        missing = [
            label
            for code, label in (
                ("social_work", "social work"),
                ("health", "health"),
                ("police", "police"),
            )
            if code not in agencies
        ]
        if missing:
            warnings.append(
                f"The strategy discussion on {strategy.held_on:%-d %B %Y} had nobody from "
                f"{', '.join(missing)}."
            )
    return warnings


def fgdm_warnings(case: ProtectionCase) -> list[str]:
    """Children Act 1989 s31ZA: an offer before proceedings, and the meeting held if accepted."""
    proceedings = getattr(case, "proceedings", None)
    if proceedings is None:
        return []
    offers = [o for o in case.fgdm_offers.all() if o.offered_on <= proceedings.applied_on]
    if not offers:
        return [
            "Proceedings are recorded but no family group decision-making meeting was offered "
            "before the application."
        ]
    warnings = []
    if not any(o.in_letter_before_proceedings for o in offers):
        warnings.append(
            "The offer of a family group decision-making meeting was not in the letter before "
            "proceedings."
        )
    accepted = any(
        r.answer == FgdmResponse.Answer.ACCEPTED for o in offers for r in o.responses.all()
    )
    held = any(m.held_on <= proceedings.applied_on for m in case.fgdm_meetings.all())
    exempt = hasattr(case, "fgdm_exemption")
    if accepted and not held and not exempt:
        warnings.append(
            "The offer of a family group decision-making meeting was accepted but no meeting was "
            "held before the application, and no best-interests exemption is recorded."
        )
    return warnings


def cases_for_episode(*, user: Any, episode: Episode) -> list[ProtectionCase]:
    return list(_case_queryset(user).filter(episode=episode))


def my_cases(*, user: Any) -> list[ProtectionCase]:
    return list(
        _case_queryset(user)
        .filter(status__in=[CaseStatus.ENQUIRY, CaseStatus.CONFERENCE, CaseStatus.PLAN])
        .order_by("-opened_at")
    )


# --- The duty to share: decisions not to disclose, for the data protection officer ------------


def withheld_under_duty(*, user: Any) -> list[SharingDecision]:
    policy.require_data_protection_officer(user, object_type="sharing.sharingdecision")
    decisions = list(
        SharingDecision.objects.exclude(more_detrimental_reasons="")
        .select_related("person", "decided_by", "organisation")
        .prefetch_related("recipients")
        .order_by("-decided_at")[:200]
    )
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="sharing.sharingdecision",
        object_id="duty-to-share-withheld",
        persons=[d.person_id for d in decisions],
        purpose="data protection",
    )
    return decisions


# --- The Children in Need census -------------------------------------------------------------


def census_check(*, user: Any, year: Any, la_code: str) -> census.CheckedReturn:
    """Build the year's return and run the DfE rules over it; audited as an export."""
    policy.require_census_maker(user)
    reporting = census.reporting_year(year)
    xml, cases = census.build_xml(reporting, la_code.strip())
    failures = census.validate(reporting, xml)
    audit.record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="protection.census",
        object_id=str(reporting.ends),
        persons=sorted({c.child_id for c in cases}),
        purpose="census",
        lawful_basis=policy.BASIS_CENSUS,
        detail={"errors": len([f for f in failures if f.kind == "error"])},
    )
    return census.CheckedReturn(reporting, xml, failures, children=len({c.child_id for c in cases}))


# --- Look-ups for the API's ids --------------------------------------------------------------


def practitioner_by_id(pk: int, field: str) -> Practitioner:
    from joinedup.errors import ApplicationError

    found = Practitioner.objects.filter(pk=pk, is_active=True, organisation__isnull=False).first()
    if found is None:
        raise ApplicationError("Choose a practitioner of a partner organisation.", field=field)
    return found


def network_members(case: ProtectionCase, ids: list[int], field: str) -> list[Any]:
    from joinedup.errors import ApplicationError

    found = list(case.network.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ApplicationError("Choose people from this child's family network.", field=field)
    return found


def assessment_of(case: ProtectionCase, assessment_id: Any) -> SingleAssessment:
    """An assessment of this record (the caller has already been allowed the record)."""
    from joinedup.errors import NotFound

    try:
        return case.assessments.get(pk=int(assessment_id))
    except (TypeError, ValueError, SingleAssessment.DoesNotExist):
        raise NotFound() from None
