from django.urls import path

from joinedup.chronology import views

app_name = "chronology"

urlpatterns = [
    path("episodes/<int:pk>/chronology/", views.chronology_page, name="chronology"),
    path(
        "episodes/<int:pk>/chronology.csv",
        views.chronology_export,
        name="chronology-csv",
    ),
    path(
        "episodes/<int:pk>/chronology/alerts/<int:alert_pk>/acknowledge/",
        views.alert_acknowledge,
        name="pattern-alert-acknowledge",
    ),
    path(
        "people/<int:pk>/chronology/new/",
        views.entry_new,
        name="chronology-entry-new",
    ),
]
