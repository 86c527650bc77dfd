from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


def service(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    navigation: list[dict[str, Any]] = []
    if user is not None and user.is_authenticated:
        navigation = [
            {"href": reverse("web:home"), "text": "My people"},
            {"href": reverse("web:directory"), "text": "Partnership directory"},
        ]
        for item in navigation:
            item["current"] = request.path == item["href"]
    return {
        "service_name": settings.JOINEDUP["SERVICE_NAME"],
        "partnership_name": settings.JOINEDUP["PARTNERSHIP_NAME"],
        "navigation": navigation,
    }
