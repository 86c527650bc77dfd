"""Agencies' systems and identity providers: API clients (OAuth 2.0 client credentials),
webhook subscriptions with their deliveries, and each organisation's OpenID Connect provider."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from joinedup.partnership.models import Organisation, Practitioner


class Scope(models.TextChoices):
    RECORDS_WRITE = "records:write", "Load the organisation's own records"
    PEOPLE_READ = "people:read", "Read the persons the organisation works with"
    INVOLVEMENTS_READ = "involvements:read", "Read the organisation's involvements"
    CASEWORK_READ = "casework:read", "Read requests, episodes and the chronology"
    WEBHOOKS_MANAGE = "webhooks:manage", "Manage the organisation's webhook subscriptions"


class ApiClient(models.Model):
    """An organisation's system. It acts through its own account, which holds the agency data
    lead's role in that organisation, so the access policy decides for it as for a data lead."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    account = models.OneToOneField(
        Practitioner, on_delete=models.PROTECT, related_name="api_client"
    )
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="api_client_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"


class Event(models.TextChoices):
    REQUEST_DECIDED = "request.decided", "A request for support was decided"
    EPISODE_OPENED = "episode.opened", "An episode was opened"
    LEAD_CHANGED = "episode.lead_changed", "The lead professional changed"
    MEMBER_ADDED = "episode.member_added", "A team member was added"
    CRITICAL_INCIDENT = "episode.critical_incident", "A critical incident was raised"
    INVOLVEMENT_STARTED = "involvement.started", "An involvement started"
    INVOLVEMENT_ENDED = "involvement.ended", "An involvement ended"


class WebhookSubscription(models.Model):
    """An organisation's endpoint, told of events it may know of; signed (Standard Webhooks)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=100, help_text="whsec_...: signs every delivery")
    owner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    failures_in_a_row = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["organisation__name", "url"]
        indexes = [models.Index(fields=["organisation"], name="webhook_sub_org_idx")]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one subscription: tried until it is accepted or its tries run out."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(max_length=40, unique=True)
    event = models.CharField(max_length=40, choices=Event.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx")]


class WebhookAttempt(models.Model):
    """Each try of a delivery, with the receiver's answer: the delivery log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="tries")
    attempted_at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["attempted_at"]


class IdentityProvider(models.Model):
    """An organisation's OpenID Connect provider: its staff sign in there instead of with a
    joinedup password."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="identity_provider"
    )
    issuer = models.URLField(max_length=300)
    authorization_endpoint = models.URLField(max_length=300)
    token_endpoint = models.URLField(max_length=300)
    userinfo_endpoint = models.URLField(max_length=300)
    jwks_uri = models.URLField(max_length=300)
    client_id = models.CharField(max_length=200)
    client_secret = models.CharField(max_length=200)
    signing_algorithm = models.CharField(max_length=10, default="RS256")
    email_domains = models.JSONField(
        default=list, help_text="Email domains whose staff sign in here, e.g. ['school.example']."
    )
    enabled = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.organisation.name}: {self.issuer}"
