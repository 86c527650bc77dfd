"""Partnership health: survey rounds and anonymous responses, prompts and their discussion, and
the stored results of the nightly (or on-demand) rebuild that the pages read.

Pages never compute on page load: the rebuild (insight/rebuild.py) writes one InsightBuild and its
results in one transaction, and the pages read the newest finished build.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q

from joinedup.partnership.models import Organisation, Practitioner

# ----------------------------------------------------------------------------- surveys


class SurveyInstrument(models.Model):
    """One version of a self-assessment instrument, stored as the TOML text people answered.

    A stored instrument is never changed: a new wording is a new version (a new row).
    """

    key = models.CharField(max_length=200, unique=True, help_text="id@version")
    instrument_id = models.CharField(max_length=150)
    version = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20)
    licence = models.TextField()
    source = models.TextField(help_text="The instrument file's text.")
    shipped = models.BooleanField(default=False, help_text="One of joinedup's open instruments.")
    loaded_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "version"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class RoundStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Not open yet"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class SurveyRound(models.Model):
    """One asking of one instrument version, opened and closed by a partnership manager."""

    instrument = models.ForeignKey(
        SurveyInstrument, on_delete=models.PROTECT, related_name="rounds"
    )
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    opens_on = models.DateField()
    closes_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=RoundStatus.choices, default=RoundStatus.SCHEDULED
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reminders_sent = models.PositiveIntegerField(default=0)
    last_reminder_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="survey_round_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SurveyAnswered(models.Model):
    """That a practitioner has answered a round (for a partner, in a partner survey).

    Security: this is the only link between a practitioner and a round, and it says nothing about
    what they answered. It stops a second answer and tells reminders whom to ask.
    """

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="answered")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "practitioner"],
                condition=Q(partner__isnull=True),
                name="survey_answered_once",
            ),
            models.UniqueConstraint(
                fields=["round", "practitioner", "partner"],
                condition=Q(partner__isnull=False),
                name="survey_answered_once_per_partner",
            ),
        ]


class SurveyResponse(models.Model):
    """One anonymous set of answers: the organisation and sector, never the practitioner.

    Security: a random id and no time of its own, so a response cannot be matched to a
    SurveyAnswered row by insertion order or by timestamp.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    sector = models.CharField(max_length=20)
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answers = models.JSONField(help_text="item id → scale value, or null for don't know")

    class Meta:
        indexes = [models.Index(fields=["round", "organisation"], name="survey_response_org_idx")]


# ----------------------------------------------------------------------------- the rebuild


class BuildStatus(models.TextChoices):
    RUNNING = "running", "Rebuilding"
    DONE = "done", "Up to date"
    FAILED = "failed", "Failed"


class InsightBuild(models.Model):
    """One rebuild of every partnership-health result, with its progress."""

    status = models.CharField(
        max_length=10, choices=BuildStatus.choices, default=BuildStatus.RUNNING
    )
    as_of = models.DateField(help_text="The last day of every period.")
    started_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    step = models.PositiveSmallIntegerField(default=0)
    steps = models.PositiveSmallIntegerField(default=1)
    stage = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    figures = models.JSONField(default=dict, help_text="Rows read, results written, seconds.")

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Rebuild {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.step / self.steps)) if self.steps else 0


class NodeKind(models.TextChoices):
    ORGANISATION = "organisation", "Organisations"
    TEAM = "team", "Teams"
    PROFESSION = "profession", "Professions"


class NetworkResult(models.Model):
    """The ecosystem network for one period, one kind of node and one locality ("" = all)."""

    build = models.ForeignKey(InsightBuild, on_delete=models.CASCADE, related_name="networks")
    period_days = models.PositiveSmallIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    nodes_are = models.CharField(max_length=12, choices=NodeKind.choices)
    locality = models.CharField(max_length=100, blank=True)
    summary = models.JSONField(help_text="Density, components, communities, brokers, E-I ...")
    map = models.JSONField(help_text="Positions and ties drawn on the map.")
    ties = models.JSONField(help_text="The strongest ties, each pair once.")
    ties_total = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["build", "period_days", "nodes_are", "locality"],
                name="network_result_unique",
            )
        ]


class NetworkNode(models.Model):
    """One organisation's (team's, profession's) figures in a network result."""

    result = models.ForeignKey(NetworkResult, on_delete=models.CASCADE, related_name="nodes")
    key = models.CharField(max_length=60)
    label = models.CharField(max_length=300)
    sector = models.CharField(max_length=20)
    locality = models.CharField(max_length=100, blank=True)
    ties = models.PositiveIntegerField()
    strength = models.FloatField()
    share_of_strength = models.FloatField()
    meetings_strength = models.FloatField(default=0)
    caseload = models.PositiveIntegerField()
    shared_caseload = models.PositiveIntegerField()
    betweenness = models.FloatField()
    community = models.PositiveIntegerField(null=True, blank=True)
    referrals_sent = models.PositiveIntegerField()
    referrals_received = models.PositiveIntegerField()

    class Meta:
        ordering = ["-strength", "label"]
        indexes = [models.Index(fields=["result", "-strength"], name="network_node_strength_idx")]


class VoiceResult(models.Model):
    """Balance of voice for one period, by profession or by sector."""

    build = models.ForeignKey(InsightBuild, on_delete=models.CASCADE, related_name="voices")
    period_days = models.PositiveSmallIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    group_by = models.CharField(max_length=12)
    payload = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["build", "period_days", "group_by"], name="voice_result_unique"
            )
        ]


class ContinuumResult(models.Model):
    """Teams around families (as counts only) and pairs of organisations on the continuum."""

    build = models.ForeignKey(InsightBuild, on_delete=models.CASCADE, related_name="continua")
    period_days = models.PositiveSmallIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    payload = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["build", "period_days"], name="continuum_result_unique")
        ]


class SurveyResult(models.Model):
    """One round's results for everyone, by organisation, by sector, or partner ratings."""

    build = models.ForeignKey(InsightBuild, on_delete=models.CASCADE, related_name="surveys")
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="results")
    group_by = models.CharField(max_length=12)
    payload = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["build", "round", "group_by"], name="survey_result_unique"
            )
        ]


class SurveyTrend(models.Model):
    """Each score of one instrument version across its rounds, for everyone and by sector."""

    build = models.ForeignKey(InsightBuild, on_delete=models.CASCADE, related_name="trends")
    instrument = models.ForeignKey(SurveyInstrument, on_delete=models.CASCADE, related_name="+")
    payload = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["build", "instrument"], name="survey_trend_unique")
        ]


# ----------------------------------------------------------------------------- prompts


class Prompt(models.Model):
    """A pattern worth a conversation, kept across rebuilds by its fingerprint so that what was
    discussed stays with it."""

    fingerprint = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=300)
    text = models.TextField()
    metric = models.CharField(max_length=60)
    evidence = models.JSONField(default=dict)
    link = models.CharField(max_length=300, blank=True, help_text="The page with the evidence.")
    active = models.BooleanField(default=True, help_text="Seen in the newest rebuild.")
    first_seen = models.ForeignKey(
        InsightBuild, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_seen = models.ForeignKey(
        InsightBuild, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-active", "kind", "title"]

    def __str__(self) -> str:
        return self.title


class PromptDiscussion(models.Model):
    """A prompt talked about: the action the partnership agreed, who recorded it and when."""

    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="discussions")
    action_agreed = models.TextField()
    discussed_on = models.DateField()
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
