from django.urls import path

from joinedup.sharing import views, views_sharing

app_name = "sharing"

urlpatterns = [
    path("emergency-access/", views.emergency_access, name="emergency-access"),
    path("data-protection/", views.dpo_home, name="dpo-home"),
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
]
