from django.urls import path

from joinedup.sharing import views, views_sharing
from joinedup.sharing import views_records as records

app_name = "sharing"

urlpatterns = [
    path("emergency-access/", views.emergency_access, name="emergency-access"),
    path("data-protection/", views.dpo_home, name="dpo-home"),
    path("data-protection/audit/", views.audit_search, name="audit-search"),
    path("data-protection/audit/export.csv", views.audit_export, name="audit-export"),
    path("data-protection/who-has-seen/", views.person_access, name="person-access"),
    path("data-protection/unusual/", views.unusual_access, name="unusual-access"),
    path("data-protection/chain/", views.audit_chain, name="audit-chain"),
    path("data-protection/break-glass/", views.break_glass_queue, name="break-glass-queue"),
    path(
        "data-protection/break-glass/<int:pk>/",
        views.break_glass_review,
        name="break-glass-review",
    ),
    path("people/<int:person_id>/consent/", views.consent, name="consent"),
    path("people/<int:person_id>/consent/new/", views.consent_new, name="consent-new"),
    path(
        "people/<int:person_id>/consent/withdraw/", views.consent_withdraw, name="consent-withdraw"
    ),
    path("people/<int:person_id>/consent.json", views.consent_json, name="consent-json"),
    path("people/<int:person_id>/sharing/", views_sharing.sharing_decisions, name="decisions"),
    path(
        "people/<int:person_id>/sharing/new/",
        views_sharing.sharing_decision_new,
        name="decision-new",
    ),
    path("people/<int:person_id>/address/", views_sharing.address_confidential, name="address"),
    path("advice/", views_sharing.advice_list, name="advice-list"),
    path("advice/new/", views_sharing.advice_new, name="advice-new"),
    path("advice/<int:pk>/", views_sharing.advice_detail, name="advice"),
    # Subject access, retention and legal holds (views_records.py).
    path(
        "data-protection/subject-access/",
        records.subject_access_start,
        name="subject-access",
    ),
    path(
        "data-protection/subject-access/<int:person_id>/",
        records.subject_access_person,
        name="subject-access-person",
    ),
    path(
        "data-protection/subject-access/<int:person_id>/download.json",
        records.subject_access_json,
        name="subject-access-json",
    ),
    path(
        "data-protection/subject-access/<int:person_id>/download.pdf",
        records.subject_access_pdf,
        name="subject-access-pdf",
    ),
    path("data-protection/retention/", records.retention_due, name="retention"),
    path(
        "data-protection/retention/<slug:record_type>/<int:pk>/erase/",
        records.retention_erase,
        name="retention-erase",
    ),
    path("data-protection/legal-holds/", records.legal_holds, name="legal-holds"),
    path("data-protection/legal-holds/new/", records.legal_hold_new, name="legal-hold-new"),
    path(
        "data-protection/legal-holds/<int:pk>/lift/",
        records.legal_hold_lift,
        name="legal-hold-lift",
    ),
]
