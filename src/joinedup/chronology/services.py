"""The chronology of a family: recording significant events, the pattern rules that put small
signs together, and the one timeline a reader may see (on the page, in CSV and in print).

Reviews of child deaths keep finding small signs spread across agencies that no one put
together. Any practitioner whose organisation may see a person can add to the person's
chronology; the rules look across every agency's entries and tell the lead professional.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from joinedup.assessments.models import Assessment, AssessmentStatus
from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.chronology.models import ChronologyEntry, ChronologyKind, PatternAlert
from joinedup.core.lookups import lists_if_any, with_known
from joinedup.core.spreadsheets import SafeWriter
from joinedup.directory import selectors as directory_selectors
from joinedup.episodes.models import (
    CriticalIncident,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    LeadHandover,
    Meeting,
    TeamDecision,
)
from joinedup.errors import ApplicationError, NotFound
from joinedup.frontdoor.models import RequestForSupport, RequestStatus
from joinedup.partnership import notify
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Involvement, Person
from joinedup.sharing import policy

# --- Pattern rules -------------------------------------------------------------------------


@dataclass(frozen=True)
class PatternRule:
    """`threshold` entries of any of `kinds` for one person within `window_days` days."""

    code: str
    title: str
    kinds: tuple[str, ...]
    threshold: int
    window_days: int


DEFAULT_PATTERN_RULES = (
    PatternRule(
        "unplanned_health_x3_90d",
        "Three unplanned health attendances within 90 days",
        (ChronologyKind.UNPLANNED_HEALTH_ATTENDANCE,),
        3,
        90,
    ),
    PatternRule(
        "was_not_brought_x3_90d",
        "Three appointments the child was not brought to within 90 days",
        (ChronologyKind.WAS_NOT_BROUGHT,),
        3,
        90,
    ),
    PatternRule(
        "new_adult_in_household",
        "A new adult joined the household",
        (ChronologyKind.NEW_ADULT_IN_HOUSEHOLD,),
        1,
        0,
    ),
)


def pattern_rules() -> tuple[PatternRule, ...]:
    """The partnership's rules: the setting JOINEDUP_PATTERN_RULES (a list of dicts) or the
    defaults."""
    configured = getattr(settings, "JOINEDUP_PATTERN_RULES", None)
    if configured is None:
        return DEFAULT_PATTERN_RULES
    return tuple(
        PatternRule(
            code=r["code"],
            title=r["title"],
            kinds=tuple(r["kinds"]),
            threshold=int(r["threshold"]),
            window_days=int(r.get("window_days", 0)),
        )
        for r in configured
    )


def _match(rule: PatternRule, entry: ChronologyEntry) -> list[ChronologyEntry]:
    """The entries (the new one among them) that make `threshold` within the window, if any."""
    if entry.kind not in rule.kinds:
        return []
    span = timedelta(days=rule.window_days)
    nearby = list(
        ChronologyEntry.objects.filter(
            person_id=entry.person_id,
            kind__in=rule.kinds,
            occurred_on__gte=entry.occurred_on - span,
            occurred_on__lte=entry.occurred_on + span,
        ).order_by("occurred_on", "pk")
    )
    for start in range(len(nearby) - rule.threshold + 1):
        group = nearby[start : start + rule.threshold]
        within = (group[-1].occurred_on - group[0].occurred_on).days <= rule.window_days
        if within and any(e.pk == entry.pk for e in group):
            return group
    return []


def _open_episode(person: Person) -> Episode | None:
    return (
        Episode.objects.filter(persons=person)
        .exclude(status=EpisodeStatus.CLOSED)
        .select_related("lead_professional")
        .order_by("-opened_at")
        .first()
    )


def _raise_alert(rule: PatternRule, entry: ChronologyEntry, group: list[ChronologyEntry]) -> Any:
    """One alert per rule and window: an overlapping alert takes the new evidence instead."""
    start, end = group[0].occurred_on, group[-1].occurred_on
    evidence = [e.pk for e in group]
    existing = PatternAlert.objects.filter(
        rule=rule.code, person_id=entry.person_id, window_start__lte=end, window_end__gte=start
    ).first()
    if existing is not None:
        existing.evidence = sorted(set(existing.evidence) | set(evidence))
        existing.window_start = min(existing.window_start, start)
        existing.window_end = max(existing.window_end, end)
        existing.save(update_fields=["evidence", "window_start", "window_end"])
        return None
    episode = _open_episode(entry.person)
    alert = PatternAlert.objects.create(
        rule=rule.code,
        title=rule.title,
        person=entry.person,
        episode=episode,
        window_start=start,
        window_end=end,
        evidence=evidence,
    )
    if episode is not None:
        _tell_lead(episode, f"{rule.title}. Look at the family's chronology.")
    return alert


def _tell_lead(episode: Episode, body: str) -> None:
    # No names in the message: the email says only that there is something to look at.
    notify.send(
        [episode.lead_professional],
        subject=f"Pattern alert in {episode.reference}",
        body=body,
        link=reverse("chronology:chronology", args=[episode.pk]),
    )


def pattern_alerts_adopt(*, episode: Episode) -> int:
    """Call inside the service opening an episode. Alerts about its persons that nobody has
    acknowledged (raised while no episode was open, or left when one closed) now wait for its
    lead, who is told once; those raised with no episode at all now belong to this one."""
    waiting = PatternAlert.objects.filter(
        Q(episode__isnull=True) | Q(episode__status=EpisodeStatus.CLOSED),
        person__in=episode.persons.all(),
        acknowledged_at__isnull=True,
    )
    count = waiting.count()
    waiting.filter(episode__isnull=True).update(episode=episode)
    if count:
        _tell_lead(
            episode,
            f"{count} pattern alert{'s' if count > 1 else ''} raised before this episode "
            "opened. Look at the family's chronology.",
        )
    return count


@transaction.atomic
def chronology_entry_record(
    *, actor: Practitioner, person: Person, kind: str, occurred_on: date | None, text: str
) -> tuple[ChronologyEntry, list[PatternAlert]]:
    """Record one significant event; return it and any pattern alert it raised."""
    decision = policy.person_decision(actor, person, "chronology")
    if not decision.allowed:
        raise NotFound()
    if kind not in ChronologyKind.values:
        raise ApplicationError("Choose what happened.", field="kind")
    if occurred_on is None:
        raise ApplicationError("Enter the date it happened.", field="occurred_on")
    if occurred_on > timezone.localdate():
        raise ApplicationError(
            "The date it happened must be today or in the past.", field="occurred_on"
        )
    if not text.strip():
        raise ApplicationError("Say briefly what happened.", field="text")
    # Serialise recordings for one person, so two agencies recording at once raise one alert.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    assert actor.organisation_id is not None  # the policy allows only practitioners
    entry = ChronologyEntry.objects.create(
        person=person,
        kind=kind,
        occurred_on=occurred_on,
        organisation_id=actor.organisation_id,
        recorded_by=actor,
        text=text.strip(),
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=entry,
        persons=[person],
        purpose="chronology",
        lawful_basis=decision.basis,
        detail={"kind": kind},
    )
    alerts = []
    for rule in pattern_rules():
        group = _match(rule, entry)
        alert = _raise_alert(rule, entry, group) if group else None
        if alert is not None:
            alerts.append(alert)
            audit.record(
                actor=actor,
                action=Action.CREATE,
                obj=alert,
                persons=[person],
                purpose="chronology",
                lawful_basis=decision.basis,
                detail={"rule": rule.code, "evidence": alert.evidence},
            )
    return entry, alerts


@transaction.atomic
def pattern_alert_acknowledge(
    *, actor: Practitioner, alert: PatternAlert, episode: Episode | None = None
) -> PatternAlert:
    """The lead professional of the family's episode (the one the alert is read through, or the
    one it was raised in) says they have seen it: who and when are kept, and audited."""
    episode = episode or alert.episode
    if episode is None or not policy.may_edit_episode(actor, episode):
        raise NotFound()
    if not episode.persons.filter(pk=alert.person_id).exists():
        raise NotFound()
    if episode.lead_professional_id != actor.pk:
        raise ApplicationError("The lead professional acknowledges pattern alerts.", field="alert")
    # Compare-and-set: of two acknowledgements at once, one wins and the other is told.
    updated = PatternAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=actor, acknowledged_at=timezone.now()
    )
    if not updated:
        raise ApplicationError("This alert has already been acknowledged.", status=409)
    alert.refresh_from_db()
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=alert,
        persons=[alert.person_id],
        purpose="chronology",
        lawful_basis=policy.BASIS_EPISODE,
        detail={"acknowledged": True, "episode": episode.pk},
    )
    return alert


# --- The family's timeline (selectors) -------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    on: date
    what: str
    who: str  # the persons concerned
    organisation: str
    text: str
    recorded_by: str = ""
    source: str = ""
    at: datetime | None = None  # when known to the minute: orders events of the same day
    # The practitioner who recorded it: their name, and their organisation's where the item
    # names none, filled in for every item at once (`_name_recorders`).
    by_id: int | None = None


@dataclass
class Chronology:
    episode: Episode
    persons: list[Person]
    items: list[TimelineItem]
    alerts: list[PatternAlert]
    is_lead: bool


def _names(persons: Iterable[Person]) -> str:
    return ", ".join(p.full_name for p in persons)


def _episode_items(episodes: list[Episode], who: str) -> list[TimelineItem]:
    """Meetings, decisions, incidents, status changes and handovers of the reader's episodes."""
    items: list[TimelineItem] = []
    ids = frozenset(e.pk for e in episodes)
    # Handovers, incidents and assessments: most episodes have none, asked narrowly first, in
    # one query (lists_if_any).
    done = [AssessmentStatus.COMPLETED, AssessmentStatus.SHARED]
    handovers, incidents, assessments = lists_if_any(
        (
            LeadHandover.objects.filter(episode_id__any_of=ids),
            lambda found: found.select_related("to_practitioner__organisation"),
        ),
        (
            CriticalIncident.objects.filter(episode_id__any_of=ids),
            lambda found: found,
        ),
        (
            Assessment.objects.filter(episode_id__any_of=ids, status__in=done),
            lambda found: found.select_related("template"),
        ),
    )
    references = {e.pk: e.reference for e in episodes}
    for change in EpisodeStatusChange.objects.filter(episode_id__any_of=ids):
        items.append(
            TimelineItem(
                timezone.localdate(change.at),
                f"Episode {references[change.episode_id]}: {change.get_status_display()}",
                who,
                "",
                change.reason,
                source="episode",
                at=change.at,
                by_id=change.by_id,
            )
        )
    for h in handovers:
        items.append(
            TimelineItem(
                timezone.localdate(h.at),
                "Lead professional changed",
                who,
                str(h.to_practitioner.organisation or ""),
                f"To {h.to_practitioner.get_full_name()}: {h.reason}",
                source="episode",
                at=h.at,
            )
        )
    for m in Meeting.objects.filter(episode_id__any_of=ids):
        family = "the family came" if m.family_attended else "the family did not come"
        items.append(
            TimelineItem(
                m.held_on,
                m.get_kind_display(),
                who,
                "",
                f"{family.capitalize()}. {m.notes}".strip(),
                source="meeting",
                by_id=m.recorded_by_id,
            )
        )
    for d in TeamDecision.objects.filter(episode_id__any_of=ids):
        items.append(
            TimelineItem(
                timezone.localdate(d.taken_at),
                "Team decision",
                who,
                "",
                f"{d.text.rstrip('.')}. Reasons: {d.reasons}",
                source="decision",
                at=d.taken_at,
                by_id=d.taken_by_id,
            )
        )
    for i in incidents:
        items.append(
            TimelineItem(
                timezone.localdate(i.occurred_at),
                f"Critical incident: {i.get_kind_display()}",
                who,
                "",
                i.description,
                source="incident",
                at=i.occurred_at,
                by_id=i.recorded_by_id,
            )
        )
    for a in assessments:
        assert a.completed_at is not None and a.completed_by_id is not None
        items.append(
            TimelineItem(
                timezone.localdate(a.completed_at),
                f"{a.template.name} completed",
                who,
                "",
                "Shared with the family." if a.status == AssessmentStatus.SHARED else "",
                source="assessment",
                at=a.completed_at,
                by_id=a.completed_by_id,
            )
        )
    return items


def _request_items(user: Any, episodes: list[Episode], persons: list[Person]) -> list[TimelineItem]:
    requests = (
        RequestForSupport.objects.filter(
            Q(episode__in=episodes) | Q(pk__in=policy.requests_visible_to(user).values("pk")),
            people__person__in=persons,
        )
        .exclude(status=RequestStatus.DRAFT)
        .select_related("decision")
        .distinct()
    )
    items = []
    for r in requests:
        assert r.received_at is not None  # every request past draft was received
        items.append(
            TimelineItem(
                timezone.localdate(r.received_at),
                f"Request for support {r.reference} ({r.get_rating_display()})",
                _names(persons),
                "",
                "",
                source="request",
                at=r.received_at,
                by_id=r.raised_by_id,
            )
        )
        decision = getattr(r, "decision", None)
        if decision is not None:
            items.append(
                TimelineItem(
                    timezone.localdate(decision.decided_at),
                    f"Front door decision on {r.reference}: {decision.get_outcome_display()}",
                    _names(persons),
                    "",
                    decision.reasons,
                    source="request",
                    at=decision.decided_at,
                )
            )
    return items


def _person_items(user: Any, persons: list[Person]) -> list[TimelineItem]:
    items = []
    named = {p.pk: p for p in persons}
    for e in ChronologyEntry.objects.filter(person__in=persons).select_related("organisation"):
        items.append(
            TimelineItem(
                e.occurred_on,
                e.get_kind_display(),
                named[e.person_id].full_name,
                e.organisation.name,
                e.text,
                source="chronology",
                by_id=e.recorded_by_id,
            )
        )
    # The policy's facts (safeguarding, consent, agreements...) once for the page, not per person.
    facts = policy.persons_facts(user, persons)
    history = policy.involvement_histories_visible_to(user, facts)
    by_person: dict[int, list[Involvement]] = {p.pk: [] for p in persons}
    today = timezone.localdate()
    for inv in history.filter(started_on__lte=today).select_related("organisation"):
        by_person[inv.person_id].append(inv)
    for person in persons:
        items += _involvement_items(user, person, by_person[person.pk], facts[person.pk])
    return items


def _involvement_items(
    user: Any, person: Person, history: list[Involvement], facts: Any
) -> list[TimelineItem]:
    """Every involvement the reader may know of, current and ended: when it started and, once
    it has, when it ended. Sensitive services stay hidden by the policy's own rule."""
    today = timezone.localdate()
    items = []
    # What another organisation does is withheld without a lawful basis to share it.
    for inv in policy.annotate_involvements(user, person, history, facts=facts):
        service = f"{inv.get_kind_display()}: {inv.service}"
        items.append(
            TimelineItem(
                inv.started_on,
                "Involvement started",
                person.full_name,
                inv.organisation.name,
                service,
                source="involvement",
            )
        )
        if inv.ended_on is not None and inv.ended_on <= today:
            items.append(
                TimelineItem(
                    inv.ended_on,
                    "Involvement ended",
                    person.full_name,
                    inv.organisation.name,
                    service,
                    source="involvement",
                )
            )
    return items


def _name_recorders(items: list[TimelineItem]) -> list[TimelineItem]:
    """The items with who recorded each, and their organisation where the item names none:
    every practitioner on the timeline read in one query, rather than joined into each list."""
    ids = frozenset(i.by_id for i in items if i.by_id is not None)
    if not ids:
        return items
    found = (
        Practitioner.objects.filter(pk__any_of=ids)
        .select_related("organisation")
        .only("first_name", "last_name", "organisation__name")
        .order_by()
    )
    by = {p.pk: p for p in found}
    return [
        item
        if item.by_id is None
        else replace(
            item,
            recorded_by=by[item.by_id].get_full_name(),
            organisation=item.organisation or str(by[item.by_id].organisation or ""),
        )
        for item in items
    ]


def chronology_get(*, user: Any, episode_id: Any, purpose: str = "chronology") -> Chronology:
    """The family's timeline, oldest first, of what the policy lets this reader see."""
    episode = policy.require_episode(user, episode_id, purpose=purpose)
    persons = list(policy.persons_visible_to(user).filter(episodes=episode).order_by("pk"))
    episodes = list(  # their ids and references are all the timeline needs
        policy.episodes_visible_to(user)
        .filter(persons__in=persons)
        .only("reference")
        .distinct()
        .order_by("pk")
    )
    items = (
        _person_items(user, persons)
        + _episode_items(episodes, _names(persons))
        + _request_items(user, episodes, persons)
        + [
            TimelineItem(
                r.on,
                r.what,
                r.who,
                r.organisation,
                r.text,
                r.recorded_by,
                "referral",
                by_id=r.by_id,
            )
            for r in directory_selectors.chronology_items(
                user=user, episodes=episodes, persons=persons
            )
        ]
    )
    items = _name_recorders(items)
    items.sort(key=lambda i: (i.on, i.at.timestamp() if i.at else 0.0))
    alerts = list(PatternAlert.objects.filter(person__in=persons).select_related("acknowledged_by"))
    with_known(alerts, "person", {p.pk: p for p in persons})
    return Chronology(
        episode=episode,
        persons=persons,
        items=items,
        alerts=alerts,
        is_lead=episode.lead_professional_id == getattr(user, "pk", None),
    )


def chronology_view(*, user: Any, episode_id: Any) -> Chronology:
    chronology = chronology_get(user=user, episode_id=episode_id)
    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="chronology.chronology",
        object_id=str(chronology.episode.pk),
        persons=chronology.persons,
        purpose="chronology",
        lawful_basis=policy.BASIS_EPISODE,
    )
    return chronology


CSV_HEADER = ["date", "what", "who", "organisation", "recorded by", "detail"]


def chronology_csv(*, user: Any, episode_id: Any) -> tuple[Chronology, str]:
    """The timeline as CSV. Security: an export is audited as an export, with every person."""
    chronology = chronology_get(user=user, episode_id=episode_id, purpose="chronology export")
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(CSV_HEADER)
    for i in chronology.items:
        writer.writerow([i.on.isoformat(), i.what, i.who, i.organisation, i.recorded_by, i.text])
    audit.record(
        actor=user,
        action=Action.EXPORT,
        object_type="chronology.chronology",
        object_id=str(chronology.episode.pk),
        persons=chronology.persons,
        purpose="chronology export",
        lawful_basis=policy.BASIS_EPISODE,
        detail={"format": "csv", "rows": len(chronology.items)},
    )
    return chronology, out.getvalue()


def person_for_recording(*, user: Any, person_id: Any) -> Person:
    """The person a practitioner is adding to the chronology of: same 404 as a missing one."""
    person, _ = policy.require_person(user, person_id, purpose="chronology")
    return person


def pattern_alert_get(*, user: Any, episode: Episode, alert_id: Any) -> PatternAlert:
    """An alert about someone in this episode (already checked against the policy)."""
    alert = PatternAlert.objects.filter(pk=alert_id, person__episodes=episode).first()
    if alert is None:
        raise NotFound()
    return alert


def pattern_alerts_for_lead(
    *, led: list[int]
) -> tuple[QuerySet[PatternAlert] | None, Callable[[QuerySet[PatternAlert]], QuerySet[Any]]]:
    """What waits for a lead professional: every unacknowledged alert about someone in the
    open episodes they lead (`led`, their ids as the policy gave them to My work), oldest
    first, as a list for `core.lookups.lists_if_any` (most days there are none: asked narrowly
    with My work's other short lists first). Each alert carries `waiting_in_id` and
    `waiting_in_reference`: the episode whose chronology shows it."""
    in_led = Episode.persons.through.objects.filter(episode_id__any_of=frozenset(led))
    waiting = PatternAlert.objects.filter(
        acknowledged_at__isnull=True, person_id__in=in_led.values("person_id")
    )
    waiting_in = in_led.filter(person_id=OuterRef("person_id")).order_by("-episode__opened_at")

    def shown(found: QuerySet[PatternAlert]) -> QuerySet[Any]:
        return (
            found.annotate(
                waiting_in_id=Subquery(waiting_in.values("episode_id")[:1]),
                waiting_in_reference=Subquery(waiting_in.values("episode__reference")[:1]),
            )
            .select_related("person")
            .order_by("raised_at", "pk")
        )

    return (waiting if led else None), shown
