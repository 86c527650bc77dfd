"""Lawful bases for sharing, kept apart from consent to share and from agreement to a service.

UK GDPR Article 6 gives the basis of a share; for special category data (health, sex life,
ethnicity, religion...) Article 9 also needs a condition, which the Data Protection Act 2018
Schedule 1 supplies for safeguarding (paragraph 18) and for health or social care (paragraph 2).
Public task is named with the statutory duty it rests on. Consent is one basis among several, and
for safeguarding rarely the right one: nothing here prefers it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", "Consent (UK GDPR Art. 6(1)(a))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (UK GDPR Art. 6(1)(c))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (UK GDPR Art. 6(1)(d))"
    PUBLIC_TASK = "public_task", "Public task or statutory duty (UK GDPR Art. 6(1)(e))"
    LEGITIMATE_INTERESTS = (
        "legitimate_interests",
        "Legitimate interests, for non-public bodies (UK GDPR Art. 6(1)(f))",
    )


class StatutoryDuty(models.TextChoices):
    CA1989_S17 = "ca1989_s17", "Children Act 1989 s17: children in need"
    CA1989_S47 = "ca1989_s47", "Children Act 1989 s47: enquiries about significant harm"
    CA2004_S10 = "ca2004_s10", "Children Act 2004 s10: co-operation to improve well-being"
    CA2004_S11 = "ca2004_s11", "Children Act 2004 s11: duty to safeguard and promote welfare"
    EA2002_S175 = "ea2002_s175", "Education Act 2002 s175: safeguarding in education"
    CDA1998_S115 = "cda1998_s115", "Crime and Disorder Act 1998 s115: disclosure for prevention"
    CA2004_S16LA = (
        "ca2004_s16la",
        "Children Act 2004 s16LA: duty to share information relevant to a child's welfare",
    )


class SpecialCondition(models.TextChoices):
    EXPLICIT_CONSENT = "explicit_consent", "Explicit consent (UK GDPR Art. 9(2)(a))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (UK GDPR Art. 9(2)(c))"
    HEALTH_SOCIAL_CARE = (
        "dpa2018_sch1_p2",
        "Health or social care (DPA 2018 Sch. 1 para. 2)",
    )
    SAFEGUARDING = (
        "dpa2018_sch1_p18",
        "Safeguarding of children and individuals at risk (DPA 2018 Sch. 1 para. 18)",
    )


class DataCategory(models.TextChoices):
    """What a share carries. Health and the sensitive categories are special category data."""

    IDENTITY = "identity", "Identity (name, date of birth, identifiers)"
    CONTACT = "contact", "Address and contact details"
    INVOLVEMENT = "involvement", "Who is involved, and flags"
    CASEWORK = "casework", "Casework: assessments, plans, meetings"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    CRIMINAL_JUSTICE = "criminal_justice", "Criminal justice"


class SharePurpose(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    PLANNING = "planning", "Planning support"
    REFERRAL = "referral", "Referral to a service"
    SAFEGUARDING = "safeguarding", "Safeguarding"


SPECIAL_CATEGORIES = frozenset({DataCategory.HEALTH})

SHORT_BASIS: dict[str, str] = {
    LawfulBasis.CONSENT: "consent (Art. 6(1)(a))",
    LawfulBasis.LEGAL_OBLIGATION: "legal obligation (Art. 6(1)(c))",
    LawfulBasis.VITAL_INTERESTS: "vital interests (Art. 6(1)(d))",
    LawfulBasis.PUBLIC_TASK: "public task (Art. 6(1)(e))",
    LawfulBasis.LEGITIMATE_INTERESTS: "legitimate interests (Art. 6(1)(f))",
}
SHORT_DUTY: dict[str, str] = {
    StatutoryDuty.CA1989_S17: "Children Act 1989 s17",
    StatutoryDuty.CA1989_S47: "Children Act 1989 s47",
    StatutoryDuty.CA2004_S10: "Children Act 2004 s10",
    StatutoryDuty.CA2004_S11: "Children Act 2004 s11",
    StatutoryDuty.EA2002_S175: "Education Act 2002 s175",
    StatutoryDuty.CDA1998_S115: "Crime and Disorder Act 1998 s115",
    StatutoryDuty.CA2004_S16LA: "duty to share (Children Act 2004 s16LA)",
}
SHORT_CONDITION: dict[str, str] = {
    SpecialCondition.EXPLICIT_CONSENT: "explicit consent, Art. 9(2)(a)",
    SpecialCondition.VITAL_INTERESTS: "Art. 9(2)(c)",
    SpecialCondition.HEALTH_SOCIAL_CARE: "DPA 2018 Sch. 1 para. 2",
    SpecialCondition.SAFEGUARDING: "DPA 2018 Sch. 1 para. 18",
}


@dataclass(frozen=True)
class Basis:
    """The basis (and, for special category data, the condition) on which a share happens."""

    basis: str
    duty: str = ""
    condition: str = ""
    source: str = ""  # what established it: an agreement, a consent record, a grant...

    @property
    def label(self) -> str:
        """A short statement for the audit trail, e.g. "public task: Children Act 2004 s10"."""
        text = SHORT_BASIS.get(self.basis, self.basis)
        if self.duty:
            text += f", {SHORT_DUTY.get(self.duty, self.duty)}"
        if self.condition:
            text += f"; {SHORT_CONDITION.get(self.condition, self.condition)}"
        if self.source:
            text = f"{self.source}: {text}"
        return text[:200]

    def as_detail(self) -> dict[str, str]:
        return {
            k: v
            for k, v in {
                "basis": self.basis,
                "duty": self.duty,
                "condition": self.condition,
                "source": self.source,
            }.items()
            if v
        }
