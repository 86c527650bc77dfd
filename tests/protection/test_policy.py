"""The record opens to its team on a s47 basis and to nobody else; the duty to share (s16LA)
opens other agencies' information between bodies under the duty while a child is on the path."""

from __future__ import annotations

from joinedup.protection import services
from joinedup.sharing import policy
from tests import factories


def _cp_team_with(manager, officer):
    team = services.cp_team_create(actor=manager, name="North", area="North")
    services.cp_team_member_add(actor=manager, team=team, practitioner=officer, agency="police")
    return team


def test_the_record_opens_to_its_team_only(
    case, social_worker, teacher, officer, outsider, manager
):
    visible = lambda user: policy.protection_cases_visible_to(user).filter(pk=case.pk).exists()  # noqa: E731
    assert visible(social_worker) and visible(teacher)
    assert not visible(officer) and not visible(outsider) and not visible(manager)
    team = _cp_team_with(manager, officer)
    case.cp_team = team
    case.save(update_fields=["cp_team"])
    assert visible(officer)


def test_break_glass_does_not_open_the_record(case, outsider, child):
    from joinedup.sharing import services as sharing

    sharing.break_glass_open(
        actor=outsider, reference=child.reference, reason="The child is missing tonight."
    )
    assert policy.person_decision(outsider, child).allowed  # break-glass opens the person
    assert not policy.protection_cases_visible_to(outsider).filter(pk=case.pk).exists()


def test_duty_to_share_is_the_basis_between_bodies_under_the_duty(
    case, child, school, officer, manager
):
    # The officer is not in the team around the family, so s47 safeguarding does not apply.
    assert policy.share_basis(officer, child, school, "education") is None
    case.cp_team = _cp_team_with(manager, officer)
    case.save(update_fields=["cp_team"])
    basis = policy.share_basis(officer, child, school, "education")
    assert basis == policy.BASIS_DUTY_TO_SHARE
    assert "duty to share (Children Act 2004 s16LA)" in basis.label
    # A charity is not under the duty: its information is not opened this way.
    charity = factories.organisation("Safe Harbour", sector="voluntary")
    assert policy.share_basis(officer, child, charity, "involvement") is None
