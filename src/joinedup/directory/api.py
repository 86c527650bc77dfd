"""The directory over JSON: finding services and referrals, under the same policy as the pages."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Schema, Status

from joinedup.directory import selectors, services
from joinedup.directory.models import Referral, Service
from joinedup.directory.schemas import ReferralIn, ReferralOut, ReferralStatusIn, ServiceOut
from joinedup.episodes.models import Episode
from joinedup.errors import NotFound
from joinedup.frontdoor.models import RequestForSupport
from joinedup.sharing import policy
from joinedup.web.http import AuthedRequest

router = Router(tags=["service directory and referrals"])


class ServiceFilters(Schema):
    text: str = ""
    need: int | None = None
    term: int | None = None
    age: int | None = None
    district: str = ""
    free_only: bool = False
    open_now: bool = False
    takes_referrals: bool = False


def _service(s: Service) -> dict[str, Any]:
    return {
        "id": s.pk,
        "oruk_id": str(s.oruk_id),
        "name": s.name,
        "organisation": s.organisation.name,
        "description": s.description,
        "eligibility_description": s.eligibility_description,
        "minimum_age": s.minimum_age,
        "maximum_age": s.maximum_age,
        "is_free": s.is_free,
        "fees_description": s.fees_description,
        "telephone": s.telephone,
        "email": s.email,
        "takes_referrals": s.takes_referrals,
        "taxonomy_terms": [t.name for t in s.taxonomy_terms.all()],
        "locations": [sal.location.name for sal in s.at_locations.all()],
    }


def _referral(r: Referral) -> dict[str, Any]:
    return {
        "id": r.pk,
        "reference": r.reference,
        "service_id": r.service_id,
        "service": r.service.name,
        "organisation": r.service.organisation.name,
        "person_id": r.person_id,
        "episode_id": r.episode_id,
        "request_id": r.request_id,
        "asked": r.asked,
        "urgency": r.urgency,
        "shared": r.shared,
        "status": r.status,
        "reason": r.reason,
        "what_changed": r.what_changed,
        "sent_at": r.sent_at,
        "first_contact_at": r.first_contact_at,
        "lawful_basis": r.lawful_basis,
        "version": r.version,
        "events": [
            {
                "status": e.status,
                "at": e.at,
                "by": e.by.get_full_name() if e.by else ("emailed link" if e.by_link else ""),
                "text": e.text,
            }
            for e in r.events.all()
        ],
    }


def _practitioner(request: AuthedRequest) -> None:
    if not policy.is_practitioner(request.user):
        raise NotFound()


@router.get("/directory/services", response=list[ServiceOut], summary="Find a service")
def services_find(request: AuthedRequest, filters: Query[ServiceFilters]) -> list[dict[str, Any]]:
    _practitioner(request)
    query = selectors.ServiceQuery(**filters.dict())
    return [_service(s) for s in selectors.services_find(user=request.user, query=query)]


@router.get("/directory/services/{service_id}", response=ServiceOut, summary="One service")
def service_get(request: AuthedRequest, service_id: int) -> dict[str, Any]:
    _practitioner(request)
    return _service(selectors.service_get(user=request.user, service_id=service_id))


@router.get("/referrals", response=list[ReferralOut], summary="Referrals you may see")
def referrals_list(request: AuthedRequest, status: str = "") -> list[dict[str, Any]]:
    qs = selectors.referrals_list(user=request.user, status=status)
    return [_referral(r) for r in qs.prefetch_related("events__by")[:200]]


@router.post("/referrals", response={201: ReferralOut}, summary="Refer to a service")
def referral_send(request: AuthedRequest, body: ReferralIn) -> Status:
    user = request.user
    _practitioner(request)
    episode: Episode | None = None
    req: RequestForSupport | None = None
    if body.episode_id is not None:
        episode = policy.require_episode(user, body.episode_id, purpose="referral")
    elif body.request_id is not None:
        req = policy.require_request(user, body.request_id, purpose="referral")
    person, _ = policy.require_person(user, body.person_id, purpose="referral")
    service = selectors.service_get(user=user, service_id=body.service_id)
    referral = services.referral_send(
        actor=user,
        service=service,
        person=person,
        episode=episode,
        request=req,
        asked=body.asked,
        urgency=body.urgency,
        family_agreed=body.family_agreed,
        shared=body.shared,
        contact=body.contact,
    )
    return Status(201, _referral(referral))


@router.get("/referrals/{referral_id}", response=ReferralOut, summary="One referral")
def referral_get(request: AuthedRequest, referral_id: int) -> dict[str, Any]:
    return _referral(selectors.referral_get(user=request.user, referral_id=referral_id))


@router.post(
    "/referrals/{referral_id}/status", response=ReferralOut, summary="Record what happened"
)
def referral_update(
    request: AuthedRequest, referral_id: int, body: ReferralStatusIn
) -> dict[str, Any]:
    referral = policy.require_referral(request.user, referral_id)
    updated = services.referral_update(
        actor=request.user,
        referral=referral,
        status=body.status,
        reason=body.reason,
        what_changed=body.what_changed,
        expected_version=body.expected_version,
    )
    return _referral(selectors.referral_get(user=request.user, referral_id=updated.pk))
