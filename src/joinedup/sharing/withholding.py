"""Not sharing an episode with one person in the family: parental responsibility alone would
open a child's episode to a parent on their own pages; the team may decide it must not, with
the reason, audited. Ending the decision is recorded too."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.episodes.models import Episode
from joinedup.errors import ApplicationError, NotFound
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.sharing import policy
from joinedup.sharing.models import FamilyWithholding


def _team_only(actor: Practitioner, episode: Episode) -> None:
    """Security: only the team decides; to anyone else the episode does not exist."""
    if not policy.may_edit_episode(actor, episode):
        raise NotFound()


@transaction.atomic
def family_withhold(
    *, actor: Practitioner, episode: Episode, person: Person, reason: str, detail: str = ""
) -> FamilyWithholding:
    _team_only(actor, episode)
    if not policy.family_participants(episode, withheld_too=True).filter(pk=person.pk).exists():
        raise ApplicationError("Choose someone in the family taking part.", field="person")
    if reason not in FamilyWithholding.Reason.values:
        raise ApplicationError("Say why it is not shared with them.", field="reason")
    if reason == FamilyWithholding.Reason.OTHER and not detail.strip():
        raise ApplicationError("Say what the reason is.", field="detail")
    if FamilyWithholding.objects.filter(
        episode=episode, person=person, ended_at__isnull=True
    ).exists():
        raise ApplicationError(
            f"This episode is already not shared with {person.full_name}.",
            field="person",
            status=409,
        )
    withholding = FamilyWithholding.objects.create(
        episode=episode, person=person, reason=reason, detail=detail.strip(), recorded_by=actor
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=withholding,
        persons=[person, *episode.persons.all()],
        purpose="family account",
        lawful_basis=policy.BASIS_EPISODE,
        detail={"reason": reason},
    )
    return withholding


@transaction.atomic
def family_withhold_end(
    *, actor: Practitioner, withholding: FamilyWithholding
) -> FamilyWithholding:
    _team_only(actor, withholding.episode)
    updated = FamilyWithholding.objects.filter(pk=withholding.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_by=actor
    )
    if not updated:
        raise ApplicationError("This decision has already ended.", status=409)
    withholding.refresh_from_db()
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=withholding,
        persons=[withholding.person, *withholding.episode.persons.all()],
        purpose="family account",
        lawful_basis=policy.BASIS_EPISODE,
        detail={"ended": True},
    )
    return withholding
