"""One input and one output schema per endpoint of the directory's JSON API."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class ServiceOut(Schema):
    id: int
    oruk_id: str
    name: str
    organisation: str
    description: str
    eligibility_description: str
    minimum_age: int | None
    maximum_age: int | None
    is_free: bool
    fees_description: str
    telephone: str
    email: str
    takes_referrals: bool
    taxonomy_terms: list[str]
    locations: list[str]


class ReferralIn(Schema):
    service_id: int
    person_id: int
    episode_id: int | None = None
    request_id: int | None = None
    asked: str = Field(min_length=1, max_length=4000)
    urgency: str
    family_agreed: bool
    shared: list[str]
    contact: str = Field("", max_length=300)


class ReferralStatusIn(Schema):
    status: str
    reason: str = Field("", max_length=2000)
    what_changed: str = Field("", max_length=4000)
    expected_version: int | None = None


class ReferralEventOut(Schema):
    status: str
    at: datetime
    by: str
    text: str


class ReferralOut(Schema):
    id: int
    reference: str
    service_id: int
    service: str
    organisation: str
    person_id: int
    episode_id: int | None
    request_id: int | None
    asked: str
    urgency: str
    shared: list[str]
    status: str
    reason: str
    what_changed: str
    sent_at: datetime
    first_contact_at: datetime | None
    lawful_basis: str
    version: int
    events: list[ReferralEventOut]
