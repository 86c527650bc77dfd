from django.urls import path

from joinedup.records import views

app_name = "records"

urlpatterns = [
    path(
        "data-protection/subject-access/",
        views.subject_access_start,
        name="subject-access",
    ),
    path(
        "data-protection/subject-access/<int:person_id>/",
        views.subject_access_person,
        name="subject-access-person",
    ),
    path(
        "data-protection/subject-access/<int:person_id>/download.json",
        views.subject_access_json,
        name="subject-access-json",
    ),
    path(
        "data-protection/subject-access/<int:person_id>/download.pdf",
        views.subject_access_pdf,
        name="subject-access-pdf",
    ),
    path("data-protection/retention/", views.retention_due, name="retention"),
    path(
        "data-protection/retention/<slug:record_type>/<int:pk>/erase/",
        views.retention_erase,
        name="retention-erase",
    ),
    path("data-protection/legal-holds/", views.legal_holds, name="legal-holds"),
    path("data-protection/legal-holds/new/", views.legal_hold_new, name="legal-hold-new"),
    path(
        "data-protection/legal-holds/<int:pk>/lift/",
        views.legal_hold_lift,
        name="legal-hold-lift",
    ),
]
