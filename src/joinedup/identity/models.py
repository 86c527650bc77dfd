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
