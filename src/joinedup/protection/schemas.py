"""API input and output of the child-protection path."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Field, Schema


class CpIdOut(Schema):
    id: int


class AttendeeIn(Schema):
    name: str
    agency: str = Field(description="education, social_work, health, police or other")


class TeamIn(Schema):
    name: str
    area: str


class TeamMemberIn(Schema):
    practitioner_id: int
    agency: str
    nominated_by_icb: bool = False


class CpTeamOut(Schema):
    id: int
    name: str
    area: str
    members: list[dict[str, Any]]
    missing_memberships: list[str]


class CaseOpenIn(Schema):
    child_id: int
    lead_practitioner_id: int
    referral_date: date
    cp_team_id: int | None = None
    referral_source: str = ""
    primary_need: str = ""
    ethnicity: str = ""
    disabilities: list[str] = Field(default_factory=list)


class CpHandoverIn(Schema):
    to_practitioner_id: int
    reason: str


class StrategyIn(Schema):
    held_on: date
    attendees: list[AttendeeIn]
    decision: str = Field(description="s47, cin or nfa")
    reasons: str


class EnquiryStartIn(Schema):
    started_on: date


class EnquiryOutcomeIn(Schema):
    outcome: str = Field(description="conference, cin or nfa")
    reasons: str
    completed_on: date


class ConferenceIn(Schema):
    kind: str = Field(description="initial or review")
    held_on: date
    attendees: list[AttendeeIn]
    decision: str = Field(description="plan or no_plan (initial); continue or end (review)")
    family_views: str = ""
    child_views: str = ""
    reports: dict[str, str] = Field(default_factory=dict, description="agency: report")
    category: str = Field("", description="NEG, PHY, EMO, SAB or MUL")
    late_reason: str = ""


class CpActionIn(Schema):
    owner_member_id: int
    text: str
    due_on: date


class CoreGroupIn(Schema):
    held_on: date
    attended: str
    notes: str = ""


class StepDownIn(Schema):
    to_practitioner_id: int
    reason: str
    closed_on: date
    closure_reason: str = Field(description="a CIN census reason for closure, RC1 to RC9")


class AssessmentStartIn(Schema):
    started_on: date
    social_worker_id: int
    summary: str = ""


class AssessmentAuthoriseIn(Schema):
    authorised_on: date
    factors: list[str] = Field(
        description="Census codes of the factors identified at the end of the assessment, "
        "like 4B or 16A; 21 (no factors identified) only on its own"
    )
    summary: str = ""


class CinPlanStartIn(Schema):
    started_on: date
    ended_on: date | None = None


class CinPlanEndIn(Schema):
    ended_on: date


class NetworkMemberIn(Schema):
    name: str
    relationship: str
    contact: str = ""
    parental_responsibility: bool = False


class OfferIn(Schema):
    offered_on: date
    to_member_ids: list[int]
    in_letter_before_proceedings: bool = False


class AnswerIn(Schema):
    answer: str = Field(description="accepted or declined")
    answered_on: date


class CpMeetingIn(Schema):
    held_on: date
    attended_member_ids: list[int] = Field(default_factory=list)
    child_participation: str = Field(description="attended, part, views or not")
    family_plan: str


class ExemptionIn(Schema):
    reasons: str
    decided_on: date


class ProceedingsIn(Schema):
    applied_on: date


class CaseOut(Schema):
    id: int
    child_id: int
    episode_id: int
    status: str
    lead_practitioner_id: int
    referral_date: date
    assessments: list[dict[str, Any]]
    cin_plans: list[dict[str, Any]]
    strategy_discussions: list[dict[str, Any]]
    enquiries: list[dict[str, Any]]
    conferences: list[dict[str, Any]]
    plan: dict[str, Any] | None
    timescales: list[dict[str, Any]]
    warnings: list[str]
    family_network: list[dict[str, Any]]
    fgdm_offers: list[dict[str, Any]]
    fgdm_meetings: list[dict[str, Any]]


class FailureOut(Schema):
    child: str
    rule: str
    kind: str
    table: str
    field: str
    value: str
    message: str


class CensusOut(Schema):
    year: int
    children: int
    valid: bool
    failures: list[FailureOut]
