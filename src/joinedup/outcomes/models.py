"""Outcome frameworks, identified needs, measurements in two voices, the successful-outcome rule
and the partnership dashboard's stored figures."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person

SCORE_MIN, SCORE_MAX = 0, 10
SUPPORTING_FAMILIES = "supporting-families"
# Other apps' models, named as strings: they import this app's categories.
EPISODE = "episodes.Episode"
ASSESSMENT = "assessments.Assessment"
WANTED_OUTCOME = "episodes.WantedOutcome"
MEETING = "episodes.Meeting"


class OutcomeFramework(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    is_default = models.BooleanField(
        default=False, help_text="The categories a request for support asks about."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_outcome_framework",
            )
        ]

    def __str__(self) -> str:
        return self.name


class OutcomeCategory(models.Model):
    framework = models.ForeignKey(
        OutcomeFramework, on_delete=models.PROTECT, related_name="categories"
    )
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    descriptor = models.TextField(
        blank=True,
        help_text="What this outcome means for a family: the partnership's own words.",
    )

    class Meta:
        ordering = ["framework", "position"]
        verbose_name_plural = "outcome categories"
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="outcome_category_unique")
        ]

    def __str__(self) -> str:
        return self.name


class IdentifiedNeed(models.Model):
    """A need identified at assessment, under one Supporting Families headline outcome, with the
    plan's wanted outcomes that answer it."""

    episode = models.ForeignKey(EPISODE, on_delete=models.CASCADE, related_name="needs")
    headline = models.ForeignKey(OutcomeCategory, on_delete=models.PROTECT, related_name="needs")
    assessment = models.ForeignKey(
        ASSESSMENT, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcomes: models.ManyToManyField = models.ManyToManyField(
        WANTED_OUTCOME, blank=True, related_name="needs"
    )
    note = models.TextField(blank=True)
    identified_on = models.DateField()
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["headline__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "headline"], name="need_once_per_headline")
        ]

    def __str__(self) -> str:
        return f"{self.headline} ({self.episode})"


class Voice(models.TextChoices):
    PRACTITIONER = "practitioner", "The team's view"
    FAMILY = "family", "The family's view"


class Measurement(models.Model):
    """One score, 0 to 10, for one wanted outcome, in one voice. The two voices are never
    averaged together."""

    episode = models.ForeignKey(EPISODE, on_delete=models.CASCADE, related_name="measurements")
    outcome = models.ForeignKey(
        WANTED_OUTCOME, on_delete=models.CASCADE, related_name="measurements"
    )
    voice = models.CharField(max_length=12, choices=Voice.choices)
    score = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=500, blank=True)
    measured_on = models.DateField()
    meeting = models.ForeignKey(
        MEETING, on_delete=models.SET_NULL, null=True, blank=True, related_name="measurements"
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The family member whose view this is.",
    )
    picture_scale = models.BooleanField(
        default=False, help_text="Answered with the picture scale (a child's way of answering)."
    )
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measured_on", "pk"]
        indexes = [
            models.Index(fields=["episode", "outcome", "measured_on"], name="measurement_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="measurement_score_0_to_10",
            ),
            models.CheckConstraint(
                condition=Q(voice="practitioner", person__isnull=True)
                | Q(voice="family", person__isnull=False),
                name="measurement_family_view_names_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome}: {self.score}/10 ({self.get_voice_display()})"


class SuccessRule(models.Model):
    """The partnership's rule for a successful family outcome. One row; edited in admin."""

    min_headlines = models.PositiveSmallIntegerField(
        default=3, help_text="Needs identified under at least this many headline outcomes."
    )
    require_lead = models.BooleanField(default=True, help_text="A lead practitioner.")
    require_whole_family_assessment = models.BooleanField(
        default=True, help_text="A completed assessment of the whole family."
    )
    require_plan = models.BooleanField(default=True, help_text="A plan with wanted outcomes.")
    met_score = models.PositiveSmallIntegerField(
        default=7, help_text="A need is met when the team scores its outcomes at least this."
    )
    sustained_days = models.PositiveSmallIntegerField(
        default=183,
        help_text="Days after closure for which every score must stay met (six months).",
    )
    close_missing = models.PositiveSmallIntegerField(
        default=1, help_text="A family is 'close' when at most this many parts are missing."
    )

    class Meta:
        verbose_name = "successful family outcome rule"

    def __str__(self) -> str:
        return "Successful family outcome rule"


class DashboardBuild(models.Model):
    """One rebuild of the dashboard's stored figures."""

    as_of = models.DateField()
    built_at = models.DateTimeField(auto_now_add=True)
    cells = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-built_at", "-pk"]


class DashboardCell(models.Model):
    """A stored count (and a sum) for one figure, month, locality, need and key: the dashboard
    adds cells up, so it answers from an index, never from the casework itself."""

    figure = models.CharField(max_length=40)
    month = models.DateField(null=True, blank=True, help_text="First day; empty: a snapshot.")
    locality = models.CharField(max_length=100, blank=True, help_text="Empty: every locality.")
    need = models.CharField(max_length=60, blank=True, help_text="Empty: every need.")
    key = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField(default=0)
    total = models.FloatField(default=0)

    class Meta:
        indexes = [
            # The page asks for one need and a period, for every figure at once.
            models.Index(fields=["need", "locality", "month"], name="dashboard_cell_idx")
        ]
