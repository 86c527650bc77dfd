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


class FamilyNewPersonIn(Schema):
    given_name: str
    family_name: str
    kind: str
    date_of_birth: date | None = None
    sex: str = "unknown"
    postcode: str = ""


class FamilyMemberIn(Schema):
    """Someone in the family: an existing person (`person_id`) or someone new (`new_person`).
    For someone new, probable matches are offered first (409) unless `confirm_new` is true."""

    relationship: str = Field(description="How they are related: they are the person's ...")
    person_id: int | None = None
    new_person: FamilyNewPersonIn | None = None
    confirm_new: bool = False
    parental_responsibility: bool = False
    parental_responsibility_basis: str = ""
    lives_with_since: date | None = None


class RelationshipOut(Schema):
    id: int
    person_id: int
    relative_id: int
    kind: str
    parental_responsibility: bool
    parental_responsibility_basis: str
    started_on: date | None
    ended_on: date | None


class ProbableMatchOut(Schema):
    id: int
    name: str
    date_of_birth: date | None
    probability: float


class ProbableMatchesErrorOut(Schema):
    """The error shape (message, field) with the persons who are probably the same."""

    message: str
    field: str
    matches: list[ProbableMatchOut]


class EndIn(Schema):
    ended_on: date


class MoveInIn(Schema):
    moved_in_on: date
    moved_out_on: date | None = None


class MoveOutIn(Schema):
    moved_out_on: date


class CoResidentOut(Schema):
    name: str
    moved_in_on: date
    moved_out_on: date | None


class HomeOut(Schema):
    id: int
    household_id: int
    moved_in_on: date
    moved_out_on: date | None
    others: list[CoResidentOut]
