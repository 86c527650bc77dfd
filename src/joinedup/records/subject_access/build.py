"""Building the whole export from the collectors."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from joinedup.partnership.models import Practitioner
from joinedup.people.models import (
    Person,
)
from joinedup.records.subject_access.casework import (
    _chronology,
    _episodes,
    _pattern_alerts,
    _referrals,
    _requests,
)
from joinedup.records.subject_access.context import (
    A_PRACTITIONER,
    ANOTHER_PERSON,
    SCHEMA,
    VERSION,
    Redactor,
    _Context,
    name_variants,
    other_people,
    subject_ids,
)
from joinedup.records.subject_access.people import (
    _families,
    _involvements,
    _person,
    _relationships,
    _source_records,
)
from joinedup.records.subject_access.sharing import (
    _access_history,
    _break_glass,
    _consents,
    _legal_holds,
    _sharing_decisions,
    _sharing_notices,
)


def build(person: Person) -> dict[str, Any]:
    """The export as a JSON-ready dict (dates as date objects). Reads only; does not audit."""
    ctx = _Context(person, subject_ids(person))
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "version": VERSION,
        "generated_at": timezone.now(),
        "redaction": {
            "other_people": ANOTHER_PERSON,
            "practitioners": "given as their role and organisation",
        },
        "person": _person(person, ctx),
        "families": _families(ctx),
        "relationships": _relationships(ctx),
        "source_records": _source_records(ctx),
        "involvements": _involvements(ctx),
        "requests_for_support": _requests(ctx),
        "episodes": _episodes(ctx),
        "chronology": _chronology(ctx),
        "pattern_alerts": _pattern_alerts(ctx),
        "referrals": _referrals(ctx),
        "consent_records": _consents(ctx),
        "sharing_decisions": _sharing_decisions(ctx),
        "sharing_notices": _sharing_notices(ctx),
        "emergency_access": _break_glass(ctx),
        "legal_holds": _legal_holds(ctx),
        "access_history": _access_history(ctx),
    }
    return _redactor(ctx).value(data)


def _redactor(ctx: _Context) -> Redactor:
    replacements = {n: ANOTHER_PERSON for p in other_people(ctx.ids) for n in name_variants(p)}
    # Every practitioner's full name, not only those the record names: free text mentions others.
    staff = Practitioner.objects.filter(organisation__isnull=False).exclude(last_name="")
    for first, last in staff.exclude(first_name="").values_list("first_name", "last_name"):
        replacements.setdefault(f"{first} {last}", A_PRACTITIONER)
    own = [n for p in Person.objects.filter(pk__in=ctx.ids) for n in name_variants(p)]
    return Redactor(replacements, own=own)
