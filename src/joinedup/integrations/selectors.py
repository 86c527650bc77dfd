"""Reads for agencies' systems, through the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from joinedup.people.models import Involvement
from joinedup.sharing import policy


def involvements_of_my_organisation(
    *, user: Any, current_only: bool = False
) -> QuerySet[Involvement]:
    """The organisation's own involvements: its own casework, for its data lead and its systems."""
    if not policy.is_practitioner(user) or user.organisation_id is None:
        return Involvement.objects.none()
    found = Involvement.objects.filter(organisation_id=user.organisation_id)
    if current_only:
        found = found.filter(pk__in=policy.current_involvements().values("pk"))
    return found.order_by("-started_on", "pk")
