"""Loads of agencies' records, watched while they run."""

from __future__ import annotations

from django.db import models

from joinedup.partnership.models import Organisation, Practitioner


class ImportJob(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Loading"
        DONE = "done", "Loaded"
        FAILED = "failed", "Not loaded"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    strict = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    linked = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list)
    message = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 0


class MatchCandidate(models.Model):
    """'Probably the same person': an agency record and a person, with the evidence, for review."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        SAME = "same", "Same person"
        DIFFERENT = "different", "Different people"

    source_record = models.ForeignKey(
        "people.SourceRecord", on_delete=models.CASCADE, related_name="candidates"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    match_weight = models.FloatField(default=0)
    evidence = models.JSONField(default=list, help_text="[{comparison, level, weight}, ...]")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-probability"]
        constraints = [
            models.UniqueConstraint(fields=["source_record", "person"], name="candidate_unique"),
            models.CheckConstraint(
                condition=models.Q(probability__gte=0, probability__lte=1),
                name="candidate_probability_range",
            ),
        ]
        indexes = [models.Index(fields=["status", "-probability"], name="candidate_queue_idx")]


class PersonMerge(models.Model):
    """One merge, with exactly what moved, so that unmerge can put everything back."""

    kept = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    moved = models.JSONField(help_text="{model label: [ids moved from merged to kept]}")
    merged_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at"]
