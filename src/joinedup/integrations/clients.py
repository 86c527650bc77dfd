"""API clients: an administrator registers an organisation's system with scopes; the system
asks for short-lived bearer tokens with OAuth 2.0 client credentials (django-oauth-toolkit)."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import SettingsScopes

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.errors import ApplicationError
from joinedup.integrations.models import ApiClient, Scope
from joinedup.partnership.models import Organisation, Practitioner, Role
from joinedup.sharing import policy


def is_administrator(user: Any) -> bool:
    return policy.is_practitioner(user) and (
        user.is_superuser or user.has_role(Role.Code.ADMINISTRATOR)
    )


def require_administrator(user: Any, object_type: str, object_id: Any = "") -> None:
    if not is_administrator(user):
        raise policy.refuse(user, object_type=object_type, object_id=object_id)


def _clean(name: str, scopes: list[str]) -> tuple[str, list[str]]:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ApplicationError("Enter the client's name (at most 100 characters).", field="name")
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ApplicationError(f"Unknown scope: {', '.join(unknown)}.", field="scopes")
    if not scopes:
        raise ApplicationError("Choose at least one scope.", field="scopes")
    return name, [s for s in Scope.values if s in scopes]


@transaction.atomic
def api_client_register(
    *, actor: Any, organisation: Organisation, name: str, scopes: list[str]
) -> tuple[ApiClient, str]:
    """Register a client; returns it with its secret, which is shown this once and never again."""
    require_administrator(actor, "integrations.apiclient", "new")
    name, scopes = _clean(name, scopes)
    if ApiClient.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ApplicationError("This organisation already has a client of that name.", field="name")
    account = Practitioner.objects.create_user(
        email=f"api-client-{secrets.token_hex(8)}@clients.invalid",
        password=None,
        first_name="API client",
        last_name=name,
        organisation=organisation,
    )
    role, _ = Role.objects.get_or_create(code=Role.Code.AGENCY_DATA_LEAD)
    account.roles.add(role)
    secret = generate_client_secret()
    application = Application.objects.create(
        name=f"{organisation.code}: {name}"[:255],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        user=account,
    )
    client = ApiClient.objects.create(
        organisation=organisation,
        name=name,
        application=application,
        account=account,
        scopes=scopes,
        created_by=actor,
    )
    audit.record(actor=actor, action=Action.CREATE, obj=client, detail={"scopes": scopes})
    return client, secret


@transaction.atomic
def api_client_revoke(*, actor: Any, client_id: Any) -> ApiClient:
    """Revoke a client: its tokens stop working at once and it can get no more."""
    require_administrator(actor, "integrations.apiclient", client_id)
    client = ApiClient.objects.select_for_update().filter(pk=client_id).first()
    if client is None:
        raise policy.refuse(actor, object_type="integrations.apiclient", object_id=client_id)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        AccessToken.objects.filter(application_id=client.application_id).delete()
        Practitioner.objects.filter(pk=client.account_id).update(is_active=False)
        audit.record(actor=actor, action=Action.UPDATE, obj=client, detail={"revoked": True})
    return client


def clients_for(*, user: Any) -> list[ApiClient]:
    if not is_administrator(user):
        return []
    return list(ApiClient.objects.select_related("organisation", "application"))


def client_for_application(application_id: Any) -> ApiClient | None:
    return (
        ApiClient.objects.select_related("account", "organisation")
        .filter(application_id=application_id, revoked_at__isnull=True)
        .first()
    )


class ClientScopes(SettingsScopes):
    """Each client may ask only for the scopes it was registered with (all of them by default)."""

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        client = client_for_application(getattr(application, "pk", None))
        return list(client.scopes) if client else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        return self.get_available_scopes(application, request)


class ClientValidator(OAuth2Validator):
    """Security: a revoked client is an unknown client (401 invalid_client)."""

    def authenticate_client(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        return client_for_application(request.client.pk) is not None
