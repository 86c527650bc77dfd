"""Every read of the family's own pages, and the team's view of what the family said.

Family reads go through the family section of the access policy and each one is audited as a
view of the family's own information. Nothing here shows an address: the one address a family
page shows is the family member's own, and it too is asked of policy.withheld_person_fields.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from joinedup.casework.models import (
    Action,
    ActionStatus,
    ClosureFeedback,
    Episode,
    EpisodeStatus,
    Meeting,
    TeamMember,
    WantedOutcome,
)
from joinedup.errors import NotFound
from joinedup.family.models import (
    ActionProgress,
    ConsentWithdrawalRequest,
    FamilyAccount,
    FamilyComment,
)
from joinedup.partnership.models import Organisation, Sector
from joinedup.people.models import Person
from joinedup.sharing import audit, policy
from joinedup.sharing.models import Action as AuditAction
from joinedup.sharing.models import ConsentPurpose, ConsentRecord

# Plain words, for a reading age of about nine.
STATUS_WORDS = {
    ActionStatus.NOT_STARTED: "Not started yet",
    ActionStatus.IN_PROGRESS: "Started",
    ActionStatus.DONE: "Done",
    ActionStatus.NOT_DONE: "Not done",
}
STATUS_TAGS = {
    ActionStatus.NOT_STARTED: "govuk-tag--grey",
    ActionStatus.IN_PROGRESS: "govuk-tag--blue",
    ActionStatus.DONE: "govuk-tag--green",
    ActionStatus.NOT_DONE: "govuk-tag--red",
}
MEETING_WORDS = {Meeting.Kind.TEAM: "Team meeting", Meeting.Kind.REVIEW: "Review meeting"}
JUDGEMENT_WORDS = {"better": "Getting better", "no_change": "No change yet", "worse": "Worse"}
EPISODE_WORDS = {
    EpisodeStatus.OPEN: "Your plan is going on",
    EpisodeStatus.STEPPED_UP: "Your plan is going on, with children's social care",
    EpisodeStatus.STEPPED_DOWN: "Your plan is going on",
    EpisodeStatus.CLOSED: "Your plan has finished",
}
PURPOSE_WORDS = {
    ConsentPurpose.ASSESSMENT: "to understand what help you need",
    ConsentPurpose.PLANNING: "to plan your support together",
    ConsentPurpose.REFERRAL: "to ask another service to help you",
}
SECTOR_WORDS = {
    Sector.STATUTORY: "the council",
    Sector.HEALTH: "health services",
    Sector.EDUCATION: "schools and colleges",
    Sector.POLICE: "the police",
    Sector.JUSTICE: "youth justice",
    Sector.HOUSING: "housing",
    Sector.VOLUNTARY: "charities",
    Sector.COMMUNITY: "community groups",
    Sector.PRIVATE: "private services",
    Sector.MUTUAL: "mutual groups",
}
SOMEONE = "Someone in your team"


def display_name(person: Person) -> str:
    """People's names as the family gives them."""
    return f"{person.preferred_name or person.given_name} {person.family_name}".strip()


def _audit_view(user: Any, episode: Episode | None, page: str, obj: Any = None) -> None:
    account = policy.family_account(user)
    persons = {account.person_id} if account else set()
    if episode is not None:
        persons |= set(episode.persons.values_list("pk", flat=True))
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        obj=obj if obj is not None else episode,
        persons=persons,
        purpose="family",
        lawful_basis=policy.BASIS_FAMILY_OWN,
        detail={"page": page},
    )


def _account(user: Any) -> FamilyAccount:
    """Security: anyone but an active family account is refused, as a missing page."""
    account = policy.family_account(user)
    if account is None:
        raise policy.refuse(user, object_type="family.page", object_id="", purpose="family")
    return account


# --- Home ---------------------------------------------------------------------------------------


@dataclass
class EpisodeCard:
    episode: Episode
    opened_on: date
    status_words: str
    lead_name: str
    next_meeting: date | None


@dataclass
class HomeView:
    account: FamilyAccount
    person: Person
    name: str
    address: str
    postcode: str
    episodes: list[EpisodeCard]


def _next_meetings(episodes: list[Episode]) -> dict[int, date | None]:
    latest: dict[int, date | None] = {}
    for meeting in Meeting.objects.filter(episode__in=episodes).order_by("episode_id", "-held_on"):
        latest.setdefault(meeting.episode_id, meeting.next_review_on)
    return latest


def home(*, user: Any) -> HomeView:
    account = _account(user)
    person = account.person
    episodes = list(
        policy.family_episodes_visible_to(user)
        .select_related("lead_professional")
        .order_by("-opened_at")
    )
    next_meetings = _next_meetings(episodes)
    cards = []
    for episode in episodes:
        hidden = policy.family_hidden_organisations(user, episode)
        lead = episode.lead_professional
        cards.append(
            EpisodeCard(
                episode=episode,
                opened_on=timezone.localtime(episode.opened_at).date(),
                status_words=EPISODE_WORDS.get(EpisodeStatus(episode.status), ""),
                lead_name="" if lead.organisation_id in hidden else lead.get_full_name(),
                next_meeting=next_meetings.get(episode.pk)
                if episode.status != EpisodeStatus.CLOSED
                else None,
            )
        )
    withheld = policy.withheld_person_fields(user, person)
    _audit_view(user, None, "home", obj=person)
    return HomeView(
        account=account,
        person=person,
        name=display_name(person),
        address="" if "address" in withheld else person.address,
        postcode="" if "postcode" in withheld else person.postcode,
        episodes=cards,
    )


# --- One episode: the plan, the team, meetings --------------------------------------------------


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
            family_said=m.family_said,
            decisions=[d.text for d in m.decisions.all()],
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


# --- Have your say ------------------------------------------------------------------------------


@dataclass
class SayView:
    base: FamilyEpisodeView
    comments: list[FamilyComment]
    yours: list[ActionView]
    next_meeting: date | None
    feedback_open: bool
    feedback_given: ClosureFeedback | None


def say_get(*, user: Any, episode_id: Any) -> SayView:
    base = _episode_view(user, episode_id)
    episode = base.episode
    account = _account(user)
    progress = _own_progress(user, episode)
    actions = [_action_view(a, base, progress) for a in _actions(episode)]
    latest = _latest_meeting(episode)
    # Closure feedback is given by the episode's own persons (casework.feedback decides; this
    # only chooses whether to show the form).
    in_episode = any(p.pk == account.person_id for p in episode.persons.all())
    given = ClosureFeedback.objects.filter(episode=episode, given_by_id=account.person_id).first()
    _audit_view(user, episode, "have your say")
    return SayView(
        base=base,
        comments=list(FamilyComment.objects.filter(episode=episode, account=account)),
        yours=[a for a in actions if a.is_yours],
        next_meeting=latest.next_review_on if latest and not base.is_closed else None,
        feedback_open=base.is_closed and in_episode and given is None,
        feedback_given=given,
    )


def own_action_get(*, user: Any, episode_id: Any, action_id: Any) -> tuple[PlanView, ActionView]:
    """One of the family member's own open actions, for the progress form."""
    plan = plan_get(user=user, episode_id=episode_id)
    for view in plan.yours:
        if str(view.action.pk) == str(action_id):
            return plan, view
    raise NotFound()


# --- Consent ------------------------------------------------------------------------------------


@dataclass
class ConsentView:
    record: ConsentRecord
    who_gave: str
    shared_with: list[str]
    purposes: list[str]
    since: date
    until: date | None
    withdrawn_on: date | None
    asked_to_withdraw: bool

    @property
    def in_force(self) -> bool:
        today = timezone.localdate()
        return self.withdrawn_on is None and (self.until is None or self.until >= today)


def _consent_view(record: ConsentRecord, asked: set[int]) -> ConsentView:
    withdrawal = getattr(record, "withdrawal", None)
    organisations: list[Organisation] = list(record.organisations.all())
    shared = [o.name for o in organisations]
    shared += [SECTOR_WORDS.get(Sector(s), s) for s in record.sectors if s in Sector.values]
    return ConsentView(
        record=record,
        who_gave="You" if record.given_by == "young_person" else record.given_by_name,
        shared_with=shared,
        purposes=[
            PURPOSE_WORDS.get(ConsentPurpose(p), p)
            for p in record.purposes
            if p in ConsentPurpose.values
        ],
        since=record.effective_on,
        until=record.expires_on,
        withdrawn_on=withdrawal.effective_on if withdrawal else None,
        asked_to_withdraw=record.pk in asked,
    )


def consent_get(*, user: Any) -> list[ConsentView]:
    account = _account(user)
    records = list(
        policy.family_consent_visible_to(user)
        .filter(event="given")
        .select_related("withdrawal")
        .prefetch_related("organisations")
    )
    asked = set(
        ConsentWithdrawalRequest.objects.filter(account=account).values_list(
            "consent_record_id", flat=True
        )
    )
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="sharing.consentrecord",
        object_id=str(account.person_id),
        persons=[account.person_id],
        purpose="family",
        lawful_basis=policy.BASIS_FAMILY_OWN,
        detail={"page": "consent", "records": [r.pk for r in records]},
    )
    return [_consent_view(r, asked) for r in records]


def consent_record_get(*, user: Any, consent_id: Any) -> ConsentView:
    for view in consent_get(user=user):
        if str(view.record.pk) == str(consent_id) and view.in_force:
            return view
    raise policy.refuse(
        user, object_type="sharing.consentrecord", object_id=consent_id, purpose="family"
    )


# --- The team's side: accounts and what the family told us -------------------------------------


@dataclass
class ParticipantView:
    person: Person
    name: str
    may_be_invited: bool
    account: FamilyAccount | None


@dataclass
class AccountsView:
    episode: Episode
    participants: list[ParticipantView]
    may_invite: bool


def accounts_for_episode(*, user: Any, episode_id: Any) -> AccountsView:
    """The family's accounts, for the team: who has one, who may be invited."""
    episode = policy.require_episode(user, episode_id, purpose="family account")
    people = list(policy.family_participants(episode).order_by("family_name", "given_name", "pk"))
    accounts: dict[int, FamilyAccount] = {}
    for account in FamilyAccount.objects.filter(person__in=people).order_by("pk"):
        accounts[account.person_id] = account  # the newest wins
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="family.familyaccount",
        object_id=str(episode.pk),
        persons=people,
        purpose="family account",
        lawful_basis=policy.BASIS_EPISODE,
    )
    return AccountsView(
        episode=episode,
        participants=[
            ParticipantView(
                person=p,
                name=display_name(p),
                may_be_invited=policy.family_may_be_invited(p, episode),
                account=accounts.get(p.pk),
            )
            for p in people
        ],
        may_invite=policy.may_edit_episode(user, episode),
    )


def account_get(*, user: Any, episode_id: Any, account_id: Any) -> tuple[Episode, FamilyAccount]:
    view = accounts_for_episode(user=user, episode_id=episode_id)
    for participant in view.participants:
        account = participant.account
        if account is not None and str(account.pk) == str(account_id):
            return view.episode, account
    raise policy.refuse(
        user, object_type="family.familyaccount", object_id=account_id, purpose="family account"
    )


@dataclass
class VoiceView:
    episode: Episode
    comments: list[FamilyComment]
    progress: list[ActionProgress]
    withdrawals: list[ConsentWithdrawalRequest]


def voice_for_episode(*, user: Any, episode_id: Any) -> VoiceView:
    """What the family has told the team on their own pages, for the team."""
    episode = policy.require_episode(user, episode_id, purpose="family")
    people = list(policy.family_participants(episode))
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="family.voice",
        object_id=str(episode.pk),
        persons=people,
        purpose="family",
        lawful_basis=policy.BASIS_EPISODE,
    )
    return VoiceView(
        episode=episode,
        comments=list(FamilyComment.objects.filter(episode=episode).select_related("person")),
        progress=list(
            ActionProgress.objects.filter(episode=episode).select_related("person", "action")
        ),
        withdrawals=list(
            ConsentWithdrawalRequest.objects.filter(person__in=people).select_related(
                "person", "consent_record"
            )
        ),
    )
