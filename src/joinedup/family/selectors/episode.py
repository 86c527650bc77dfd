"""One episode as the family sees it: the plan, the team and meetings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from joinedup.episodes.models import (
    Action,
    ActionStatus,
    Episode,
    EpisodeStatus,
    Meeting,
    TeamMember,
    WantedOutcome,
)
from joinedup.family.models import (
    ActionProgress,
)
from joinedup.family.selectors.common import (
    EPISODE_WORDS,
    JUDGEMENT_WORDS,
    MEETING_WORDS,
    SOMEONE,
    STATUS_TAGS,
    STATUS_WORDS,
    _account,
    _audit_view,
    display_name,
)
from joinedup.sharing import policy


@dataclass
class MemberView:
    name: str
    organisation: str
    role: str
    profession: str
    telephone: str
    email: str
    is_lead: bool
    is_you: bool
    is_family: bool


@dataclass
class ActionView:
    action: Action
    text: str
    who: str
    due_on: date
    status: str
    status_words: str
    status_tag: str
    not_done_reason: str
    is_yours: bool
    overdue: bool
    progress: list[ActionProgress] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)


@dataclass
class OutcomeView:
    text: str
    actions: list[ActionView]


@dataclass
class FamilyEpisodeView:
    """What every family page of one episode shares: the episode and the team as the family
    member may know it."""

    episode: Episode
    person_id: int
    status_words: str
    people: list[str]
    members: list[MemberView]
    visible_member_ids: set[int]
    lead: MemberView | None

    @property
    def opened_on(self) -> date:
        return timezone.localtime(self.episode.opened_at).date()

    @property
    def is_closed(self) -> bool:
        return self.episode.status == EpisodeStatus.CLOSED


def _contact(member: TeamMember) -> tuple[str, str]:
    p = member.practitioner
    if p is None:
        return "", ""
    team = p.team
    organisation = p.organisation
    telephone = (
        p.telephone
        or (team.telephone if team else "")
        or (organisation.telephone if organisation else "")
    )
    return telephone, p.email


def _member_view(member: TeamMember, lead_id: int, own_id: int) -> MemberView:
    telephone, email = _contact(member)
    p = member.practitioner
    if p is not None:
        return MemberView(
            name=p.get_full_name(),
            organisation=p.organisation.name if p.organisation else "",
            role=member.role,
            profession=p.get_profession_display(),
            telephone=telephone,
            email=email,
            is_lead=p.pk == lead_id,
            is_you=False,
            is_family=False,
        )
    assert member.person is not None
    return MemberView(
        name="You" if member.person_id == own_id else display_name(member.person),
        organisation="",
        role=member.role,
        profession="",
        telephone="",
        email="",
        is_lead=False,
        is_you=member.person_id == own_id,
        is_family=True,
    )


def _episode_view(user: Any, episode_id: Any) -> FamilyEpisodeView:
    episode = policy.require_family_episode(user, episode_id)
    episode = (
        Episode.objects.select_related("lead_professional")
        .prefetch_related("persons")
        .get(pk=episode.pk)
    )
    account = _account(user)
    members = list(policy.family_team_visible_to(user, episode).order_by("joined_at", "pk"))
    views = [_member_view(m, episode.lead_professional_id, account.person_id) for m in members]
    lead = next((v for v in views if v.is_lead), None)
    # The lead first, then everyone else as they joined.
    views.sort(key=lambda v: not v.is_lead)
    return FamilyEpisodeView(
        episode=episode,
        person_id=account.person_id,
        status_words=EPISODE_WORDS.get(EpisodeStatus(episode.status), ""),
        people=[display_name(p) for p in episode.persons.all()],
        members=views,
        visible_member_ids={m.pk for m in members},
        lead=lead,
    )


@dataclass
class PlanView:
    base: FamilyEpisodeView
    outcomes: list[OutcomeView]
    other_actions: list[ActionView]
    yours: list[ActionView]
    done: list[ActionView]
    next_meeting: date | None


def _action_view(
    action: Action, base: FamilyEpisodeView, progress: dict[int, list[ActionProgress]]
) -> ActionView:
    owner = action.owner
    yours = owner.person_id is not None and owner.person_id == base.person_id
    if yours:
        who = "You"
    elif owner.pk not in base.visible_member_ids:
        who = SOMEONE
    elif owner.practitioner is not None:
        org = owner.practitioner.organisation
        who = owner.practitioner.get_full_name() + (f", {org.name}" if org else "")
    else:
        who = display_name(owner.person) if owner.person else SOMEONE
    return ActionView(
        action=action,
        text=action.text,
        who=who,
        due_on=action.due_on,
        status=action.status,
        status_words=STATUS_WORDS.get(ActionStatus(action.status), action.status),
        status_tag=STATUS_TAGS.get(ActionStatus(action.status), "govuk-tag--grey"),
        not_done_reason=action.not_done_reason,
        is_yours=yours,
        overdue=action.due_on < timezone.localdate()
        and action.status in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS),
        progress=progress.get(action.pk, []) if yours else [],
    )


def _actions(episode: Episode) -> QuerySet[Action]:
    return episode.actions.select_related(
        "owner__practitioner__organisation", "owner__person", "outcome"
    )


def _own_progress(user: Any, episode: Episode) -> dict[int, list[ActionProgress]]:
    account = _account(user)
    grouped: dict[int, list[ActionProgress]] = defaultdict(list)
    for report in ActionProgress.objects.filter(episode=episode, account=account):
        grouped[report.action_id].append(report)
    return grouped


def _latest_meeting(episode: Episode) -> Meeting | None:
    return episode.meetings.order_by("-held_on", "-pk").first()


def plan_get(*, user: Any, episode_id: Any) -> PlanView:
    base = _episode_view(user, episode_id)
    episode = base.episode
    progress = _own_progress(user, episode)
    actions = [_action_view(a, base, progress) for a in _actions(episode)]
    by_outcome: dict[int | None, list[ActionView]] = defaultdict(list)
    for view in actions:
        by_outcome[view.action.outcome_id].append(view)
    outcomes = [
        OutcomeView(text=o.text, actions=by_outcome.get(o.pk, []))
        for o in WantedOutcome.objects.filter(episode=episode)
    ]
    latest = _latest_meeting(episode)
    _audit_view(user, episode, "plan")
    return PlanView(
        base=base,
        outcomes=outcomes,
        other_actions=by_outcome.get(None, []),
        yours=[a for a in actions if a.is_yours and a.is_open],
        done=[a for a in actions if a.status == ActionStatus.DONE],
        next_meeting=latest.next_review_on if latest and not base.is_closed else None,
    )


def team_get(*, user: Any, episode_id: Any) -> FamilyEpisodeView:
    base = _episode_view(user, episode_id)
    _audit_view(user, base.episode, "team")
    return base


@dataclass
class MeetingView:
    held_on: date
    kind: str
    family_came: bool
    family_said: str
    family_said_is_yours: bool
    decisions: list[str]
    judgements: list[tuple[str, str]]


@dataclass
class MeetingsView:
    base: FamilyEpisodeView
    next_meeting: date | None
    next_meeting_overdue: bool
    past: list[MeetingView]


def meetings_get(*, user: Any, episode_id: Any) -> MeetingsView:
    base = _episode_view(user, episode_id)
    episode = base.episode
    # Security: the meeting's notes are the practitioners' own (FAMILY_WITHHELD_MEETING_FIELDS).
    meetings = list(
        episode.meetings.order_by("-held_on", "-pk")
        .defer(*policy.FAMILY_WITHHELD_MEETING_FIELDS)
        .prefetch_related("decisions", "judgements__outcome")
    )
    past = [
        MeetingView(
            held_on=m.held_on,
            kind=MEETING_WORDS.get(Meeting.Kind(m.kind), "Meeting"),
            family_came=m.family_attended,
            family_said=m.family_said if policy.family_may_read_words(user, m) else "",
            family_said_is_yours=m.family_said_by_id == base.person_id,
            decisions=[
                d.text for d in m.decisions.all() if policy.family_may_read_decision(user, d)
            ],
            judgements=[
                (j.outcome.text, JUDGEMENT_WORDS.get(j.judgement, j.judgement))
                for j in m.judgements.all()
            ],
        )
        for m in meetings
    ]
    next_meeting = meetings[0].next_review_on if meetings and not base.is_closed else None
    _audit_view(user, episode, "meetings")
    return MeetingsView(
        base=base,
        next_meeting=next_meeting,
        next_meeting_overdue=bool(next_meeting and next_meeting < timezone.localdate()),
        past=past,
    )
