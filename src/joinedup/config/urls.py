from django.contrib import admin
from django.urls import include, path
from oauth2_provider import views as oauth2_views

from joinedup.api.api import api

admin.site.site_header = "joinedup administration"
admin.site.site_title = "joinedup administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # OAuth 2.0 for agencies' systems: tokens by client credentials, and their revocation only.
    path("o/token/", oauth2_views.TokenView.as_view(), name="oauth2-token"),
    path("o/revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="oauth2-revoke"),
    path("", include("joinedup.integrations.urls")),
    path("", include("joinedup.frontdoor.urls")),
    path("", include("joinedup.episodes.urls")),
    path("", include("joinedup.protection.urls")),
    path("", include("joinedup.chronology.urls")),
    path("", include("joinedup.assessments.urls")),
    path("", include("joinedup.identity.urls")),
    path("", include("joinedup.sharing.urls")),
    path("", include("joinedup.audit.urls")),
    path("", include("joinedup.records.urls")),
    path("", include("joinedup.insight.urls")),
    path("", include("joinedup.family.urls")),
    path("", include("joinedup.people.urls")),
    path("", include("joinedup.recording.urls")),
    path("", include("joinedup.partnership.urls")),
    path("", include("joinedup.outcomes.urls")),
    path("", include("joinedup.directory.urls")),
    path("", include("joinedup.web.urls")),
]

handler403 = "joinedup.web.views.error_403"
handler404 = "joinedup.web.views.error_404"
handler500 = "joinedup.web.views.error_500"
