"""Referrals shown on other apps' pages: the episode, My work, the family's plan."""

from __future__ import annotations

from typing import Any

from django import template

from joinedup.directory import selectors

register = template.Library()


@register.inclusion_tag("directory/includes/episode_referrals.html", takes_context=True)
def episode_referrals(context: Any, episode: Any, may_edit: bool = False) -> dict[str, Any]:
    user = context["request"].user
    return {
        "episode": episode,
        "may_edit": may_edit,
        "referrals": selectors.referrals_for_episode(user=user, episode=episode),
    }


@register.inclusion_tag("directory/includes/my_referrals.html", takes_context=True)
def my_referrals(context: Any) -> dict[str, Any]:
    return {"work": selectors.referrals_for_user(user=context["request"].user)}


@register.inclusion_tag("directory/includes/family_referrals.html", takes_context=True)
def family_referrals(context: Any, episode: Any) -> dict[str, Any]:
    user = context["request"].user
    return {"referrals": selectors.family_referrals(user=user, episode=episode)}
