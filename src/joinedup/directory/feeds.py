"""Importing another publisher's Open Referral UK feed (HSDS 3.0 services, fully nested).

`joinedup directory import URL-or-file` reads `/services` page by page (or a file holding one
such page, or a list of services), asking only for what changed since the last import
(`modified_after`). Their ids are kept, so a service imported twice is updated, not doubled.
A malformed record is refused by its id and the field at fault, and nothing of it is written:
each record is loaded in its own savepoint, and the whole load in one transaction, so an import
cut short writes nothing and is simply run again. Feeds an administrator registers are followed
by the worker on a schedule (directory/following.py).
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.directory.models import (
    Contact,
    CostOption,
    Feed,
    Location,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceOrganisation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from joinedup.errors import ApplicationError

PER_PAGE = 100
MAX_PAGES = 1000
TIMEOUT_SECONDS = 30


class FeedUnreachable(ApplicationError):
    """The publisher could not be reached (the network, a timeout, an HTTP error): worth trying
    again later, unlike a feed that answers with something that is not a page of services."""


class Refused(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


@dataclass
class ImportReport:
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (record id, field, why)
    created_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.refused)


# --- Reading ------------------------------------------------------------------------------


def _is_url(source: str) -> bool:
    return urllib.parse.urlsplit(source).scheme in ("http", "https")


def _fetch(url: str) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        return json.load(response)


def _contents(payload: Any) -> list[Any]:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict) and isinstance(payload.get("contents"), list):
        return payload["contents"]
    raise ApplicationError(
        "The feed is not a page of services (no 'contents' list).", field="source"
    )


def read_records(source: str, since: datetime | None) -> list[Any]:
    """Every service record of the feed changed after `since` (all of them when None)."""
    if not _is_url(source):
        path = Path(source)
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ApplicationError(f"Cannot read {source}: {error}", field="source") from None
        return _contents(payload)
    base = source.rstrip("/")
    if not base.endswith("/services"):
        base += "/services"
    records: list[Any] = []
    for number in range(1, MAX_PAGES + 1):
        query: dict[str, str | int] = {"page": number, "per_page": PER_PAGE}
        if since is not None:
            query["modified_after"] = since.isoformat()
        try:
            payload = _fetch(f"{base}?{urllib.parse.urlencode(query)}")
        except OSError as error:  # refused, timed out, an HTTP error status
            raise FeedUnreachable(f"Cannot reach {base}: {error}", field="source") from None
        except ValueError as error:
            raise ApplicationError(f"Cannot read {base}: {error}", field="source") from None
        records += _contents(payload)
        if payload.get("last_page", True) or not payload.get("contents"):
            break
    return records


# --- Checking one record ------------------------------------------------------------------


def _text(record: dict[str, Any], name: str, *, required: bool = False, limit: int = 0) -> str:
    value = record.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Refused(name, "must be text")
    value = value.strip()
    if required and not value:
        raise Refused(name, "is missing")
    if limit and len(value) > limit:
        raise Refused(name, f"is longer than {limit} characters")
    return value


def _id(value: Any, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Refused(name, "is not a UUID") from None


def _age(record: dict[str, Any], name: str) -> int | None:
    value = record.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 120:
        raise Refused(name, "must be an age from 0 to 120")
    return int(value)


def _when(record: dict[str, Any], name: str) -> datetime | None:
    value = record.get(name)
    if not value:
        return None
    parsed = parse_datetime(str(value)) if isinstance(value, str) else None
    if parsed is None:
        raise Refused(name, "is not a date-time")
    return parsed if parsed.tzinfo else timezone.make_aware(parsed)


def _clock(value: Any, name: str) -> time:
    try:
        return time.fromisoformat(str(value)[:8])
    except ValueError:
        raise Refused(name, "is not a time such as 09:30") from None


def _list(record: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = record.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise Refused(name, "must be a list of records")
    return value


# --- Loading one record --------------------------------------------------------------------


def _organisation(record: dict[str, Any], source: str) -> ServiceOrganisation:
    nested = record.get("organization")
    org_id = record.get("organization_id") or (nested or {}).get("id")
    if not org_id:
        raise Refused("organization_id", "is missing")
    key = _id(org_id, "organization_id")
    existing = ServiceOrganisation.objects.filter(oruk_id=key).first()
    if not isinstance(nested, dict):
        if existing is None:
            raise Refused("organization", "is unknown and not given")
        return existing
    name = _text(nested, "name", limit=200)
    if not name:
        raise Refused("organization.name", "is missing")
    if existing is not None and existing.source != source:
        raise Refused("organization_id", "belongs to another publisher's organisation")
    org = existing or ServiceOrganisation(oruk_id=key, source=source)
    org.name = name
    org.description = _text(nested, "description")
    org.email = _text(nested, "email", limit=254)
    org.website = _text(nested, "website", limit=200)
    org.save()
    return org


def _terms(record: dict[str, Any]) -> list[TaxonomyTerm]:
    terms = []
    for i, attribute in enumerate(_list(record, "attributes")):
        where = f"attributes[{i}].taxonomy_term"
        detail = attribute.get("taxonomy_term")
        term_id = attribute.get("taxonomy_term_id") or (detail or {}).get("id")
        if not term_id:
            raise Refused(where, "is missing")
        key = _id(term_id, f"attributes[{i}].taxonomy_term_id")
        term = TaxonomyTerm.objects.filter(oruk_id=key).first()
        if term is None:
            term = _new_term(detail, key, where)
        terms.append(term)
    return terms


def _new_term(detail: Any, key: uuid.UUID, where: str) -> TaxonomyTerm:
    if not isinstance(detail, dict):
        raise Refused(where, "names an unknown taxonomy term")
    name = _text(detail, "name", limit=200)
    taxonomy_name = detail.get("taxonomy") or (detail.get("taxonomy_detail") or {}).get("name")
    if not name or not isinstance(taxonomy_name, str) or not taxonomy_name.strip():
        raise Refused(where, "has no name or no taxonomy")
    taxonomy = Taxonomy.objects.filter(name=taxonomy_name.strip()).first()
    if taxonomy is None:
        raise Refused(where, f"is in an unknown taxonomy ({taxonomy_name[:60]})")
    # The same term under another publisher's id: the same need, so one term.
    same = TaxonomyTerm.objects.filter(taxonomy=taxonomy, name__iexact=name).first()
    if same is not None:
        return same
    return TaxonomyTerm.objects.create(
        oruk_id=key,
        taxonomy=taxonomy,
        name=name,
        code=_text(detail, "code", limit=60),
        description=_text(detail, "description"),
    )


def _replace_parts(service: Service, record: dict[str, Any]) -> None:
    """Schedules, areas, costs, contacts and places are the feed's: replaced as a whole."""
    service.schedules.all().delete()
    for i, s in enumerate(_list(record, "schedules")):
        if not s.get("opens_at") or not s.get("closes_at"):
            continue  # a schedule by description only: kept in the text
        opens = _clock(s.get("opens_at"), f"schedules[{i}].opens_at")
        closes = _clock(s.get("closes_at"), f"schedules[{i}].closes_at")
        if opens >= closes:
            raise Refused(f"schedules[{i}].closes_at", "is not after opens_at")
        Schedule.objects.create(
            oruk_id=_id(s.get("id"), f"schedules[{i}].id"),
            service=service,
            byday=_text(s, "byday", limit=30) or "MO,TU,WE,TH,FR",
            opens_at=opens,
            closes_at=closes,
            description=_text(s, "description", limit=300),
        )
    service.service_areas.all().delete()
    for i, a in enumerate(_list(record, "service_areas")):
        ServiceArea.objects.create(
            oruk_id=_id(a.get("id"), f"service_areas[{i}].id"),
            service=service,
            name=_text(a, "name", limit=200) or "Area",
            description=_text(a, "description"),
            postcode_districts=_text(a, "extent", limit=300)
            if a.get("extent_type") == "postcode_districts"
            else "",
        )
    service.cost_options.all().delete()
    for i, c in enumerate(_list(record, "cost_options")):
        amount = c.get("amount")
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int | float)):
            raise Refused(f"cost_options[{i}].amount", "must be a number")
        CostOption.objects.create(
            oruk_id=_id(c.get("id"), f"cost_options[{i}].id"),
            service=service,
            option=_text(c, "option", limit=200),
            amount=amount,
            amount_description=_text(c, "amount_description", limit=300),
        )
    service.contacts.all().delete()
    for i, c in enumerate(_list(record, "contacts")):
        phones = c.get("phones") or []
        Contact.objects.create(
            oruk_id=_id(c.get("id"), f"contacts[{i}].id"),
            service=service,
            name=_text(c, "name", limit=200),
            title=_text(c, "title", limit=200),
            email=_text(c, "email", limit=254),
            telephone=str(phones[0].get("number", ""))[:40] if phones else "",
        )
    _replace_places(service, record)


def _replace_places(service: Service, record: dict[str, Any]) -> None:
    service.at_locations.all().delete()
    for i, sal in enumerate(_list(record, "service_at_locations")):
        where = f"service_at_locations[{i}]"
        loc = sal.get("location")
        if not isinstance(loc, dict):
            raise Refused(f"{where}.location", "is missing")
        key = _id(loc.get("id"), f"{where}.location.id")
        location = Location.objects.filter(oruk_id=key).first()
        if location is not None and location.organisation_id != service.organisation_id:
            raise Refused(f"{where}.location.id", "belongs to another organisation")
        location = location or Location(oruk_id=key, organisation=service.organisation)
        address = (loc.get("addresses") or [{}])[0]
        location.name = _text(loc, "name", limit=200) or _text(address, "address_1", limit=200)
        if not location.name:
            raise Refused(f"{where}.location.name", "is missing")
        location.address = _text(address, "address_1", limit=300)
        location.city = _text(address, "city", limit=100)
        location.postcode = _text(address, "postal_code", limit=10).upper()
        location.latitude = loc.get("latitude")
        location.longitude = loc.get("longitude")
        location.save()
        ServiceAtLocation.objects.create(
            oruk_id=_id(sal.get("id"), f"{where}.id"), service=service, location=location
        )


def _load(record: Any, key: uuid.UUID, source: str) -> str:
    """Write one service; returns created, updated or unchanged."""
    if not isinstance(record, dict):
        raise Refused("", "is not a record")
    name = _text(record, "name", required=True, limit=200)
    status = _text(record, "status") or ServiceStatus.ACTIVE
    if status not in ServiceStatus.values:
        raise Refused("status", f"is not one of {', '.join(ServiceStatus.values)}")
    low, high = _age(record, "minimum_age"), _age(record, "maximum_age")
    if low is not None and high is not None and low > high:
        raise Refused("minimum_age", "is more than maximum_age")
    modified = _when(record, "last_modified")
    existing = Service.objects.filter(oruk_id=key).first()
    if existing is not None and existing.source != source:
        raise Refused("id", "belongs to a service kept by another publisher")
    seen = existing.source_modified_at if existing else None
    if seen is not None and modified is not None and seen >= modified:
        return "unchanged"
    terms = _terms(record)
    service = existing or Service(oruk_id=key, source=source)
    service.organisation = _organisation(record, source)
    service.name, service.status = name, status
    service.description = _text(record, "description")
    service.url = _text(record, "url", limit=200)
    service.email = _text(record, "email", limit=254)
    service.eligibility_description = _text(record, "eligibility_description")
    service.minimum_age, service.maximum_age = low, high
    fees = _text(record, "fees_description")
    service.fees_description = fees
    service.is_free = not record.get("cost_options") and fees.lower() in ("", "free")
    service.application_process = _text(record, "application_process")
    phones = _list(record, "phones")
    service.telephone = str(phones[0].get("number", ""))[:40] if phones else ""
    service.source_modified_at = modified
    service.save()
    service.taxonomy_terms.set(terms)
    _replace_parts(service, record)
    return "updated" if existing else "created"


def _duplicates(records: list[Any]) -> set[str]:
    ids = Counter(str(r.get("id")) for r in records if isinstance(r, dict) and r.get("id"))
    return {i for i, n in ids.items() if n > 1}


def feed_import(source: str, *, everything: bool = False) -> ImportReport:
    """Import a feed now (the command): read what changed, then load it."""
    feed, _ = Feed.objects.get_or_create(url=source)
    since = None if everything else feed.last_modified_seen
    started = timezone.now()
    records = read_records(source, since)
    with transaction.atomic():
        return feed_load(feed=feed, records=records, since=since, started=started)


def feed_load(
    *, feed: Feed, records: list[Any], since: datetime | None, started: datetime
) -> ImportReport:
    """Load records read from a feed, each in its own savepoint, and move the feed's watermark
    on. Called inside the caller's transaction: a load cut short leaves nothing, so running it
    again gives the same result. Security: the feed's row is locked, so two loads of one feed
    never interleave."""
    feed = Feed.objects.select_for_update().get(pk=feed.pk)
    source = feed.url
    report = ImportReport(source=source)
    duplicates = _duplicates(records)
    newest = feed.last_modified_seen
    for record in records:
        record_id = str(record.get("id", "")) if isinstance(record, dict) else ""
        try:
            if record_id in duplicates:
                raise Refused("id", "appears more than once in the feed")
            key = _id(record.get("id") if isinstance(record, dict) else None, "id")
            modified = _when(record, "last_modified")
            if since is not None and modified is not None and modified <= since:
                report.unchanged += 1  # a file, or a publisher ignoring modified_after
                continue
            with transaction.atomic():
                outcome = _load(record, key, source)
        except Refused as refused:
            report.refused.append((record_id or "(no id)", refused.field, refused.message))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
        if outcome != "unchanged":
            getattr(report, f"{outcome}_ids").append(str(key))
        if modified is not None and (newest is None or modified > newest):
            newest = modified
    _finish(feed, report, started, newest)
    return report


def _finish(feed: Feed, report: ImportReport, started: datetime, newest: datetime | None) -> None:
    feed.last_imported_at = started
    feed.last_modified_seen = newest
    feed.save(update_fields=["last_imported_at", "last_modified_seen"])
    audit.record(
        actor=None,
        action=Action.CREATE,
        object_type="directory.feed",
        object_id=str(feed.pk),
        purpose="directory import",
        detail={
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "refused": len(report.refused),
        },
    )
