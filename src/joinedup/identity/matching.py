"""Real-time matching against the database: "is this someone joinedup already knows?"

One index per process, built lazily from every agency record and every person's own details,
with the linkage model in use (`RealtimeMatcher`: the same match weights as Splink). A query
costs a few small queries (is the index current?) and microseconds per candidate.

The index holds details only, never links: which person a record belongs to is read from the
database for the few candidates found, so linkage runs and reviews never make it stale. It is
extended with records and persons added since it was built, and rebuilt when the model changes,
when agencies' details change (`IdentityState.generation`), or after JOINEDUP_LINK_INDEX_SECONDS.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from joinedup.identity import conf, nodes
from joinedup.identity.clustering import ANCHOR, RECORD, node_kind
from joinedup.identity.linkage import LinkageModel, ModelError
from joinedup.identity.linkage.comparisons import plain_comparison, plain_level
from joinedup.identity.linkage.realtime import Candidate, Evidence, RealtimeMatcher
from joinedup.people.models import Person, SourceRecord

log = logging.getLogger(__name__)

PRIOR_LABEL = "Starting point: any two records"


def evidence_json(prior_match_weight: float, evidence: list[Evidence]) -> list[dict[str, Any]]:
    """The bars of the waterfall: the prior, then each comparison; they add up to the weight."""
    bars = [{"comparison": PRIOR_LABEL, "level": "Before any comparison", "weight": 0.0}]
    bars[0]["weight"] = round(prior_match_weight, 4)
    for item in evidence:
        bars.append(
            {
                "comparison": plain_comparison(item.comparison),
                "level": plain_level(item.level),
                "weight": round(item.match_weight, 4),
            }
        )
    return bars


@dataclass(frozen=True)
class PersonMatch:
    """A known person who may be the same as the details given, with the evidence."""

    person_id: int
    probability: float
    match_weight: float
    evidence: list[dict[str, Any]]
    needs_review: bool  # the conflicting-names guard: never linked without a person's review


def current_model() -> tuple[LinkageModel, str] | None:
    """The model in use and a key naming it: the configured file, else the newest trained."""
    from joinedup.identity.models import LinkageModelVersion

    path = conf.linkage_settings().model_path
    if path is not None:
        return LinkageModel.load(path), f"file:{path}:{path.stat().st_mtime_ns}"
    saved = LinkageModelVersion.objects.order_by("-pk").first()
    if saved is None:
        return None
    try:
        return LinkageModel.from_json(saved.model), f"db:{saved.pk}"
    except ModelError:
        return None  # a model of an earlier version: the next linkage run trains anew


def _generation() -> int:
    from joinedup.identity.models import IdentityState

    return IdentityState.objects.filter(pk=1).values_list("generation", flat=True).first() or 0


def _max_pks() -> tuple[int, int]:
    records = SourceRecord.objects.aggregate(m=Max("pk"))["m"] or 0
    persons = Person.objects.aggregate(m=Max("pk"))["m"] or 0
    return records, persons


_lock = threading.RLock()  # the index is shared by a process's threads (background jobs)


class MatchIndex:
    def __init__(self, model: LinkageModel, model_key: str) -> None:
        self.model_key = model_key
        self.generation = _generation()
        self.built_at = time.monotonic()
        self.max_record, self.max_person = _max_pks()
        codes = nodes.organisation_codes()
        rows = nodes.record_rows(
            nodes.records_values(pk__lte=self.max_record), codes
        ) + nodes.person_rows(nodes.persons_values(pk__lte=self.max_person))
        table = nodes.details_table(rows)
        self.matcher = RealtimeMatcher(model, table, tf=nodes.record_tf(table))

    def extend(self) -> None:
        with _lock:
            self._extend()

    def _extend(self) -> None:
        max_record, max_person = _max_pks()
        if (max_record, max_person) == (self.max_record, self.max_person):
            return
        codes = nodes.organisation_codes()
        rows = nodes.record_rows(
            nodes.records_values(pk__gt=self.max_record, pk__lte=max_record), codes
        ) + nodes.person_rows(nodes.persons_values(pk__gt=self.max_person, pk__lte=max_person))
        if rows:
            self.matcher.extend(nodes.details_table(rows))
        self.max_record, self.max_person = max_record, max_person

    def candidates(
        self, details: Mapping[str, Any], *, limit: int = 50, min_probability: float = 0.0
    ) -> list[Candidate]:
        raw = {name: nodes.text(details.get(name)) for name in nodes.DETAILS}
        with _lock:
            return self.matcher.match(raw, limit=limit, min_probability=min_probability)


_index: MatchIndex | None = None


def reset() -> None:
    """Forget this process's index (tests; an operator after restoring a backup)."""
    global _index
    with _lock:
        _index = None


def index(*, refresh: bool = True) -> MatchIndex | None:
    """This process's index, brought up to date; None while no linkage model exists."""
    global _index
    with _lock:
        if _index is not None and not refresh:
            return _index
        try:
            found = current_model()
        except ModelError:
            log.exception("The configured linkage model cannot be read")
            found = None
        if found is None:
            _index = None
            return None
        model, key = found
        max_age = conf.linkage_settings().index_max_age
        stale = (
            _index is None
            or _index.model_key != key
            or _index.generation != _generation()
            or time.monotonic() - _index.built_at > max_age
            or _rolled_back(_index)
        )
        if stale:
            _index = MatchIndex(model, key)
        else:
            assert _index is not None
            _index.extend()
        return _index


def _rolled_back(built: MatchIndex) -> bool:
    """Rows indexed that are no longer there: a transaction that added them was undone."""
    max_record, max_person = _max_pks()
    return max_record < built.max_record or max_person < built.max_person


def to_persons(
    candidates: list[Candidate],
    *,
    prior_match_weight: float,
    overrides: Mapping[int, int | None] | None = None,
    exclude_nodes: frozenset[int] = frozenset(),
) -> list[PersonMatch]:
    """Each candidate node's person, read now (links change; details do not), best first."""
    overrides = overrides or {}
    wanted = [c for c in candidates if c.unique_id not in exclude_nodes]
    record_ids = [
        node_kind(c.unique_id)[1]
        for c in wanted
        if c.unique_id % 2 == RECORD and c.unique_id not in overrides
    ]
    person_ids = [node_kind(c.unique_id)[1] for c in wanted if c.unique_id % 2 == ANCHOR]
    linked = dict(SourceRecord.objects.filter(pk__in=record_ids).values_list("pk", "person_id"))
    persons_linked = {p for p in linked.values() if p is not None}
    active = set(
        Person.objects.filter(
            pk__in=set(person_ids) | persons_linked | {p for p in overrides.values() if p}
        )
        .filter(merged_into__isnull=True)
        .values_list("pk", flat=True)
    )
    best: dict[int, PersonMatch] = {}
    for candidate in wanted:
        kind, pk = node_kind(candidate.unique_id)
        if candidate.unique_id in overrides:
            person = overrides[candidate.unique_id]
        else:
            person = pk if kind == ANCHOR else linked.get(pk)
        if person is None or person not in active:
            continue
        if person not in best or candidate.match_weight > best[person].match_weight:
            best[person] = PersonMatch(
                person_id=person,
                probability=candidate.match_probability,
                match_weight=candidate.match_weight,
                evidence=evidence_json(prior_match_weight, candidate.evidence),
                needs_review=candidate.needs_review,
            )
    return sorted(best.values(), key=lambda m: (-m.match_weight, m.person_id))


def person_matches(
    details: Mapping[str, Any], *, min_probability: float, limit: int = 5
) -> list[PersonMatch]:
    """Known persons who may be the same as these details (name, date of birth, postcode...).

    Not filtered by anyone's rights: callers showing these to a person filter them through
    the access policy (`identity.selectors.probable_matches`).
    """
    found = index()
    if found is None:
        return []
    candidates = found.candidates(details, min_probability=min_probability)
    matches = to_persons(candidates, prior_match_weight=found.matcher.prior_match_weight)
    return matches[:limit]
