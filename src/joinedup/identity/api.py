from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from joinedup.errors import ApplicationError, NotFound
from joinedup.identity import children, linkage_runs, review, services
from joinedup.identity.models import PersonMerge
from joinedup.identity.records import RecordFileError, parse
from joinedup.partnership.models import Organisation
from joinedup.people.models import Person
from joinedup.sharing import policy
from joinedup.web.http import AuthedRequest

router = Router(tags=["agency records"])


class ProblemOut(Schema):
    row: int
    column: str
    message: str


class LoadOut(Schema):
    created: int
    updated: int
    unchanged: int
    linked: int = Field(description="linked by an exact NHS number")
    matched: int = Field(description="linked to a known person by the real-time matcher")
    queued: int = Field(description="waiting for review in the queue")
    new_persons: int
    deferred: int = Field(description="left to a linkage run (POST /identity/linkage-runs)")
    problems: list[ProblemOut]


@router.post(
    "/agencies/{code}/records",
    response=LoadOut,
    summary="Load an agency's own records (CSV, XLSX or FHIR R4 Bundle)",
)
def load_records(
    request: AuthedRequest, code: str, file: File[UploadedFile], strict: Form[bool] = False
) -> Any:
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None or not services.may_load(request.user, organisation):
        # Security: another agency's load endpoint looks like a missing one.
        policy.refuse(request.user, object_type="identity.records_load", object_id=code)
        raise NotFound()
    try:
        parsed = parse(Path(file.name or "upload.csv"), file.read())
    except RecordFileError as error:
        raise ApplicationError(str(error), field="file") from None
    return services.records_load(
        actor=request.user, organisation=organisation, parsed=parsed, strict=strict
    )


class SamePersonDecisionIn(Schema):
    same: bool


class MergeIn(Schema):
    kept_person_id: int
    merged_person_id: int
    reason: str


class MergeOut(Schema):
    id: int
    kept_id: int
    merged_id: int
    undone_at: datetime | None


@router.get("/identity/candidates", summary="Pairs waiting for review")
def list_candidates(request: AuthedRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "source_record_id": c.source_record_id,
            "duplicate_person_id": c.duplicate_id,
            "person_id": c.person_id,
            "probability": c.probability,
            "match_weight": c.match_weight,
            "evidence": c.evidence,
        }
        for c in review.candidates_for(request.user).filter(status="pending")[:500]
    ]


@router.post("/identity/candidates/{candidate_id}/decision", summary="Same person or not")
def decide(request: AuthedRequest, candidate_id: int, body: SamePersonDecisionIn) -> dict[str, Any]:
    candidate = review.candidate_get(user=request.user, candidate_id=candidate_id)
    decided = review.candidate_decide(actor=request.user, candidate=candidate, same=body.same)
    return {"id": decided.pk, "status": decided.status}


@router.post("/identity/merges", response={201: MergeOut}, summary="Merge two persons")
def merge(request: AuthedRequest, body: MergeIn) -> Any:
    persons = Person.objects.in_bulk([body.kept_person_id, body.merged_person_id])
    if len(persons) != 2 or not review.may_review(request.user):
        raise ApplicationError("Choose two existing persons.", field="merged_person_id")
    return Status(
        201,
        review.person_merge(
            actor=request.user,
            kept=persons[body.kept_person_id],
            merged=persons[body.merged_person_id],
            reason=body.reason,
        ),
    )


@router.post("/identity/merges/{merge_id}/unmerge", response=MergeOut, summary="Undo a merge")
def unmerge(request: AuthedRequest, merge_id: int) -> Any:
    found = PersonMerge.objects.filter(pk=merge_id).first()
    if found is None or not review.may_review(request.user):
        raise NotFound()
    return review.person_unmerge(actor=request.user, merge=found)


class LinkageRunIn(Schema):
    automatic: float | None = Field(None, description="default JOINEDUP_LINK_AUTOMATIC")
    review: float | None = Field(None, description="default JOINEDUP_LINK_REVIEW")


class LinkageRunOut(Schema):
    id: int
    status: str
    stage: str
    percent: int
    automatic_threshold: float
    review_threshold: float
    records: int
    pairs: int
    persons_created: int
    linked: int
    queued: int
    unchanged: int
    candidates_created: int
    candidates_removed: int
    seconds: float
    message: str
    started_at: datetime
    finished_at: datetime | None


@router.post(
    "/identity/linkage-runs",
    response={202: LinkageRunOut},
    summary="Link the database's agency records into persons (a background run)",
)
def start_linkage(request: AuthedRequest, body: LinkageRunIn) -> Any:
    run = linkage_runs.run_start_for(
        user=request.user, trigger="api", automatic=body.automatic, review=body.review
    )
    return Status(202, run)


@router.get(
    "/identity/linkage-runs/{run_id}", response=LinkageRunOut, summary="A linkage run's progress"
)
def get_linkage(request: AuthedRequest, run_id: int) -> Any:
    return linkage_runs.run_get(user=request.user, run_id=run_id)


# --- The consistent child identifier ----------------------------------------------------------


class ChildIdentifierOut(Schema):
    id: int
    reference: str
    given_name: str
    family_name: str
    date_of_birth: str | None
    nhs_number: str
    nhs_number_status: str = Field(description="verified (traced), unverified or absent")
    nhs_number_absent_reason: str = Field(
        description="unreasonable_delay, detrimental, or empty when a number is recorded"
    )


class ChildIdentifierPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[ChildIdentifierOut]


class ChildNhsNumberIn(Schema):
    nhs_number: str = ""
    verified: bool = False
    absent_reason: str = Field("", description="unreasonable_delay or detrimental")


class TraceIn(Schema):
    given_name: str = ""
    family_name: str = ""
    date_of_birth: str = Field("", description="YYYY-MM-DD")
    sex: str = ""
    postcode: str = ""
    address: str = ""
    nhs_number: str = ""


class TraceCandidateOut(Schema):
    person_id: int
    reference: str
    probability: float


class TraceOut(Schema):
    outcome: str = Field(
        description="match, potential_match, low_confidence, many_matches or no_match"
    )
    candidates: list[TraceCandidateOut]


def _child_out(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "reference": person.reference,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "nhs_number": person.nhs_number,
        "nhs_number_status": str(person.nhs_number_status),
        "nhs_number_absent_reason": person.nhs_number_absent_reason,
    }


@router.get(
    "/identity/children-without-verified-nhs-number",
    response=ChildIdentifierPageOut,
    summary="Children my agency works with whose NHS number is unverified or absent",
)
def list_children(request: AuthedRequest, status: str = "", page: int = 1) -> dict[str, Any]:
    if status not in ("", "unverified", "absent"):
        raise ApplicationError("status must be unverified, absent or empty.", field="status")
    found = children.children_without_verified_nhs_number(
        user=request.user, status=status, page=page
    )
    return {
        "count": found.paginator.count,
        "page": found.number,
        "pages": found.paginator.num_pages,
        "items": [_child_out(person) for person in found.object_list],
    }


@router.put(
    "/identity/children/{person_id}/nhs-number",
    response=ChildIdentifierOut,
    summary="Record a child's NHS number, whether it was traced, or why it is not recorded",
)
def record_child_nhs_number(
    request: AuthedRequest, person_id: int, body: ChildNhsNumberIn
) -> dict[str, Any]:
    person = children.child_get(user=request.user, person_id=person_id)
    saved = children.child_nhs_number_record(
        actor=request.user,
        person=person,
        nhs_number=body.nhs_number,
        verified=body.verified,
        absent_reason=body.absent_reason,
    )
    return _child_out(saved)


@router.post(
    "/identity/trace",
    response=TraceOut,
    summary="Trace a child's details against the persons I may see",
)
def trace_child(request: AuthedRequest, body: TraceIn) -> dict[str, Any]:
    found = children.trace(user=request.user, details=body.dict())
    return {
        "outcome": found.outcome,
        "candidates": [
            {"person_id": p.pk, "reference": p.reference, "probability": m.probability}
            for p, m in found.candidates
        ],
    }
