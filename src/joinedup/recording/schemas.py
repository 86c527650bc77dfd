from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


class NoteIn(Schema):
    kind: str = Field(description="home_visit, office_visit, phone_call, message, ...")
    occurred_on: date
    what_happened: str
    who_was_seen: str = ""
    child_seen: bool | None = None
    child_seen_alone: bool | None = None
    what_next: str = ""
    visibility: str = Field("", description="organisation, team or family; blank: the default")
    significant: bool = False


class NoteEditIn(NoteIn):
    expected_version: int


class NoteOut(Schema):
    id: int
    person_id: int | None
    episode_id: int | None
    organisation: str
    author: str
    kind: str
    occurred_on: date
    who_was_seen: str
    child_seen: bool | None
    child_seen_alone: bool | None
    what_happened: str
    what_next: str
    visibility: str
    significant: bool
    version: int


class DocumentOut(Schema):
    id: int
    title: str
    organisation: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    visibility: str
    uploaded_at: datetime
    invitation_id: int | None
    action_id: int | None
    download: str


class InviteeOut(Schema):
    id: int
    name: str
    practitioner_id: int | None
    person_id: int | None
    emailed: bool
    attendance: str


class InvitationOut(Schema):
    id: int
    episode_id: int
    kind: str
    starts_at: datetime
    ends_at: datetime
    place: str
    link: str
    status: str
    sequence: int
    version: int
    invitees: list[InviteeOut]


class RecordOut(Schema):
    notes: list[NoteOut]
    documents: list[DocumentOut]
    invitations: list[InvitationOut]
    lawful_basis: str


class InvitationIn(Schema):
    kind: str = Field(description="team or review")
    starts_at: datetime
    ends_at: datetime
    place: str = ""
    link: str = ""
    practitioner_ids: list[int] = []
    person_ids: list[int] = []


class InvitationChangeIn(Schema):
    expected_version: int
    starts_at: datetime
    ends_at: datetime
    place: str = ""
    link: str = ""


class RecordVersionIn(Schema):
    expected_version: int


class AttendanceIn(Schema):
    expected_version: int
    attendance: dict[int, str] = Field(description="invitee id: attended, apologies, ...")
