"""Writing agencies' records: a whole file in one transaction, audited, safe to re-run."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.errors import ApplicationError
from joinedup.identity.records import ParsedFile, Problem
from joinedup.partnership.models import Organisation, Practitioner, Role
from joinedup.people.models import MatchStatus, Person, SourceRecord

FIELDS = [
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "address",
    "postcode",
    "nhs_number",
    "upn",
]
BATCH = 2000
log = logging.getLogger(__name__)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0  # by NHS number
    matched: int = 0  # by the real-time matcher, to a known person
    queued: int = 0  # waiting for review
    new_persons: int = 0
    deferred: int = 0  # left to a linkage run (too many to match one by one, or no model)
    problems: list[Problem] = field(default_factory=list)
    persons: set[int] = field(default_factory=set)


def may_load(actor: Practitioner | None, organisation: Organisation) -> bool:
    """An agency's data lead loads that agency's records; the command line runs as operator."""
    if actor is None:
        return True
    return actor.is_superuser or (
        actor.organisation_id == organisation.pk and actor.has_role(Role.Code.AGENCY_DATA_LEAD)
    )


def _link_by_nhs_number(records: list[SourceRecord]) -> int:
    """Exact NHS number matches are certain enough to link now; the rest wait for linkage."""
    numbers = {r.nhs_number for r in records if r.nhs_number and r.person_id is None}
    if not numbers:
        return 0
    by_number = dict(Person.objects.filter(nhs_number__in=numbers).values_list("nhs_number", "pk"))
    linked = []
    for record in records:
        if record.person_id is None and record.nhs_number in by_number:
            record.person_id = by_number[record.nhs_number]
            record.match_status, record.match_probability = MatchStatus.AUTOMATIC, 1.0
            linked.append(record)
    SourceRecord.objects.bulk_update(linked, ["person", "match_status", "match_probability"])
    return len(linked)


@transaction.atomic
def records_load(
    *,
    actor: Practitioner | None,
    organisation: Organisation,
    parsed: ParsedFile,
    strict: bool = False,
    progress: Callable[[int, int], Any] | None = None,
) -> LoadReport:
    """Insert new records and update changed ones, keyed by the agency's own id."""
    if not may_load(actor, organisation):
        raise ApplicationError("Only the agency's data lead can load its records.", field="agency")
    if strict and parsed.problems:
        shown = "; ".join(str(p) for p in parsed.problems[:5])
        more = f" (and {len(parsed.problems) - 5} more)" if len(parsed.problems) > 5 else ""
        raise ApplicationError(f"The file was not loaded: {shown}{more}.", field="file")
    report = LoadReport(problems=list(parsed.problems))
    # Taken before anything is written, so the shared index holds only committed records.
    index = _matching_index()
    total = len(parsed.rows)
    touched: list[SourceRecord] = []
    for start in range(0, total, BATCH):
        batch = parsed.rows[start : start + BATCH]
        existing = {
            r.agency_record_id: r
            for r in SourceRecord.objects.filter(
                organisation=organisation,
                agency_record_id__in=[row["agency_record_id"] for row in batch],
            )
        }
        new, changed = [], []
        for row in batch:
            record = existing.get(row["agency_record_id"])
            if record is None:
                new.append(
                    SourceRecord(organisation=organisation, match_status=MatchStatus.REVIEW, **row)
                )
            elif any(getattr(record, f) != row[f] for f in FIELDS):
                for f in FIELDS:
                    setattr(record, f, row[f])
                changed.append(record)
            else:
                report.unchanged += 1
        SourceRecord.objects.bulk_create(new)
        SourceRecord.objects.bulk_update(changed, FIELDS)
        report.created += len(new)
        report.updated += len(changed)
        touched += new
        if progress:
            progress(min(start + BATCH, total), total)
    if touched and touched[0].pk is None:  # backends that do not return ids from bulk_create
        ids = [r.agency_record_id for r in touched]
        touched = list(
            SourceRecord.objects.filter(organisation=organisation, agency_record_id__in=ids)
        )
    report.linked = _link_by_nhs_number(touched)
    if report.updated:
        _details_changed()
    _match_new_records(index, [r for r in touched if r.person_id is None], report)
    persons = {r.person_id for r in touched if r.person_id} | report.persons
    audit.record(
        actor=actor,
        action=Action.CREATE,
        object_type="identity.records_load",
        object_id=organisation.code,
        persons=persons,
        purpose="agency records load",
        detail={
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "linked": report.linked,
            "matched": report.matched,
            "queued": report.queued,
            "new_persons": report.new_persons,
            "deferred": report.deferred,
            "problems": len(report.problems),
        },
    )
    return report


def _details_changed() -> None:
    """Agencies' details changed: every process's real-time index rebuilds on its next use."""
    from django.db.models import F

    from joinedup.identity.models import IdentityState

    IdentityState.objects.get_or_create(pk=1)
    IdentityState.objects.filter(pk=1).update(generation=F("generation") + 1)


def _matching_index() -> Any:
    from joinedup.identity import matching

    return matching.index()


def _match_new_records(index: Any, records: list[SourceRecord], report: LoadReport) -> None:
    """Each new record against every person known, as it arrives (ADR 0003, docs/identity.md).

    Linked at or above the automatic threshold; a candidate for review at or above the review
    threshold; otherwise a new person. Records of one file find each other: a record is
    matched against the ones before it in the file as well. A large load, or one before any
    model exists, is left to a linkage run (`deferred`), which links a batch far faster.
    """
    from joinedup.identity import conf, linking, matching, nodes
    from joinedup.identity.clustering import RECORD, node_id
    from joinedup.identity.linkage.realtime import RealtimeMatcher
    from joinedup.identity.models import MatchCandidate

    if not records:
        return
    settings = conf.linkage_settings()
    if index is None or len(records) > settings.realtime_max_records:
        report.deferred = len(records)
        return
    records = sorted(records, key=lambda r: r.pk)
    codes = nodes.organisation_codes()
    rows = nodes.record_rows(
        [(r.pk, r.organisation_id, r.agency_record_id, *_details(r)) for r in records], codes
    )
    this_file = RealtimeMatcher(index.matcher.model, nodes.details_table(rows), tf=index.matcher.tf)
    overrides: dict[int, int | None] = {}
    candidates: list[MatchCandidate] = []
    review, automatic = settings.thresholds.review, settings.thresholds.automatic
    for record in records:
        node = node_id(RECORD, record.pk)
        details = dict(zip(nodes.DETAILS, _details(record), strict=True))
        found = index.candidates(details, min_probability=review) + [
            c
            for c in this_file.match(
                {k: nodes.text(v) for k, v in details.items()}, min_probability=review
            )
            if c.unique_id in overrides
        ]
        matches = matching.to_persons(
            found,
            prior_match_weight=index.matcher.prior_match_weight,
            overrides=overrides,
            exclude_nodes=frozenset({node}),
        )
        best = matches[0] if matches else None
        if best is not None and best.probability >= automatic and not best.needs_review:
            record.person_id, record.match_probability = best.person_id, best.probability
            record.match_status = MatchStatus.AUTOMATIC
            report.matched += 1
        elif best is not None:
            record.person_id, record.match_probability = None, best.probability
            record.match_status = MatchStatus.REVIEW
            candidates += [
                MatchCandidate(
                    source_record=record,
                    person_id=m.person_id,
                    probability=min(1.0, m.probability),
                    match_weight=m.match_weight,
                    evidence=m.evidence,
                )
                for m in matches[:3]
            ]
            report.queued += 1
        else:
            record.person_id = linking.person_for_record(record).pk
            record.match_status, record.match_probability = MatchStatus.AUTOMATIC, None
            report.new_persons += 1
        overrides[node] = record.person_id
        report.persons |= {m.person_id for m in matches[:3]} | (
            {record.person_id} if record.person_id else set()
        )
    linking.save_links([(r.person_id, r.match_status, r.match_probability, r.pk) for r in records])
    MatchCandidate.objects.bulk_create(candidates)


def _details(record: SourceRecord) -> tuple[Any, ...]:
    from joinedup.identity.nodes import DETAILS

    return tuple(getattr(record, name) for name in DETAILS)


def import_job_run(*, job_id: int, path: str, data: bytes) -> None:
    """Run one upload: parse, load, and record progress and the outcome on the job."""
    from pathlib import Path

    from django.utils import timezone

    from joinedup.identity.models import ImportJob
    from joinedup.identity.records import RecordFileError, parse

    job = ImportJob.objects.select_related("organisation", "uploaded_by").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed=done, total=total)

    parsed = None
    try:
        parsed = parse(Path(path), data)
        ImportJob.objects.filter(pk=job_id).update(total=len(parsed.rows))
        report = records_load(
            actor=job.uploaded_by,
            organisation=job.organisation,
            parsed=parsed,
            strict=job.strict,
            progress=progress,
        )
    except Exception as error:
        if isinstance(error, RecordFileError | ApplicationError):
            message = str(getattr(error, "message", error))
        else:  # a job that fails must say so, never stay "running"
            log.exception("import job %s failed", job_id)
            message = f"The file could not be loaded: an unexpected {type(error).__name__}."
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            message=message,
            problems=[vars(p) for p in (parsed.problems if parsed else [])][:500],
            finished_at=timezone.now(),
        )
        return
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.DONE,
        created=report.created,
        updated=report.updated,
        linked=report.linked,
        matched=report.matched,
        queued=report.queued,
        new_persons=report.new_persons,
        deferred=report.deferred,
        problems=[vars(p) for p in report.problems][:500],
        processed=len(parsed.rows),
        finished_at=timezone.now(),
    )
    if report.deferred:
        _link_after_load(job)


def _link_after_load(job: Any) -> None:
    """Records too many to match one by one are linked by a run, watched from the load's page."""
    from joinedup.identity import linking
    from joinedup.identity.models import ImportJob, LinkageRun

    try:
        run = linking.run_start(actor=job.uploaded_by, trigger=LinkageRun.Trigger.LOAD)
    except ApplicationError as error:  # one is already running: the next run links these
        ImportJob.objects.filter(pk=job.pk).update(message=error.message)
        return
    ImportJob.objects.filter(pk=job.pk).update(linkage_run=run)
    linking.linkage_job_run(run_id=run.pk)
