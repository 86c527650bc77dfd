"""The service directory (Open Referral UK / HSDS 3.0) and closed-loop referrals into it.

Every directory record carries `oruk_id`, the UUID it is published under (or was imported
with, so another publisher's ids are kept), and `modified_at`, which `modified_after` filters on.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from joinedup.partnership.models import Organisation, Practitioner, Sector


class DirectoryRecord(models.Model):
    oruk_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    modified_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Taxonomy(DirectoryRecord):
    """A published vocabulary: the Open Referral UK service types, or the Local Government
    Service List (LGSL)."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(DirectoryRecord):
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.PROTECT, related_name="terms")
    code = models.CharField(max_length=60, blank=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    # A need as practitioners describe it (the outcome framework's categories) maps to terms.
    outcome_categories = models.ManyToManyField(
        "outcomes.OutcomeCategory", blank=True, related_name="taxonomy_terms"
    )

    class Meta:
        ordering = ["taxonomy__name", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceOrganisation(DirectoryRecord):
    """An organisation that provides services: a partner (with accounts in joinedup) or not (a
    community group, a faith group, a sports club, another council's service)."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    sector = models.CharField(max_length=20, choices=Sector.choices, default=Sector.COMMUNITY)
    partner = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_organisation",
        help_text="The partnership organisation, when this organisation uses joinedup.",
    )
    email = models.EmailField(blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    source = models.CharField(
        max_length=300, blank=True, help_text="The feed it was imported from; blank if kept here."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(DirectoryRecord):
    organisation = models.ForeignKey(
        ServiceOrganisation, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    locality = models.CharField(max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # Security: a refuge or other protected address is never published or shown in search.
    confidential = models.BooleanField(
        default=False, help_text="A refuge or protected address: never published."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def postcode_district(self) -> str:
        return self.postcode.strip().upper().split(" ")[0] if self.postcode else ""


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class Service(DirectoryRecord):
    organisation = models.ForeignKey(
        ServiceOrganisation, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    is_free = models.BooleanField(default=True)
    fees_description = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    takes_referrals = models.BooleanField(
        default=False, help_text="Takes referrals through joinedup."
    )
    referral_email = models.EmailField(
        blank=True,
        help_text="Where referrals go when the organisation has no joinedup account.",
    )
    # Security: an internal service (a team's own offer) is never published.
    internal = models.BooleanField(default=False, help_text="Never published in the ORUK feed.")
    taxonomy_terms = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services")
    source = models.CharField(max_length=300, blank=True)
    source_modified_at = models.DateTimeField(
        null=True, blank=True, help_text="last_modified in the feed it was imported from."
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "internal"], name="service_published_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(DirectoryRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="services_here")
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_location_once")
        ]


class Contact(DirectoryRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    # Security: a member of staff's own details are for practitioners only, never published.
    staff = models.BooleanField(default=False, help_text="A person's own details: not published.")

    class Meta:
        ordering = ["pk"]


class Weekday(models.TextChoices):
    MO = "MO", "Monday"
    TU = "TU", "Tuesday"
    WE = "WE", "Wednesday"
    TH = "TH", "Thursday"
    FR = "FR", "Friday"
    SA = "SA", "Saturday"
    SU = "SU", "Sunday"


class Schedule(DirectoryRecord):
    """When a service is open: weekly on the days in `byday` (RFC 5545), from `opens_at` to
    `closes_at`; at one location when `service_at_location` is set."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    byday = models.CharField(max_length=30, help_text="Days, e.g. MO,WE,FR.")
    opens_at = models.TimeField()
    closes_at = models.TimeField()
    description = models.CharField(max_length=300, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")), name="schedule_opens_first"
            )
        ]

    @property
    def days(self) -> list[str]:
        return [d for d in self.byday.split(",") if d]


class CostOption(DirectoryRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    option = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=300, blank=True)


class ServiceArea(DirectoryRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    postcode_districts = models.CharField(
        max_length=300, blank=True, help_text="Postcode districts served, e.g. NE1,NE2."
    )


class Feed(models.Model):
    """Another publisher's ORUK feed, imported incrementally with modified_after: by hand
    (`joinedup directory import`), or followed by the worker every `every_hours` once an
    administrator registers it."""

    url = models.CharField(max_length=500, unique=True)
    publisher = models.CharField(max_length=200, blank=True)
    every_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How often the worker imports it; blank: not followed."
    )
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_imported_at = models.DateTimeField(null=True, blank=True)
    # The watermark: the newest last_modified loaded, asked for as modified_after next time.
    last_modified_seen = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=300, blank=True)
    last_result_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        Practitioner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["publisher", "url"]

    def __str__(self) -> str:
        return self.publisher or self.url

    @property
    def followed(self) -> bool:
        return self.every_hours is not None


class FeedRunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Importing"
    RETRYING = "retrying", "Will try again"
    SUCCEEDED = "succeeded", "Imported"
    FAILED = "failed", "Failed"


OPEN_FEED_RUN_STATUSES = (FeedRunStatus.QUEUED, FeedRunStatus.RUNNING, FeedRunStatus.RETRYING)


class FeedRun(models.Model):
    """One import of a followed feed by the worker, and what it did to each record."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(
        max_length=10, choices=FeedRunStatus.choices, default=FeedRunStatus.QUEUED
    )
    asked_by = models.ForeignKey(
        Practitioner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Which try holds the run: a try that finds another holds it now writes nothing.
    claim = models.CharField(max_length=32, blank=True)
    modified_after = models.DateTimeField(null=True, blank=True)
    added_ids = models.JSONField(default=list)
    updated_ids = models.JSONField(default=list)
    unchanged = models.PositiveIntegerField(default=0)
    refused = models.JSONField(default=list, help_text="[{id, field, message}]")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Never the same feed twice at once.
            models.UniqueConstraint(
                fields=["feed"],
                condition=Q(status__in=["queued", "running", "retrying"]),
                name="feed_run_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.feed} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_FEED_RUN_STATUSES


# --- Referrals ---------------------------------------------------------------------------


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SOON = "soon", "Within a week"
    URGENT = "urgent", "Urgent (within two working days)"


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    NOT_TAKEN_UP = "not_taken_up", "The family did not take it up"
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"


OPEN_REFERRAL_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.STARTED)


class SharedItem(models.TextChoices):
    """What the family agreed the service may be told about them."""

    NAME = "name", "Name"
    DATE_OF_BIRTH = "date_of_birth", "Date of birth"
    CONTACT = "contact", "How to contact the family"
    REASON = "reason", "Why the referral is made"


class Referral(models.Model):
    """A referral from an episode (or a request for support the front door signposted) to a
    service, followed until it is declined, not taken up or completed."""

    reference = models.CharField(max_length=20, unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    # Erasing a person, episode or request (records/) takes its referrals with it.
    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="referrals",
    )
    request = models.ForeignKey(
        "frontdoor.RequestForSupport",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="referrals",
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="referrals")
    referred_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    referrer_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_made"
    )
    asked = models.TextField(help_text="What the service is asked to do.")
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    family_agreed = models.BooleanField(default=False)
    shared = models.JSONField(default=list, help_text="What the family agreed to share.")
    contact = models.CharField(max_length=300, blank=True)
    lawful_basis = models.CharField(max_length=200)
    status = models.CharField(
        max_length=15, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_at = models.DateTimeField()
    first_contact_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was declined or not taken up.")
    what_changed = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["referred_by", "status"], name="referral_referrer_idx"),
            models.Index(fields=["service", "status"], name="referral_service_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(episode__isnull=False) | Q(request__isnull=False),
                name="referral_from_episode_or_request",
            ),
            models.CheckConstraint(condition=Q(family_agreed=True), name="referral_agreed"),
            models.CheckConstraint(
                condition=~Q(status__in=["declined", "not_taken_up"]) | ~Q(reason=""),
                name="referral_decline_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(what_changed=""),
                name="referral_completed_says_what_changed",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES


class ReferralEvent(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=15, choices=ReferralStatus.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_link = models.BooleanField(default=False, help_text="Recorded through the emailed link.")
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


class ReferralLink(models.Model):
    """A link emailed to an organisation without an account. Security: only the SHA-256 of the
    token is stored; a link records one action, then it is spent; it expires."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    stage = models.CharField(max_length=15, choices=ReferralStatus.choices)
    sent_to = models.EmailField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_for = models.CharField(max_length=15, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
