from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.audit.models import AccessEvent
from joinedup.errors import NotFound
from joinedup.people import selectors, services
from joinedup.sharing import policy
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_practitioner_sees_a_person_their_organisation_works_with(teacher, child):
    assert policy.person_decision(teacher, child).allowed
    assert list(policy.persons_visible_to(teacher)) == [child]


def test_a_practitioner_of_another_organisation_is_refused_and_audited(outsider, child):
    assert not policy.person_decision(outsider, child).allowed
    assert not policy.persons_visible_to(outsider).exists()
    with pytest.raises(NotFound):
        selectors.person_get(user=outsider, person_id=child.pk)
    refused = AccessEvent.objects.filter(action="refused", actor=outsider).get()
    assert refused.object_id == str(child.pk)


def test_missing_and_forbidden_are_the_same_refusal(outsider, child):
    for person_id in (child.pk, 999_999, "not-a-number"):
        with pytest.raises(NotFound):
            selectors.person_get(user=outsider, person_id=person_id)
    assert AccessEvent.objects.filter(action="refused").count() == 3


def test_an_ended_involvement_no_longer_opens_the_record(teacher, child):
    involvement = child.involvements.get()
    services.involvement_end(
        actor=teacher, involvement=involvement, ended_on=timezone.localdate() - timedelta(days=1)
    )
    assert not policy.person_decision(teacher, child).allowed


def test_anonymous_and_organisationless_users_see_nobody(child):
    from django.contrib.auth.models import AnonymousUser

    assert not policy.persons_visible_to(AnonymousUser()).exists()
    superuser = factories.practitioner(is_superuser=True)
    superuser.organisation = None
    assert not policy.person_decision(superuser, child).allowed


def test_an_allowed_view_is_audited_with_its_basis(teacher, child):
    selectors.person_get(user=teacher, person_id=child.pk)
    event = AccessEvent.objects.filter(action="view", object_id=str(child.pk)).get()
    assert event.lawful_basis == policy.BASIS_OWN_INVOLVEMENT.label
    assert event.person_ids == [child.pk]


@settings(max_examples=15, deadline=None)
@given(extra_orgs=st.integers(min_value=0, max_value=3))
def test_involving_other_organisations_never_widens_anyones_access(extra_orgs):
    # Each example runs in the test's transaction; objects are new each time.
    school = factories.organisation()
    outsider = factories.practitioner(factories.organisation())
    child = factories.person()
    factories.involvement(school, child)
    for _ in range(extra_orgs):
        factories.involvement(factories.organisation(), child)
    assert not policy.person_decision(outsider, child).allowed
    assert child not in policy.persons_visible_to(outsider)


def test_a_mental_health_involvement_is_hidden_from_other_organisations(teacher, child, school):
    camhs = factories.organisation("CAMHS", sector="health")
    factories.involvement(
        camhs, child, service="Anxiety support", sensitive_category="mental_health"
    )
    clinician = factories.practitioner(camhs, profession="mental_health_practitioner")
    seen_by_school = {i.organisation for i in policy.involvements_visible_to(teacher, child)}
    assert seen_by_school == {school}
    seen_by_camhs = {i.organisation for i in policy.involvements_visible_to(clinician, child)}
    assert seen_by_camhs == {school, camhs}


def test_a_safeguarding_basis_opens_the_whole_index(teacher, child, school):
    from joinedup.episodes import services as team
    from joinedup.frontdoor import services as casework

    camhs = factories.organisation("CAMHS", sector="health")
    factories.involvement(camhs, child, sensitive_category="mental_health")
    social_worker = factories.practitioner(
        factories.organisation("CSC", sector="statutory"), profession="social_worker"
    )
    episode = casework.episode_open_practitioner_led(actor=teacher, persons=[child])
    proposal = team.episode_step_up(actor=teacher, episode=episode, to=social_worker, reason="s47")
    team.lead_proposal_accept(actor=social_worker, proposal=proposal)
    orgs = {i.organisation for i in policy.involvements_visible_to(social_worker, child)}
    assert camhs in orgs


def test_explicit_consent_lets_an_organisation_know_of_a_sensitive_service(teacher, child, school):
    from datetime import date

    from joinedup.sharing import services as sharing

    camhs = factories.organisation("CAMHS", sector="health")
    factories.involvement(camhs, child, sensitive_category="mental_health")
    assert camhs not in {i.organisation for i in policy.involvements_visible_to(teacher, child)}
    record = sharing.consent_give(
        actor=teacher,
        person=child,
        given_by="young_person",
        organisations=[school],
        sectors=[],
        purposes=["planning"],
        method="verbal",
        given_on=date.today(),
    )
    assert camhs in {i.organisation for i in policy.involvements_visible_to(teacher, child)}
    sharing.consent_withdraw(
        actor=teacher, record=record, withdrawn_by="young_person", withdrawn_on=date.today()
    )
    assert camhs not in {i.organisation for i in policy.involvements_visible_to(teacher, child)}
