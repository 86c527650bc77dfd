"""Reads of identity matches that a practitioner sees: always through the access policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.identity import conf, matching
from joinedup.people.models import Person
from joinedup.sharing import policy

SHOWN = 5
SEARCHED = 20  # candidates scored before the policy filter keeps those the user may see
BASIS_ALREADY_VISIBLE = "persons the practitioner may already see (access policy)"


@dataclass(frozen=True)
class ProbableMatch:
    person: Person
    match: matching.PersonMatch

    @property
    def percent(self) -> int:
        return int(100 * self.match.probability)


def probable_matches(*, user: Any, details: Mapping[str, Any]) -> list[ProbableMatch]:
    """Persons this practitioner may see who are probably the same as the details entered.

    Security: a match the practitioner may not see is dropped without a trace, so the answer
    is the same as when nobody matches; the linkage run later proposes the pair to an
    administrator instead (a duplicate candidate).
    """
    if not policy.is_practitioner(user):
        return []
    review_at = conf.linkage_settings().thresholds.review
    matches = matching.person_matches(details, min_probability=review_at, limit=SEARCHED)
    if not matches:
        return []
    visible = policy.persons_visible_to(user).filter(pk__in=[m.person_id for m in matches])
    by_pk = {person.pk: person for person in visible}
    shown = [ProbableMatch(by_pk[m.person_id], m) for m in matches if m.person_id in by_pk]
    shown = shown[:SHOWN]
    if shown:
        audit.record(
            actor=user,
            action=Action.VIEW,
            object_type="identity.probable_matches",
            persons=[item.person for item in shown],
            purpose="request for support",
            lawful_basis=BASIS_ALREADY_VISIBLE,
            detail={"shown": len(shown)},
        )
    return shown
