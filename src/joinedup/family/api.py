"""The family's own pages over JSON, for a signed-in family member: the same selectors, services
and policy as the pages. A practitioner (or anyone else) gets 404, as for a missing episode."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema, Status

from joinedup.family import selectors, services
from joinedup.family.selectors import ActionView
from joinedup.web.http import AuthedRequest

router = Router(tags=["family"])


class MeOut(Schema):
    name: str
    date_of_birth: date | None
    address: str
    postcode: str
    email: str


class EpisodeSummaryOut(Schema):
    id: int
    reference: str
    status: str
    status_words: str
    opened_on: date
    lead_professional: str
    next_meeting: date | None


class FamilyActionOut(Schema):
    id: int
    text: str
    who: str
    due_on: date
    status: str
    status_words: str
    yours: bool
    late: bool


class OutcomeOut(Schema):
    text: str
    actions: list[FamilyActionOut]


class PlanOut(Schema):
    id: int
    reference: str
    status_words: str
    people: list[str]
    outcomes: list[OutcomeOut]
    other_actions: list[FamilyActionOut]
    done: list[FamilyActionOut]
    next_meeting: date | None


class FamilyMemberOut(Schema):
    name: str
    organisation: str
    role: str
    profession: str
    telephone: str
    email: str
    lead_professional: bool
    you: bool


class MeetingOut(Schema):
    held_on: date
    kind: str
    family_came: bool
    family_said: str
    decisions: list[str]
    how_things_are_going: list[dict[str, str]]


class MeetingsOut(Schema):
    next_meeting: date | None
    past: list[MeetingOut]


class ConsentOut(Schema):
    id: int
    who_gave: str
    shared_with: list[str]
    purposes: list[str]
    since: date
    until: date | None
    withdrawn_on: date | None
    in_force: bool
    asked_to_withdraw: bool


class CommentIn(Schema):
    text: str


class CommentOut(Schema):
    id: int
    text: str
    created_at: datetime


class ProgressIn(Schema):
    done: bool = False
    text: str = ""


class ProgressOut(Schema):
    id: int
    action_id: int
    done: bool
    text: str
    created_at: datetime


def _action(view: ActionView) -> FamilyActionOut:
    return FamilyActionOut(
        id=view.action.pk,
        text=view.text,
        who=view.who,
        due_on=view.due_on,
        status=view.status,
        status_words=view.status_words,
        yours=view.is_yours,
        late=view.overdue,
    )


@router.get("/family/me", response=MeOut, summary="Your own details")
def me(request: AuthedRequest) -> MeOut:
    view = selectors.home(user=request.user)
    return MeOut(
        name=view.name,
        date_of_birth=view.person.date_of_birth,
        address=view.address,
        postcode=view.postcode,
        email=request.user.email,
    )


@router.get("/family/episodes", response=list[EpisodeSummaryOut], summary="Your plans")
def episodes(request: AuthedRequest) -> list[EpisodeSummaryOut]:
    view = selectors.home(user=request.user)
    return [
        EpisodeSummaryOut(
            id=card.episode.pk,
            reference=card.episode.reference,
            status=card.episode.status,
            status_words=card.status_words,
            opened_on=card.opened_on,
            lead_professional=card.lead_name,
            next_meeting=card.next_meeting,
        )
        for card in view.episodes
    ]


@router.get("/family/episodes/{episode_id}", response=PlanOut, summary="Your plan")
def plan(request: AuthedRequest, episode_id: int) -> PlanOut:
    view = selectors.plan_get(user=request.user, episode_id=episode_id)
    return PlanOut(
        id=view.base.episode.pk,
        reference=view.base.episode.reference,
        status_words=view.base.status_words,
        people=view.base.people,
        outcomes=[
            OutcomeOut(text=o.text, actions=[_action(a) for a in o.actions]) for o in view.outcomes
        ],
        other_actions=[_action(a) for a in view.other_actions],
        done=[_action(a) for a in view.done],
        next_meeting=view.next_meeting,
    )


@router.get(
    "/family/episodes/{episode_id}/team", response=list[FamilyMemberOut], summary="Your team"
)
def team(request: AuthedRequest, episode_id: int) -> list[FamilyMemberOut]:
    base = selectors.team_get(user=request.user, episode_id=episode_id)
    return [
        FamilyMemberOut(
            name=m.name,
            organisation=m.organisation,
            role=m.role,
            profession=m.profession,
            telephone=m.telephone,
            email=m.email,
            lead_professional=m.is_lead,
            you=m.is_you,
        )
        for m in base.members
    ]


@router.get("/family/episodes/{episode_id}/meetings", response=MeetingsOut, summary="Meetings")
def meetings(request: AuthedRequest, episode_id: int) -> MeetingsOut:
    view = selectors.meetings_get(user=request.user, episode_id=episode_id)
    return MeetingsOut(
        next_meeting=view.next_meeting,
        past=[
            MeetingOut(
                held_on=m.held_on,
                kind=m.kind,
                family_came=m.family_came,
                family_said=m.family_said,
                decisions=m.decisions,
                how_things_are_going=[{"outcome": t, "judgement": w} for t, w in m.judgements],
            )
            for m in view.past
        ],
    )


@router.post(
    "/family/episodes/{episode_id}/comments",
    response={201: CommentOut},
    summary="Comment on your plan",
)
def comment(request: AuthedRequest, episode_id: int, body: CommentIn) -> Status:
    made = services.family_comment_add(actor=request.user, episode_id=episode_id, text=body.text)
    return Status(201, CommentOut(id=made.pk, text=made.text, created_at=made.created_at))


@router.post(
    "/family/episodes/{episode_id}/actions/{action_id}/progress",
    response={201: ProgressOut},
    summary="Say how your own action is going",
)
def progress(request: AuthedRequest, episode_id: int, action_id: int, body: ProgressIn) -> Status:
    made = services.action_progress_add(
        actor=request.user,
        episode_id=episode_id,
        action_id=action_id,
        done=body.done,
        text=body.text,
    )
    return Status(
        201,
        ProgressOut(
            id=made.pk,
            action_id=made.action_id,
            done=made.done,
            text=made.text,
            created_at=made.created_at,
        ),
    )


@router.get("/family/consent", response=list[ConsentOut], summary="Your consent records")
def consent(request: AuthedRequest) -> list[ConsentOut]:
    return [
        ConsentOut(
            id=c.record.pk,
            who_gave=c.who_gave,
            shared_with=c.shared_with,
            purposes=c.purposes,
            since=c.since,
            until=c.until,
            withdrawn_on=c.withdrawn_on,
            in_force=c.in_force,
            asked_to_withdraw=c.asked_to_withdraw,
        )
        for c in selectors.consent_get(user=request.user)
    ]
