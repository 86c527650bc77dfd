from django.contrib import admin
from django.urls import include, path

from joinedup.api.api import api

admin.site.site_header = "joinedup administration"
admin.site.site_title = "joinedup administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("joinedup.frontdoor.urls")),
    path("", include("joinedup.episodes.urls")),
    path("", include("joinedup.chronology.urls")),
    path("", include("joinedup.assessments.urls")),
    path("", include("joinedup.identity.urls")),
    path("", include("joinedup.sharing.urls")),
    path("", include("joinedup.audit.urls")),
    path("", include("joinedup.records.urls")),
    path("", include("joinedup.insight.urls")),
    path("", include("joinedup.family.urls")),
    path("", include("joinedup.outcomes.urls")),
    path("", include("joinedup.directory.urls")),
    path("", include("joinedup.web.urls")),
]

handler403 = "joinedup.web.views.error_403"
handler404 = "joinedup.web.views.error_404"
handler500 = "joinedup.web.views.error_500"
