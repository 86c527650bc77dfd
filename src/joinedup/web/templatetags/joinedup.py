from __future__ import annotations

from datetime import date, datetime

from django import template
from django.apps import apps
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst

register = template.Library()


@register.filter
def govuk_date(value: date | datetime | None) -> str:
    """Dates as GOV.UK writes them: 4 March 2026 (and 2:30pm for times)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        clock = date_format(local, "g:i").replace(":00", "") + date_format(local, "A").lower()
        return f"{date_format(local, 'j F Y')} at {clock}"  # 4 March 2026 at 2:30pm
    return date_format(value, "j F Y")


TAG_COLOURS = {
    "red": "govuk-tag--red",
    "amber": "govuk-tag--orange",
    "green": "govuk-tag--green",
    "blue": "govuk-tag--blue",
}


@register.filter
def rating_tag_class(rating: str) -> str:
    return TAG_COLOURS.get(rating, "govuk-tag--grey")


@register.filter
def hours_left(hours: float | None) -> str:
    """'6.5 working hours left' or 'Overdue by 2 working hours'."""
    if hours is None:
        return "No timescale"
    value = abs(round(hours, 1))
    text = f"{value:g} working hour{'s' if value != 1 else ''}"
    return f"Overdue by {text}" if hours < 0 else f"{text} left"


@register.filter
def percent_of(value: float, total: float) -> float:
    return round(100 * value / total, 1) if total else 0


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None


@register.filter
def object_label(object_type: str) -> str:
    """An audit event's object as people read it: "people.person" is "Person",
    "frontdoor.requestforsupport" is "Request for support", "audit.person_search" is
    "Person search"."""
    try:
        return capfirst(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type.rsplit(".", 1)[-1].replace("_", " ").capitalize()
