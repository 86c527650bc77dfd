"""The JSON API: versioned, documented by its OpenAPI schema, same permissions as the pages.

Security: authentication is on every route (deny by default); handlers call the same selectors
and services as the pages, so the access policy decides here too.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from joinedup.api.docs import SwaggerFromPackage
from joinedup.errors import ApplicationError, NotFound
from joinedup.integrations.auth import ClientToken, ScopeRefused

ERROR_STATUSES = {
    400: "The request cannot be read (for example, text with a NUL character)",
    401: "Not signed in",
    403: "Signed in, but this needs a second factor or another role",
    404: "Not found, or not yours to see: the two answer the same",
    409: "Conflicts with the record as it is now (for example, an edit of an old version)",
    413: "The request body is too large",
    422: "The input is not valid: `field` names the field at fault",
}
ERROR_SCHEMA = {
    "title": "ErrorOut",
    "type": "object",
    "properties": {
        "message": {"title": "Message", "type": "string"},
        "field": {"title": "Field", "anyOf": [{"type": "string"}, {"type": "null"}]},
    },
    "required": ["message", "field"],
}


class JoinedupAPI(NinjaAPI):
    """The schema documents the error shape and statuses on every operation."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(status, {"description": description, "content": error})
        return schema


api = JoinedupAPI(
    title="joinedup API",
    version="1",
    description=(
        "Requests, people and casework of a children's and families' partnership. "
        "Sign in with a browser session (send the CSRF token with writes), or, for an "
        "organisation's system, with a bearer token from POST /o/token/ (OAuth 2.0 client "
        "credentials); each route open to API clients names the scope it needs."
    ),
    # Security: a bearer token first (a bad one is 401 at once), else the browser session.
    auth=[ClientToken(), django_auth],
    docs=SwaggerFromPackage(),
    urls_namespace="api-v1",
)


@api.exception_handler(NotFound)
def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    # Security: the same body for a missing record and a forbidden one.
    return api.create_response(request, {"message": "Not found", "field": None}, status=404)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(
        request, {"message": exc.message, "field": exc.field}, status=exc.status
    )


@api.exception_handler(ValidationError)
def invalid_body(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Schema errors in the same shape as every other error, naming the first field at fault."""
    first = exc.errors[0] if exc.errors else {}
    location = [str(part) for part in first.get("loc", []) if part not in ("body", "query", "path")]
    field = ".".join(location[1:] if location[:1] == ["body"] else location) or None
    return api.create_response(
        request,
        {"message": first.get("msg", "Invalid input"), "field": field, "errors": exc.errors},
        status=422,
    )


@api.exception_handler(ScopeRefused)
def scope_refused(request: HttpRequest, exc: ScopeRefused) -> HttpResponse:
    return api.create_response(
        request, {"message": str(exc), "field": "scope", "scope": exc.scope}, status=403
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"message": "Sign in to use the API", "field": None}, status=401
    )


from joinedup.assessments.api import router as assessment_router  # noqa: E402
from joinedup.directory.api import router as directory_router  # noqa: E402
from joinedup.episodes.api import router as episodes_router  # noqa: E402
from joinedup.family.api import router as family_router  # noqa: E402
from joinedup.frontdoor.api import router as frontdoor_router  # noqa: E402
from joinedup.identity.api import router as identity_router  # noqa: E402
from joinedup.insight.api import router as insight_router  # noqa: E402
from joinedup.integrations.api import router as integrations_router  # noqa: E402
from joinedup.outcomes.api import router as outcomes_router  # noqa: E402
from joinedup.partnership.api import router as partnership_router  # noqa: E402
from joinedup.people.api import router as people_router  # noqa: E402
from joinedup.protection.api import router as protection_router  # noqa: E402
from joinedup.recording.api import router as recording_router  # noqa: E402
from joinedup.records.api import router as subject_access_router  # noqa: E402
from joinedup.sharing.api_sharing import router as sharing_router  # noqa: E402

api.add_router("/people", people_router)
api.add_router("/organisations", partnership_router)
api.add_router("", frontdoor_router)
api.add_router("", episodes_router)
api.add_router("", assessment_router)
api.add_router("", identity_router)
api.add_router("", insight_router)
api.add_router("", sharing_router)
api.add_router("", subject_access_router)
api.add_router("", family_router)
api.add_router("", integrations_router)
api.add_router("", protection_router)
api.add_router("", recording_router)
api.add_router("", outcomes_router)
api.add_router("", directory_router)
