"""Have your say, and consent, on the family's pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action as AuditAction
from joinedup.episodes.models import (
    ClosureFeedback,
)
from joinedup.errors import NotFound
from joinedup.family.models import (
    ConsentWithdrawalRequest,
    FamilyComment,
)
from joinedup.family.selectors.common import PURPOSE_WORDS, SECTOR_WORDS, _account, _audit_view
from joinedup.family.selectors.episode import (
    ActionView,
    FamilyEpisodeView,
    PlanView,
    _action_view,
    _actions,
    _episode_view,
    _latest_meeting,
    _own_progress,
    plan_get,
)
from joinedup.partnership.models import Organisation, Sector
from joinedup.sharing import policy
from joinedup.sharing.models import ConsentPurpose, ConsentRecord


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
        who_gave="You" if record.given_by in ("self", "young_person") else record.given_by_name,
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
