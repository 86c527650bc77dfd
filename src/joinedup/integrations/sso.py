"""Single sign-on with OpenID Connect (mozilla-django-oidc), each organisation with its own
identity provider. A practitioner is matched by verified email to an existing practitioner of
that organisation, never created; anyone else is refused with a clear page, and audited."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.integrations.models import IdentityProvider
from joinedup.partnership.models import Practitioner

PROVIDER_KEY = "joinedup_identity_provider"
SIGN_IN_KEY = "joinedup_sign_in"  # "password" or "single sign-on": decides the second factor


def provider_for_email(email: str) -> IdentityProvider | None:
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    for provider in IdentityProvider.objects.filter(enabled=True).select_related("organisation"):
        if domain in [d.lower() for d in provider.email_domains]:
            return provider
    return None


def provider_origins() -> list[str]:
    """Where the single sign-on form may send people: the enabled providers' sign-in pages.

    Browsers apply the form's Content-Security-Policy `form-action` to every redirect after the
    form is sent, so the address page that ends at a provider must name the providers' origins.
    """
    origins = set()
    for endpoint in IdentityProvider.objects.filter(enabled=True).values_list(
        "authorization_endpoint", flat=True
    ):
        parts = urlsplit(endpoint)
        if parts.scheme in ("https", "http") and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


def _provider(request: HttpRequest) -> IdentityProvider | None:
    chosen = request.session.get(PROVIDER_KEY)
    if not isinstance(chosen, int):
        return None
    return (
        IdentityProvider.objects.filter(pk=chosen, enabled=True)
        .select_related("organisation")
        .first()
    )


class OrganisationSignIn(OIDCAuthenticationRequestView):
    """Off to the provider chosen on the sign-in page (kept in the session)."""

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the provider's settings come from the database

    def get(self, request: HttpRequest) -> HttpResponse:
        provider = _provider(request)
        if provider is None:
            return redirect("integrations:sso")
        self.OIDC_OP_AUTH_ENDPOINT = provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = provider.client_id
        return super().get(request)


class OrganisationBackend(OIDCAuthenticationBackend):
    """The provider's endpoints and client are the organisation's, read at each sign-in."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        ModelBackend.__init__(self)
        self.UserModel = get_user_model()
        self.provider: IdentityProvider | None = None

    def get_user(self, user_id: Any) -> Any:
        # Each request after the sign-in: as for a password, a deactivated practitioner's
        # session ends at once (mozilla-django-oidc's own get_user would keep it).
        return ModelBackend.get_user(self, user_id)

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if request is None or "code" not in request.GET or "state" not in request.GET:
            return None  # a password sign-in: not ours
        provider = _provider(request)
        if provider is None:
            return None
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_SIGN_ALGO = provider.signing_algorithm
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        # Security: only an email address the provider has verified identifies anyone.
        if claims.get("email") and claims.get("email_verified") is True:
            return True
        self.request.sso_refused = {"email": claims.get("email", ""), "reason": "not verified"}
        return False

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        assert self.provider is not None
        found = Practitioner.objects.filter(
            email__iexact=claims["email"],
            organisation=self.provider.organisation,
            is_active=True,
            api_client__isnull=True,
        )
        if not found:
            self.request.sso_refused = {"email": claims["email"], "reason": "no practitioner"}
        return found

    def create_user(self, claims: dict[str, Any]) -> Any:
        return None  # never: an account with rights is made by an administrator

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        return user


class OrganisationCallback(OIDCAuthenticationCallbackView):
    def login_success(self) -> HttpResponse:
        response = super().login_success()
        self.request.session[SIGN_IN_KEY] = "single sign-on"
        return response

    def login_failure(self) -> HttpResponse:
        provider = _provider(self.request)
        refused = getattr(self.request, "sso_refused", {"email": "", "reason": "refused"})
        audit.record(
            actor=None,
            action=Action.REFUSED,
            object_type="sign_in.single_sign_on",
            object_id=str(getattr(provider, "organisation_id", "") or ""),
            detail={**refused, "issuer": getattr(provider, "issuer", "")},
        )
        return render(
            self.request,
            "integrations/sso_refused.html",
            {"email": refused.get("email", ""), "provider": provider},
            status=403,
        )
