"""Referrals shown on other apps' pages: the episode, the request for support, My work, the
family's plan."""

from __future__ import annotations

from typing import Any

from django import template

from joinedup.directory import selectors
from joinedup.sharing import policy

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


@register.inclusion_tag("directory/includes/request_referrals.html", takes_context=True)
def request_referrals(context: Any, request: Any) -> dict[str, Any]:
    """A request for support's referrals (the page checked the request), and the way to refer
    from it once the front door signposted it."""
    user = context["request"].user
    return {
        "signposted": request,
        "may_refer": policy.may_refer_from_request(user, request),
        "referrals": selectors.referrals_for_request(user=user, request=request),
    }
