from django.contrib import admin

from joinedup.integrations.models import IdentityProvider


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    """An organisation's OpenID Connect provider (docs/operating.md, Single sign-on)."""

    list_display = ["organisation", "issuer", "enabled"]
    list_select_related = ["organisation"]
