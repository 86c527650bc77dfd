"""Names in shared records: an erased person's name is scrubbed from other families' records."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet

from joinedup.assessments.models import Assessment
from joinedup.chronology.models import ChronologyEntry
from joinedup.episodes.models import Action as PlanAction
from joinedup.episodes.models import (
    ActionNote,
    Closure,
    CriticalIncident,
    Disagreement,
    DisagreementStep,
    Episode,
    EpisodeStatusChange,
    LeadHandover,
    Meeting,
    PlanVersion,
    TeamDecision,
    TeamMember,
    WantedOutcome,
)
from joinedup.frontdoor.models import (
    RequestEvent,
    RequestForSupport,
    RequestPerson,
    TriageDecision,
)
from joinedup.people.models import (
    Person,
)
from joinedup.records.retention.rules import _Counts
from joinedup.records.subject_access import (
    ANOTHER_PERSON,
    Redactor,
    name_variants,
    other_people,
)

# Free text in records that others share, where an erased person may be named.
EPISODE_TEXT: list[tuple[type[models.Model], str, tuple[str, ...]]] = [
    (WantedOutcome, "episode_id", ("text",)),
    (PlanAction, "episode_id", ("text", "not_done_reason")),
    (ActionNote, "action__episode_id", ("text",)),
    (PlanVersion, "episode_id", ("snapshot",)),
    (Meeting, "episode_id", ("family_said", "notes")),
    (TeamDecision, "episode_id", ("text", "reasons")),
    (Disagreement, "decision__episode_id", ("text", "resolution")),
    (DisagreementStep, "disagreement__decision__episode_id", ("note",)),
    (CriticalIncident, "episode_id", ("description",)),
    (Closure, "episode_id", ("summary", "family_feedback")),
    (LeadHandover, "episode_id", ("reason", "family_preference")),
    (EpisodeStatusChange, "episode_id", ("reason",)),
    (
        Assessment,
        "episode_id",
        ("child_words", "analysis", "shared_how", "carers_words", "factors"),
    ),
    (TeamMember, "episode_id", ("role",)),
]


REQUEST_TEXT: list[tuple[type[models.Model], str, tuple[str, ...]]] = [
    (RequestForSupport, "pk", ("concern", "family_wants", "not_asked_reason")),
    (RequestEvent, "request_id", ("text",)),
    (TriageDecision, "request_id", ("reasons",)),
]


def _scrub_shared_records(ids: list[int], counts: _Counts) -> None:
    """Replace the erased person's names with "[another person]" in what others keep: the
    requests, episodes and chronology of everyone linked to them (family, relatives, the people
    of their requests and episodes), where practitioners may have written their name."""
    others = other_people(ids)
    erased = Person.objects.filter(pk__in=ids)
    redactor = Redactor(
        {n: ANOTHER_PERSON for p in erased for n in name_variants(p)},
        own=[n for p in others for n in name_variants(p)],
    )
    other_ids = [p.pk for p in others]
    episodes = list(
        Episode.objects.filter(persons__in=other_ids).values_list("pk", flat=True).distinct()
    )
    requests = list(
        RequestForSupport.objects.filter(
            pk__in=RequestPerson.objects.filter(person_id__in=other_ids).values("request_id")
        ).values_list("pk", flat=True)
    )
    targets = [(m, f, fs, episodes) for m, f, fs in EPISODE_TEXT]
    targets += [(m, f, fs, requests) for m, f, fs in REQUEST_TEXT]
    targets.append((ChronologyEntry, "person_id", ("text",), other_ids))
    for model, path, fields, keys in targets:
        if keys:
            rows = model._default_manager.filter(**{f"{path}__in": keys})
            changed = _scrub(rows, fields, redactor)
            if changed:
                counts[f"names replaced in {model._meta.label}"] += changed


def _scrub(qs: QuerySet[Any], fields: tuple[str, ...], redactor: Redactor) -> int:
    changed = 0
    for row in qs.only("pk", *fields).iterator():
        new = {f: redactor.value(getattr(row, f)) for f in fields}
        updates = {f: v for f, v in new.items() if v != getattr(row, f)}
        if updates:
            # update(), not save(): no auto_now or version bumps in someone else's record.
            type(row).objects.filter(pk=row.pk).update(**updates)
            changed += 1
    return changed
