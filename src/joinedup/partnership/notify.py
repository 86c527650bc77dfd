"""Telling practitioners: a notification in joinedup and an email, sent once the write commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from joinedup.partnership.models import Notification, Practitioner


def send(
    recipients: Iterable[Practitioner], *, subject: str, body: str, link: str = ""
) -> list[Notification]:
    """Call inside a service's transaction: rows are written with it, email goes after commit.

    Emails carry no names of children or families: only that there is something to look at.
    """
    unique = {r.pk: r for r in recipients if r is not None and r.is_active}
    notes = Notification.objects.bulk_create(
        Notification(recipient=r, subject=subject, body=body, link=link) for r in unique.values()
    )
    messages = [
        (
            f"joinedup: {subject}",
            f"{body}\n\nSign in to joinedup to see it.",
            settings.DEFAULT_FROM_EMAIL,
            [r.email],
        )
        for r in unique.values()
    ]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return notes
