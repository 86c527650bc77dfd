"""Webhooks (Standard Webhooks): an organisation's endpoint is told, signed, of events it may
know of. Payloads carry ids and a link; a person's name only where the access policy lets the
subscription's owner see that person. Deliveries are tried by the worker with backoff, each try
logged; a subscription failing again and again is paused and its owner told."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.errors import ApplicationError
from joinedup.integrations.models import (
    Event,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from joinedup.partnership import notify
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.sharing import policy

MAX_TRIES = 8  # over about four hours with the backoff below
PAUSE_AFTER = 20  # failed tries in a row, across deliveries
TIMEOUT_SECONDS = 10
FIRST_DELAY = timedelta(seconds=30)


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_DELAY * (2 ** max(attempts - 1, 0)), timedelta(hours=2))


# -- Subscriptions -----------------------------------------------------------------------------


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or len(url) > 500:
        raise ApplicationError("Enter the endpoint's full address.", field="url")
    if parts.scheme != "https" and not settings.DEBUG:
        raise ApplicationError("The endpoint must use https.", field="url")
    return url


def _clean_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(Event.values))
    if unknown:
        raise ApplicationError(f"Unknown event: {', '.join(unknown)}.", field="events")
    if not events:
        raise ApplicationError("Choose at least one event.", field="events")
    return [e for e in Event.values if e in events]


def may_manage(user: Any) -> bool:
    """An organisation's data lead (or its API client) manages its subscriptions."""
    return (
        policy.is_practitioner(user)
        and user.organisation_id is not None
        and (user.has_role("agency_data_lead") or user.has_role("administrator"))
    )


@transaction.atomic
def subscription_create(
    *, actor: Any, url: str, events: list[str]
) -> tuple[WebhookSubscription, str]:
    """Subscribe the actor's organisation; returns the signing secret, shown this once."""
    if not may_manage(actor):
        raise policy.refuse(actor, object_type="integrations.webhooksubscription", object_id="new")
    url, events = _clean_url(url), _clean_events(events)
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    subscription = WebhookSubscription.objects.create(
        organisation_id=actor.organisation_id, url=url, events=events, secret=secret, owner=actor
    )
    audit.record(actor=actor, action=Action.CREATE, obj=subscription, detail={"events": events})
    return subscription, secret


def subscriptions_for(*, user: Any) -> list[WebhookSubscription]:
    if not may_manage(user):
        return []
    return list(WebhookSubscription.objects.filter(organisation_id=user.organisation_id))


def subscription_get(*, user: Any, subscription_id: Any) -> WebhookSubscription:
    """Security: another organisation's subscription is missing, as a 404."""
    found = None
    if may_manage(user) and str(subscription_id).isdigit():
        found = WebhookSubscription.objects.filter(
            pk=int(subscription_id), organisation_id=user.organisation_id
        ).first()
    if found is None:
        raise policy.refuse(
            user, object_type="integrations.webhooksubscription", object_id=subscription_id
        )
    return found


@transaction.atomic
def subscription_delete(*, actor: Any, subscription_id: Any) -> None:
    subscription = subscription_get(user=actor, subscription_id=subscription_id)
    audit.record(actor=actor, action=Action.DELETE, obj=subscription)
    subscription.delete()


@transaction.atomic
def subscription_resume(*, actor: Any, subscription_id: Any) -> WebhookSubscription:
    subscription = subscription_get(user=actor, subscription_id=subscription_id)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        paused_at=None, failures_in_a_row=0
    )
    audit.record(actor=actor, action=Action.UPDATE, obj=subscription, detail={"resumed": True})
    subscription.refresh_from_db()
    return subscription


def deliveries_for(*, user: Any, subscription_id: Any) -> list[WebhookDelivery]:
    subscription = subscription_get(user=user, subscription_id=subscription_id)
    return list(subscription.deliveries.prefetch_related("tries")[:50])


# -- Events ------------------------------------------------------------------------------------


def _link(path: str) -> str:
    return settings.JOINEDUP_BASE_URL.rstrip("/") + path


def _persons(owner: Practitioner, persons: list[Any]) -> list[dict[str, Any]]:
    """Ids always; the name only of a person the policy lets the owner see."""
    visible = set(
        policy.persons_visible_to(owner)
        .filter(pk__in=[p.pk for p in persons])
        .values_list("pk", flat=True)
    )
    out = []
    for person in persons:
        entry: dict[str, Any] = {"id": person.pk}
        if person.pk in visible:
            entry["name"] = f"{person.given_name} {person.family_name}".strip()
        out.append(entry)
    return out


def emit(
    *,
    event: str,
    organisation_ids: set[int],
    data: dict[str, Any],
    persons: list[Any] = (),  # type: ignore[assignment]
) -> list[WebhookDelivery]:
    """Call inside the service's transaction: deliveries are rows written with it, and their
    first tries are queued with it. `organisation_ids` are those the policy lets know of it."""
    from joinedup.jobs import tasks

    subscriptions = WebhookSubscription.objects.filter(
        organisation_id__in=organisation_ids, paused_at__isnull=True
    ).select_related("owner")
    made = []
    for subscription in subscriptions:
        if event not in subscription.events:
            continue
        payload = {
            "type": event,
            "timestamp": timezone.now().isoformat(),
            "data": {**data, "persons": _persons(subscription.owner, list(persons))},
        }
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            message_id=f"msg_{uuid.uuid4().hex}",
            event=event,
            payload=payload,
            next_attempt_at=timezone.now(),
        )
        made.append(delivery)
    for delivery in made:
        tasks.webhook_deliver.enqueue(delivery_id=delivery.pk)
    return made


def episode_event(*, event: str, episode: Any, **extra: Any) -> None:
    emit(
        event=event,
        organisation_ids=policy.organisations_told_of_episode(episode),
        data={
            "episode_id": episode.pk,
            "link": _link(f"/episodes/{episode.pk}/"),
            **extra,
        },
        persons=list(episode.persons.all()),
    )


def request_event(*, event: str, request: Any, outcome: str) -> None:
    emit(
        event=event,
        organisation_ids=policy.organisations_told_of_request(request),
        data={
            "request_id": request.pk,
            "decision": outcome,
            "link": _link(f"/requests/{request.pk}/"),
        },
        persons=list(Person.objects.filter(requests__request=request)),
    )


def involvement_event(*, event: str, involvement: Any) -> None:
    emit(
        event=event,
        organisation_ids=policy.organisations_told_of_involvement(involvement),
        data={
            "involvement_id": involvement.pk,
            "organisation": involvement.organisation.code,
            "started_on": involvement.started_on.isoformat(),
            "ended_on": involvement.ended_on.isoformat() if involvement.ended_on else None,
            "link": _link(f"/people/{involvement.person_id}/"),
        },
        persons=[involvement.person],
    )


# -- Delivering --------------------------------------------------------------------------------


def signed_headers(
    subscription: WebhookSubscription, delivery: WebhookDelivery, body: str
) -> dict[str, str]:
    now = timezone.now()
    signature = Webhook(subscription.secret).sign(delivery.message_id, now, body)
    return {
        "content-type": "application/json",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "user-agent": "joinedup-webhooks",
    }


def delivery_attempt(*, delivery_id: int) -> bool:
    """One try of one delivery. Two workers never try the same delivery at once (row lock)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("subscription")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None or delivery.subscription.paused_at is not None:
            return False
        # Claimed for the length of one try: a lost worker's delivery is due again afterwards.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=timezone.now() + timedelta(seconds=TIMEOUT_SECONDS * 3)
        )
    body = json.dumps(delivery.payload, separators=(",", ":"))
    status_code, response, error = None, "", ""
    try:
        answer = requests.post(
            delivery.subscription.url,
            data=body.encode(),
            headers=signed_headers(delivery.subscription, delivery, body),
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        status_code, response = answer.status_code, answer.text[:2000]
    except requests.RequestException as failure:
        error = f"{type(failure).__name__}: {failure}"[:300]
    ok = status_code is not None and 200 <= status_code < 300
    _record(delivery, ok=ok, status_code=status_code, response=response, error=error)
    return ok


@transaction.atomic
def _record(
    delivery: WebhookDelivery, *, ok: bool, status_code: int | None, response: str, error: str
) -> None:
    WebhookAttempt.objects.create(
        delivery=delivery, status_code=status_code, response=response, error=error
    )
    attempts = delivery.attempts + 1
    subscription = WebhookSubscription.objects.select_for_update().get(pk=delivery.subscription_id)
    if ok:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.DELIVERED, attempts=attempts, next_attempt_at=None
        )
        WebhookSubscription.objects.filter(pk=subscription.pk).update(failures_in_a_row=0)
        return
    gave_up = attempts >= MAX_TRIES
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.FAILED if gave_up else WebhookDelivery.Status.PENDING,
        attempts=attempts,
        next_attempt_at=None if gave_up else timezone.now() + retry_delay(attempts),
    )
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        failures_in_a_row=F("failures_in_a_row") + 1
    )
    if subscription.failures_in_a_row + 1 >= PAUSE_AFTER and subscription.paused_at is None:
        _pause(subscription)


def _pause(subscription: WebhookSubscription) -> None:
    WebhookSubscription.objects.filter(pk=subscription.pk).update(paused_at=timezone.now())
    owner = subscription.owner
    told = [owner]
    client = getattr(owner, "api_client", None) if hasattr(owner, "api_client") else None
    if client is not None and client.created_by is not None:
        told.append(client.created_by)  # a client's account reads no notifications
    notify.send(
        told,
        subject="A webhook subscription was paused",
        body=f"Deliveries to {subscription.url} failed {PAUSE_AFTER} times in a row. "
        "Fix the endpoint, then resume the subscription.",
        link=reverse("integrations:webhooks"),
    )


def deliveries_due_enqueue() -> int:
    """Queue a try of every delivery whose next try is due (the worker's schedule)."""
    from joinedup.jobs import tasks

    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=timezone.now(),
            subscription__paused_at__isnull=True,
        ).values_list("pk", flat=True)[:500]
    )
    for delivery_id in due:
        tasks.webhook_deliver.enqueue(delivery_id=delivery_id)
    return len(due)
