"""Loads of agencies' records and linkage runs, watched while they run; the review queue."""

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
    # Real-time matching of the new records (identity.matching): linked to a known person,
    # waiting for review, or a new person; `deferred` were left to a linkage run.
    matched = models.PositiveIntegerField(default=0)
    queued = models.PositiveIntegerField(default=0)
    new_persons = models.PositiveIntegerField(default=0)
    deferred = models.PositiveIntegerField(default=0)
    linkage_run = models.ForeignKey(
        "LinkageRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
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
    """'Probably the same person', with the evidence, for review.

    Either an agency record that may belong to a known person (`source_record`), or a person
    entered in joinedup (for example in a request for support) who may be a person already
    known (`duplicate`): the second is settled by merging the two persons.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        SAME = "same", "Same person"
        DIFFERENT = "different", "Different people"

    source_record = models.ForeignKey(
        "people.SourceRecord",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="candidates",
    )
    duplicate = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
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
            models.UniqueConstraint(
                fields=["duplicate", "person"],
                condition=models.Q(duplicate__isnull=False),
                name="candidate_duplicate_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(probability__gte=0, probability__lte=1),
                name="candidate_probability_range",
            ),
            models.CheckConstraint(
                condition=models.Q(source_record__isnull=True, duplicate__isnull=False)
                | models.Q(source_record__isnull=False, duplicate__isnull=True),
                name="candidate_record_or_duplicate",
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


class LinkageModelVersion(models.Model):
    """A trained linkage model (Splink settings with m and u), kept so every run scores alike.

    The newest is the one in use, unless JOINEDUP_LINK_MODEL names a model file.
    """

    model = models.JSONField()
    model_version = models.CharField(max_length=40)
    trained_on = models.PositiveIntegerField(help_text="Agency records it was estimated from.")
    created_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]


class LinkageRun(models.Model):
    """One linkage of the database's records into persons, watched while it runs."""

    class Status(models.TextChoices):
        RUNNING = "running", "Linking"
        DONE = "done", "Linked"
        FAILED = "failed", "Not linked"

    class Trigger(models.TextChoices):
        PAGE = "page", "Review queue page"
        API = "api", "API"
        COMMAND = "command", "Command line"
        LOAD = "load", "After a load of records"
        DEMO = "demo", "Demo"

    STAGES = 5  # reading, model, scoring, clustering, writing

    started_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    stage = models.CharField(max_length=100, blank=True)
    processed = models.PositiveSmallIntegerField(default=0)
    automatic_threshold = models.FloatField()
    review_threshold = models.FloatField()
    model = models.ForeignKey(
        LinkageModelVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    records = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    persons_created = models.PositiveIntegerField(default=0)
    linked = models.PositiveIntegerField(default=0, help_text="Records given a person.")
    queued = models.PositiveIntegerField(default=0, help_text="Records waiting for review.")
    unchanged = models.PositiveIntegerField(default=0)
    candidates_created = models.PositiveIntegerField(default=0)
    candidates_removed = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    message = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.STAGES)


class IdentityState(models.Model):
    """One row: a counter bumped when known details change (the real-time index rebuilds),
    and the lock linkage runs write under, so two runs never interleave."""

    generation = models.PositiveBigIntegerField(default=0)
