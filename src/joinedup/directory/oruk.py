"""Publishing the directory as Open Referral UK (HSDS 3.0 with the UK profile).

Open data: no sign-in, CORS for any origin, as the standard expects. Security: what is published
is decided here and nowhere else: never a service marked internal, never a confidential location
(a refuge), never a contact marked as staff (a person's own details).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_naive, make_aware

from joinedup.directory.models import (
    Contact,
    Location,
    Service,
    ServiceAtLocation,
    ServiceOrganisation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from joinedup.errors import ApplicationError, NotFound

HSDS_VERSION = "3.0"
PROFILE_URL = "https://openreferraluk.org/UKProfile"
# The API is the standard's own: its OpenAPI description is the one Open Referral publishes.
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50


def published_services() -> QuerySet[Service]:
    return Service.objects.filter(internal=False).exclude(status=ServiceStatus.DEFUNCT)


def published_locations() -> QuerySet[Location]:
    return Location.objects.filter(confidential=False)


def published_contacts() -> QuerySet[Contact]:
    return Contact.objects.filter(staff=False)


def published_service_at_locations() -> QuerySet[ServiceAtLocation]:
    return ServiceAtLocation.objects.filter(
        service__in=published_services(), location__in=published_locations()
    )


def published_organisations() -> QuerySet[ServiceOrganisation]:
    return ServiceOrganisation.objects.filter(services__in=published_services()).distinct()


def _derived(parent: uuid.UUID, what: str) -> str:
    """A stable id for a part HSDS models as a record of its own (a phone, an address)."""
    return str(uuid.uuid5(parent, what))


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """HSDS fields are typed: leave out what is not known rather than publish nulls."""
    return {k: v for k, v in data.items() if v is not None and v != ""}


def _stamp(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- Records -------------------------------------------------------------------------------


def organisation_json(o: ServiceOrganisation) -> dict[str, Any]:
    return _clean(
        {
            "id": str(o.oruk_id),
            "name": o.name,
            "description": o.description or o.name,
            "email": o.email,
            "website": o.website,
        }
    ) | {"description": o.description or o.name}


def taxonomy_json(t: Taxonomy) -> dict[str, Any]:
    return _clean(
        {
            "id": str(t.oruk_id),
            "name": t.name,
            "description": t.description or t.name,
            "uri": t.uri,
            "version": t.version,
        }
    )


def taxonomy_term_json(t: TaxonomyTerm) -> dict[str, Any]:
    return _clean(
        {
            "id": str(t.oruk_id),
            "code": t.code,
            "name": t.name,
            "description": t.description or t.name,
            "parent_id": str(t.parent.oruk_id) if t.parent_id and t.parent else None,
            "taxonomy": t.taxonomy.name,
            "taxonomy_id": str(t.taxonomy.oruk_id),
            "taxonomy_detail": taxonomy_json(t.taxonomy),
        }
    )


def location_json(loc: Location) -> dict[str, Any]:
    address = _clean(
        {
            "id": _derived(loc.oruk_id, "address"),
            "location_id": str(loc.oruk_id),
            "address_1": loc.address or loc.name,
            "city": loc.city or loc.locality or "",
            "state_province": "",
            "postal_code": loc.postcode,
            "country": "GB",
            "address_type": "physical",
        }
    )
    for required in ("city", "state_province", "postal_code"):
        address.setdefault(required, "")
    return _clean(
        {
            "id": str(loc.oruk_id),
            "location_type": "physical",
            "organization_id": str(loc.organisation.oruk_id),
            "name": loc.name,
            "description": loc.description,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "addresses": [address],
        }
    )


def _time(value: Any) -> str:
    return value.strftime("%H:%M")


def schedule_json(s: Any, service: Service) -> dict[str, Any]:
    return _clean(
        {
            "id": str(s.oruk_id),
            "service_id": str(service.oruk_id),
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": s.byday,
            "opens_at": _time(s.opens_at),
            "closes_at": _time(s.closes_at),
            "description": s.description,
            "valid_from": s.valid_from.isoformat() if s.valid_from else None,
            "valid_to": s.valid_to.isoformat() if s.valid_to else None,
        }
    )


def _phones(parent: uuid.UUID, number: str) -> list[dict[str, Any]]:
    return [{"id": _derived(parent, "phone"), "number": number}] if number else []


def service_at_location_json(sal: ServiceAtLocation, *, nested: bool = True) -> dict[str, Any]:
    data = _clean(
        {
            "id": str(sal.oruk_id),
            "service_id": str(sal.service.oruk_id),
            "location_id": str(sal.location.oruk_id),
            "description": sal.description,
        }
    )
    data["location"] = location_json(sal.location)
    if nested:
        data["service"] = service_json(sal.service, with_locations=False)
    return data


def service_json(s: Service, *, with_locations: bool = True) -> dict[str, Any]:
    data = _clean(
        {
            "id": str(s.oruk_id),
            "organization_id": str(s.organisation.oruk_id),
            "name": s.name,
            "description": s.description,
            "url": s.url,
            "email": s.email,
            "status": s.status,
            "fees_description": s.fees_description or ("Free" if s.is_free else ""),
            "eligibility_description": s.eligibility_description,
            "minimum_age": s.minimum_age,
            "maximum_age": s.maximum_age,
            "application_process": s.application_process,
            "last_modified": _stamp(s.modified_at),
        }
    )
    data["organization"] = organisation_json(s.organisation)
    data["phones"] = _phones(s.oruk_id, s.telephone)
    data["schedules"] = [schedule_json(x, s) for x in s.schedules.all()]
    data["service_areas"] = [
        _clean(
            {
                "id": str(a.oruk_id),
                "service_id": str(s.oruk_id),
                "name": a.name,
                "description": a.description or a.postcode_districts,
                "extent": a.postcode_districts,
                "extent_type": "postcode_districts" if a.postcode_districts else None,
            }
        )
        for a in s.service_areas.all()
    ]
    data["cost_options"] = [
        _clean(
            {
                "id": str(c.oruk_id),
                "service_id": str(s.oruk_id),
                "option": c.option,
                "currency": "GBP" if c.amount is not None else None,
                "amount": float(c.amount) if c.amount is not None else None,
                "amount_description": c.amount_description,
            }
        )
        for c in s.cost_options.all()
    ]
    # Security: only contacts published as the service's own (never a member of staff's).
    data["contacts"] = [
        _clean(
            {
                "id": str(c.oruk_id),
                "service_id": str(s.oruk_id),
                "name": c.name,
                "title": c.title,
                "email": c.email,
                "phones": _phones(c.oruk_id, c.telephone),
            }
        )
        for c in s.contacts.all()
        if not c.staff
    ]
    data["attributes"] = [
        {
            "id": _derived(s.oruk_id, str(t.oruk_id)),
            "link_id": str(s.oruk_id),
            "link_type": "service",
            "link_entity": "service",
            "taxonomy_term_id": str(t.oruk_id),
            "taxonomy_term": taxonomy_term_json(t),
        }
        for t in s.taxonomy_terms.all()
    ]
    if with_locations:
        data["service_at_locations"] = [
            service_at_location_json(sal, nested=False)
            for sal in s.at_locations.all()
            if not sal.location.confidential
        ]
    return data


def minimal_json(s: Service) -> dict[str, Any]:
    return {
        "id": str(s.oruk_id),
        "name": s.name,
        "status": s.status,
        "last_modified": _stamp(s.modified_at),
    }


# --- Queries -------------------------------------------------------------------------------


def _services_detail(qs: QuerySet[Service]) -> QuerySet[Service]:
    terms = TaxonomyTerm.objects.select_related("taxonomy", "parent")
    return qs.select_related("organisation").prefetch_related(
        "schedules",
        "service_areas",
        "cost_options",
        Prefetch("contacts", queryset=published_contacts()),
        Prefetch("taxonomy_terms", queryset=terms),
        Prefetch(
            "at_locations",
            queryset=ServiceAtLocation.objects.filter(location__confidential=False).select_related(
                "location__organisation", "service__organisation"
            ),
        ),
    )


def _int(value: Any, name: str, default: int, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApplicationError(f"{name} must be a whole number.", field=name) from None
    if not low <= number <= high:
        raise ApplicationError(f"{name} must be from {low} to {high}.", field=name)
    return number


def modified_after(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        parsed = datetime(day.year, day.month, day.day) if day else None
    if parsed is None:
        raise ApplicationError(
            "modified_after must be a date or date-time (ISO 8601).", field="modified_after"
        )
    return make_aware(parsed) if is_naive(parsed) else parsed


def _uuid(value: str, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        raise ApplicationError(f"{name} must be a UUID.", field=name) from None


def page(qs: QuerySet[Any], params: Any, render: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    per_page = _int(params.get("per_page"), "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    number = _int(params.get("page"), "page", 1, 1, 10**6)
    total = qs.count()
    pages = max(1, math.ceil(total / per_page))
    items = list(qs[(number - 1) * per_page : number * per_page])
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(items),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": total == 0,
        "contents": [render(x) for x in items],
    }


def services_page(params: Any) -> dict[str, Any]:
    qs = published_services()
    if params.get("search"):
        text = params["search"]
        qs = qs.filter(Q(name__icontains=text) | Q(description__icontains=text))
    if params.get("taxonomy_term_id"):
        term = _uuid(params["taxonomy_term_id"], "taxonomy_term_id")
        qs = qs.filter(taxonomy_terms__oruk_id=term)
    if params.get("organization_id"):
        qs = qs.filter(organisation__oruk_id=_uuid(params["organization_id"], "organization_id"))
    after = modified_after(params.get("modified_after"))
    if after is not None:
        qs = qs.filter(modified_at__gt=after)
    qs = qs.distinct().order_by("modified_at", "pk")
    if str(params.get("minimal", "")).lower() == "true":
        return page(qs.select_related("organisation"), params, minimal_json)
    return page(_services_detail(qs), params, service_json)


def service_one(oruk_id: str) -> dict[str, Any]:
    try:
        key = uuid.UUID(oruk_id)
    except ValueError:
        raise NotFound() from None
    found = _services_detail(published_services().filter(oruk_id=key)).first()
    if found is None:
        raise NotFound()
    return service_json(found)


def _sal_detail(qs: QuerySet[ServiceAtLocation]) -> QuerySet[ServiceAtLocation]:
    return qs.select_related("location__organisation", "service__organisation").prefetch_related(
        "service__schedules",
        "service__service_areas",
        "service__cost_options",
        Prefetch("service__contacts", queryset=published_contacts()),
        Prefetch(
            "service__taxonomy_terms",
            queryset=TaxonomyTerm.objects.select_related("taxonomy", "parent"),
        ),
    )


def service_at_locations_page(params: Any) -> dict[str, Any]:
    qs = published_service_at_locations()
    if params.get("search"):
        text = params["search"]
        qs = qs.filter(Q(service__name__icontains=text) | Q(location__name__icontains=text))
    if params.get("taxonomy_term_id"):
        term = _uuid(params["taxonomy_term_id"], "taxonomy_term_id")
        qs = qs.filter(service__taxonomy_terms__oruk_id=term)
    after = modified_after(params.get("modified_after"))
    if after is not None:
        qs = qs.filter(Q(modified_at__gt=after) | Q(service__modified_at__gt=after))
    qs = _sal_detail(qs.distinct().order_by("pk"))
    return page(qs, params, service_at_location_json)


def service_at_location_one(oruk_id: str) -> dict[str, Any]:
    try:
        key = uuid.UUID(oruk_id)
    except ValueError:
        raise NotFound() from None
    found = _sal_detail(published_service_at_locations().filter(oruk_id=key)).first()
    if found is None:
        raise NotFound()
    return service_at_location_json(found)


def taxonomies_page(params: Any) -> dict[str, Any]:
    qs = Taxonomy.objects.order_by("name")
    if params.get("search"):
        qs = qs.filter(name__icontains=params["search"])
    return page(qs, params, taxonomy_json)


def taxonomy_terms_page(params: Any) -> dict[str, Any]:
    qs = TaxonomyTerm.objects.select_related("taxonomy", "parent").order_by("taxonomy__name", "pk")
    if params.get("search"):
        qs = qs.filter(Q(name__icontains=params["search"]) | Q(code__iexact=params["search"]))
    if params.get("taxonomy_id"):
        qs = qs.filter(taxonomy__oruk_id=_uuid(params["taxonomy_id"], "taxonomy_id"))
    return page(qs, params, taxonomy_term_json)


def organisations_page(params: Any) -> dict[str, Any]:
    qs = published_organisations().order_by("name")
    if params.get("search"):
        qs = qs.filter(name__icontains=params["search"])
    return page(qs, params, organisation_json)
