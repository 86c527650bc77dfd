"""The statutory path's access rules: who opens a child-protection record, the duty to share
(Children Act 2004 s16LA), child protection teams as partnership configuration and the Children
in Need census. Part of the access policy: `from joinedup.sharing import policy` names them all."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from joinedup.episodes.models import TeamMember
from joinedup.partnership.models import Role, Sector
from joinedup.protection.models import (
    OPEN_STATUSES,
    ChildProtectionTeam,
    ChildProtectionTeamMember,
    ProtectionCase,
)
from joinedup.sharing import compiled
from joinedup.sharing.bases import is_practitioner
from joinedup.sharing.lawful import Basis, LawfulBasis, SpecialCondition, StatutoryDuty

__all__ = ["OPEN_STATUSES"]


def _policy() -> Any:
    """The policy module, for what it decides itself (refusals): imported late, as it imports
    this one."""
    from joinedup.sharing import policy

    return policy


# The child-protection record (Children Act 1989 s47). -----------------------------------------
BASIS_CHILD_PROTECTION = Basis(
    LawfulBasis.PUBLIC_TASK,
    StatutoryDuty.CA1989_S47,
    SpecialCondition.SAFEGUARDING,
    source="the child protection record",
)
# The duty to share (Children Act 2004 s16LA, inserted by the Children's Wellbeing and Schools Act
# 2026) binds the safeguarding partners and relevant agencies: councils, health, schools, police
# and youth justice. A legal obligation, with the safeguarding condition for health information.
BASIS_DUTY_TO_SHARE = Basis(
    LawfulBasis.LEGAL_OBLIGATION,
    StatutoryDuty.CA2004_S16LA,
    SpecialCondition.SAFEGUARDING,
    source="duty to share",
)
DUTY_TO_SHARE_SECTORS = frozenset(
    {Sector.STATUTORY, Sector.HEALTH, Sector.EDUCATION, Sector.POLICE, Sector.JUSTICE}
)


def under_duty_to_share(organisation: Any) -> bool:
    return organisation is not None and organisation.sector in DUTY_TO_SHARE_SECTORS


def protection_cases_visible_to(user: Any) -> QuerySet[ProtectionCase]:
    """The child-protection record opens to its team and to nobody else: the Lead Child Protection
    Practitioner, the episode's lead professional and current members, and the current members of
    the multi-agency child protection team working the case. No break-glass, no front door."""
    if not is_practitioner(user):
        return ProtectionCase.objects.none()
    return _cases_of(user.pk)


def _cases_of(practitioner_id: int) -> QuerySet[ProtectionCase]:
    in_team = TeamMember.objects.filter(
        episode=OuterRef("episode"), practitioner_id=practitioner_id, left_at__isnull=True
    )
    in_cp_team = ChildProtectionTeamMember.objects.filter(
        team=OuterRef("cp_team"), practitioner_id=practitioner_id, left_on__isnull=True
    )
    return ProtectionCase.objects.filter(
        Q(lead_practitioner_id=practitioner_id)
        | Q(episode__lead_professional_id=practitioner_id)
        | Q(Exists(in_team))
        | Q(Exists(in_cp_team))
    )


def in_open_protection_case(user: Any, child_ids: list[int]) -> set[int]:
    """Which of these children have an open child-protection enquiry or plan whose record this
    practitioner may see (protection_cases_visible_to): one query, compiled once."""
    if not is_practitioner(user) or not child_ids:
        return set()
    return set(open_protection_read(user, child_ids).first_column())


def open_protection_read(user: Any, child_ids: list[int]) -> compiled.Read:
    """in_open_protection_case's query (for a practitioner), to be read with others
    (compiled.first_columns)."""

    def build(pk: int, among: Any) -> QuerySet[Any]:
        open_cases = _cases_of(pk).filter(child_id__any_of=among, status__in=OPEN_STATUSES)
        return open_cases.values_list("child_id")

    values = {"pk": int(user.pk), "among": frozenset(child_ids)}
    return compiled.Read(("open_protection",), build, values)


def require_protection_case(
    user: Any, case_id: Any, purpose: str = "child protection"
) -> ProtectionCase:
    """Security: a record the user may not see answers exactly as a missing one."""
    return _policy()._require(
        user, protection_cases_visible_to(user), case_id, "protection.protectioncase", purpose
    )


def may_configure_child_protection_teams(user: Any) -> bool:
    return is_practitioner(user) and (
        user.has_role(Role.Code.PARTNERSHIP_MANAGER) or user.has_role(Role.Code.ADMINISTRATOR)
    )


def child_protection_teams_visible_to(user: Any) -> QuerySet[ChildProtectionTeam]:
    """Partnership configuration: the partnership's managers see every team; a member sees the
    teams they belong to."""
    if not is_practitioner(user):
        return ChildProtectionTeam.objects.none()
    if may_configure_child_protection_teams(user):
        return ChildProtectionTeam.objects.all()
    member = ChildProtectionTeamMember.objects.filter(
        team=OuterRef("pk"), practitioner=user, left_on__isnull=True
    )
    return ChildProtectionTeam.objects.filter(Exists(member))


def require_child_protection_team(user: Any, team_id: Any) -> ChildProtectionTeam:
    return _policy()._require(
        user,
        child_protection_teams_visible_to(user),
        team_id,
        "protection.childprotectionteam",
        "partnership configuration",
    )


# The Children in Need census is a statutory return (Children Act 1989 s83): the partnership's
# managers and the council's data leads make it.
BASIS_CENSUS = Basis(LawfulBasis.LEGAL_OBLIGATION, source="Children in Need census (CA 1989 s83)")


def may_make_census_return(user: Any) -> bool:
    if not is_practitioner(user):
        return False
    if user.has_role(Role.Code.PARTNERSHIP_MANAGER):
        return True
    return (
        user.has_role(Role.Code.AGENCY_DATA_LEAD) and user.organisation.sector == Sector.STATUTORY
    )


def require_census_maker(user: Any) -> None:
    """Security: anyone else is refused (audited) as 404."""
    if not may_make_census_return(user):
        raise _policy().refuse(
            user, object_type="protection.census", object_id="", purpose="census"
        )
