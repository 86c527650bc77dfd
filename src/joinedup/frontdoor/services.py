"""Every write for requests for support, triage and episodes: atomic, policy-checked, audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.core import timescales
from joinedup.core.locking import lock_at_version
from joinedup.episodes.models import Episode
from joinedup.episodes.services import (  # noqa: F401 - opening an episode is also the front door's
    episode_create,
    episode_open_practitioner_led,
    open_episode_for,
)
from joinedup.errors import ApplicationError, NotFound
from joinedup.frontdoor import timeliness
from joinedup.frontdoor.models import (
    FamilyAgreement,
    Outcome,
    Rating,
    RequestEvent,
    RequestForSupport,
    RequestPerson,
    RequestStatus,
    TriageDecision,
)
from joinedup.integrations import webhooks
from joinedup.outcomes.models import OutcomeCategory
from joinedup.partnership import notify
from joinedup.partnership.models import Practitioner, Team
from joinedup.people import services as people_services
from joinedup.people.models import Person, PersonKind
from joinedup.sharing import policy

TRIAGE_OUTCOMES_OPENING_EPISODE = {Outcome.EARLY_HELP}


def _locked_request(request: RequestForSupport, expected_version: int | None) -> RequestForSupport:
    """Re-read under lock; refuse a save based on a version someone else has changed."""
    return lock_at_version(
        RequestForSupport.objects.all(),
        request.pk,
        expected_version,
        changed="Someone else changed this request while you were working on it. "
        "Your changes have not been saved: check the request and try again.",
    )


def _audit(actor: Practitioner, action: str, request: RequestForSupport, **detail: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=request,
        persons=request.people.values_list("person_id", flat=True),
        purpose="request for support",
        detail=detail,
    )


def _bump(request: RequestForSupport, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(request, name, value)
    request.version += 1
    request.save(update_fields=[*fields, "version"])


# --- Raising a request (a draft saved at every step) ---------------------------------------


def _own_draft(actor: Practitioner, request: RequestForSupport) -> RequestForSupport:
    if request.raised_by_id != actor.pk or request.status != RequestStatus.DRAFT:
        raise NotFound()
    return request


@transaction.atomic
def request_start(*, actor: Practitioner, immediate_risk: bool | None) -> RequestForSupport:
    if not policy.is_practitioner(actor):
        raise NotFound()
    if immediate_risk is None:
        raise ApplicationError(
            "Say whether a child is at immediate risk of harm.", field="immediate_risk"
        )
    request = RequestForSupport.objects.create(
        reference=people_services.new_reference("R"),
        raised_by=actor,
        immediate_risk=immediate_risk,
        contact_email=actor.email,
        contact_telephone=actor.telephone,
    )
    _audit(actor, Action.CREATE, request, step="started")
    return request


@transaction.atomic
def request_add_person(
    *,
    actor: Practitioner,
    request: RequestForSupport,
    person_id: int | None = None,
    new_person: dict[str, Any] | None = None,
) -> Person:
    """Add someone the asker already works with (by id), or someone new (their details)."""
    _own_draft(actor, request)
    if person_id is not None:
        person = policy.persons_visible_to(actor).filter(pk=person_id).first()
        if person is None:
            # Security: an id the asker may not see is refused as if it did not exist.
            raise ApplicationError("Choose a person from the search results.", field="person")
    elif new_person:
        person = people_services.person_create(actor=actor, **new_person)
    else:
        raise ApplicationError("Choose a person or add someone new.", field="person")
    RequestPerson.objects.get_or_create(request=request, person=person)
    _audit(actor, Action.UPDATE, request, step="person added")
    return person


@transaction.atomic
def request_remove_person(
    *, actor: Practitioner, request: RequestForSupport, person_id: int
) -> None:
    _own_draft(actor, request)
    RequestPerson.objects.filter(request=request, person_id=person_id).delete()
    _audit(actor, Action.UPDATE, request, step="person removed")


@transaction.atomic
def request_describe(
    *,
    actor: Practitioner,
    request: RequestForSupport,
    concern: str,
    needs: Iterable[OutcomeCategory],
    family_wants: str,
    family_agreement: str,
    not_asked_reason: str = "",
    contact_telephone: str = "",
    contact_email: str = "",
) -> RequestForSupport:
    _own_draft(actor, request)
    if not concern.strip():
        raise ApplicationError("Describe what you are worried about.", field="concern")
    if family_agreement not in FamilyAgreement.values:
        raise ApplicationError(
            "Say whether the family knows about this request and agrees.", field="family_agreement"
        )
    if family_agreement == FamilyAgreement.NOT_ASKED and not not_asked_reason.strip():
        raise ApplicationError(
            "Explain why the family has not been asked: be open with the family unless telling "
            "them would put someone at risk.",
            field="not_asked_reason",
        )
    if not (contact_telephone.strip() or contact_email.strip()):
        raise ApplicationError(
            "Give a telephone number or email address.", field="contact_telephone"
        )
    request.needs.set(needs)
    _bump(
        request,
        concern=concern.strip(),
        family_wants=family_wants.strip(),
        family_agreement=family_agreement,
        not_asked_reason=not_asked_reason.strip() if family_agreement == "not_asked" else "",
        contact_telephone=contact_telephone.strip(),
        contact_email=contact_email.strip(),
    )
    _audit(actor, Action.UPDATE, request, step="described")
    return request


def front_door_team() -> Team | None:
    return Team.objects.filter(is_front_door=True).order_by("pk").first()


@transaction.atomic
def request_submit(*, actor: Practitioner, request: RequestForSupport) -> RequestForSupport:
    request = _locked_request(_own_draft(actor, request), None)
    persons = list(Person.objects.filter(requests__request=request))
    if not any(p.kind == PersonKind.CHILD for p in persons):
        raise ApplicationError("Add at least one child the request is about.", field="person")
    if not request.concern or not request.family_agreement:
        raise ApplicationError("Describe the worry before sending the request.", field="concern")
    now = timezone.now()
    rating = Rating.RED if request.immediate_risk else Rating.AMBER
    episode = open_episode_for(persons)
    fields: dict[str, Any] = {
        "received_at": now,
        "rating": rating,
        "due_at": timeliness.due_at(rating, now),
    }
    if episode is not None:
        # The family already has a lead professional: the request goes straight to them.
        fields |= {
            "status": RequestStatus.ROUTED,
            "episode": episode,
            "assigned_to": episode.lead_professional,
        }
        RequestEvent.objects.create(
            request=request,
            kind=RequestEvent.Kind.ROUTED,
            actor=actor,
            text=f"Sent to {episode.lead_professional.get_full_name()}, "
            f"lead professional for episode {episode.reference}.",
        )
        recipients = [episode.lead_professional]
    else:
        fields |= {"status": RequestStatus.RECEIVED, "assigned_team": front_door_team()}
        recipients = list(Practitioner.objects.filter(team__is_front_door=True, is_active=True))
    _bump(request, **fields)
    RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.RECEIVED,
        actor=actor,
        text=f"Rated {rating} on arrival.",
    )
    _audit(actor, Action.CREATE, request, step="submitted", rating=rating)
    notify.send(
        recipients,
        subject=f"Request for support {request.reference} received",
        body=f"Request {request.reference} ({rating}) is waiting for you.",
        link=reverse("frontdoor:request", args=[request.pk]),
    )
    return request


# --- Triage --------------------------------------------------------------------------------


def _require_triage(actor: Practitioner, request: RequestForSupport) -> None:
    if not policy.may_triage(actor, request):
        if request.status == RequestStatus.DECIDED:
            raise ApplicationError("This request has already been decided.", status=409)
        raise NotFound()


@transaction.atomic
def request_rate(
    *,
    actor: Practitioner,
    request: RequestForSupport,
    rating: str,
    reason: str,
    expected_version: int | None = None,
) -> RequestForSupport:
    request = _locked_request(request, expected_version)
    _require_triage(actor, request)
    if rating not in Rating.values:
        raise ApplicationError("Choose red, amber, green or blue.", field="rating")
    if rating == request.rating:
        raise ApplicationError("The request already has this rating.", field="rating")
    if not reason.strip():
        raise ApplicationError("Give the reason for changing the rating.", field="reason")
    old = request.rating
    assert request.received_at is not None  # only received requests are triaged
    _bump(request, rating=rating, due_at=timeliness.due_at(rating, request.received_at))
    RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.RATING_CHANGED,
        actor=actor,
        text=f"{old} to {rating}: {reason.strip()}",
    )
    _audit(actor, Action.UPDATE, request, rating_from=old, rating_to=rating)
    return request


@transaction.atomic
def request_reassign(
    *,
    actor: Practitioner,
    request: RequestForSupport,
    to: Practitioner,
    reason: str = "",
    expected_version: int | None = None,
) -> RequestForSupport:
    request = _locked_request(request, expected_version)
    _require_triage(actor, request)
    if not (policy.is_front_door(to) or request.status == RequestStatus.ROUTED):
        raise ApplicationError("Choose someone in the front door team.", field="to")
    _bump(request, assigned_to=to)
    RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.REASSIGNED,
        actor=actor,
        text=f"To {to.get_full_name()}. {reason.strip()}".strip(),
    )
    _audit(actor, Action.UPDATE, request, reassigned_to=to.pk)
    notify.send(
        [to],
        subject=f"Request {request.reference} assigned to you",
        body=f"Request {request.reference} has been assigned to you.",
        link=reverse("frontdoor:request", args=[request.pk]),
    )
    return request


@transaction.atomic
def request_second_opinion(
    *, actor: Practitioner, request: RequestForSupport, opinion: str
) -> RequestEvent:
    request = _locked_request(request, None)
    _require_triage(actor, request)
    if actor.pk == request.assigned_to_id:
        raise ApplicationError(
            "A second opinion comes from a colleague, not from the person deciding this request.",
            field="opinion",
        )
    if not opinion.strip():
        raise ApplicationError("Write the second opinion.", field="opinion")
    event = RequestEvent.objects.create(
        request=request, kind=RequestEvent.Kind.SECOND_OPINION, actor=actor, text=opinion.strip()
    )
    _audit(actor, Action.UPDATE, request, second_opinion=True)
    return event


@transaction.atomic
def request_decide(
    *,
    actor: Practitioner,
    request: RequestForSupport,
    outcome: str,
    reasons: str,
    lead_professional: Practitioner | None = None,
    expected_version: int | None = None,
) -> TriageDecision:
    request = _locked_request(request, expected_version)
    if TriageDecision.objects.filter(request=request).exists():
        raise ApplicationError("This request has already been decided.", status=409)
    _require_triage(actor, request)
    if outcome not in Outcome.values:
        raise ApplicationError("Choose a decision.", field="outcome")
    if not reasons.strip():
        raise ApplicationError("Give the reasons for the decision.", field="reasons")
    if outcome in TRIAGE_OUTCOMES_OPENING_EPISODE and lead_professional is None:
        raise ApplicationError(
            "Name the lead professional for early help.", field="lead_professional"
        )
    now = timezone.now()
    assert request.received_at is not None  # only received requests are triaged
    calendar, rules = timeliness.calendar_and_policy()
    decision = TriageDecision.objects.create(
        request=request,
        outcome=outcome,
        reasons=reasons.strip(),
        decided_by=actor,
        decided_at=now,
        within_timescale=timescales.decided_within_timescale(
            rules, calendar, timescales.Rating(request.rating), request.received_at, now
        ),
    )
    episode = request.episode
    if outcome in TRIAGE_OUTCOMES_OPENING_EPISODE and episode is None:
        assert lead_professional is not None
        episode = episode_create(
            actor=actor,
            persons=list(Person.objects.filter(requests__request=request)),
            lead_professional=lead_professional,
            origin=Episode.Origin.TRIAGE,
            reason=f"Opened by the front door from request {request.reference}.",
        )
    _bump(request, status=RequestStatus.DECIDED, decided_at=now, episode=episode)
    RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.DECIDED,
        actor=actor,
        text=f"{decision.get_outcome_display()}: {decision.reasons}",
    )
    _audit(actor, Action.UPDATE, request, decision=outcome)
    webhooks.request_event(event="request.decided", request=request, outcome=outcome)
    link = reverse("frontdoor:request", args=[request.pk])
    notify.send(
        [request.raised_by],
        subject=f"Decision on your request {request.reference}",
        body=f"The front door decided: {decision.get_outcome_display()}.",
        link=link,
    )
    return decision
