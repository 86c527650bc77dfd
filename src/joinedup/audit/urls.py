from django.urls import path

from joinedup.audit import views

app_name = "audit"

urlpatterns = [
    path("data-protection/audit/", views.audit_search, name="audit-search"),
    path("data-protection/audit/export.csv", views.audit_export, name="audit-export"),
    path("data-protection/who-has-seen/", views.person_access, name="person-access"),
    path("data-protection/unusual/", views.unusual_access, name="unusual-access"),
    path("data-protection/chain/", views.audit_chain, name="audit-chain"),
]
