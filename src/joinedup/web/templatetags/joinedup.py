from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()


@register.filter
def govuk_date(value: date | datetime | None) -> str:
    """Dates as GOV.UK writes them: 4 March 2026 (and 2:30pm for times)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return date_format(local, "j F Y") + " at " + date_format(local, "g:ia").replace(":00", "")
    return date_format(value, "j F Y")
