"""Presentation: the same content as headed sections, for the page and the PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

LABELS: dict[str, str] = {
    "person": "Details",
    "families": "Family",
    "relationships": "Relationships",
    "source_records": "Agencies' own records",
    "involvements": "Organisations working with this person",
    "requests_for_support": "Requests for support",
    "episodes": "Episodes of support (team around the family)",
    "chronology": "Chronology",
    "pattern_alerts": "Pattern alerts",
    "referrals": "Referrals to services",
    "consent_records": "Consent to share information",
    "sharing_decisions": "Decisions to share, or not to share, information",
    "sharing_notices": "Whether the family was told of a share",
    "emergency_access": "Emergency access (break-glass)",
    "legal_holds": "Legal holds",
    "access_history": "Who has accessed this record",
    "given_name": "First name",
    "family_name": "Last name",
    "date_of_birth": "Date of birth",
    "nhs_number": "NHS number",
    "unique_pupil_number": "Unique pupil number",
    "agency_record_id": "Agency's record number",
    "other_members": "Other members",
    "lives_in_household": "Lives in the household",
    "other_people_in_request": "Other people in this request",
    "other_people_in_episode": "Other people in this episode",
    "how_it_started": "How it started",
    "critical_incidents": "Critical incidents",
    "feedback_at_closure": "The family's feedback at closure",
    "rating_1_to_5": "How much the help made a difference (1 to 5)",
    "status_history": "Status changes",
    "lead_handovers": "Changes of lead professional",
    "carers_words": "Parents' and carers' words",
    "child_words": "The child's words",
    "family_said": "What the family said",
    "not_done_reason": "Why not done",
    "not_asked_reason": "Why the family was not asked",
    "special_category_condition": "Special category condition",
}


def label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


@dataclass
class Block:
    """A headed part of the document: its fields (label, value), a table, and parts inside it."""

    heading: str
    level: int
    fields: list[tuple[str, str]] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    empty: str = ""
    last_column_numeric: bool = False


def show(value: Any) -> str:
    """A value as a person reads it: dates as "4 March 2026", yes or no, lists joined."""
    from joinedup.web.templatetags.joinedup import govuk_date

    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime | date):
        return govuk_date(value)
    if _is_reference_to_someone(value):
        if "who" in value:
            return f"{value['who']} ({value['role']})"
        extra = f" ({value['part']})" if value.get("part") else ""
        return f"{value['role']}, {value['organisation']}{extra}".strip(", ")
    if isinstance(value, list):
        return "; ".join(show(v) for v in value)
    return "" if value is None else str(value)


def _is_reference_to_someone(value: Any) -> bool:
    """A practitioner as role and organisation, or a team member of the family."""
    if not isinstance(value, dict):
        return False
    keys = set(value)
    return keys == {"who", "role"} or ({"role", "organisation"} <= keys <= PRACTITIONER_KEYS)


PRACTITIONER_KEYS = {"role", "organisation", "part"}


def _is_record_list(value: Any) -> bool:
    return isinstance(value, list) and any(
        isinstance(v, dict) and not _is_reference_to_someone(v) for v in value
    )


def _title(key: str, item: dict[str, Any], n: int) -> tuple[str, str]:
    """A heading for one record of a list, and the key it came from (not repeated below it)."""
    for name in TITLE_KEYS:
        value = item.get(name)
        if _is_reference_to_someone(value):
            return show(value), name
        if isinstance(value, str) and value and len(value) <= TITLE_MAX:
            when = next((item[k] for k in ("occurred_on", "held_on") if item.get(k)), None)
            return (f"{value}, {show(when)}" if when else value), name
    return f"{SINGULAR.get(key, label(key))} {n}", ""


# What names one record of a list, first found first; short text only.
TITLE_KEYS = (
    "reference",
    "title",
    "template",
    "organisation",
    "name",
    "what",
    "kind",
    "event",
    "decision",
    "who",
    "text",
)


TITLE_MAX = 90


SINGULAR = {
    "assessments": "Assessment",
    "actions": "Action",
    "meetings": "Meeting",
    "decisions": "Decision",
    "disagreements": "Disagreement",
    "emergency_access": "Emergency access",
    "consent_records": "Consent record",
    "sharing_decisions": "Decision",
}


def _fields_and_children(data: dict[str, Any], level: int, skip: str = "") -> Block:
    block = Block("", level)
    for key, value in data.items():
        if key == skip:
            continue
        if _is_record_list(value):
            block.children.append(_list_block(key, value, level + 1))
        elif isinstance(value, dict) and not _is_reference_to_someone(value):
            child = _fields_and_children(value, level + 1)
            child.heading = label(key)
            block.children.append(child)
        elif value not in (None, "", []):
            block.fields.append((label(key), show(value)))
    return block


TABLE_MAX_COLUMNS = 5


def _flat(item: dict[str, Any]) -> bool:
    return all(not isinstance(v, list | dict) or _is_reference_to_someone(v) for v in item.values())


def _list_block(key: str, items: list[dict[str, Any]], level: int) -> Block:
    """A list of records: a table when they are small and flat, otherwise a part for each."""
    block = Block(label(key), level, empty="None recorded.")
    keys = list(dict.fromkeys(k for item in items for k in item))
    if items and len(keys) <= TABLE_MAX_COLUMNS and all(_flat(i) for i in items):
        block.columns = [label(k) for k in keys]
        block.rows = [[show(item.get(k)) for k in keys] for item in items]
        return block
    for n, item in enumerate(items, start=1):
        heading, used = _title(key, item, n)
        child = _fields_and_children(item, level + 1, skip=used)
        child.heading = heading
        block.children.append(child)
    return block


ACCESS_COLUMNS = [
    ("date", "Date"),
    ("organisation", "Organisation"),
    ("role", "Role"),
    ("action", "Action"),
    ("purpose", "Purpose"),
    ("times", "Times"),
]


SECTION_KEYS = [
    "person",
    "families",
    "relationships",
    "source_records",
    "involvements",
    "requests_for_support",
    "episodes",
    "chronology",
    "pattern_alerts",
    "referrals",
    "consent_records",
    "sharing_decisions",
    "sharing_notices",
    "emergency_access",
    "legal_holds",
    "access_history",
]


def _access_block(rows: list[dict[str, Any]]) -> Block:
    return Block(
        label("access_history"),
        2,
        columns=[title for _, title in ACCESS_COLUMNS],
        rows=[[show(r[key]) for key, _ in ACCESS_COLUMNS] for r in rows],
        empty="Nobody has accessed this record.",
        last_column_numeric=True,
    )


def document(data: dict[str, Any]) -> list[Block]:
    """The export as headed sections: what the page and the PDF show, in this order."""
    sections = []
    for key in SECTION_KEYS:
        value = data.get(key)
        if key == "access_history":
            block = _access_block(value or [])
        elif isinstance(value, dict):
            block = _fields_and_children(value, 2)
            block.heading = label(key)
        else:
            block = _list_block(key, value or [], 2)
        sections.append(block)
    return sections
