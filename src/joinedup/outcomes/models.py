"""Outcome frameworks: the categories that needs, plans and measurements are described in."""

from __future__ import annotations

from django.db import models


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

    class Meta:
        ordering = ["framework", "position"]
        verbose_name_plural = "outcome categories"
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="outcome_category_unique")
        ]

    def __str__(self) -> str:
        return self.name
