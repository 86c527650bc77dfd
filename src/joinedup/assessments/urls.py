from django.urls import path

from joinedup.assessments import views

app_name = "assessments"

urlpatterns = [
    path("episodes/<int:pk>/assessments/", views.assessment_list, name="assessments"),
    path(
        "episodes/<int:pk>/assessments/start/",
        views.assessment_start,
        name="assessment-start",
    ),
    path(
        "episodes/<int:pk>/assessments/<int:a_pk>/",
        views.assessment_detail,
        name="assessment",
    ),
    path(
        "episodes/<int:pk>/assessments/<int:a_pk>/steps/<slug:step>/",
        views.assessment_step,
        name="assessment-step",
    ),
    path(
        "episodes/<int:pk>/assessments/<int:a_pk>/complete/",
        views.assessment_complete,
        name="assessment-complete",
    ),
    path(
        "episodes/<int:pk>/assessments/<int:a_pk>/share/",
        views.assessment_share,
        name="assessment-share",
    ),
]
