from __future__ import annotations

from pathlib import Path
from typing import Any

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from joinedup.errors import ApplicationError, NotFound
from joinedup.identity import services
from joinedup.identity.records import RecordFileError, parse
from joinedup.partnership.models import Organisation
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
    linked: int
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
