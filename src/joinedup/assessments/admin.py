"""Administration of assessment template versions."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from joinedup.assessments.models import Assessment, AssessmentTemplate


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
