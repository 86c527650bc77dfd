from django.contrib import admin

from joinedup.outcomes.models import OutcomeCategory, OutcomeFramework, SuccessRule


class CategoryInline(admin.TabularInline):
    model = OutcomeCategory
    extra = 0
    fields = ["position", "code", "name", "descriptor"]


@admin.register(OutcomeFramework)
class OutcomeFrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_default"]
    inlines = [CategoryInline]


@admin.register(SuccessRule)
class SuccessRuleAdmin(admin.ModelAdmin):
    """The partnership's successful-family-outcome rule: one row."""

    list_display = ["__str__", "min_headlines", "met_score", "sustained_days"]

    def has_add_permission(self, request: object) -> bool:
        return not SuccessRule.objects.exists()

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
