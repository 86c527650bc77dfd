"""The daily record's access rules: who reads a case note or a document. Part of the access
policy (`policy.records_visible_to`, `policy.record_decision`,
`policy.family_records_visible_to`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from joinedup.episodes.models import Episode
from joinedup.people.models import Person
from joinedup.sharing.bases import BASIS_EPISODE, is_practitioner
from joinedup.sharing.family_policy import family_account, family_episodes_visible_to


def _policy() -> Any:
    """The policy module (person decisions, the team's episodes): imported late, as it imports
    this one."""
    from joinedup.sharing import policy

    return policy


# The daily record: case notes and documents (recording, issue #16) ---------------------------
#
# Decided: a note or document is about one person or one episode and belongs to its author's
# organisation. A practitioner reads it only while they may see its person (person_decision) or
# its episode (episodes_visible_to), and then:
#   - every record of their own organisation;
#   - a record shared with the team ("team" or "family") while they are on the team around the
#     family: the episode's own team, or for a person's record the team of an episode of that
#     person that is not closed.
# A family member reads only records shared with the family: about an episode they take part in
# (family_episodes_visible_to), or about themselves or a child they have parental responsibility
# for. Without a choice, a record takes its organisation's default visibility (never "family":
# sharing with the family is always the author's explicit choice).

RECORD_SHARED_WITH_TEAM = ("team", "family")


def _on_team_for(user: Any, person: Person | None, episode: Episode | None) -> bool:
    if episode is not None:
        return _policy().episodes_visible_to(user).filter(pk=episode.pk).exists()
    return (
        _policy().episodes_visible_to(user).filter(persons=person).exclude(status="closed").exists()
    )


def records_visible_to(
    user: Any, model: Any, *, person: Person | None = None, episode: Episode | None = None
) -> QuerySet[Any]:
    """The notes or documents (`model`) about this person or episode the practitioner may read.
    The caller has fetched the person or episode through require_person / require_episode."""
    about = {"person": person} if person is not None else {"episode": episode}
    records = model.objects.filter(**about)
    if not is_practitioner(user):
        return records.none()
    allowed = Q(organisation_id=user.organisation_id)
    if _on_team_for(user, person, episode):
        allowed |= Q(visibility__in=RECORD_SHARED_WITH_TEAM)
    return records.filter(allowed)


def record_decision(user: Any, record: Any) -> Any:
    """May this practitioner read this note or document, and on what basis."""
    if not is_practitioner(user):
        return _policy().Decision(False)
    if record.person_id is not None:
        decision = _policy().person_decision(user, record.person)
    elif _policy().episodes_visible_to(user).filter(pk=record.episode_id).exists():
        decision = _policy().Decision(True, BASIS_EPISODE, "casework")
    else:
        decision = _policy().Decision(False)
    about = {"person": record.person} if record.person_id else {"episode": record.episode}
    visible = records_visible_to(user, type(record), **about).filter(pk=record.pk).exists()
    return decision if decision.allowed and visible else _policy().Decision(False)


def family_record_persons(user: Any) -> list[int]:
    """The family member and the children they have parental responsibility for."""
    from joinedup.people.models import Relationship

    account = family_account(user)
    if account is None:
        return []
    children = Relationship.objects.filter(
        person_id=account.person_id, parental_responsibility=True, ended_on__isnull=True
    ).values_list("relative_id", flat=True)
    return [account.person_id, *children]


def family_records_visible_to(user: Any, model: Any) -> QuerySet[Any]:
    """Notes or documents shared with the family that this family member may read."""
    if family_account(user) is None:
        return model.objects.none()
    about = Q(person_id__in=family_record_persons(user)) | Q(
        episode__in=family_episodes_visible_to(user)
    )
    return model.objects.filter(about, visibility="family")
