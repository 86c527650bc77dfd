"""Reads of the partnership's own configuration: organisations and teams are not personal data."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from joinedup.partnership.models import Notification, Organisation, Team


def directory(*, sector: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.annotate(practitioner_count=Count("practitioners")).prefetch_related(
        Prefetch("teams", queryset=Team.objects.order_by("name"))
    )
    if sector:
        qs = qs.filter(sector=sector)
    return qs.order_by("name")


def notifications_for(*, user: Any, mark_read: bool = True) -> list[Notification]:
    """My notifications, newest first; opening the list marks them read."""
    notes = list(Notification.objects.filter(recipient=user).order_by("-created_at")[:100])
    if mark_read:
        Notification.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    return notes


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
