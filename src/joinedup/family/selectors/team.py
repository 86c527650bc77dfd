"""The team's side: family accounts and what the family told us."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from joinedup.audit import services as audit
from joinedup.audit.models import Action as AuditAction
from joinedup.episodes.models import (
    Episode,
)
from joinedup.family.models import (
    ActionProgress,
    ConsentWithdrawalRequest,
    FamilyAccount,
    FamilyComment,
)
from joinedup.family.selectors.common import display_name
from joinedup.people.models import Person
from joinedup.sharing import policy
from joinedup.sharing.models import FamilyWithholding


@dataclass
class ParticipantView:
    person: Person
    name: str
    may_be_invited: bool
    account: FamilyAccount | None
    withheld: FamilyWithholding | None = None
    withholding_suggested: bool = False


@dataclass
class AccountsView:
    episode: Episode
    participants: list[ParticipantView]
    may_invite: bool


def accounts_for_episode(*, user: Any, episode_id: Any) -> AccountsView:
    """The family's accounts, for the team: who has one, who may be invited."""
    episode = policy.require_episode(user, episode_id, purpose="family account")
    people = list(
        policy.family_participants(episode, withheld_too=True).order_by(
            "family_name", "given_name", "pk"
        )
    )
    withheld = {
        w.person_id: w
        for w in FamilyWithholding.objects.filter(episode=episode, ended_at__isnull=True)
    }
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
                withheld=withheld.get(p.pk),
                withholding_suggested=p.pk not in withheld
                and p.kind != "child"
                and policy.family_withholding_suggested(episode, p),
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
