"""Every read of the directory a user sees: finding a service, and referrals through the policy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.core.lookups import with_known
from joinedup.directory.models import (
    OPEN_REFERRAL_STATUSES,
    Contact,
    Location,
    Referral,
    ReferralStatus,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from joinedup.errors import NotFound
from joinedup.people.models import Person
from joinedup.sharing import policy

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MY_REFERRALS_LIMIT = 50  # of each list on My work


@dataclass(frozen=True)
class ServiceQuery:
    """What a practitioner looks for. Every part is optional."""

    text: str = ""
    need: int | None = None  # an outcome category
    term: int | None = None  # a taxonomy term
    age: int | None = None
    district: str = ""  # a postcode district (NE1) or a locality name
    free_only: bool = False
    open_now: bool = False
    takes_referrals: bool = False


@dataclass
class ServiceResult:
    service: Service
    locations: list[Location] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)


def _visible_services(user: Any) -> QuerySet[Service]:
    """Practitioners see every active service, internal ones too; nobody else sees any here."""
    if not policy.is_practitioner(user):
        return Service.objects.none()
    return Service.objects.filter(status=ServiceStatus.ACTIVE)


def open_now_filter(now: datetime) -> Q:
    local = timezone.localtime(now)
    day = WEEKDAYS[local.weekday()]
    on = local.date()
    open_now = Schedule.objects.filter(
        service=OuterRef("pk"),
        byday__contains=day,
        opens_at__lte=local.time(),
        closes_at__gt=local.time(),
    ).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
    open_now = open_now.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    return Q(Exists(open_now))


def district_filter(district: str) -> Q:
    district = district.strip()
    code = district.upper().split(" ")[0]
    at = ServiceAtLocation.objects.filter(service=OuterRef("pk"), location__confidential=False)
    at = at.filter(
        Q(location__postcode__istartswith=f"{code} ") | Q(location__locality__iexact=district)
    )
    areas = ServiceArea.objects.filter(service=OuterRef("pk")).filter(
        Q(postcode_districts__icontains=code) | Q(name__iexact=district)
    )
    return Q(Exists(at)) | Q(Exists(areas))


def services_find(*, user: Any, query: ServiceQuery, now: datetime | None = None) -> list[Any]:
    services = _visible_services(user)
    if query.text:
        services = services.filter(
            Q(name__icontains=query.text)
            | Q(description__icontains=query.text)
            | Q(organisation__name__icontains=query.text)
        )
    if query.need is not None:
        terms = TaxonomyTerm.objects.filter(outcome_categories=query.need)
        services = services.filter(taxonomy_terms__in=terms)
    if query.term is not None:
        services = services.filter(taxonomy_terms=query.term)
    if query.age is not None:
        services = services.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=query.age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=query.age),
        )
    if query.district:
        services = services.filter(district_filter(query.district))
    if query.free_only:
        services = services.filter(is_free=True)
    if query.open_now:
        services = services.filter(open_now_filter(now or timezone.now()))
    if query.takes_referrals:
        services = services.filter(takes_referrals=True)
    return list(_with_detail(services.distinct().order_by("name")))


def _with_detail(services: QuerySet[Service]) -> QuerySet[Service]:
    """Constant queries for a page of results: organisation, places, contacts, times."""
    return services.select_related("organisation").prefetch_related(
        Prefetch(
            "at_locations",
            queryset=ServiceAtLocation.objects.filter(location__confidential=False).select_related(
                "location"
            ),
        ),
        "contacts",
        "schedules",
        "taxonomy_terms",
        "cost_options",
    )


def service_get(*, user: Any, service_id: Any) -> Service:
    try:
        found = _with_detail(_visible_services(user)).filter(pk=int(service_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound()
    return found


def needs_and_terms() -> tuple[list[Any], list[TaxonomyTerm]]:
    from joinedup.outcomes.models import OutcomeCategory

    needs = list(OutcomeCategory.objects.filter(framework__is_default=True).order_by("position"))
    terms = list(TaxonomyTerm.objects.filter(services__isnull=False).distinct().order_by("name"))
    return needs, terms


# --- Referrals -----------------------------------------------------------------------------


def _referrals(qs: QuerySet[Referral]) -> QuerySet[Referral]:
    # The person, episode and request by id afterwards: joined in, their many indexes (names,
    # trigrams, references) cost PostgreSQL 10-25 ms to plan at 1M for well under 1 ms of work.
    return qs.select_related(
        "service__organisation", "referred_by", "referrer_organisation"
    ).prefetch_related("person", "episode", "request")


def referral_get(*, user: Any, referral_id: Any) -> Referral:
    """Fetch-and-check; viewing a referral is audited (it names a person)."""
    referral = policy.require_referral(user, referral_id)
    referral = (
        _referrals(Referral.objects.filter(pk=referral.pk)).prefetch_related("events__by").get()
    )
    audit.record(
        actor=user,
        action=Action.VIEW,
        obj=referral,
        persons=[referral.person_id],
        purpose="referral",
        lawful_basis=referral.lawful_basis,
    )
    return referral


# What a list of referrals shows of each (referrals_table.html): its service and the service's
# organisation by name, whom it is for, when it was sent, its status and any reason.
REFERRAL_LINE = (
    "status",
    "sent_at",
    "reason",
    "person_id",
    "episode_id",
    "service__name",
    "service__organisation__name",
)


def referrals_for_episode(*, user: Any, episode: Any) -> list[Referral]:
    """The episode's referrals, for its lead and team, with their services and whom each is
    for: the family's persons the episode page has already read, by id."""
    referrals = list(
        policy.episode_referrals_visible_to(user, [episode.pk])
        .select_related("service__organisation")
        .only(*REFERRAL_LINE)
    )
    for referral in referrals:
        referral.episode = episode
    with_known(referrals, "person", {p.pk: p for p in episode.persons.all()})
    return referrals


def request_to_refer(*, user: Any, request_id: Any) -> tuple[Any, list[Any]]:
    """A request for support the front door signposted, and whom it is about, for a referral
    from it; audited as a view of the request. Security: one the user may not see, or one not
    signposted, answers as a missing one (audited)."""
    from joinedup.people.models import Person

    request = policy.require_request(user, request_id, purpose="referral")
    if not policy.may_refer_from_request(user, request):
        raise policy.refuse(
            user,
            object_type="frontdoor.requestforsupport",
            object_id=request_id,
            purpose="referral",
        )
    persons = list(Person.objects.filter(requests__request=request).order_by("pk"))
    audit.record(
        actor=user,
        action=Action.VIEW,
        obj=request,
        persons=persons,
        purpose="referral",
        lawful_basis=policy.request_decision(user, request).basis,
    )
    return request, persons


def referrals_for_request(*, user: Any, request: Any) -> list[Referral]:
    """The request's referrals (the request is already checked), for its page."""
    return list(_referrals(policy.referrals_visible_to(user).filter(request=request)))


def referrals_for_user(*, user: Any) -> dict[str, list[Referral]]:
    """My work: referrals I made or my team's episodes made, and those waiting for my
    organisation's answer."""
    # The ids first: the policy's branches joined to the seven tables each referral is shown
    # with cost PostgreSQL more to plan (about 28 ms at 1M) than to run; by id both are quick.
    ids = list(policy.referrals_visible_to(user).values_list("pk", flat=True))
    if not ids:  # most practitioners, most days: nothing more to build or ask
        return {"made": [], "to_answer": []}
    # Only what the lists show (reference, service, status, date, the person's name).
    visible = (
        Referral.objects.filter(pk__any_of=frozenset(ids))
        .select_related("service")
        .only("reference", "status", "sent_at", "person_id", "service__name")
    )
    mine = visible.filter(
        Q(referred_by=user) | Q(episode__in=policy.episodes_visible_to(user).values("pk"))
    ).filter(Q(status__in=OPEN_REFERRAL_STATUSES) | Q(closed_at__gte=_recent()))
    to_answer = visible.filter(
        service__organisation__partner_id=user.organisation_id, status__in=OPEN_REFERRAL_STATUSES
    )
    made = list(mine[:MY_REFERRALS_LIMIT])
    prefetch_related_objects(
        made, Prefetch("person", Person.objects.only("given_name", "family_name"))
    )
    return {"made": made, "to_answer": list(to_answer[:MY_REFERRALS_LIMIT])}


def _recent() -> datetime:
    return timezone.now() - timedelta(days=30)


def referrals_list(*, user: Any, status: str = "") -> QuerySet[Referral]:
    qs = _referrals(policy.referrals_visible_to(user))
    return qs.filter(status=status) if status else qs


def family_referrals(*, user: Any, episode: Any) -> list[Referral]:
    return list(
        _referrals(policy.family_referrals_visible_to(user).filter(episode=episode)).order_by(
            "sent_at"
        )
    )


@dataclass(frozen=True)
class ReferralItem:
    """A referral's event as a line of the chronology. `by_id`: the practitioner who recorded
    it, whom the chronology names with the rest (`recorded_by` is then empty)."""

    on: date
    what: str
    who: str
    organisation: str
    text: str
    recorded_by: str
    by_id: int | None = None


def chronology_items(
    *, user: Any, episodes: list[Any], persons: Sequence[Person] = ()
) -> list[ReferralItem]:
    """Referrals of the reader's episodes (already checked by the chronology): each status.
    `persons`: the family's, already read by the chronology; any other is read by id.

    The referrals first (a family has a few), then their events by the referrals' ids: two
    short queries rather than one joining five tables to the policy's subquery."""
    from joinedup.directory.models import ReferralEvent

    referrals = {
        r.pk: r
        for r in policy.episode_referrals_visible_to(user, [e.pk for e in episodes])
        .select_related("service__organisation")
        .only("asked", *REFERRAL_LINE)
        .order_by()
    }
    if not referrals:
        return []
    with_known(referrals.values(), "person", {p.pk: p for p in persons})
    items = []
    for e in ReferralEvent.objects.filter(referral_id__any_of=frozenset(referrals)):
        r = referrals[e.referral_id]
        organisation = r.service.organisation.name
        items.append(
            ReferralItem(
                timezone.localdate(e.at),
                f"Referral to {r.service.name}: {ReferralStatus(e.status).label.lower()}",
                r.person.full_name,
                organisation,
                r.asked if e.status == ReferralStatus.SENT else e.text,
                "" if e.by_id else f"{organisation} (emailed link)",
                e.by_id,
            )
        )
    return items
