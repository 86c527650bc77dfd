"""The Open Referral UK API: open data, no sign-in, CORS for any origin (see oruk.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_http_methods

from joinedup.directory import oruk
from joinedup.errors import ApplicationError, NotFound

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}


def open_json(view: Callable[..., dict[str, Any]]) -> Callable[..., HttpResponse]:
    @require_http_methods(["GET", "HEAD", "OPTIONS"])
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            response: HttpResponse = HttpResponse(status=204)
        else:
            try:
                response = JsonResponse(view(request, *args, **kwargs))
            except ApplicationError as error:
                body = {"message": error.message, "field": error.field}
                response = JsonResponse(body, status=400)
            except NotFound:
                response = JsonResponse({"message": "Not found", "field": None}, status=404)
        for name, value in CORS.items():
            response[name] = value
        return response

    return wrapper


@open_json
def index(request: HttpRequest) -> dict[str, Any]:
    return {
        "version": oruk.HSDS_VERSION,
        "profile": oruk.PROFILE_URL,
        "openapi_url": oruk.OPENAPI_URL,
    }


@open_json
def services(request: HttpRequest) -> dict[str, Any]:
    return oruk.services_page(request.GET)


@open_json
def service(request: HttpRequest, oruk_id: str) -> dict[str, Any]:
    return oruk.service_one(oruk_id)


@open_json
def service_at_locations(request: HttpRequest) -> dict[str, Any]:
    return oruk.service_at_locations_page(request.GET)


@open_json
def service_at_location(request: HttpRequest, oruk_id: str) -> dict[str, Any]:
    return oruk.service_at_location_one(oruk_id)


@open_json
def taxonomies(request: HttpRequest) -> dict[str, Any]:
    return oruk.taxonomies_page(request.GET)


@open_json
def taxonomy_terms(request: HttpRequest) -> dict[str, Any]:
    return oruk.taxonomy_terms_page(request.GET)


@open_json
def organisations(request: HttpRequest) -> dict[str, Any]:
    return oruk.organisations_page(request.GET)
