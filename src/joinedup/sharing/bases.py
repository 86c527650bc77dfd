"""The lawful bases the access policy writes on access events. Import them from
`joinedup.sharing.policy`, which re-exports every name here."""

from __future__ import annotations

from typing import Any

from joinedup.sharing.lawful import Basis, LawfulBasis, SpecialCondition, StatutoryDuty


def is_practitioner(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "organisation_id", None))


# The basis written on each access event: Article 6 basis, the statutory duty a public task rests
# on, and (for special category data) the Schedule 1 condition. A practitioner reading the record
# of a person their own organisation works with reads their organisation's own casework.
BASIS_OWN_INVOLVEMENT = Basis(
    LawfulBasis.PUBLIC_TASK, StatutoryDuty.CA2004_S11, source="own organisation's involvement"
)
BASIS_FRONT_DOOR = Basis(
    LawfulBasis.PUBLIC_TASK, StatutoryDuty.CA2004_S10, source="triage of a request for support"
)
BASIS_EPISODE = Basis(
    LawfulBasis.PUBLIC_TASK, StatutoryDuty.CA2004_S10, source="the team around the family"
)
BASIS_SAFEGUARDING = Basis(
    LawfulBasis.PUBLIC_TASK,
    StatutoryDuty.CA1989_S47,
    SpecialCondition.SAFEGUARDING,
    source="enquiries after step-up to children's social care",
)
BASIS_OWN_REQUEST = Basis(
    LawfulBasis.PUBLIC_TASK, StatutoryDuty.CA2004_S11, source="the practitioner's own request"
)


# Break-glass: emergency access beyond the user's rights, given a reason, for a limited time.
# UK GDPR Art. 6(1)(d) and 9(2)(c): to protect someone's vital interests.
BASIS_BREAK_GLASS = Basis(
    LawfulBasis.VITAL_INTERESTS, condition=SpecialCondition.VITAL_INTERESTS, source="break-glass"
)
