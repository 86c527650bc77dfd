from django.urls import path

from joinedup.integrations import views

app_name = "integrations"

urlpatterns = [
    path("integrations/api-clients/", views.api_clients, name="api-clients"),
    path(
        "integrations/api-clients/<int:pk>/revoke/",
        views.api_client_revoke,
        name="api-client-revoke",
    ),
    path("integrations/webhooks/", views.subscriptions, name="webhooks"),
    path(
        "integrations/webhooks/<int:pk>/resume/",
        views.subscription_resume,
        name="webhook-resume",
    ),
]
