"""API routes for agencies' systems: their organisation's involvements and webhook subscriptions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Router, Schema, Status

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.integrations import selectors, webhooks
from joinedup.web.http import AuthedRequest

router = Router(tags=["agencies' systems"])


class AgencyInvolvementOut(Schema):
    id: int
    person_id: int
    kind: str
    service: str
    started_on: date
    ended_on: date | None


class InvolvementPageOut(Schema):
    count: int
    page: int
    results: list[AgencyInvolvementOut]


@router.get(
    "/involvements",
    response=InvolvementPageOut,
    summary="My organisation's involvements (scope involvements:read for API clients)",
)
def list_involvements(request: AuthedRequest, current: bool = False, page: int = 1) -> Any:
    found = selectors.involvements_of_my_organisation(user=request.user, current_only=current)
    page = max(page, 1)
    size = 100
    rows = list(found[(page - 1) * size : page * size])
    audit.record(
        actor=request.user,
        action=Action.VIEW,
        object_type="people.involvement",
        object_id="list",
        persons=[row.person_id for row in rows],
        purpose="own organisation's involvements",
    )
    return {"count": found.count(), "page": page, "results": rows}


class SubscriptionIn(Schema):
    url: str
    events: list[str]


class SubscriptionOut(Schema):
    id: int
    url: str
    events: list[str]
    created_at: datetime
    paused_at: datetime | None
    failures_in_a_row: int


class SubscriptionCreatedOut(SubscriptionOut):
    secret: str


class AttemptOut(Schema):
    attempted_at: datetime
    status_code: int | None
    error: str


class DeliveryOut(Schema):
    id: int
    message_id: str
    event: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    tries: list[AttemptOut]

    @staticmethod
    def resolve_tries(obj: Any) -> list[Any]:
        return list(obj.tries.all())


@router.get(
    "/webhooks/subscriptions",
    response=list[SubscriptionOut],
    summary="My organisation's webhook subscriptions (scope webhooks:manage)",
)
def list_subscriptions(request: AuthedRequest) -> Any:
    return webhooks.subscriptions_for(user=request.user)


@router.post(
    "/webhooks/subscriptions",
    response={201: SubscriptionCreatedOut},
    summary="Subscribe an https endpoint to events; the signing secret is shown this once",
)
def create_subscription(request: AuthedRequest, body: SubscriptionIn) -> Any:
    subscription, secret = webhooks.subscription_create(
        actor=request.user, url=body.url, events=body.events
    )
    return Status(201, {**SubscriptionOut.from_orm(subscription).dict(), "secret": secret})


@router.get(
    "/webhooks/subscriptions/{subscription_id}/deliveries",
    response=list[DeliveryOut],
    summary="The latest deliveries to a subscription, each try with the receiver's answer",
)
def list_deliveries(request: AuthedRequest, subscription_id: int) -> Any:
    return webhooks.deliveries_for(user=request.user, subscription_id=subscription_id)


@router.post(
    "/webhooks/subscriptions/{subscription_id}",
    response=SubscriptionOut,
    summary="Resume a paused subscription",
)
def resume_subscription(request: AuthedRequest, subscription_id: int) -> Any:
    return webhooks.subscription_resume(actor=request.user, subscription_id=subscription_id)


@router.delete(
    "/webhooks/subscriptions/{subscription_id}",
    response={204: None},
    summary="Delete a subscription",
)
def delete_subscription(request: AuthedRequest, subscription_id: int) -> Any:
    webhooks.subscription_delete(actor=request.user, subscription_id=subscription_id)
    return Status(204, None)
