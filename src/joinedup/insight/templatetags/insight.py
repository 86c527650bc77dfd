"""Template helpers for the partnership-health pages: figures, sectors, and each figure's
"How this is calculated" disclosure (from the formula registry)."""

from __future__ import annotations

from typing import Any

from django import template

from joinedup.insight import formulas, layout

register = template.Library()


@register.inclusion_tag("insight/includes/how_calculated.html")
def how_calculated(metric: str, *more: str) -> dict[str, Any]:
    """One GOV.UK details disclosure with the formula of each metric named."""
    return {"formulas": [formulas.formula(m) for m in (metric, *more)]}


@register.filter
def pct(value: Any, places: int = 0) -> str:
    if value is None or value == "":
        return "–"
    return f"{float(value) * 100:.{int(places)}f}%"


@register.filter
def num(value: Any, places: int = 2) -> str:
    """A figure to `places` decimal places, without trailing zeros; "–" when there is none."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    text = f"{float(value):,.{int(places)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def signed(value: Any, places: int = 1) -> str:
    if value is None:
        return "–"
    return f"{float(value):+.{int(places)}f}"


@register.filter
def sector_label(value: str) -> str:
    return layout.sector_label(value)


@register.filter
def sector_colour(value: str) -> str:
    return layout.sector_colour(value)


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
