from __future__ import annotations

from datetime import date

from ninja import Field, Schema


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
    service: str = Field(description='"Withheld" when no lawful basis opens the detail')
    kind: str
    started_on: date
    contact: str | None
    flags: list[str]


class OpenEpisodeOut(Schema):
    reference: str
    status: str
    opened_on: date
    lead_professional: str
    lead_organisation: str
    lead_email: str
    episode_id: int | None = Field(
        description="Only for the team itself; others contact the lead professional"
    )


class PersonOut(PersonSummaryOut):
    age: int | None
    sex: str
    address: str = Field(description='"Withheld" when the address is confidential to this reader')
    postcode: str
    relatives: list[RelativeOut]
    involvements: list[InvolvementOut]
    open_episodes: list[OpenEpisodeOut]
    lawful_basis: str
