"""The distance-travelled summary other pages show (the closure summary on the episode page)."""

from __future__ import annotations

from typing import Any

from django import template

from joinedup.outcomes import selectors

register = template.Library()


@register.inclusion_tag("outcomes/includes/summary.html")
def distance_summary(user: Any, episode_id: int) -> dict[str, Any]:
    """First against latest for every outcome, both voices side by side (through the policy)."""
    return {"view": selectors.episode_outcomes(user=user, episode_id=episode_id)}


@register.filter
def change_words(value: float | None, unit: str = "") -> str:
    """A change of score in words: "up 2", "down 1.5 points", "no change"."""
    if value is None:
        return ""
    if value == 0:
        return "no change"
    size = f"{abs(value):.1f}" if isinstance(value, float) else str(abs(value))
    return f"{'up' if value > 0 else 'down'} {size}{f' {unit}' if unit else ''}"
