from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from joinedup.partnership import selectors, services
from joinedup.partnership.staff import read_staff_file

router = Router(tags=["partnership"])


class TeamOut(Schema):
    id: int
    name: str
    is_front_door: bool


class OrganisationOut(Schema):
    id: int
    code: str
    name: str
    sector: str
    locality: str
    email: str
    telephone: str
    teams: list[TeamOut]


@router.get("", response=list[OrganisationOut], summary="The partnership directory")
def list_organisations(request: HttpRequest, sector: str = "") -> list[dict]:
    return [
        {
            "id": o.pk,
            "code": o.code,
            "name": o.name,
            "sector": o.sector,
            "locality": o.locality,
            "email": o.email,
            "telephone": o.telephone,
            "teams": [TeamOut.from_orm(t) for t in o.teams.all()],
        }
        for o in selectors.directory(sector=sector)
    ]


class RowErrorOut(Schema):
    row: int
    field: str
    message: str


class HandoverOut(Schema):
    email: str
    episodes_led: list[str]
    open_actions: list[int]
    requests: list[str]


class StaffLoadOut(Schema):
    rows: int
    created: list[str]
    updated: list[str]
    deactivated: list[str]
    handover: list[HandoverOut]


class StaffLoadErrorOut(Schema):
    message: str
    field: str
    errors: list[RowErrorOut]


@router.post(
    "/staff",
    response={200: StaffLoadOut, 422: StaffLoadErrorOut},
    summary="Load practitioners from CSV or XLSX (administrators); nothing is written if any "
    "row is wrong",
)
def load_staff(
    request: HttpRequest, file: File[UploadedFile], deactivate_missing: Form[bool] = False
) -> Status:
    rows = read_staff_file(file.name or "", file.read())
    report = services.staff_load(
        actor=request.user, rows=rows, deactivate_missing=deactivate_missing
    )
    if not report.ok:
        first = report.errors[0]
        return Status(
            422,
            {
                "message": first.message,
                "field": first.field,
                "errors": [vars(e) for e in report.errors],
            },
        )
    return Status(
        200,
        {
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "deactivated": report.deactivated,
            "handover": [
                {
                    "email": h.practitioner.email,
                    "episodes_led": [e.reference for e in h.episodes_led],
                    "open_actions": [a.pk for a in h.open_actions],
                    "requests": [r.reference for r in h.requests],
                }
                for h in report.handover
            ],
        },
    )
