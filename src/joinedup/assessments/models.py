"""Assessments from a versioned template: the child's, the family's and the practitioners' views,
by domain and factor. A completed assessment keeps the template version it used."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from joinedup.episodes.models import Episode
from joinedup.partnership.models import Practitioner

SCALE_MIN, SCALE_MAX = 0, 10


def validate_definition(definition: object) -> None:
    """A template is {"domains": [{"code", "title", "factors": [{"code", "title"}]}]}."""
    if not isinstance(definition, dict) or not isinstance(definition.get("domains"), list):
        raise ValidationError('The definition needs a list of "domains".')
    if not definition["domains"]:
        raise ValidationError("The definition needs at least one domain.")
    codes: set[str] = set()
    for number, domain in enumerate(definition["domains"], start=1):
        where = f"Domain {number}"
        if not isinstance(domain, dict):
            raise ValidationError(f"{where} must be an object with a code, title and factors.")
        for key in ("code", "title"):
            if not isinstance(domain.get(key), str) or not domain[key].strip():
                raise ValidationError(f'{where} needs a "{key}".')
        factors = domain.get("factors")
        if not isinstance(factors, list) or not factors:
            raise ValidationError(f'{where} ({domain["title"]}) needs a list of "factors".')
        for f_number, factor in enumerate(factors, start=1):
            f_where = f"{where}, factor {f_number}"
            if not isinstance(factor, dict):
                raise ValidationError(f"{f_where} must be an object with a code and title.")
            for key in ("code", "title"):
                if not isinstance(factor.get(key), str) or not factor[key].strip():
                    raise ValidationError(f'{f_where} needs a "{key}".')
            if not factor["code"].isidentifier():
                raise ValidationError(f'{f_where}: the code "{factor["code"]}" must be one word.')
        for code in [domain["code"], *(f["code"] for f in factors)]:
            if code in codes:
                raise ValidationError(f'The code "{code}" is used twice.')
            codes.add(code)


class AssessmentTemplate(models.Model):
    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    definition = models.JSONField(validators=[validate_definition])
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(
        default=True, help_text="New assessments use the newest active version."
    )

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="assessment_template_version")
        ]

    def __str__(self) -> str:
        return f"{self.name}, version {self.version}"

    @property
    def domains(self) -> list[dict]:
        return list(self.definition["domains"])

    def clean(self) -> None:
        validate_definition(self.definition)


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETED = "completed", "Completed"
    SHARED = "shared", "Completed and shared with the family"


class Assessment(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="assessments")
    template = models.ForeignKey(AssessmentTemplate, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    factors = models.JSONField(
        default=dict, help_text='{factor code: {"strengths", "needs", "scale"}}'
    )
    child_words = models.TextField(blank=True)
    carers_words = models.JSONField(default=list, help_text='[{"who", "words"}]')
    analysis = models.TextField(blank=True)
    started_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_how = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.template.name} for {self.episode}"

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT
