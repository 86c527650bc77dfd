from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

# How long the menu's "Surveys" item (a round open that the user has not answered) is kept in the
# session before it is asked again. Menu only: every page still asks the policy.
INSIGHT_NAVIGATION_SECONDS = 60


def _insight_navigation(request: HttpRequest, user: Any) -> list[dict[str, str]]:
    """Partnership health and Surveys, asked at most once a minute per session, not per page."""
    from joinedup.insight.selectors import navigation_items

    session = getattr(request, "session", None)
    if session is None:
        return navigation_items(user)
    now = time.time()
    cached = session.get("insight_navigation")
    if (
        cached
        and cached.get("user") == user.pk
        and now - cached.get("at", 0) < INSIGHT_NAVIGATION_SECONDS
    ):
        return [dict(item) for item in cached["items"]]
    items = navigation_items(user)
    session["insight_navigation"] = {"user": user.pk, "at": now, "items": items}
    return items


def service(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    navigation: list[dict[str, Any]] = []
    from joinedup.sharing.policy import is_practitioner

    if user is not None and is_practitioner(user):  # family members have their own menu
        from joinedup.partnership.selectors import unread_count
        from joinedup.sharing.policy import is_front_door, may_view_partnership_health

        unread = unread_count(user=user)
        navigation = [
            {"href": reverse("episodes:my-work"), "text": "My work"},
            {"href": reverse("web:home"), "text": "My people"},
            {"href": reverse("frontdoor:my-requests"), "text": "Requests"},
        ]
        if is_front_door(user):
            navigation.append({"href": reverse("frontdoor:front-door"), "text": "Front door"})
        if user.has_role("agency_data_lead"):
            navigation.append({"href": reverse("identity:upload"), "text": "Load records"})
        if user.has_role("agency_data_lead") or user.has_role("administrator"):
            navigation.append({"href": reverse("identity:review"), "text": "Same person?"})
        if user.has_role("data_protection_officer"):
            navigation.append({"href": reverse("sharing:dpo-home"), "text": "Data protection"})
        navigation += _insight_navigation(request, user)
        if may_view_partnership_health(user):
            navigation.append({"href": reverse("outcomes:dashboard"), "text": "Outcomes"})
        navigation += [
            {"href": reverse("sharing:advice-list"), "text": "Advice"},
            {"href": reverse("web:directory"), "text": "Directory"},
            {"href": reverse("directory:search"), "text": "Find a service"},
            {
                "href": reverse("web:notifications"),
                "text": f"Notifications ({unread})" if unread else "Notifications",
            },
        ]
        for item in navigation:
            href = item["href"]
            item["current"] = request.path == href or (
                href != "/" and request.path.startswith(href)
            )
    return {
        "service_name": settings.JOINEDUP["SERVICE_NAME"],
        "partnership_name": settings.JOINEDUP["PARTNERSHIP_NAME"],
        "navigation": navigation,
    }
