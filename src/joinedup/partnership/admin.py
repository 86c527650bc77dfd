from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from joinedup.partnership.forms import SharingAgreementForm
from joinedup.partnership.models import (
    Organisation,
    Practitioner,
    Role,
    SharingAgreement,
    Team,
)


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sector", "locality"]
    list_filter = ["sector", "locality"]
    search_fields = ["name", "code"]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "is_front_door"]
    list_filter = ["is_front_door", "organisation__sector"]
    search_fields = ["name", "organisation__name"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "requires_two_factor"]
    list_editable = ["requires_two_factor"]


@admin.register(Practitioner)
class PractitionerAdmin(UserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "organisation", "profession", "is_active"]
    list_filter = ["organisation", "profession", "roles", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "job_title", "telephone")}),
        ("Work", {"fields": ("organisation", "team", "profession", "roles")}),
        ("Administration", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),
        ("Work", {"fields": ("organisation", "team", "profession")}),
    )
    filter_horizontal = ["roles"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.username = obj.email.lower()
        super().save_model(request, obj, form, change)


@admin.register(SharingAgreement)
class SharingAgreementAdmin(admin.ModelAdmin):
    form = SharingAgreementForm
    list_display = ["name", "lawful_basis", "statutory_duty", "starts_on", "ends_on"]
    filter_horizontal = ["parties"]
