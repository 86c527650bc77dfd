"""Reads of the partnership's own configuration: organisations and teams are not personal data."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from joinedup.partnership.models import Organisation, Team


def directory(*, sector: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.annotate(practitioner_count=Count("practitioners")).prefetch_related(
        Prefetch("teams", queryset=Team.objects.order_by("name"))
    )
    if sector:
        qs = qs.filter(sector=sector)
    return qs.order_by("name")
