"""Multi-agency child protection teams: partnership configuration."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action as AuditAction
from joinedup.errors import ApplicationError
from joinedup.partnership.models import Practitioner, Profession
from joinedup.protection.models import (
    Agency,
    ChildProtectionTeam,
    ChildProtectionTeamMember,
)
from joinedup.protection.services.case import _text
from joinedup.sharing import policy


def _may_configure(actor: Practitioner) -> None:
    if not policy.may_configure_child_protection_teams(actor):
        raise policy.refuse(actor, object_type="protection.childprotectionteam", object_id="")


@transaction.atomic
def cp_team_create(*, actor: Practitioner, name: str, area: str) -> ChildProtectionTeam:
    _may_configure(actor)
    name = _text(name, "name", "Give the team a name.")
    area = _text(area, "area", "Say which area the team serves.")
    if ChildProtectionTeam.objects.filter(name__iexact=name).exists():
        raise ApplicationError("A team already has this name.", field="name")
    team = ChildProtectionTeam.objects.create(name=name, area=area, created_by=actor)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=team, purpose="configuration")
    return team


@transaction.atomic
def cp_team_member_add(
    *,
    actor: Practitioner,
    team: ChildProtectionTeam,
    practitioner: Practitioner,
    agency: str,
    nominated_by_icb: bool = False,
    joined_on: date | None = None,
) -> ChildProtectionTeamMember:
    _may_configure(actor)
    if agency not in Agency.values:
        raise ApplicationError("Choose the member's agency.", field="agency")
    if agency == Agency.SOCIAL_WORK and practitioner.profession != Profession.SOCIAL_WORKER:
        raise ApplicationError("The social work member must be a social worker.", field="agency")
    if nominated_by_icb and agency != Agency.HEALTH:
        raise ApplicationError(
            "Only a health member is nominated by the integrated care board.",
            field="nominated_by_icb",
        )
    if team.members.filter(practitioner=practitioner, left_on__isnull=True).exists():
        raise ApplicationError("They are already a member of this team.", field="practitioner")
    member = ChildProtectionTeamMember.objects.create(
        team=team,
        practitioner=practitioner,
        agency=agency,
        nominated_by_icb=nominated_by_icb,
        joined_on=joined_on or timezone.localdate(),
    )
    audit.record(
        actor=actor, action=AuditAction.CREATE, obj=member, purpose="configuration", detail={}
    )
    return member


@transaction.atomic
def cp_team_member_remove(
    *, actor: Practitioner, member: ChildProtectionTeamMember
) -> ChildProtectionTeamMember:
    _may_configure(actor)
    if member.left_on is not None:
        raise ApplicationError("They have already left the team.", status=409)
    member.left_on = timezone.localdate()
    member.save(update_fields=["left_on"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=member, purpose="configuration")
    return member
