"""Template filters of the child-protection pages."""

from __future__ import annotations

from django import template

from joinedup.protection import codes

register = template.Library()


@register.filter
def census_factor(code: str) -> str:
    """A factor identified at assessment, as its code and its meaning in the census list."""
    return f"{code}: {codes.ASSESSMENT_FACTORS.get(code, 'not in the census list')}"
