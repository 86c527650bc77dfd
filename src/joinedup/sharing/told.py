"""Which organisations may be told that something happened (webhooks): part of the access
policy (`policy.organisations_told_of_*`)."""

from __future__ import annotations

from joinedup.episodes.models import Episode, TeamMember
from joinedup.frontdoor.models import RequestForSupport
from joinedup.people.models import Involvement
from joinedup.sharing.visibility import current_involvements


def organisations_told_of_episode(episode: Episode) -> set[int]:
    """The organisations of the lead professional and of the team's current members."""
    members = TeamMember.objects.filter(
        episode=episode, left_at__isnull=True, practitioner__isnull=False
    ).values_list("practitioner__organisation_id", flat=True)
    lead_org = getattr(episode.lead_professional, "organisation_id", None)
    return {org for org in [*members, lead_org] if org is not None}


def organisations_told_of_request(request: RequestForSupport) -> set[int]:
    """The asker's organisation and, once it is sent to one, the lead professional's."""
    found = {request.raised_by.organisation_id}
    if request.assigned_to is not None:
        found.add(request.assigned_to.organisation_id)
    return {org for org in found if org is not None}


def organisations_told_of_involvement(involvement: Involvement) -> set[int]:
    """The organisation itself and, unless the service is sensitive, the organisations working
    with the same person now (the involvement index: "who else is working with this child")."""
    found = {involvement.organisation_id}
    if not involvement.sensitive_category:
        found |= set(
            current_involvements()
            .filter(person_id=involvement.person_id)
            .values_list("organisation_id", flat=True)
        )
    return found
