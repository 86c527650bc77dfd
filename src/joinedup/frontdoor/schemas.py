from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from joinedup.core.locking import version_field


class NewPersonIn(Schema):
    given_name: str
    family_name: str
    kind: str = Field(pattern="^(child|adult)$")
    date_of_birth: date | None = None
    sex: str = "unknown"


class RequestIn(Schema):
    immediate_risk: bool
    person_ids: list[int] = []
    new_persons: list[NewPersonIn] = []
    concern: str
    needs: list[str] = Field(default=[], description="Outcome category codes")
    family_wants: str = ""
    family_agreement: str = Field(pattern="^(yes|no|not_asked)$")
    not_asked_reason: str = ""
    contact_telephone: str = ""
    contact_email: str = ""


class PersonRef(Schema):
    id: int
    given_name: str
    family_name: str
    date_of_birth: date | None


class DecisionOut(Schema):
    outcome: str
    reasons: str
    decided_at: datetime
    within_timescale: bool | None


class RequestOut(Schema):
    id: int
    reference: str
    status: str
    rating: str
    immediate_risk: bool | None
    received_at: datetime | None
    due_at: datetime | None
    concern: str
    family_agreement: str
    persons: list[PersonRef]
    decision: DecisionOut | None
    episode_id: int | None
    version: int


class QueueItemOut(Schema):
    request: RequestOut
    working_hours_left: float | None
    overdue: bool


class RatingIn(Schema):
    rating: str
    reason: str
    expected_version: int = version_field()


class TriageDecisionIn(Schema):
    outcome: str
    reasons: str
    lead_professional_id: int | None = None
    expected_version: int = version_field()


class RatingFiguresOut(Schema):
    rating: str
    received: int
    decided: int
    within_timescale: int
    within_timescale_percent: float | None
    median_working_hours_to_decision: float | None
