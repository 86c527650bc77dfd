"""Subject access over JSON: the data-protection officer's export, the same as the page's.

Register in api/api.py with `api.add_router("", sharing_records_router)`. Security: anyone but a
data-protection officer, and any missing person, gets the same 404 (audited).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Router, Schema

from joinedup.records import subject_access
from joinedup.web.http import AuthedRequest

router = Router(tags=["data protection"])


class SubjectAccessOut(Schema):
    """Schema "joinedup.subject-access", version 1: docs/sharing.md describes every key."""

    schema_: str = Field(alias="schema", description='Always "joinedup.subject-access"')
    version: int
    generated_at: datetime
    redaction: dict[str, str]
    person: dict[str, Any]
    families: list[dict[str, Any]]
    relationships: list[dict[str, Any]]
    source_records: list[dict[str, Any]]
    involvements: list[dict[str, Any]]
    requests_for_support: list[dict[str, Any]]
    episodes: list[dict[str, Any]]
    chronology: list[dict[str, Any]]
    pattern_alerts: list[dict[str, Any]]
    consent_records: list[dict[str, Any]]
    sharing_decisions: list[dict[str, Any]]
    sharing_notices: list[dict[str, Any]]
    emergency_access: list[dict[str, Any]]
    legal_holds: list[dict[str, Any]]
    access_history: list[dict[str, Any]]


@router.get(
    "/people/{person_id}/subject-access",
    response=SubjectAccessOut,
    by_alias=True,
    summary="Everything held about one person (data-protection officers only)",
    description=(
        "The subject access export: the person's details, family and relationships (other "
        'people redacted as "[another person]"), agencies\' records, involvements, requests, '
        "episodes, chronology, consent and sharing records, emergency access and who has "
        "accessed the record. Recorded as an export of the person's record."
    ),
)
def subject_access_json(request: AuthedRequest, person_id: int) -> dict[str, Any]:
    export = subject_access.subject_access_export(
        user=request.user, person_id=person_id, format="json"
    )
    return export.data
