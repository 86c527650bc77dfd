"""Records management: retention rules, legal holds and the tombstones erasure leaves."""

from __future__ import annotations

from django.db import models

from joinedup.partnership.models import Practitioner


class RecordType(models.TextChoices):
    PERSON = "person", "Person and their records"
    REQUEST = "request", "Request for support (no further action)"
    EPISODE = "episode", "Episode of early help, after closure"
    ADVICE = "advice", "Anonymous advice request"


class RetentionRule(models.Model):
    """How long a type of record is kept after its last activity, configured by administrators."""

    record_type = models.CharField(max_length=20, choices=RecordType.choices, unique=True)
    keep_for_months = models.PositiveIntegerField()
    authority = models.CharField(
        max_length=300, help_text="Why this period: the schedule or guidance it follows."
    )

    class Meta:
        ordering = ["record_type"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(keep_for_months__gt=0), name="retention_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.keep_for_months} months"


class LegalHold(models.Model):
    """Stops erasure of a person's records (litigation, an inquiry, a safeguarding review)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    placed_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="legal_hold_reason"),
        ]


class Tombstone(models.Model):
    """What is left when a record is erased: that it existed, when and why it went, not who."""

    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    reference = models.CharField(max_length=40, help_text="The erased record's reference.")
    erased_at = models.DateTimeField()
    erased_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    counts = models.JSONField(default=dict, help_text="How many rows of each kind were removed.")

    class Meta:
        ordering = ["-erased_at"]
