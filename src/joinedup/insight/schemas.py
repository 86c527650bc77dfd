"""One input and one output schema per partnership-health endpoint."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class BuildOut(Schema):
    id: int
    status: str
    as_of: date
    started_at: datetime
    finished_at: datetime | None
    step: int
    steps: int
    stage: str
    message: str


class NodeOut(Schema):
    key: str
    label: str
    sector: str
    locality: str
    ties: int
    strength: float
    share_of_strength: float
    meetings_strength: float
    caseload: int
    shared_caseload: int
    betweenness: float
    community: int | None
    referrals_sent: int
    referrals_received: int


class NetworkOut(Schema):
    build_id: int
    period_days: int
    period_start: date
    period_end: date
    nodes_are: str
    locality: str
    localities: list[str]
    summary: dict[str, Any]
    nodes: list[NodeOut]
    nodes_total: int
    page: int
    ties: list[dict[str, Any]]
    ties_total: int


class VoiceOut(Schema):
    build_id: int
    period_days: int
    period_start: date
    period_end: date
    group_by: str
    groups: list[dict[str, Any]]
    concentration: dict[str, Any]
    flagged: list[str]


class ContinuumOut(Schema):
    build_id: int
    period_days: int
    period_start: date
    period_end: date
    teams: dict[str, Any] = Field(description="Teams around families by stage: counts only")
    pair_stages: list[dict[str, Any]]
    pairs: list[dict[str, Any]]
    pairs_total: int


class DiscussionOut(Schema):
    action_agreed: str
    discussed_on: date
    recorded_by: str
    recorded_at: datetime


class PromptOut(Schema):
    id: int
    kind: str
    title: str
    text: str
    metric: str
    evidence: dict[str, Any]
    link: str
    active: bool
    discussions: list[DiscussionOut]


class DiscussedIn(Schema):
    action_agreed: str
    discussed_on: date | None = None


class InstrumentOut(Schema):
    key: str
    title: str
    version: str
    kind: str
    licence: str
    shipped: bool


class RoundIn(Schema):
    instrument: str = Field(description="The instrument's key, id@version")
    name: str
    opens_on: date
    closes_on: date


class RoundOut(Schema):
    id: int
    name: str
    slug: str
    instrument: str
    opens_on: date
    closes_on: date
    status: str
    people_answered: int
    reminders_sent: int


class RoundResultsOut(Schema):
    round: RoundOut
    build_id: int | None
    group_by: str
    results: dict[str, Any] | None
    trend: dict[str, Any] | None


class RemindedOut(Schema):
    reminded: int


class ItemOut(Schema):
    id: str
    text: str
    theme: str | None
    scale: list[dict[str, Any]]


class OpenRoundOut(Schema):
    name: str
    slug: str
    title: str
    kind: str
    closes_on: date
    answered: bool
    items: list[ItemOut]


class AnswersIn(Schema):
    answers: dict[str, int | None] = Field(
        description="Item id → a value on the item's scale, or null for don't know"
    )
    partner_id: int | None = Field(
        default=None, description="Partner surveys: the organisation being rated"
    )


class AnsweredOut(Schema):
    message: str
