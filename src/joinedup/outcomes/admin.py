from django.contrib import admin

from joinedup.outcomes.models import OutcomeCategory, OutcomeFramework


class CategoryInline(admin.TabularInline):
    model = OutcomeCategory
    extra = 0


@admin.register(OutcomeFramework)
class OutcomeFrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_default"]
    inlines = [CategoryInline]
