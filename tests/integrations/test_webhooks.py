"""Webhooks: signed (Standard Webhooks), delivered to a real receiver on 127.0.0.1, tried again
after a failure, paused after repeated failures, and naming only persons the receiver may see."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from joinedup.episodes import services as episode_services
from joinedup.errors import ApplicationError, NotFound
from joinedup.integrations import webhooks
from joinedup.integrations.models import WebhookDelivery, WebhookSubscription
from joinedup.jobs import scheduled
from joinedup.partnership.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


class Receiver:
    """An organisation's endpoint: verifies each delivery with the standardwebhooks verifier."""

    def __init__(self) -> None:
        self.secret = ""
        self.answers: list[int] = []
        self.received: list[dict] = []
        self.refused = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    payload = Webhook(outer.secret).verify(body, dict(self.headers))
                except WebhookVerificationError:
                    outer.refused += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                status = outer.answers.pop(0) if outer.answers else 204
                if status < 300:
                    outer.received.append(payload)
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"thanks" if status < 300 else b"broken")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def data_lead(school):
    return factories.practitioner(school, roles=("agency_data_lead",))


def subscribe(settings, actor, receiver, events):
    settings.DEBUG = True  # the receiver is plain http on 127.0.0.1
    subscription, secret = webhooks.subscription_create(
        actor=actor, url=receiver.url, events=events
    )
    settings.DEBUG = False
    receiver.secret = secret
    return subscription


def test_a_signed_delivery_is_retried_after_a_500_and_then_delivered(
    settings, receiver, data_lead, teacher, child
):
    subscription = subscribe(settings, data_lead, receiver, ["episode.opened"])
    receiver.answers = [500]

    episode = episode_services.episode_open_practitioner_led(actor=teacher, persons=[child])

    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == "pending" and delivery.attempts == 1
    assert [t.status_code for t in delivery.tries.all()] == [500]
    assert delivery.tries.get().response == "broken"
    assert delivery.next_attempt_at > timezone.now()
    assert receiver.received == []

    # The worker's schedule tries it again once it is due.
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert webhooks.deliveries_due_enqueue() == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert [t.status_code for t in delivery.tries.all()] == [500, 204]
    assert receiver.refused == 0
    [payload] = receiver.received
    assert payload["type"] == "episode.opened"
    assert payload["data"]["episode_id"] == episode.pk
    assert payload["data"]["link"].endswith(f"/episodes/{episode.pk}/")
    # The school works with the child: its data lead may see her name.
    assert payload["data"]["persons"] == [{"id": child.pk, "name": "Maya Jones"}]


def test_no_name_for_an_organisation_that_may_not_see_the_child(
    settings, receiver, teacher, child, other_org
):
    housing_officer = factories.practitioner(other_org, profession="housing_officer")
    housing_lead = factories.practitioner(other_org, roles=("agency_data_lead",))
    subscribe(settings, housing_lead, receiver, ["episode.member_added"])
    episode = episode_services.episode_open_practitioner_led(actor=teacher, persons=[child])
    episode_services.member_add(
        actor=teacher, episode=episode, practitioner=housing_officer, role="Housing officer"
    )
    [payload] = receiver.received
    assert payload["type"] == "episode.member_added"
    assert payload["data"]["persons"] == [{"id": child.pk}]
    assert "Maya" not in json.dumps(payload)


def test_an_organisation_not_involved_is_not_told(settings, receiver, teacher, child, other_org):
    housing_lead = factories.practitioner(other_org, roles=("agency_data_lead",))
    subscribe(settings, housing_lead, receiver, ["episode.opened", "involvement.started"])
    episode_services.episode_open_practitioner_led(actor=teacher, persons=[child])
    assert not WebhookDelivery.objects.exists()
    assert receiver.received == []


def test_a_subscription_failing_again_and_again_is_paused_and_its_owner_told(
    settings, receiver, data_lead, teacher, child
):
    subscription = subscribe(settings, data_lead, receiver, ["episode.opened"])
    WebhookSubscription.objects.update(failures_in_a_row=webhooks.PAUSE_AFTER - 1)
    receiver.answers = [503]
    episode_services.episode_open_practitioner_led(actor=teacher, persons=[child])
    subscription.refresh_from_db()
    assert subscription.paused_at is not None
    note = Notification.objects.get(recipient=data_lead)
    assert note.subject == "A webhook subscription was paused"
    # Paused: nothing more is tried until the owner resumes it.
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert webhooks.deliveries_due_enqueue() == 0
    webhooks.subscription_resume(actor=data_lead, subscription_id=subscription.pk)
    assert webhooks.deliveries_due_enqueue() == 1
    assert WebhookDelivery.objects.get().status == "delivered"


def test_a_plain_http_endpoint_is_refused_outside_debug_naming_the_field(data_lead):
    with pytest.raises(ApplicationError) as error:
        webhooks.subscription_create(
            actor=data_lead, url="http://example.org/hooks", events=["episode.opened"]
        )
    assert error.value.field == "url"
    with pytest.raises(ApplicationError) as error:
        webhooks.subscription_create(
            actor=data_lead, url="https://example.org/hooks", events=["no.such"]
        )
    assert error.value.field == "events"
    assert not WebhookSubscription.objects.exists()


def test_another_organisations_subscription_is_missing(data_lead, other_org):
    subscription, _ = webhooks.subscription_create(
        actor=data_lead, url="https://example.org/hooks", events=["episode.opened"]
    )
    outsider_lead = factories.practitioner(other_org, roles=("agency_data_lead",))
    with pytest.raises(NotFound):
        webhooks.subscription_get(user=outsider_lead, subscription_id=subscription.pk)
    with pytest.raises(NotFound):
        webhooks.subscription_create(
            actor=factories.practitioner(other_org), url="https://x.example", events=["x"]
        )


def test_webhook_retries_run_from_the_schedule(db):
    enqueued = scheduled.enqueue_due(timezone.now())
    assert enqueued == []  # first sight: each schedule is set for its next time
    later = timezone.now() + timedelta(days=1, minutes=1)
    assert set(scheduled.enqueue_due(later)) == {
        "insight-rebuild",
        "outcomes-rebuild",
        "retention-due",
        "webhook-retries",
        "directory-feeds",
        "review-reminders",
        "escalation-reminders",
    }
    assert scheduled.enqueue_due(later) == []  # each occurrence once
