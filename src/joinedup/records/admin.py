"""Administration of records management: retention periods, and legal holds to look at.

Retention rules are configured here (each change is recorded in the audit trail). Legal holds are
placed and lifted only on the data-protection officer's pages, which record why; here they can
only be read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.records.models import LegalHold, RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ["record_type", "keep_for_months", "authority"]
    ordering = ["record_type"]

    def save_model(self, request: HttpRequest, obj: RetentionRule, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action=Action.UPDATE if change else Action.CREATE,
            obj=obj,
            purpose="records management",
            detail={"keep_for_months": obj.keep_for_months, "authority": obj.authority},
        )

    def delete_model(self, request: HttpRequest, obj: RetentionRule) -> None:
        audit.record(
            actor=request.user,
            action=Action.DELETE,
            obj=obj,
            purpose="records management",
            detail={"record_type": obj.record_type},
        )
        super().delete_model(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Bulk deletion would bypass the audit event delete_model writes.
        return obj is not None and super().has_delete_permission(request, obj)


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    list_display = ["person", "placed_at", "placed_by", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["person", "reason", "placed_by", "placed_at", "lifted_by", "lifted_at"]
    list_select_related = ["person", "placed_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
