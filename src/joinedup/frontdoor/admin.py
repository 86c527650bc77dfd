"""Administration of the front door's timescales and contacts."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from joinedup.frontdoor.models import FrontDoorSettings


@admin.register(FrontDoorSettings)
class FrontDoorSettingsAdmin(admin.ModelAdmin):
    """One row: the partnership's timescales (working hours) and who to call now."""

    list_display = ["__str__", "red_hours", "amber_hours", "green_hours", "holidays_subdivision"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not FrontDoorSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
