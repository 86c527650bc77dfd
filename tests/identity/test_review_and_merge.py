from __future__ import annotations

import pytest

from joinedup.errors import ApplicationError, NotFound
from joinedup.frontdoor import services as casework
from joinedup.identity import review
from joinedup.identity.models import MatchCandidate
from joinedup.partnership.models import Role
from joinedup.people.models import Involvement, SourceRecord
from joinedup.sharing import policy
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(school):
    return factories.practitioner(school, roles=(Role.Code.ADMINISTRATOR,))


@pytest.fixture
def twin_records(school, other_org):
    """The same child known twice: as Maya at the school, as May at the housing association."""
    maya = factories.person("Maya", "Jones")
    may = factories.person("May", "Jones")
    factories.involvement(school, maya)
    factories.involvement(other_org, may)
    school_record = SourceRecord.objects.create(
        organisation=school, agency_record_id="S1", person=maya, given_name="Maya"
    )
    housing_record = SourceRecord.objects.create(
        organisation=other_org, agency_record_id="H1", person=may, given_name="May"
    )
    return maya, may, school_record, housing_record


def test_merge_moves_everything_and_unmerge_restores_it(admin, teacher, twin_records):
    maya, may, school_record, housing_record = twin_records
    episode = casework.episode_open_practitioner_led(actor=teacher, persons=[maya])
    merge = review.person_merge(actor=admin, kept=maya, merged=may, reason="Same NHS number")
    housing_record.refresh_from_db()
    may.refresh_from_db()
    assert housing_record.person == maya and may.merged_into == maya
    assert set(Involvement.objects.filter(person=maya).values_list("organisation", flat=True)) == {
        school_record.organisation_id,
        housing_record.organisation_id,
    }
    assert may not in policy.persons_visible_to(teacher)
    review.person_unmerge(actor=admin, merge=merge)
    housing_record.refresh_from_db()
    may.refresh_from_db()
    assert housing_record.person == may and may.merged_into is None
    assert Involvement.objects.filter(person=may).count() == 1
    assert list(episode.persons.all()) == [maya]
    with pytest.raises(ApplicationError) as error:
        review.person_unmerge(actor=admin, merge=merge)
    assert error.value.status == 409


def test_unmerge_gives_the_merged_person_their_episodes_back(
    admin, teacher, outsider, twin_records
):
    maya, may, *_ = twin_records
    theirs = casework.episode_open_practitioner_led(actor=outsider, persons=[may])
    merge = review.person_merge(actor=admin, kept=maya, merged=may, reason="Same child")
    assert list(theirs.persons.all()) == [maya]
    review.person_unmerge(actor=admin, merge=merge)
    assert list(theirs.persons.all()) == [may]


def test_a_merge_against_a_different_people_decision_is_refused(admin, twin_records):
    maya, may, school_record, _ = twin_records
    candidate = MatchCandidate.objects.create(
        source_record=school_record, person=may, probability=0.7
    )
    review.candidate_decide(actor=admin, candidate=candidate, same=False)
    with pytest.raises(ApplicationError, match="different people"):
        review.person_merge(actor=admin, kept=maya, merged=may, reason="Looks alike")
    may.refresh_from_db()
    assert may.merged_into is None


def test_a_reviewer_links_a_record_and_the_decision_is_kept(admin, twin_records):
    maya, may, _, housing_record = twin_records
    candidate = MatchCandidate.objects.create(
        source_record=housing_record,
        person=maya,
        probability=0.8,
        evidence=[{"comparison": "given_name", "level": "nickname", "weight": 2.1}],
    )
    review.candidate_decide(actor=admin, candidate=candidate, same=True)
    housing_record.refresh_from_db()
    assert housing_record.person == maya and housing_record.match_status == "confirmed"
    with pytest.raises(ApplicationError) as error:
        review.candidate_decide(actor=admin, candidate=candidate, same=False)
    assert error.value.status == 409
    other = MatchCandidate.objects.create(source_record=housing_record, person=may, probability=0.9)
    with pytest.raises(ApplicationError, match="never broken"):
        review.candidate_decide(actor=admin, candidate=other, same=True)


def test_practitioners_without_the_role_are_refused(teacher, outsider, twin_records):
    maya, may, school_record, _ = twin_records
    candidate = MatchCandidate.objects.create(
        source_record=school_record, person=may, probability=0.7
    )
    for user in (teacher, outsider):
        with pytest.raises(NotFound):
            review.candidate_get(user=user, candidate_id=candidate.pk)
        with pytest.raises(NotFound):
            review.candidate_decide(actor=user, candidate=candidate, same=True)
        with pytest.raises(NotFound):
            review.person_merge(actor=user, kept=maya, merged=may, reason="x")


def test_review_pages_show_the_evidence_and_take_the_decision(
    client, admin, twin_records, outsider
):
    maya, _may, _, housing_record = twin_records
    candidate = MatchCandidate.objects.create(
        source_record=housing_record,
        person=maya,
        probability=0.83,
        match_weight=2.3,
        evidence=[
            {"comparison": "Given name", "level": "Nickname", "weight": 3.2},
            {"comparison": "Postcode", "level": "Different", "weight": -0.9},
            # Saved before the labels were plain English: the model's own key.
            {"comparison": "NHS number", "level": "nhs_number missing", "weight": 0.0},
        ],
    )
    client.force_login(outsider)
    assert client.get(f"/identity/review/{candidate.pk}/").status_code == 404
    client.force_login(admin)
    assert "Maya Jones" in client.get("/identity/review/").content.decode()
    html = client.get(f"/identity/review/{candidate.pk}/").content.decode()
    assert "<svg" in html and "Nickname" in html and "83%" in html
    assert "Not recorded on one or both records" in html and "nhs_number missing" not in html
    response = client.post(f"/identity/review/{candidate.pk}/", {"decision": "same"})
    assert response.status_code == 302
    housing_record.refresh_from_db()
    assert housing_record.person == maya


def test_merge_and_unmerge_through_the_api(client, admin, twin_records, teacher):
    import json

    maya, may, *_ = twin_records
    client.force_login(teacher)
    body = json.dumps({"kept_person_id": maya.pk, "merged_person_id": may.pk, "reason": "x"})
    assert client.post(
        "/api/v1/identity/merges", body, content_type="application/json"
    ).status_code in (404, 422)
    client.force_login(admin)
    made = client.post("/api/v1/identity/merges", body, content_type="application/json")
    assert made.status_code == 201
    undone = client.post(f"/api/v1/identity/merges/{made.json()['id']}/unmerge")
    assert undone.status_code == 200 and undone.json()["undone_at"]


def test_a_merge_carries_every_reference_and_consent_reads_through_it(
    admin, teacher, school, twin_records
):
    """The same child known twice: the family account and consent follow the merge, and go
    back on undo."""
    from django.utils import timezone

    from joinedup.family.models import FamilyAccount
    from joinedup.sharing import services as sharing

    maya, may, _, _ = twin_records
    consent = sharing.consent_give(
        actor=teacher,
        person=may,
        given_by="parental_responsibility",
        given_by_name="Sam Jones",
        organisations=[school],
        sectors=[],
        purposes=["planning"],
        method="written",
        given_on=timezone.localdate(),
    )
    user = factories.practitioner(None)
    user.organisation = None
    user.save()
    account = FamilyAccount.objects.create(
        user=user, person=may, invited_by=teacher, invited_at=timezone.now()
    )
    assert policy.consent_covers(maya, school, "planning") is None
    merge = review.person_merge(actor=admin, kept=maya, merged=may, reason="Same child")
    account.refresh_from_db()
    assert account.person == maya
    assert policy.consent_covers(maya, school, "planning") == consent
    review.person_unmerge(actor=admin, merge=merge)
    account.refresh_from_db()
    assert account.person == may


def test_every_reference_to_a_person_is_moved_or_left_on_purpose():
    from django.apps import apps

    from joinedup.people.models import Person

    references = {
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.get_fields()
        if f.concrete and f.related_model is Person
    }
    moved = {
        f"{m._meta.label}.{m._meta.get_field(c).name if not many else c}"
        for m, c, many in review.person_references()
    }
    assert set(review.NOT_MOVED) <= references
    through_models = {"people.Family.members"}  # moved as its own model, FamilyMember
    assert references - moved - set(review.NOT_MOVED) - through_models == set()
