"""Administration of casework settings: the front door's timescales and contacts, and
assessment template versions."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from joinedup.casework.models import Assessment, AssessmentTemplate, FrontDoorSettings


@admin.register(FrontDoorSettings)
class FrontDoorSettingsAdmin(admin.ModelAdmin):
    """One row: the partnership's timescales (working hours) and who to call now."""

    list_display = ["__str__", "red_hours", "amber_hours", "green_hours", "holidays_subdivision"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not FrontDoorSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(admin.ModelAdmin):
    """Add a new version rather than change one: a version in use is read-only, so a completed
    assessment always shows the questions it answered."""

    list_display = ["name", "version", "is_active", "created_at"]
    list_filter = ["name", "is_active"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        latest = AssessmentTemplate.objects.order_by("-version", "-pk").first()
        if latest is None:
            return {}
        return {
            "name": latest.name,
            "version": latest.version + 1,
            "definition": json.dumps(latest.definition, indent=2),
        }

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and Assessment.objects.filter(template=obj).exists():
            return ["name", "version", "definition"]
        return []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not Assessment.objects.filter(template=obj).exists()
