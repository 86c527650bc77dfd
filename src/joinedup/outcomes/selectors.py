from __future__ import annotations

from django.db.models import QuerySet

from joinedup.outcomes.defaults import ensure_default_frameworks
from joinedup.outcomes.models import OutcomeCategory


def default_categories() -> QuerySet[OutcomeCategory]:
    if not OutcomeCategory.objects.filter(framework__is_default=True).exists():
        ensure_default_frameworks()
    return OutcomeCategory.objects.filter(framework__is_default=True).order_by("position")
