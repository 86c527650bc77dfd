"""Writing agencies' records: a whole file in one transaction, audited, safe to re-run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from joinedup.errors import ApplicationError
from joinedup.identity.records import ParsedFile, Problem
from joinedup.partnership.models import Organisation, Practitioner, Role
from joinedup.people.models import MatchStatus, Person, SourceRecord
from joinedup.sharing import audit
from joinedup.sharing.models import Action

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


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    problems: list[Problem] = field(default_factory=list)


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
    persons = {r.person_id for r in touched if r.person_id}
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
            "problems": len(report.problems),
        },
    )
    return report


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
    except (RecordFileError, ApplicationError) as error:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            message=str(getattr(error, "message", error)),
            problems=[vars(p) for p in (parsed.problems if parsed else [])][:500],
            finished_at=timezone.now(),
        )
        return
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.DONE,
        created=report.created,
        updated=report.updated,
        linked=report.linked,
        problems=[vars(p) for p in report.problems][:500],
        processed=len(parsed.rows),
        finished_at=timezone.now(),
    )
