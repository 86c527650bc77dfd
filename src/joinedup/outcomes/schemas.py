"""One input and one output schema per endpoint of the outcomes API."""

from __future__ import annotations

from datetime import date

from ninja import Schema


class MeasurementIn(Schema):
    outcome_id: int
    score: int
    note: str = ""
    measured_on: date
    voice: str = "practitioner"
    person_id: int | None = None
    meeting_id: int | None = None


class FamilyMeasurementIn(Schema):
    outcome_id: int
    score: int
    note: str = ""
    picture_scale: bool = False
    # A family member records only their own view: these may be left out, and are refused
    # when they name anything else.
    voice: str | None = None
    person_id: int | None = None


class MeasurementOut(Schema):
    id: int
    outcome_id: int
    voice: str
    score: int
    note: str
    measured_on: date
    person_id: int | None
    meeting_id: int | None
    picture_scale: bool


class DistanceOut(Schema):
    first: int | None
    first_on: date | None
    latest: int | None
    latest_on: date | None
    change: int | None
    count: int


class VoiceDistanceOut(Schema):
    name: str
    distance: DistanceOut


class OutcomeDistanceOut(Schema):
    outcome_id: int
    text: str
    headlines: list[str]
    team: DistanceOut
    family: list[VoiceDistanceOut]


class EpisodeDistanceOut(Schema):
    episode_id: int
    reference: str
    team_change: float | None
    family_change: dict[str, float | None]
    outcomes: list[OutcomeDistanceOut]


class NeedIn(Schema):
    headline_id: int
    outcome_ids: list[int] = []
    identified_on: date | None = None
    note: str = ""
    assessment_id: int | None = None


class OutcomeIdOut(Schema):
    id: int


class PartOut(Schema):
    code: str
    label: str
    ok: bool
    detail: str


class NeedEvidenceOut(Schema):
    headline: str
    name: str
    met: bool
    sustained: bool
    detail: str
    relapse: str


class CheckOut(Schema):
    reference: str
    met: bool
    parts: list[PartOut]
    missing: list[str]
    needs: list[NeedEvidenceOut]


class SuccessfulOut(Schema):
    checked: int
    met: list[CheckOut]
    close: list[CheckOut]


class RowOut(Schema):
    key: str
    count: int | None
    value: float | None
    text: str


class FigureOut(Schema):
    code: str
    title: str
    formula: str
    headline: str
    rows: list[RowOut]


class DashboardOut(Schema):
    built_at: str | None
    period: str
    locality: str
    need: str
    figures: list[FigureOut]
