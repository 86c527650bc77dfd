from django.urls import path

from joinedup.integrations import sso, views

app_name = "integrations"

urlpatterns = [
    path("integrations/api-clients/", views.api_clients, name="api-clients"),
    path(
        "integrations/api-clients/<int:pk>/revoke/",
        views.api_client_revoke,
        name="api-client-revoke",
    ),
    path("integrations/webhooks/", views.subscriptions, name="webhooks"),
    path("sign-in/organisation/", views.single_sign_on, name="sso"),
    path("sign-in/organisation/start/", sso.OrganisationSignIn.as_view(), name="oidc-start"),
    path(
        "sign-in/organisation/callback/", sso.OrganisationCallback.as_view(), name="oidc-callback"
    ),
    path(
        "integrations/webhooks/<int:pk>/resume/",
        views.subscription_resume,
        name="webhook-resume",
    ),
]
