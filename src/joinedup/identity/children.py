"""The consistent child identifier: children without a verified NHS number, and tracing them.

The NHS number is the intended consistent identifier for children (Children Act 2004 s.16LC,
inserted by the Children's Wellbeing and Schools Act 2026). A person records whether it is
verified (traced), unverified or absent, and why it is absent. An agency's data lead works
through the children their agency may see who have no verified number; for each, joinedup
traces the child against the index of known persons and says what it found, in the vocabulary
of the DfE's matching service: a match, a potential match, low confidence, many matches, or
no match.

Security: like "probably the same person", a trace counts only persons the data lead may
already see (`sharing.policy.persons_visible_to`). A person they may not see is never shown or
hinted at: the outcome is then as if that person were not known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import QuerySet

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.identity import conf, matching
from joinedup.identity.review import BASIS_IDENTITY, may_review
from joinedup.people import services as people_services
from joinedup.people.models import NhsNumberStatus, Person, PersonKind
from joinedup.sharing import policy

LOW_CONFIDENCE = 0.2  # a best candidate below the review threshold but above this
TRACED = 20  # candidates scored before the policy keeps those the data lead may see


class TraceOutcome(models.TextChoices):
    MATCH = "match", "Match"
    POTENTIAL_MATCH = "potential_match", "Potential match"
    LOW_CONFIDENCE = "low_confidence", "Low confidence"
    MANY_MATCHES = "many_matches", "Many matches"
    NO_MATCH = "no_match", "No match"


OUTCOME_HELP = {
    TraceOutcome.MATCH: "One known person, certain enough to link automatically.",
    TraceOutcome.POTENTIAL_MATCH: "One known person, but a person should check it.",
    TraceOutcome.LOW_CONFIDENCE: "Someone similar is known, but the evidence is weak.",
    TraceOutcome.MANY_MATCHES: "More than one known person fits: the details do not decide.",
    TraceOutcome.NO_MATCH: "Nobody known fits these details.",
}


def trace_outcome(probabilities: list[float], *, automatic: float, review: float) -> str:
    """The outcome of matching a child against the index, from the candidates' probabilities.

    Each probability is one candidate person's (best first or in any order)."""
    ranked = sorted(probabilities, reverse=True)
    likely = [p for p in ranked if p >= review]
    if len(likely) > 1:
        return TraceOutcome.MANY_MATCHES
    if likely:
        return TraceOutcome.MATCH if likely[0] >= automatic else TraceOutcome.POTENTIAL_MATCH
    if ranked and ranked[0] >= LOW_CONFIDENCE:
        return TraceOutcome.LOW_CONFIDENCE
    return TraceOutcome.NO_MATCH


@dataclass(frozen=True)
class Trace:
    outcome: str
    candidates: list[tuple[Person, matching.PersonMatch]]

    @property
    def label(self) -> str:
        return str(TraceOutcome(self.outcome).label)

    @property
    def help(self) -> str:
        return OUTCOME_HELP[TraceOutcome(self.outcome)]


def may_resolve(user: Any) -> bool:
    """Agency data leads and administrators: the same people who review matches."""
    return may_review(user)


def _require(user: Any, object_id: Any = "") -> None:
    if not may_resolve(user):
        raise policy.refuse(user, object_type="identity.child_identifier", object_id=object_id)


def children_without_verified_nhs_number(
    *, user: Any, status: str = "", page: Any = 1, per_page: int = 50
) -> Page:
    """Children the data lead may see whose NHS number is unverified or absent."""
    _require(user)
    qs: QuerySet[Person] = policy.persons_visible_to(user).filter(
        kind=PersonKind.CHILD, nhs_number_verified_at__isnull=True, merged_into__isnull=True
    )
    if status == NhsNumberStatus.UNVERIFIED:
        qs = qs.exclude(nhs_number="")
    elif status == NhsNumberStatus.ABSENT:
        qs = qs.filter(nhs_number="")
    paginator = Paginator(qs.order_by("family_name", "given_name", "pk"), per_page)
    result = paginator.get_page(page)
    if result.object_list:
        audit.record(
            actor=user,
            action=Action.VIEW,
            object_type="identity.children_without_verified_nhs_number",
            persons=list(result.object_list),
            purpose="identity",
            lawful_basis=BASIS_IDENTITY,
            detail={"status": status},
        )
    return result


def child_get(*, user: Any, person_id: Any) -> Person:
    """One child the data lead may see (the same refusal as a missing child)."""
    _require(user, person_id)
    person = (
        policy.persons_visible_to(user)
        .filter(pk=int(person_id), kind=PersonKind.CHILD, merged_into__isnull=True)
        .first()
        if str(person_id).isdigit()
        else None
    )
    if person is None:
        raise policy.refuse(user, object_type="people.person", object_id=person_id)
    audit.record(
        actor=user,
        action=Action.VIEW,
        obj=person,
        persons=[person],
        purpose="identity",
        lawful_basis=BASIS_IDENTITY,
    )
    return person


def trace(*, user: Any, details: dict[str, Any], exclude: int | None = None) -> Trace:
    """Match a child's details against the known persons the data lead may see."""
    _require(user)
    thresholds = conf.linkage_settings().thresholds
    found = [
        m
        for m in matching.person_matches(details, min_probability=LOW_CONFIDENCE, limit=TRACED)
        if m.person_id != exclude
    ]
    visible = {
        p.pk: p for p in policy.persons_visible_to(user).filter(pk__in=[m.person_id for m in found])
    }
    shown = [(visible[m.person_id], m) for m in found if m.person_id in visible]
    outcome = trace_outcome(
        [m.probability for _, m in shown],
        automatic=thresholds.automatic,
        review=thresholds.review,
    )
    return Trace(outcome, shown[:5])


def trace_person(*, user: Any, person: Person) -> Trace:
    """Trace a known child against everyone else known: is this child recorded twice?"""
    details = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "sex": person.sex if person.sex != "unknown" else "",
        "postcode": person.postcode,
        "address": person.address,
        "nhs_number": person.nhs_number,
        "upn": person.upn,
    }
    return trace(user=user, details=details, exclude=person.pk)


def child_nhs_number_record(
    *, actor: Any, person: Person, nhs_number: str, verified: bool, absent_reason: str
) -> Person:
    """Record the child's NHS number, its verification, or why it is absent."""
    child = child_get(user=actor, person_id=person.pk)
    return people_services.person_nhs_number_record(
        actor=actor,
        person=child,
        nhs_number=nhs_number,
        verified=verified,
        absent_reason=absent_reason,
    )
