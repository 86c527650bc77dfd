from django.urls import path

from joinedup.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("episodes/<int:pk>/outcomes/", views.episode_outcomes, name="episode"),
    path("episodes/<int:pk>/outcomes/record/", views.record, name="record"),
    path("episodes/<int:pk>/outcomes/needs/add/", views.need_add, name="need-add"),
    path("episodes/<int:pk>/outcomes/check/", views.check, name="check"),
    path("family/episodes/<int:pk>/how-things-are/", views.family_outcomes, name="family"),
    path(
        "family/episodes/<int:pk>/how-things-are/<int:outcome_pk>/",
        views.family_score,
        name="family-score",
    ),
    path("outcomes/successful-families/", views.successful_families, name="successful"),
    path(
        "outcomes/successful-families.csv",
        views.successful_families_csv,
        name="successful-csv",
    ),
    path("outcomes/dashboard/", views.dashboard_page, name="dashboard"),
    path(
        "outcomes/dashboard/<slug:figure>.<str:fmt>",
        views.dashboard_export,
        name="dashboard-export",
    ),
]
