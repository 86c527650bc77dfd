from __future__ import annotations

from datetime import date

from ninja import Schema


class PersonSummaryOut(Schema):
    id: int
    reference: str
    given_name: str
    family_name: str
    date_of_birth: date | None
    kind: str


class PersonPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[PersonSummaryOut]


class RelativeOut(Schema):
    id: int | None
    name: str
    relationship: str
    parental_responsibility: bool


class InvolvementOut(Schema):
    organisation: str
    organisation_code: str
    service: str
    kind: str
    started_on: date
    contact: str | None
    flags: list[str]


class PersonOut(PersonSummaryOut):
    age: int | None
    sex: str
    relatives: list[RelativeOut]
    involvements: list[InvolvementOut]
    lawful_basis: str
