"""Consent records for exchange with other systems: the structure of ISO/IEC TS 27560 (consent
record information structure), with W3C Data Privacy Vocabulary (DPV) terms as the values."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone

from joinedup.sharing.models import ConsentEvent, ConsentGiver, ConsentPurpose, ConsentRecord

DPV = "https://w3id.org/dpv#"
SCHEMA_VERSION = "ISO/IEC TS 27560:2023"

# Every purpose here is the provision of a public service to the child and family.
PURPOSES: dict[str, str] = {
    ConsentPurpose.ASSESSMENT: "Assessment of the child's and family's needs",
    ConsentPurpose.PLANNING: "Planning support with the family and the team around it",
    ConsentPurpose.REFERRAL: "Referral to a service",
}
GIVERS: dict[str, str] = {
    ConsentGiver.SELF: "dpv:DataSubject",
    ConsentGiver.YOUNG_PERSON: "dpv:DataSubject",
    ConsentGiver.PARENTAL_RESPONSIBILITY: "dpv:ParentOfDataSubject",
}


def consent_status(record: ConsentRecord, on: date | None = None) -> str:
    """dpv:ConsentGiven, dpv:ConsentWithdrawn or dpv:ConsentExpired, on a day (default today)."""
    on = on or timezone.localdate()
    if record.event == ConsentEvent.WITHDRAWN:
        return "dpv:ConsentWithdrawn"
    withdrawal = getattr(record, "withdrawal", None)
    if withdrawal is not None and withdrawal.effective_on <= on:
        return "dpv:ConsentWithdrawn"
    if record.expires_on is not None and record.expires_on < on:
        return "dpv:ConsentExpired"
    return "dpv:ConsentGiven"


def _recipients(record: ConsentRecord) -> list[dict[str, Any]]:
    named = [
        {"@type": "dpv:Recipient", "name": o.name, "identifier": o.code, "sector": o.sector}
        for o in record.organisations.all()
    ]
    sectors = [
        {
            "@type": "dpv:Recipient",
            "name": f"Any {sector} organisation in the partnership",
            "sector": sector,
        }
        for sector in record.sectors
    ]
    return named + sectors


def consent_as_iso27560(record: ConsentRecord) -> dict[str, Any]:
    """One consent record as JSON(-LD): ISO/IEC TS 27560 fields, DPV terms for the values."""
    withdraws = record.withdraws.record_id if record.withdraws_id and record.withdraws else None
    return {
        "@context": {"dpv": DPV},
        "schema_version": SCHEMA_VERSION,
        "record_id": str(record.record_id),
        "pii_principal_id": record.person.reference,
        "consent_type": "dpv:ExpressedConsent",
        "legal_basis": "dpv:Consent",
        "state": consent_status(record),
        "event": {
            "event_type": "dpv:ConsentWithdrawn"
            if record.event == ConsentEvent.WITHDRAWN
            else "dpv:ConsentGiven",
            "event_time": record.effective_on.isoformat(),
            "recorded_time": record.recorded_at.isoformat(),
            "indicated_by": {
                "@type": GIVERS.get(record.given_by, "dpv:DataSubject"),
                "name": record.given_by_name,
                "relationship": record.given_by_relationship,
            },
            "collection_method": record.get_method_display(),
            "evidence": record.evidence,
        },
        "withdraws": str(withdraws) if withdraws else None,
        "validity": {
            "start": record.effective_on.isoformat(),
            "expiry": record.expires_on.isoformat() if record.expires_on else None,
        },
        "pii_controller": {
            "@type": "dpv:JointDataControllers",
            "name": settings.JOINEDUP["PARTNERSHIP_NAME"],
        },
        "purposes": [
            {
                "@type": "dpv:ServiceProvision",
                "purpose_id": f"joinedup:purpose/{code}",
                "purpose": PURPOSES.get(code, code),
                "legal_basis": "dpv:Consent",
                "recipients": _recipients(record),
            }
            for code in record.purposes
        ],
        "recorded_by": record.recorded_by.email if record.recorded_by else None,
    }
