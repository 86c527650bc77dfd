from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from joinedup.partnership import selectors

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
