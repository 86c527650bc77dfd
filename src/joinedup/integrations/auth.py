"""The API's two ways in: an OAuth 2.0 bearer token of a registered client, or a browser session.

A token acts as its client's own account (the organisation's agency data lead for the access
policy), and each route open to clients names the scope it needs.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from oauth2_provider.models import AccessToken

from joinedup.integrations import clients
from joinedup.integrations.models import Scope

# (methods, path under /api/v1/, scope): the routes a client may call. Anything else is refused.
ROUTE_SCOPES: list[tuple[frozenset[str], re.Pattern[str], str]] = [
    (frozenset({"POST"}), re.compile(r"^agencies/[^/]+/records$"), Scope.RECORDS_WRITE),
    (frozenset({"GET"}), re.compile(r"^people(/\d+)?$"), Scope.PEOPLE_READ),
    (frozenset({"GET"}), re.compile(r"^involvements$"), Scope.INVOLVEMENTS_READ),
    (
        frozenset({"GET"}),
        re.compile(r"^(requests|episodes|my-work|front-door)(/.*)?$|^people/\d+/chronology$"),
        Scope.CASEWORK_READ,
    ),
    (
        frozenset({"GET", "POST", "DELETE"}),
        re.compile(r"^webhooks/subscriptions(/\d+(/deliveries)?)?$"),
        Scope.WEBHOOKS_MANAGE,
    ),
]


class ScopeRefused(Exception):
    """403: the token is good but lacks the route's scope (or the route is not for clients)."""

    def __init__(self, scope: str | None) -> None:
        self.scope = scope
        super().__init__(
            f"This needs the scope {scope}." if scope else "API clients may not use this route."
        )


def scope_for(method: str, path: str) -> str | None:
    route = path.split("/api/v1/", 1)[-1].strip("/")
    for methods, pattern, scope in ROUTE_SCOPES:
        if method in methods and pattern.match(route):
            return str(scope)
    return None


class ClientToken(HttpBearer):
    """Bearer tokens from POST /o/token/ (client credentials)."""

    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if not header.lower().startswith("bearer "):
            return None  # no token: the session decides
        return self.authenticate(request, header[7:].strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # Security: an unknown, expired or revoked token is 401 at once; never the session.
        checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
        found = AccessToken.objects.filter(token_checksum=checksum).first()
        if not token or found is None or found.expires <= timezone.now():
            raise AuthenticationError()
        client = clients.client_for_application(found.application_id)
        if client is None or not client.account.is_active:
            raise AuthenticationError()
        scope = scope_for(request.method or "GET", request.path)
        if scope is None or not found.allow_scopes([scope]):
            raise ScopeRefused(scope)
        request.user = client.account
        request.api_client = client  # type: ignore[attr-defined]
        return client.account
