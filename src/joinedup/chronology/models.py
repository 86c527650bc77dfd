"""The chronology: small significant events any agency records about a person, and the alerts
raised when the pattern rules see them add up."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from joinedup.episodes.models import Episode
from joinedup.partnership.models import Organisation, Practitioner
from joinedup.people.models import Person


class ChronologyKind(models.TextChoices):
    WAS_NOT_BROUGHT = "was_not_brought", "Was not brought to an appointment"
    NO_ACCESS = "no_access", "No access visit"
    UNPLANNED_HEALTH_ATTENDANCE = (
        "unplanned_health_attendance",
        "Unplanned health attendance (A&E, urgent care, out of hours)",
    )
    CONCERN_FROM_RELATIVE_OR_NEIGHBOUR = (
        "concern_from_relative_or_neighbour",
        "Concern raised by a relative or neighbour",
    )
    NEW_ADULT_IN_HOUSEHOLD = "new_adult_in_household", "A new adult joined the household"
    OTHER = "other", "Something else significant"


class ChronologyEntry(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="chronology")
    kind = models.CharField(max_length=40, choices=ChronologyKind.choices)
    occurred_on = models.DateField()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()

    class Meta:
        ordering = ["occurred_on", "pk"]
        verbose_name_plural = "chronology entries"
        indexes = [
            models.Index(fields=["person", "kind", "occurred_on"], name="chronology_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on}: {self.get_kind_display()}"


class PatternAlert(models.Model):
    """A pattern rule matched: told once to the lead professional, until acknowledged."""

    rule = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pattern_alerts")
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, null=True, blank=True, related_name="pattern_alerts"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    window_start = models.DateField()
    window_end = models.DateField()
    evidence = models.JSONField(default=list, help_text="The chronology entries that matched.")
    acknowledged_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["person", "rule", "window_end"], name="alert_rule_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "person", "window_start"], name="alert_once_per_window"
            ),
            models.CheckConstraint(
                condition=Q(window_end__gte=models.F("window_start")), name="alert_window_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.person})"

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None
