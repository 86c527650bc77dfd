"""The dashboard's facts, read from the casework in a fixed number of queries, and turned into
cells. `cells_from_facts` is pure, so the benchmark can feed it a partnership of any size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from joinedup.episodes.models import (
    Closure,
    ClosureFeedback,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    Meeting,
)
from joinedup.frontdoor.models import Outcome, RequestForSupport, RequestPerson, TriageDecision
from joinedup.outcomes import distance as d
from joinedup.outcomes.dashboard import Cells, month_of
from joinedup.outcomes.models import IdentifiedNeed, Measurement, Voice
from joinedup.partnership.models import Organisation, Practitioner

RE_REFERRAL_DAYS = 365
EVENT_LABELS = {
    EpisodeStatus.STEPPED_UP: "Stepped up",
    EpisodeStatus.STEPPED_DOWN: "Stepped down",
    EpisodeStatus.CLOSED: "Closed",
}


@dataclass(frozen=True)
class RequestFact:
    received_on: date
    locality: str
    source: str
    needs: tuple[str, ...]
    decision: str | None
    decided_on: date | None
    again: bool


@dataclass(frozen=True)
class EpisodeFact:
    opened_on: date
    locality: str
    needs: tuple[str, ...]
    first_meeting_days: int | None
    events: tuple[tuple[str, date], ...]
    closure_reason: str | None
    closed_on: date | None
    open_status: str | None
    lead: str
    organisation: str


@dataclass(frozen=True)
class OutcomeFact:
    on: date
    locality: str
    headline_code: str
    headline: str
    change: float


@dataclass(frozen=True)
class RatingFact:
    on: date
    locality: str
    needs: tuple[str, ...]
    rating: int


def cells_from_facts(
    requests: Iterable[RequestFact],
    episodes: Iterable[EpisodeFact],
    outcomes: Iterable[OutcomeFact],
    ratings: Iterable[RatingFact],
) -> Cells:
    cells = Cells()
    add, held = cells.add, cells.add_held
    months: dict[date, date] = {}

    def month(day: date) -> date:
        found = months.get(day)
        if found is None:
            found = months[day] = month_of(day)
        return found

    for r in requests:
        received = month(r.received_on)
        add("requests_received", received, r.locality, r.needs, r.source)
        key = "Again within 12 months" if r.again else "First time"
        add("re_referrals", received, r.locality, r.needs, key)
        if r.decision and r.decided_on:
            add("requests_decided", month(r.decided_on), r.locality, r.needs, r.decision)
    for e in episodes:
        opened = month(e.opened_on)
        add("episode_events", opened, e.locality, e.needs, "Opened")
        for label, on in e.events:
            add("episode_events", month(on), e.locality, e.needs, label)
        if e.closure_reason and e.closed_on:
            add("closure_reasons", month(e.closed_on), e.locality, e.needs, e.closure_reason)
        if e.first_meeting_days is not None:
            add(
                "first_meeting",
                opened,
                e.locality,
                e.needs,
                "All episodes",
                total=e.first_meeting_days,
            )
        if e.open_status:
            add("open_now", None, e.locality, e.needs, e.open_status)
            held("caseload_lead", e.locality, e.needs, e.lead)
            held("caseload_organisation", e.locality, e.needs, e.organisation)
    for o in outcomes:
        on, needs = month(o.on), (o.headline_code,)
        add("outcomes_improved", on, o.locality, needs, f"all|{o.headline}")
        if o.change > 0:
            add("outcomes_improved", on, o.locality, needs, f"improved|{o.headline}")
        add("outcomes_distance", on, o.locality, needs, o.headline, total=o.change)
    for f in ratings:
        label = ClosureFeedback.RATINGS.get(f.rating, "")
        add("closure_ratings", month(f.on), f.locality, f.needs, f"{f.rating}: {label}")
    return cells


def _day(value: object) -> date:
    return timezone.localtime(value).date()  # type: ignore[arg-type]


def _organisations() -> tuple[dict[int, str], dict[int, str]]:
    rows = Organisation.objects.values_list("pk", "locality", "sector", "name")
    localities = {pk: loc or "" for pk, loc, _, _ in rows}
    sectors = {pk: str(sector).replace("_", " ").capitalize() for pk, _, sector, _ in rows}
    return localities, sectors


def _request_facts(as_of: date) -> list[RequestFact]:
    localities, sectors = _organisations()
    orgs = dict(Practitioner.objects.values_list("pk", "organisation_id"))
    needs: dict[int, list[str]] = defaultdict(list)
    for rid, code in RequestForSupport.needs.through.objects.values_list(
        "requestforsupport_id", "outcomecategory__code"
    ):
        needs[rid].append(code)
    decisions = {
        rid: (Outcome(o).label, _day(at))
        for rid, o, at in TriageDecision.objects.values_list("request_id", "outcome", "decided_at")
    }
    closed: dict[int, list[date]] = defaultdict(list)
    for pid, at in Episode.persons.through.objects.filter(
        episode__closed_at__isnull=False
    ).values_list("person_id", "episode__closed_at"):
        closed[pid].append(_day(at))
    people: dict[int, list[int]] = defaultdict(list)
    for rid, pid in RequestPerson.objects.values_list("request_id", "person_id"):
        people[rid].append(pid)
    facts = []
    for rid, raised_by, received in RequestForSupport.objects.filter(
        received_at__isnull=False, received_at__date__lte=as_of
    ).values_list("pk", "raised_by_id", "received_at"):
        on = _day(received)
        org = orgs.get(raised_by)
        again = any(
            on - timedelta(days=RE_REFERRAL_DAYS) <= c <= on for p in people[rid] for c in closed[p]
        )
        decision, decided = decisions.get(rid, (None, None))
        facts.append(
            RequestFact(
                on,
                localities.get(org, "") if org else "",
                sectors.get(org, "Unknown") if org else "Unknown",
                tuple(needs[rid]),
                decision,
                decided,
                again,
            )
        )
    return facts


def _episode_needs() -> dict[int, list[tuple[int, str, str]]]:
    needs: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for pk, eid, code, name in IdentifiedNeed.objects.values_list(
        "pk", "episode_id", "headline__code", "headline__name"
    ):
        needs[eid].append((pk, code, name))
    return needs


def _episode_facts(needs: dict[int, list[tuple[int, str, str]]]) -> list[EpisodeFact]:
    localities, _ = _organisations()
    leads = {
        pk: (f"{first} {last}".strip(), org, org_name or "")
        for pk, first, last, org, org_name in Practitioner.objects.values_list(
            "pk", "first_name", "last_name", "organisation_id", "organisation__name"
        )
    }
    first_meeting: dict[int, date] = {}
    for eid, held in Meeting.objects.values_list("episode_id", "held_on").order_by("held_on"):
        first_meeting.setdefault(eid, held)
    events: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for eid, status, at in EpisodeStatusChange.objects.values_list("episode_id", "status", "at"):
        if status in EVENT_LABELS:
            events[eid].append((EVENT_LABELS[EpisodeStatus(status)], _day(at)))
    reasons = dict(
        Episode.objects.filter(closure__isnull=False).values_list("pk", "closure__reason")
    )
    facts = []
    for eid, opened, closed, status, lead_id in Episode.objects.values_list(
        "pk", "opened_at", "closed_at", "status", "lead_professional_id"
    ):
        lead, org, org_name = leads.get(lead_id, ("", None, ""))
        opened_on = _day(opened)
        meeting = first_meeting.get(eid)
        reason = reasons.get(eid)
        facts.append(
            EpisodeFact(
                opened_on,
                localities.get(org, "") if org else "",
                tuple(code for _, code, _ in needs[eid]),
                (meeting - opened_on).days if meeting and meeting >= opened_on else None,
                tuple(events[eid]),
                Closure.Reason(reason).label if reason else None,
                _day(closed) if closed else None,
                None if status == EpisodeStatus.CLOSED else EpisodeStatus(status).label,
                lead,
                org_name,
            )
        )
    return facts


def _outcome_facts(needs: dict[int, list[tuple[int, str, str]]]) -> list[OutcomeFact]:
    localities, _ = _organisations()
    episode_org = dict(Episode.objects.values_list("pk", "lead_professional__organisation_id"))
    scores: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for oid, on, score in Measurement.objects.filter(voice=Voice.PRACTITIONER).values_list(
        "outcome_id", "measured_on", "score"
    ):
        scores[oid].append((on, score))
    linked: dict[int, list[int]] = defaultdict(list)
    for nid, oid in IdentifiedNeed.outcomes.through.objects.values_list(
        "identifiedneed_id", "wantedoutcome_id"
    ):
        linked[nid].append(oid)
    facts = []
    for eid, items in needs.items():
        for nid, code, name in items:
            distances = [d.distance(scores[o]) for o in linked[nid] if len(scores[o]) >= 2]
            change = d.mean_change(distances)
            if change is None:
                continue
            latest = max(x.latest_on for x in distances if x.latest_on)
            org = episode_org.get(eid)
            facts.append(
                OutcomeFact(latest, localities.get(org, "") if org else "", code, name, change)
            )
    return facts


def _rating_facts(needs: dict[int, list[tuple[int, str, str]]]) -> list[RatingFact]:
    localities, _ = _organisations()
    return [
        RatingFact(
            on, localities.get(org, "") if org else "", tuple(c for _, c, _ in needs[eid]), rating
        )
        for eid, on, rating, org in ClosureFeedback.objects.values_list(
            "episode_id", "given_on", "rating", "episode__lead_professional__organisation_id"
        )
    ]


def cells_from_database(as_of: date) -> Cells:
    needs = _episode_needs()
    return cells_from_facts(
        _request_facts(as_of), _episode_facts(needs), _outcome_facts(needs), _rating_facts(needs)
    )
