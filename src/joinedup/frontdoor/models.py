"""Requests for support, the front door's triage, and episodes of coordinated support."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from joinedup.outcomes.models import OutcomeCategory
from joinedup.partnership.models import Practitioner, Team
from joinedup.people.models import Person


class FrontDoorSettings(models.Model):
    """The partnership's own timescales and emergency contacts (one row)."""

    red_hours = models.PositiveSmallIntegerField(default=4, help_text="Working hours.")
    amber_hours = models.PositiveSmallIntegerField(default=24, help_text="Working hours.")
    green_hours = models.PositiveSmallIntegerField(default=72, help_text="Working hours.")
    working_day_start = models.TimeField(default="09:00")
    working_day_end = models.TimeField(default="17:00")
    holidays_subdivision = models.CharField(
        max_length=3, default="ENG", help_text="UK bank holidays of: ENG, WLS, SCT or NIR."
    )
    call_now = models.TextField(
        default=(
            "If a child is in immediate danger, call the police on 999.\n"
            "Children's social care duty team (9am to 5pm): 01632 960002.\n"
            "Emergency duty team (evenings, weekends and bank holidays): 01632 960099."
        ),
        help_text="Shown first when a request says a child is at immediate risk. One per line.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "front door settings"

    def __str__(self) -> str:
        return "Front door settings"


class Rating(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"


class FamilyAgreement(models.TextChoices):
    YES = "yes", "Yes, the family knows and agrees"
    NO = "no", "The family knows but does not agree"
    NOT_ASKED = "not_asked", "The family has not been asked"


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RECEIVED = "received", "Waiting for the front door"
    ROUTED = "routed", "Sent to the family's lead professional"
    DECIDED = "decided", "Decided"


class RequestForSupport(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    raised_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    received_at = models.DateTimeField(null=True, blank=True, db_index=True)
    immediate_risk = models.BooleanField(null=True)
    concern = models.TextField(blank=True)
    needs = models.ManyToManyField(OutcomeCategory, blank=True, related_name="+")
    family_wants = models.TextField(blank=True)
    family_agreement = models.CharField(max_length=10, choices=FamilyAgreement.choices, blank=True)
    not_asked_reason = models.TextField(blank=True)
    contact_telephone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    rating = models.CharField(max_length=5, choices=Rating.choices, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    assigned_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_to = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "request for support"
        verbose_name_plural = "requests for support"
        indexes = [
            models.Index(fields=["status", "due_at"], name="request_queue_idx"),
            models.Index(fields=["raised_by", "status"], name="request_asker_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(family_agreement="not_asked") | ~Q(not_asked_reason=""),
                name="request_not_asked_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class RequestPerson(models.Model):
    request = models.ForeignKey(RequestForSupport, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="requests")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="request_person_unique")
        ]


class RequestEvent(models.Model):
    """The request's history: raised, rated, reassigned, second opinion, routed, decided."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "Received"
        RATED = "rated", "Rated"
        RATING_CHANGED = "rating_changed", "Rating changed"
        REASSIGNED = "reassigned", "Reassigned"
        SECOND_OPINION = "second_opinion", "Second opinion"
        ROUTED = "routed", "Sent to the lead professional"
        DECIDED = "decided", "Decided"

    request = models.ForeignKey(RequestForSupport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


class Outcome(models.TextChoices):
    ADVICE = "advice", "Advice or signposting"
    EARLY_HELP = "early_help", "Early help"
    STEP_UP = "step_up", "Step up to children's social care"
    NO_FURTHER_ACTION = "nfa", "No further action"


class TriageDecision(models.Model):
    request = models.OneToOneField(
        RequestForSupport, on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    reasons = models.TextField()
    decided_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    within_timescale = models.BooleanField(null=True)

    def __str__(self) -> str:
        return f"{self.request}: {self.get_outcome_display()}"
