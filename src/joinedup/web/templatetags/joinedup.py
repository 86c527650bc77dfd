from __future__ import annotations

from datetime import date, datetime

from django import template
from django.apps import apps
from django.utils import timezone
from django.utils.text import capfirst

register = template.Library()


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@register.filter
def govuk_date(value: date | datetime | None) -> str:
    """Dates as GOV.UK writes them: 4 March 2026 (and 2:30pm for times).

    Written out rather than through Django's `date` format: a long list shows hundreds of dates,
    and the general formatter cost a tenth of a millisecond each."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    day = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    if not isinstance(value, datetime):
        return day
    hour = value.hour % 12 or 12
    clock = f"{hour}:{value.minute:02d}" if value.minute else f"{hour}"
    return f"{day} at {clock}{'pm' if value.hour >= 12 else 'am'}"  # 4 March 2026 at 2:30pm


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
