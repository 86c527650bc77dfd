"""Linking the database's agency records into persons: the batch run, audited and re-runnable.

The run reads every agency record and every person's own details (`nodes.read`), scores the
blocked pairs with the Splink model on DuckDB (the saved model, or one trained from the records
themselves), decides each record's person (`clustering.cluster`), and writes only what changed,
in one transaction, with one audit event naming every person touched:

- at or above the automatic threshold: linked to the person (status "automatic");
- at or above the review threshold: waiting for review, with a candidate and its evidence;
- below it: a new person, made from the record's own details.

Confirmed links and "different people" decisions are kept; running it again with nothing new
changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.db import connection, transaction
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.errors import ApplicationError
from joinedup.identity import clustering, conf, matching, nodes
from joinedup.identity.clustering import RECORD, Edge, node_id, node_kind
from joinedup.identity.conf import Thresholds
from joinedup.identity.linkage import LinkageModel, ModelError
from joinedup.identity.linkage import comparisons as cmp
from joinedup.identity.linkage.realtime import RealtimeMatcher
from joinedup.identity.models import (
    IdentityState,
    LinkageModelVersion,
    LinkageRun,
    MatchCandidate,
)
from joinedup.identity.review import BASIS_IDENTITY
from joinedup.partnership.models import Practitioner
from joinedup.people.models import MatchStatus, Person, PersonKind, SourceRecord

log = logging.getLogger(__name__)

MIN_RECORDS_TO_TRAIN = 200  # as `joinedup link`: below this EM has nothing to learn from
ADULT_AGE = 18
BATCH = 2000
LINK_FIELDS = ("person", "match_status", "match_probability", "updated_at")
CANNOT_LINK_LABEL = "Cannot-link rule that fired"


# --- Persons made from records --------------------------------------------------------------

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def reference_for(organisation_id: int, agency_record_id: str) -> str:
    """A new person's reference, from the record that made it: the same every time (the demo
    stays deterministic), in the alphabet people read over the phone."""
    digest = hashlib.sha256(f"{organisation_id}:{agency_record_id}".encode()).digest()
    code = base64.b32encode(digest).decode().translate(str.maketrans("01IO", "ABCD"))
    return "P-" + "".join(c for c in code if c in REFERENCE_ALPHABET)[:8]


def _kind(born: date | None) -> str:
    # No date of birth: a child, as most records a children's partnership holds are.
    if born is None:
        return PersonKind.CHILD
    today = timezone.localdate()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return PersonKind.ADULT if age >= ADULT_AGE else PersonKind.CHILD


def person_from_details(organisation_id: int, agency_record_id: str, details: Any) -> Person:
    """An unsaved Person with one agency record's details (values in `nodes.DETAILS` order)."""
    values = dict(zip(nodes.DETAILS, details, strict=True))
    from joinedup.people import identifiers

    return Person(
        reference=reference_for(organisation_id, agency_record_id),
        given_name=values["given_name"] or "",
        family_name=values["family_name"] or "",
        date_of_birth=values["date_of_birth"],
        sex=values["sex"] or "unknown",
        kind=_kind(values["date_of_birth"]),
        address=values["address"] or "",
        postcode=identifiers.normalise_postcode(values["postcode"] or "")[:10],
        nhs_number=values["nhs_number"] or "",
        upn=(values["upn"] or "")[:13],
    )


def persons_create(people: list[Person]) -> list[Person]:
    """Save new persons; a reference already taken (rare) gets a random one instead."""
    from joinedup.people.services import new_reference

    taken = set(
        Person.objects.filter(reference__in=[p.reference for p in people]).values_list(
            "reference", flat=True
        )
    )
    for person in people:
        if person.reference in taken:
            person.reference = new_reference()
        taken.add(person.reference)
    created = Person.objects.bulk_create(people, batch_size=BATCH)
    if created and created[0].pk is None:  # backends that do not return ids
        by_ref = dict(
            Person.objects.filter(reference__in=[p.reference for p in created]).values_list(
                "reference", "pk"
            )
        )
        for person in created:
            person.pk = by_ref[person.reference]
    return created


def person_for_record(record: SourceRecord) -> Person:
    """A new person for one record nobody else is (a review said "different people")."""
    details = tuple(getattr(record, name) for name in nodes.DETAILS)
    return persons_create(
        [person_from_details(record.organisation_id, record.agency_record_id, details)]
    )[0]


# --- The model --------------------------------------------------------------------------------


def _train(data: nodes.LinkageInput, actor: Practitioner | None, seed: int) -> LinkageModelVersion:
    from splink import Linker

    from joinedup.identity.linkage import engines
    from joinedup.identity.linkage.model import DESIGNS, model_from_linker, settings_creator, train

    if data.record_count < MIN_RECORDS_TO_TRAIN:
        raise ApplicationError(
            f"Only {data.record_count} agency records: estimating a linkage model from the data "
            f"needs at least {MIN_RECORDS_TO_TRAIN}. Load more records, or give a model saved "
            "by `joinedup link --model-out` (--model, or JOINEDUP_LINK_MODEL).",
            field="model",
        )
    import pyarrow.compute as pc

    records = data.table.filter(pc.equal(pc.bit_wise_and(data.table["unique_id"], 1), RECORD))
    api = engines.duckdb_api()
    linker = Linker(
        api.register(records), settings_creator(DESIGNS["household"]), log_level=logging.ERROR
    )
    identified = 1 - records["nhs_number"].null_count / records.num_rows
    train(linker, nhs_share=identified, seed=seed)
    model = model_from_linker(linker, "household", conf.linkage_settings().thresholds.automatic)
    version = LinkageModelVersion.objects.create(
        model=model.to_json(),
        model_version=model.model_version,
        trained_on=records.num_rows,
        created_by=actor if isinstance(actor, Practitioner) else None,
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=version,
        purpose="identity linkage",
        lawful_basis=BASIS_IDENTITY,
        detail={"trained_on": records.num_rows},
    )
    return version


def model_for_run(
    data: nodes.LinkageInput,
    *,
    actor: Practitioner | None,
    model_path: Path | None,
    retrain: bool,
    seed: int = 42,
) -> tuple[LinkageModel, LinkageModelVersion | None]:
    """A model file when one is given; else the newest trained model; else train one now."""
    if model_path is not None:
        try:
            return LinkageModel.load(model_path), None
        except ModelError as error:
            raise ApplicationError(str(error), field="model") from None
    saved = None if retrain else LinkageModelVersion.objects.order_by("-pk").first()
    if saved is not None:
        try:
            return LinkageModel.from_json(saved.model), saved
        except ModelError:
            log.warning("Linkage model %s is of an earlier version: training anew", saved.pk)
    version = _train(data, actor, seed)
    return LinkageModel.from_json(version.model), version


# --- Scoring ----------------------------------------------------------------------------------


def score_pairs(data: nodes.LinkageInput, model: LinkageModel, review: float) -> list[Edge]:
    """Every blocked pair at or above the review threshold, and whether the guard holds it."""
    if data.table.num_rows < 2:
        return []
    from splink import Linker

    from joinedup.identity.linkage import engines

    api = engines.duckdb_api()
    linker = Linker(api.register(data.table), model.settings_creator(), log_level=logging.ERROR)
    for column, frequencies in data.tf.items():
        lookup = pa.table(
            {
                column: pa.array(list(frequencies), pa.string()),
                f"tf_{column}": pa.array(list(frequencies.values()), pa.float64()),
            }
        )
        linker.table_management.register_term_frequency_lookup(api.register(lookup), column)
    predictions = linker.inference.predict(threshold_match_probability=review)
    held = cmp.guard_sql(model.specs)
    # Table names are Splink's own, never user input.
    sql = f"""
        select unique_id_l, unique_id_r, match_probability, {held} as held
        from {predictions.physical_name}
    """  # noqa: S608
    rows = linker.misc.query_sql(sql).as_pyarrow_table()
    return [
        Edge(min(a, b), max(a, b), float(p), bool(h))
        for a, b, p, h in zip(
            rows["unique_id_l"].to_pylist(),
            rows["unique_id_r"].to_pylist(),
            rows["match_probability"].to_pylist(),
            rows["held"].to_pylist(),
            strict=True,
        )
    ]


# --- Writing ----------------------------------------------------------------------------------


@dataclass
class _Changes:
    new_persons: dict[int, Person] = field(default_factory=dict)  # placeholder -> person
    records: list[tuple[Any, ...]] = field(default_factory=list)  # person, status, p, pk
    linked: int = 0
    queued: int = 0
    unchanged: int = 0
    candidates_created: int = 0
    candidates_removed: int = 0
    touched: set[int] = field(default_factory=set)

    @property
    def any(self) -> bool:
        return bool(
            self.new_persons or self.records or self.candidates_created or self.candidates_removed
        )


def _person(outcome_person: int | None, changes: _Changes) -> int | None:
    if outcome_person is None or outcome_person >= 0:
        return outcome_person
    return changes.new_persons[outcome_person].pk


def _make_persons(data: nodes.LinkageInput, outcome: clustering.Outcome, changes: _Changes) -> None:
    codes = {pk: (org, agency) for pk, org, agency in _record_keys(outcome)}
    people = []
    for placeholder, members in sorted(outcome.new_persons.items(), reverse=True):
        records = [node_kind(n)[1] for n in members if n % 2 == RECORD]
        # The record saying most about the person (then the oldest) gives its details.
        best = min(records, key=lambda pk: (-sum(1 for v in data.details[pk] if v), pk))
        people.append((placeholder, person_from_details(*codes[best], data.details[best])))
    created = persons_create([person for _, person in people])
    placeholders = [placeholder for placeholder, _ in people]
    changes.new_persons = dict(zip(placeholders, created, strict=True))
    changes.touched |= {p.pk for p in created}


def _record_keys(outcome: clustering.Outcome) -> Iterable[Any]:
    wanted = {
        node_kind(n)[1] for members in outcome.new_persons.values() for n in members if n % 2 == 0
    }
    return SourceRecord.objects.filter(pk__in=wanted).values_list(
        "pk", "organisation_id", "agency_record_id"
    )


def _record_updates(
    data: nodes.LinkageInput, outcome: clustering.Outcome, changes: _Changes
) -> set[int]:
    """Records whose person or status changes; returns the records skipped as changed since."""
    now = dict(
        (pk, (person, status))
        for pk, person, status in SourceRecord.objects.values_list(
            "pk", "person_id", "match_status"
        )
    )
    best_review: dict[int, float] = {}
    for (node, _person_id), edge in outcome.candidates.items():
        pk = node_kind(node)[1]
        best_review[pk] = max(best_review.get(pk, 0.0), edge.probability)
    skipped = set()
    for pk, before in data.snapshot.items():
        if now.get(pk) != before:
            skipped.add(pk)  # changed while the run scored: the next run decides it
            continue
        person, status = before
        if status == MatchStatus.CONFIRMED:
            changes.unchanged += 1
            continue
        target = _person(outcome.person_of.get(node_id(RECORD, pk)), changes)
        wanted = (target, MatchStatus.AUTOMATIC if target is not None else MatchStatus.REVIEW)
        changes.queued += target is None
        if wanted == before:
            changes.unchanged += 1
            continue
        probability = outcome.strongest.get(node_id(RECORD, pk)) if target else best_review.get(pk)
        changes.records.append(
            (target, wanted[1], None if probability is None else min(1.0, probability), pk)
        )
        changes.touched |= {p for p in (person, target) if p}
        changes.linked += target is not None
    save_links(changes.records)
    return skipped


def save_links(records: list[tuple[Any, ...]]) -> None:
    """Many rows, each its own values: one prepared UPDATE run for each (Django's bulk_update
    builds a CASE per row and took seconds for a few thousand)."""
    meta = SourceRecord._meta
    quote = connection.ops.quote_name
    columns = [str(getattr(meta.get_field(name), "column", name)) for name in LINK_FIELDS]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names from the model
        quote(meta.db_table),
        ", ".join(f"{quote(column)} = %s" for column in columns),
        quote(str(meta.pk.column if meta.pk else "id")),
    )
    now = timezone.now()
    rows = [(person, status, probability, now, pk) for person, status, probability, pk in records]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def _scorer(data: nodes.LinkageInput, model: LinkageModel) -> tuple[RealtimeMatcher, dict]:
    matcher = RealtimeMatcher(model, data.table, tf=data.tf, index=False)
    rows = {uid: i for i, uid in enumerate(data.table["unique_id"].to_pylist())}
    return matcher, rows


def _evidence(scorer: Any, edge: Edge) -> tuple[float, list[dict[str, Any]]]:
    matcher, rows = scorer
    left = matcher.with_tf(matcher.rows.row(rows[edge.left]))
    right = matcher.with_tf(matcher.rows.row(rows[edge.right]))
    weight, evidence = matcher.score(left, right)
    return weight, matching.evidence_json(matcher.prior_match_weight, evidence)


def _candidate_updates(
    data: nodes.LinkageInput,
    model: LinkageModel,
    outcome: clustering.Outcome,
    changes: _Changes,
    skipped: set[int],
) -> None:
    """The pending queue becomes exactly what this run proposes; decided pairs stay."""
    proposed: dict[tuple[str, int, int], Edge] = {}
    for (node, person), edge in outcome.candidates.items():
        record = node_kind(node)[1]
        if record not in skipped:
            proposed["record", record, _person(person, changes) or 0] = edge
    for (duplicate, person), edge in outcome.duplicates.items():
        proposed["duplicate", duplicate, person] = edge
    existing = {}
    for pk, record, duplicate, person, status in MatchCandidate.objects.values_list(
        "pk", "source_record_id", "duplicate_id", "person_id", "status"
    ):
        key = ("record", record, person) if record else ("duplicate", duplicate, person)
        existing[key] = (pk, status)
    stale = [
        pk
        for key, (pk, status) in existing.items()
        if status == MatchCandidate.Status.PENDING
        and key not in proposed
        and not (key[0] == "record" and key[1] in skipped)
    ]
    for chunk in range(0, len(stale), BATCH):
        MatchCandidate.objects.filter(pk__in=stale[chunk : chunk + BATCH]).delete()
    changes.candidates_removed = len(stale)
    scorer = None
    new = []
    for key, edge in sorted(proposed.items()):
        if key in existing:
            continue
        scorer = scorer or _scorer(data, model)
        weight, evidence = _evidence(scorer, edge)
        rule = outcome.refusals.get((edge.left, edge.right))
        if rule:  # why it was not linked although the pair scored as automatic
            evidence.append({"comparison": CANNOT_LINK_LABEL, "level": rule, "weight": 0.0})
        kind, subject, person = key
        new.append(
            MatchCandidate(
                source_record_id=subject if kind == "record" else None,
                duplicate_id=subject if kind == "duplicate" else None,
                person_id=person,
                probability=min(1.0, max(0.0, edge.probability)),
                match_weight=weight,
                evidence=evidence,
            )
        )
        changes.touched |= {person, *([subject] if kind == "duplicate" else [])}
    MatchCandidate.objects.bulk_create(new, batch_size=BATCH)
    changes.candidates_created = len(new)


def _write(
    run: LinkageRun,
    actor: Practitioner | None,
    data: nodes.LinkageInput,
    model: LinkageModel,
    outcome: clustering.Outcome,
) -> _Changes:
    changes = _Changes()
    with transaction.atomic():
        # Security and consistency: one run writes at a time, and reviews wait for it.
        IdentityState.objects.get_or_create(pk=1)
        IdentityState.objects.select_for_update().get(pk=1)
        _make_persons(data, outcome, changes)
        skipped = _record_updates(data, outcome, changes)
        _candidate_updates(data, model, outcome, changes, skipped)
        if changes.any:
            audit.record(
                actor=actor,
                action=Action.UPDATE,
                obj=run,
                persons=changes.touched,
                purpose="identity linkage",
                lawful_basis=BASIS_IDENTITY,
                detail={
                    "persons_created": len(changes.new_persons),
                    "linked": changes.linked,
                    "queued": changes.queued,
                    "candidates_created": changes.candidates_created,
                    "candidates_removed": changes.candidates_removed,
                    "skipped_changed_meanwhile": len(skipped),
                },
            )
    return changes


# --- The run ----------------------------------------------------------------------------------


def _stage(run: LinkageRun, number: int, name: str, progress: Callable[..., Any] | None) -> None:
    LinkageRun.objects.filter(pk=run.pk).update(processed=number - 1, stage=name)
    if progress:
        progress(number - 1, LinkageRun.STAGES, name)


def run_start(
    *,
    actor: Practitioner | None,
    trigger: str,
    thresholds: Thresholds | None = None,
) -> LinkageRun:
    """Record a run about to start (its page shows progress). Refused while one is running."""
    thresholds = thresholds or conf.linkage_settings().thresholds
    try:
        thresholds.check()
    except ValueError as error:
        raise ApplicationError(f"The threshold {error}.", field="threshold") from None
    with transaction.atomic():
        IdentityState.objects.get_or_create(pk=1)
        IdentityState.objects.select_for_update().get(pk=1)
        from joinedup.identity import linkage_runs  # it starts runs through this module

        for running in LinkageRun.objects.filter(status=LinkageRun.Status.RUNNING):
            if not linkage_runs.is_abandoned(running):
                raise ApplicationError(
                    "A linkage run is already under way: wait for it to finish.", status=409
                )
            linkage_runs.abandoned_mark_failed(running)
        return LinkageRun.objects.create(
            started_by=actor if isinstance(actor, Practitioner) else None,
            trigger=trigger,
            automatic_threshold=thresholds.automatic,
            review_threshold=thresholds.review,
        )


def linkage_run(*, run: LinkageRun, **options: Any) -> LinkageRun:
    """Link every agency record into persons, beating while it works (a killed run is seen)."""
    from joinedup.identity import linkage_runs  # it starts runs through this module

    with linkage_runs.heartbeat(run):
        return _linkage_run(run=run, **options)


def _linkage_run(
    *,
    run: LinkageRun,
    actor: Practitioner | None,
    model_path: Path | None = None,
    retrain: bool = False,
    progress: Callable[..., Any] | None = None,
    seed: int = 42,
) -> LinkageRun:
    """Link every agency record into persons. ApplicationError (recorded on the run) if not."""
    started = time.perf_counter()
    thresholds = Thresholds(run.automatic_threshold, run.review_threshold)
    try:
        _stage(run, 1, "Reading records", progress)
        data = nodes.read()
        _stage(run, 2, "Preparing the model", progress)
        settings_path = conf.linkage_settings().model_path
        model, version = model_for_run(
            data,
            actor=actor,
            model_path=model_path or (None if retrain else settings_path),
            retrain=retrain,
            seed=seed,
        )
        _stage(run, 3, "Scoring pairs", progress)
        edges = score_pairs(data, model, thresholds.review)
        _stage(run, 4, "Forming persons", progress)
        outcome = clustering.cluster(
            data.nodes, edges, automatic=thresholds.automatic, apart=data.apart
        )
        _stage(run, 5, "Writing", progress)
        changes = _write(run, actor, data, model, outcome)
    except ApplicationError as error:
        _finish(run, started, status=LinkageRun.Status.FAILED, message=error.message)
        raise
    except BaseException:  # interrupted or crashed: never leave a run "running" for ever
        _finish(
            run,
            started,
            status=LinkageRun.Status.FAILED,
            message="The run was stopped before it finished. Nothing was changed.",
        )
        raise
    _finish(
        run,
        started,
        status=LinkageRun.Status.DONE,
        model=version,
        records=data.record_count,
        pairs=len(edges),
        persons_created=len(changes.new_persons),
        linked=changes.linked,
        queued=changes.queued,
        unchanged=changes.unchanged,
        candidates_created=changes.candidates_created,
        candidates_removed=changes.candidates_removed,
    )
    if progress:
        progress(LinkageRun.STAGES, LinkageRun.STAGES, "Done")
    return run


def _finish(run: LinkageRun, started: float, **fields: Any) -> None:
    done = fields["status"] == LinkageRun.Status.DONE
    fields.update(
        processed=LinkageRun.STAGES if done else run.processed,
        seconds=round(time.perf_counter() - started, 2),
        finished_at=timezone.now(),
    )
    for name, value in fields.items():
        setattr(run, name, value)
    LinkageRun.objects.filter(pk=run.pk).update(**fields)


def linkage_job_run(*, run_id: int) -> None:
    """A run started from a page or after a load: failures are recorded on the run."""
    run = LinkageRun.objects.select_related("started_by").get(pk=run_id)
    try:
        linkage_run(run=run, actor=run.started_by)
    except ApplicationError:
        return  # recorded on the run, shown on its page
    except Exception as error:  # the page must say it failed rather than spin for ever
        log.exception("linkage run %s failed", run_id)
        LinkageRun.objects.filter(pk=run_id).update(
            message=f"The run stopped with an unexpected error ({type(error).__name__}). "
            "Nothing was changed."
        )


# --- The demo ---------------------------------------------------------------------------------


def link_demo_records(*, persons: list[Person], seed: int) -> LinkageRun | None:
    """The demo's agencies' records reach its persons as real ones would: by linkage.

    The demo writes each record against the person it was made from; here those links are
    forgotten and the linkage run decides them, so uncertain ones wait in the review queue.
    Too few records to train a model on (a very small demo) leaves the demo's own links.
    """
    records = SourceRecord.objects.filter(
        person__in=persons, match_status=MatchStatus.AUTOMATIC, match_probability=0.999
    )
    total = SourceRecord.objects.count()
    try:
        model = matching.current_model()
    except ModelError:
        model = None
    if total < MIN_RECORDS_TO_TRAIN and model is None:
        return None
    unlinked = records.update(person=None, match_status=MatchStatus.REVIEW, match_probability=None)
    audit.record(
        actor=None,
        action=Action.UPDATE,
        object_type="demo.records",
        object_id=str(seed),
        persons=persons,
        purpose="demo data",
        detail={"records_left_to_linkage": unlinked},
    )
    run = run_start(actor=None, trigger=LinkageRun.Trigger.DEMO)
    return linkage_run(run=run, actor=None, seed=seed)
