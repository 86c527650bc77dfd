"""Every read of episodes (the team around the family) that a user sees: through the policy,
audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.chronology import services as chronology
from joinedup.core.lookups import lists_if_any, with_known
from joinedup.episodes.models import Action as ActionModel
from joinedup.episodes.models import (
    ActionNote,
    ActionStatus,
    Attendance,
    CriticalIncident,
    Disagreement,
    DisagreementStep,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    LeadProposal,
    Meeting,
    OutcomeJudgement,
    TeamMember,
)
from joinedup.episodes.services.lead import NOT_LEAD_ROLES, NOT_LEADS
from joinedup.frontdoor.models import (
    RequestStatus,
)
from joinedup.partnership.models import Practitioner, Profession, Role, Sector
from joinedup.people.models import Person
from joinedup.sharing import policy


@dataclass
class EpisodeView:
    episode: Episode
    members: list[Any]
    outcomes: list[Any]
    actions: list[Any]
    meetings: list[Any]
    decisions: list[Any]
    incidents: list[Any]
    handovers: list[Any]
    plan_versions: list[Any]
    may_edit: bool
    is_lead: bool
    review_due: date | None
    closure_feedback: list[Any] = field(default_factory=list)
    lead_proposals: list[Any] = field(default_factory=list)

    @property
    def history(self) -> list[tuple[datetime, str, Any]]:
        """Status changes, handovers, declined proposals and requests, in the order they
        happened (to the minute): (when, kind, the thing)."""
        items: list[tuple[datetime, str, Any]] = [
            (c.at, "status", c) for c in self.episode.status_history.all()
        ]
        items += [(h.at, "handover", h) for h in self.handovers]
        items += [
            (p.answered_at, "declined", p)
            for p in self.lead_proposals
            if p.status == "declined" and p.answered_at
        ]
        items += [(r.created_at, "request", r) for r in self.episode.requests.all()]
        return sorted(items, key=lambda item: item[0])

    @property
    def lead_waiting(self) -> Any:
        return next((p for p in self.lead_proposals if p.status == "waiting"), None)

    @property
    def review_overdue(self) -> bool:
        # A closed episode has no more reviews to hold.
        return (
            self.episode.is_active
            and self.review_due is not None
            and self.review_due < timezone.localdate()
        )


# What names a team member: the practitioner, or the family member taking part.
MEMBER_NAMES = ("practitioner", "person")


def episode_get(*, user: Any, episode_id: Any) -> EpisodeView:
    """One episode, for its team: everything on the episode page in a fixed number of queries."""
    # Each list's own rows with what they point at joined in (a Prefetch of a select_related),
    # rather than one more query per step of "attendance__member__practitioner".
    episode = policy.require_episode(
        user,
        episode_id,
        reading=lambda episodes: episodes.select_related(
            "lead_professional__organisation", "closure"
        ).prefetch_related(
            "persons",
            Prefetch("status_history", EpisodeStatusChange.objects.select_related("by")),
            "requests",
        ),
    )
    # Every member the team has had, once: the table shows the current ones, and the actions'
    # owners, the attendance and the disagreements are named from here, not by joins of their own.
    everyone = {
        m.pk: m for m in episode.members.select_related("practitioner__organisation", "person")
    }
    members = [m for m in everyone.values() if m.left_at is None]
    actions = list(
        episode.actions.select_related("outcome").prefetch_related(
            Prefetch("notes", ActionNote.objects.select_related("author"))
        )
    )
    with_known(actions, "owner", everyone, *MEMBER_NAMES)
    meetings = list(
        episode.meetings.prefetch_related(
            # In the team's order (members' ids follow the order they joined in).
            Prefetch("attendance", Attendance.objects.order_by("member_id", "pk")),
            Prefetch("judgements", OutcomeJudgement.objects.select_related("outcome")),
        )
    )
    attendance = [a for m in meetings for a in m.attendance.all()]
    with_known(attendance, "member", everyone, *MEMBER_NAMES)
    steps = Prefetch("steps", DisagreementStep.objects.select_related("by"))
    decisions = list(
        episode.decisions.select_related("taken_by").prefetch_related(
            Prefetch("disagreements", Disagreement.objects.prefetch_related(steps))
        )
    )
    disagreements = [d for decision in decisions for d in decision.disagreements.all()]
    with_known(disagreements, "raised_by", everyone, *MEMBER_NAMES)
    # Most episodes have none of these four: asked narrowly first, in one query (lists_if_any).
    incidents, handovers, closure_feedback, lead_proposals = lists_if_any(
        (
            episode.incidents.all(),
            lambda found: found.select_related("recorded_by", "acknowledged_by"),
        ),
        (
            episode.handovers.all(),
            lambda found: found.select_related("from_practitioner", "to_practitioner"),
        ),
        (
            episode.closure_feedback.all(),
            lambda found: found.select_related("given_by", "recorded_by"),
        ),
        (
            episode.lead_proposals.all(),
            lambda found: found.select_related("proposed", "proposed_by")[:10],
        ),
    )
    audit.record(
        actor=user,
        action=Action.VIEW,
        obj=episode,
        persons=episode.persons.all(),
        purpose="episode",
        lawful_basis=policy.BASIS_EPISODE,
    )
    return EpisodeView(
        episode=episode,
        members=members,
        outcomes=list(episode.outcomes.select_related("category")),
        actions=actions,
        meetings=meetings,
        decisions=decisions,
        incidents=incidents,
        handovers=handovers,
        plan_versions=list(episode.plan_versions.select_related("made_by")),
        may_edit=episode.status != EpisodeStatus.CLOSED,
        is_lead=episode.lead_professional_id == user.pk,
        review_due=meetings[0].next_review_on if meetings else None,
        closure_feedback=closure_feedback,
        lead_proposals=lead_proposals,
    )


def my_episodes(*, user: Any) -> list[Episode]:
    """The episodes' ids, for the API's list (nothing about the families is in it)."""
    return list(policy.episodes_visible_to(user).only("pk"))


@dataclass
class MyWork:
    actions_overdue: list[Any]
    actions_due: list[Any]
    meetings_coming: list[Any]
    reviews_overdue: list[Any]
    incidents_to_acknowledge: list[Any]
    disagreements: list[Any]
    requests_waiting: list[Any]
    front_door_waiting: int
    pattern_alerts: list[Any] = field(default_factory=list)
    lead_proposals: list[Any] = field(default_factory=list)
    escalated_to_me: list[Any] = field(default_factory=list)
    my_families: Any = field(default_factory=list)  # a Page of episodes, next review first
    team_caseloads: list[Caseload] = field(default_factory=list)
    reviews_overdue_total: int = 0
    meetings_coming_total: int = 0
    actions_overdue_total: int = 0
    actions_due_total: int = 0


@dataclass(frozen=True)
class Caseload:
    """One practitioner who reports to the reader: what they lead and what they owe."""

    practitioner: Practitioner
    leading: int
    member_of: int
    actions_open: int
    actions_overdue: int


def reports_of(user: Any) -> QuerySet[Practitioner]:
    """The practitioners who report to this one: their own line reports, and the practitioners
    of the teams they manage (most readers manage nobody)."""
    # Two indexed lookups joined by UNION: an OR across the join to teams reads every
    # practitioner (50,000 at 1M).
    line = Practitioner.objects.filter(line_manager=user).order_by().values("pk")
    team = (
        Practitioner.objects.filter(team__manager=user, line_manager__isnull=True)
        .order_by()
        .values("pk")
    )
    return Practitioner.objects.filter(pk__in=line.union(team), is_active=True).exclude(pk=user.pk)


def team_caseloads(reports: list[Practitioner]) -> list[Caseload]:
    """For a manager: the caseload of each practitioner who reports to them (`reports_of`, with
    their organisation and team). Counts only: no family is named.

    My work asks whether there are any reports with its other short lists (lists_if_any); a
    manager's counts are then looked up by the reports' ids (indexed), not by a subquery that
    PostgreSQL would answer by scanning every action and membership."""
    if not reports:
        return []
    ids = [p.pk for p in reports]
    today = timezone.localdate()
    open_episode = ~Q(status=EpisodeStatus.CLOSED)
    open_action = ~Q(status__in=[ActionStatus.DONE, ActionStatus.NOT_DONE])
    leading = dict(
        Episode.objects.filter(open_episode, lead_professional__in=ids)
        .values_list("lead_professional")
        .annotate(n=Count("pk"))
    )
    member_of = dict(
        TeamMember.objects.filter(practitioner__in=ids, left_at__isnull=True)
        .exclude(episode__status=EpisodeStatus.CLOSED)
        .values_list("practitioner")
        .annotate(n=Count("episode", distinct=True))
    )
    actions = ActionModel.objects.filter(open_action, owner__practitioner__in=ids)
    actions_open = dict(actions.values_list("owner__practitioner").annotate(n=Count("pk")))
    overdue = dict(
        actions.filter(due_on__lt=today).values_list("owner__practitioner").annotate(n=Count("pk"))
    )
    return [
        Caseload(
            practitioner=p,
            leading=leading.get(p.pk, 0),
            member_of=member_of.get(p.pk, 0),
            actions_open=actions_open.get(p.pk, 0),
            actions_overdue=overdue.get(p.pk, 0),
        )
        for p in reports
    ]


MY_FAMILIES_PER_PAGE = 25
LIST_LIMIT = 25
ACTIONS_READ = 1000  # My work reads the dates of up to this many actions due, to count them


def _named_episodes(ids: Any) -> dict[int, Episode]:
    """Episodes by id, with only what a list names them by: reference, status, lead and the
    family's names (Episode.family_label)."""
    persons = Person.objects.only("kind", "given_name", "family_name")
    return (
        Episode.objects.only("reference", "status", "lead_professional_id")
        .prefetch_related(Prefetch("persons", persons))
        .in_bulk(ids)
    )


def my_work(*, user: Any, horizon_days: int = 14, page: Any = 1, summary: bool = False) -> MyWork:
    """Everything waiting for one practitioner, across every team they are in.

    A practitioner may be in hundreds of teams (a duty team's manager, an early-help
    coordinator): the families are paged, and the reviews overdue and coming and the actions
    overdue and due are the first LIST_LIMIT of each with their totals, so the page costs the
    same whatever the caseload. The audit names the persons of every family shown.

    `summary`: for the API, which returns ids and totals only: the lead proposals, the
    disagreements escalated to a manager and the caseloads of their reports are not read."""
    today = timezone.localdate()
    horizon = today + timedelta(days=horizon_days)
    # The policy is asked once, with each open team's next review: every list below is of
    # these teams by id, sorted here, rather than "which episodes may I see" run again inside
    # each of a dozen queries.
    latest = Meeting.objects.filter(episode=OuterRef("pk")).order_by("-held_on", "-pk")
    teams = (
        policy.open_episodes_visible_to(user)
        .annotate(next_review=Subquery(latest.values("next_review_on")[:1]))
        .values_list("pk", "next_review", "lead_professional_id")
    )
    due: dict[int, date | None] = {}
    led: list[int] = []
    for pk, next_review, lead_id in teams:
        due[pk] = next_review
        if lead_id == user.pk:
            led.append(pk)
    open_ids = frozenset(due)
    in_order = sorted(due, key=lambda pk: (due[pk] is None, due[pk] or today, pk))
    overdue = [pk for pk in in_order if (due[pk] or horizon) < today]
    coming = [pk for pk in in_order if today <= (due[pk] or date.min) <= horizon]
    families = Paginator(in_order, MY_FAMILIES_PER_PAGE).get_page(page)
    # The open actions due by the horizon, by date: their ids and dates in one read (the totals
    # counted from it), then the first LIST_LIMIT overdue and due in a second.
    open_actions = (
        ActionModel.objects.filter(
            owner__practitioner=user,
            owner__left_at__isnull=True,
            episode_id__any_of=open_ids,
            due_on__lte=horizon,
        )
        .exclude(status__in=[ActionStatus.DONE, ActionStatus.NOT_DONE])
        .order_by("due_on", "pk")
    )
    dates = list(open_actions.values_list("pk", "due_on")[:ACTIONS_READ])
    overdue_actions = [pk for pk, on in dates if on < today]
    due_actions = [pk for pk, on in dates if on >= today]
    if len(dates) == ACTIONS_READ:  # more than is worth reading: each list asked for alone
        overdue_qs, due_qs = (
            open_actions.filter(due_on__lt=today),
            open_actions.filter(due_on__gte=today),
        )
        overdue_actions = list(overdue_qs.values_list("pk", flat=True)[:LIST_LIMIT])
        due_actions = list(due_qs.values_list("pk", flat=True)[:LIST_LIMIT])
        actions_overdue_total, actions_due_total = overdue_qs.count(), due_qs.count()
    else:
        actions_overdue_total, actions_due_total = len(overdue_actions), len(due_actions)
    listed_actions = ActionModel.objects.only("text", "due_on", "episode_id").in_bulk(
        [*overdue_actions[:LIST_LIMIT], *due_actions[:LIST_LIMIT]]
    )
    actions_overdue = [listed_actions[pk] for pk in overdue_actions[:LIST_LIMIT]]
    actions_due = [listed_actions[pk] for pk in due_actions[:LIST_LIMIT]]
    # Most days these seven are empty: asked narrowly first, in one query (lists_if_any).
    (
        disagreements,
        incidents,
        lead_proposals,
        escalated,
        reports,
        pattern_alerts,
        requests_waiting,
    ) = lists_if_any(
        (
            Disagreement.objects.filter(
                decision__episode_id__any_of=open_ids, status=Disagreement.Status.OPEN
            ),
            lambda found: found.select_related("decision").order_by("level_due_at"),
        ),
        (
            CriticalIncident.objects.filter(
                episode__lead_professional=user, acknowledged_at__isnull=True
            ),
            lambda found: found,
        ),
        (
            None
            if summary
            else LeadProposal.objects.filter(proposed=user, status=LeadProposal.Status.WAITING),
            lambda found: found.select_related("proposed_by"),
        ),
        (
            None
            if summary
            else Disagreement.objects.filter(managers_told=user, status=Disagreement.Status.OPEN),
            lambda found: found.select_related(
                "decision__episode", "decision__taken_by", "raised_by__practitioner"
            ).order_by("level_due_at"),
        ),
        (
            None if summary else reports_of(user),
            lambda found: found.select_related("organisation", "team").order_by(
                "last_name", "first_name"
            ),
        ),
        # Raised once and stored when the chronology entry was recorded; here only read.
        chronology.pattern_alerts_for_lead(led=led),
        (policy.requests_sent_to(user), lambda found: found.only("reference")),
    )
    # Every list names its families: the episodes shown, and those the lists point at, are
    # read once with the family's names.
    holders: list[Any] = [  # each points at its episode
        *actions_overdue,
        *actions_due,
        *(d.decision for d in disagreements),
        *incidents,
        *lead_proposals,
    ]
    shown = {*families.object_list, *overdue[:LIST_LIMIT], *coming[:LIST_LIMIT]}
    loaded = _named_episodes(shown | {holder.episode_id for holder in holders})
    for pk, episode in loaded.items():
        episode.next_review = due.get(pk)  # type: ignore[attr-defined]
    for holder in holders:
        holder.episode = loaded[holder.episode_id]
    families.object_list = [loaded[pk] for pk in families.object_list]  # type: ignore[misc]
    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="episodes.my_work",
        persons={p.pk for e in loaded.values() for p in e.persons.all()},
    )
    return MyWork(
        actions_overdue=actions_overdue,
        actions_due=actions_due,
        actions_overdue_total=actions_overdue_total,
        actions_due_total=actions_due_total,
        meetings_coming=[loaded[pk] for pk in coming[:LIST_LIMIT]],
        reviews_overdue=[loaded[pk] for pk in overdue[:LIST_LIMIT]],
        reviews_overdue_total=len(overdue),
        meetings_coming_total=len(coming),
        incidents_to_acknowledge=incidents,
        disagreements=disagreements,
        requests_waiting=requests_waiting,
        front_door_waiting=policy.requests_visible_to(user)
        .filter(status=RequestStatus.RECEIVED)
        .count()
        if policy.is_front_door(user)
        else 0,
        pattern_alerts=pattern_alerts,
        lead_proposals=lead_proposals,
        escalated_to_me=escalated,
        my_families=families,
        team_caseloads=team_caseloads(reports),
    )


def lead_candidates(episode: Episode, kind: str) -> Any:
    """Who may be proposed: the team for a handover; social workers of children's social care at
    step-up; anyone who may lead at step-down. Never the current lead."""
    qs = Practitioner.objects.filter(is_active=True, organisation__isnull=False).exclude(
        profession__in=NOT_LEADS
    )
    if kind == LeadProposal.Kind.HANDOVER:
        qs = qs.filter(memberships__episode=episode, memberships__left_at__isnull=True)
    elif kind == LeadProposal.Kind.STEP_UP:
        qs = qs.filter(profession=Profession.SOCIAL_WORKER, organisation__sector=Sector.STATUTORY)
    roles = Practitioner.roles.through.objects.filter(practitioner_id=OuterRef("pk"))
    other_work = Exists(roles.filter(role__code__in=NOT_LEAD_ROLES))
    casework = Exists(roles.filter(role__code=Role.Code.PRACTITIONER))
    return (
        qs.filter(~other_work | casework)
        .exclude(pk=episode.lead_professional_id)
        .distinct()
        .select_related("organisation")
        .order_by("last_name", "first_name")
    )


def lead_proposal_get(*, user: Any, episode_id: Any, proposal_id: Any) -> LeadProposal:
    """Security: only the practitioner asked to lead sees the proposal (the same 404 otherwise);
    they see the family's names and the reason, a share on the basis of the work offered."""
    proposal = (
        LeadProposal.objects.filter(pk=proposal_id, episode_id=episode_id, proposed=user)
        .select_related("episode", "proposed_by__organisation", "episode__lead_professional")
        .prefetch_related("episode__persons")
        .first()
        if str(proposal_id).isdigit() and str(episode_id).isdigit()
        else None
    )
    if proposal is None:
        raise policy.refuse(user, object_type="episodes.leadproposal", object_id=proposal_id)
    audit.record(
        actor=user,
        action=Action.VIEW,
        obj=proposal,
        persons=proposal.episode.persons.all(),
        purpose="episode",
        lawful_basis=policy.BASIS_EPISODE,
    )
    return proposal


def action_as_saved(*, action_id: int) -> ActionModel:
    """An action as it is in the database now, with its notes: for the conflict screen of
    someone already allowed to edit it."""
    return (
        ActionModel.objects.select_related("owner__practitioner", "owner__person")
        .prefetch_related("notes__author")
        .get(pk=action_id)
    )
