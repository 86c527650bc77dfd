from __future__ import annotations

import json

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from joinedup.assessments import services as a
from joinedup.assessments.models import (
    Assessment,
    AssessmentStatus,
    AssessmentTemplate,
    validate_definition,
)
from joinedup.audit.models import AccessEvent
from joinedup.episodes import services as t
from joinedup.episodes.models import LeadHandover
from joinedup.errors import ApplicationError, NotFound
from tests.chronology.test_chronology import same_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(teacher, open_episode):
    return a.assessment_start(actor=teacher, episode=open_episode)


def fill(actor, assessment):
    """Every domain, the family's views and the analysis, as a practitioner would."""
    for d in assessment.template.domains:
        first = d["factors"][0]["code"]
        assessment = a.assessment_save_domain(
            actor=actor,
            assessment=assessment,
            domain_code=d["code"],
            factors={first: {"strengths": "Loving", "needs": "Routine", "scale": 6}},
            expected_version=assessment.version,
        )
    assessment = a.assessment_save_views(
        actor=actor,
        assessment=assessment,
        child_words="I like football.",
        carers_words=[{"who": "Mum", "words": "Bedtimes are hard."}],
        expected_version=assessment.version,
    )
    return a.assessment_save_analysis(
        actor=actor,
        assessment=assessment,
        analysis="Warm family; needs help with routines.",
        expected_version=assessment.version,
    )


def test_the_default_template_is_the_early_help_assessment(db):
    template = a.ensure_default_template()
    assert a.ensure_default_template() == template  # idempotent
    titles = [d["title"] for d in template.domains]
    assert titles == ["The child's development", "Parents and carers", "Family and environment"]
    assert [len(d["factors"]) for d in template.domains] == [6, 3, 4]
    validate_definition(template.definition)


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({}, "domains"),
        ({"domains": []}, "at least one domain"),
        ({"domains": [{"code": "a", "title": "A", "factors": []}]}, "factors"),
        ({"domains": [{"code": "a", "title": "A", "factors": [{"code": "x"}]}]}, "title"),
        (
            {"domains": [{"code": "a", "title": "A", "factors": [{"code": "a", "title": "B"}]}]},
            "used twice",
        ),
        (
            {"domains": [{"code": "a", "title": "A", "factors": [{"code": "b c", "title": "B"}]}]},
            "one word",
        ),
    ],
)
def test_a_bad_template_definition_is_refused_with_the_reason(db, definition, message):
    with pytest.raises(ValidationError) as error:
        AssessmentTemplate(name="T", version=9, definition=definition).full_clean()
    assert message in str(error.value)


def test_the_admin_adds_a_new_version_and_validates_it(admin_client):
    a.ensure_default_template()
    url = reverse("admin:assessments_assessmenttemplate_add")
    initial = admin_client.get(url).content.decode()
    assert 'value="2"' in initial  # the next version number, prefilled
    bad = admin_client.post(
        url, {"name": "Early help assessment", "version": 2, "definition": "{}", "is_active": "on"}
    )
    assert bad.status_code == 200 and "domains" in bad.content.decode()
    good = {"domains": [{"code": "d", "title": "D", "factors": [{"code": "f", "title": "F"}]}]}
    response = admin_client.post(
        url,
        {
            "name": "Early help assessment",
            "version": 2,
            "definition": json.dumps(good),
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert a.current_template().version == 2
    assert AssessmentTemplate in site._registry


def test_a_completed_assessment_keeps_the_version_it_used(teacher, draft):
    done = a.assessment_complete(
        actor=teacher, assessment=fill(teacher, draft), expected_version=None
    )
    AssessmentTemplate.objects.create(
        name=a.DEFAULT_TEMPLATE_NAME,
        version=2,
        definition={
            "domains": [{"code": "d", "title": "D", "factors": [{"code": "f", "title": "F"}]}]
        },
    )
    done.refresh_from_db()
    assert done.template.version == 1 and done.status == AssessmentStatus.COMPLETED
    assert len(a.domains_of(done)) == 3
    started = a.assessment_start(actor=teacher, episode=done.episode)
    assert started.template.version == 2


def test_one_draft_at_a_time(teacher, draft):
    with pytest.raises(ApplicationError) as error:
        a.assessment_start(actor=teacher, episode=draft.episode)
    assert error.value.status == 409


def test_a_stale_save_is_refused_and_nothing_is_written(teacher, draft):
    stale = draft.version
    a.assessment_save_analysis(
        actor=teacher, assessment=draft, analysis="First", expected_version=stale
    )
    with pytest.raises(ApplicationError) as error:
        a.assessment_save_analysis(
            actor=teacher, assessment=draft, analysis="Second", expected_version=stale
        )
    assert error.value.status == 409 and "Someone else saved" in error.value.message
    draft.refresh_from_db()
    assert draft.analysis == "First"


@pytest.mark.parametrize(("scale", "ok"), [(0, True), (10, True), (11, False), ("x", False)])
def test_the_scale_is_0_to_10_and_a_bad_one_names_the_factor(teacher, draft, scale, ok):
    call = lambda: a.assessment_save_domain(  # noqa: E731
        actor=teacher,
        assessment=draft,
        domain_code="child_development",
        factors={"health": {"strengths": "Well", "scale": scale}},
    )
    if ok:
        assert call().factors["health"]["scale"] == scale
    else:
        with pytest.raises(ApplicationError) as error:
            call()
        assert error.value.field == "health_scale"
        draft.refresh_from_db()
        assert draft.factors == {}


def test_carers_words_need_to_say_whose(teacher, draft):
    with pytest.raises(ApplicationError) as error:
        a.assessment_save_views(
            actor=teacher, assessment=draft, child_words="", carers_words=[{"words": "Hi"}]
        )
    assert error.value.field == "carer_1_who"


def test_completing_needs_each_domain_the_child_and_the_analysis(teacher, draft):
    with pytest.raises(ApplicationError) as error:
        a.assessment_complete(actor=teacher, assessment=draft)
    assert error.value.field == "health_strengths"
    assert Assessment.objects.get().is_draft


def test_whoever_completes_it_holds_the_lead_until_the_first_meeting(
    teacher, nurse, open_episode, draft
):
    t.member_add(actor=teacher, episode=open_episode, practitioner=nurse, role="Health visitor")
    a.assessment_complete(actor=nurse, assessment=fill(nurse, draft))
    open_episode.refresh_from_db()
    assert open_episode.lead_professional == nurse
    assert LeadHandover.objects.get().to_practitioner == nurse


def test_after_the_first_meeting_completing_does_not_change_the_lead(
    teacher, nurse, open_episode, draft
):
    from django.utils import timezone

    t.member_add(actor=teacher, episode=open_episode, practitioner=nurse, role="Health visitor")
    t.meeting_record(
        actor=teacher,
        episode=open_episode,
        kind="team",
        held_on=timezone.localdate(),
        attendance={},
    )
    a.assessment_complete(actor=nurse, assessment=fill(nurse, draft))
    open_episode.refresh_from_db()
    assert open_episode.lead_professional == teacher


def test_share_with_the_family_after_completion(teacher, draft):
    done = a.assessment_complete(actor=teacher, assessment=fill(teacher, draft))
    with pytest.raises(ApplicationError) as error:
        a.assessment_share(actor=teacher, assessment=done, shared_how=" ")
    assert error.value.field == "shared_how"
    shared = a.assessment_share(actor=teacher, assessment=done, shared_how="At home with Mum")
    assert shared.status == AssessmentStatus.SHARED
    with pytest.raises(ApplicationError):
        a.assessment_save_analysis(
            actor=teacher, assessment=shared, analysis="Changed", expected_version=None
        )


def test_an_outsider_may_not_start_or_read(outsider, teacher, draft, open_episode):
    with pytest.raises(NotFound):
        a.assessment_start(actor=outsider, episode=open_episode)
    with pytest.raises(NotFound):
        a.assessment_get(user=outsider, episode_id=open_episode.pk, assessment_id=draft.pk)
    assert AccessEvent.objects.filter(actor=outsider, action="refused").exists()


def test_a_lead_writes_an_assessment_step_by_step_through_the_pages(client, teacher, open_episode):
    client.force_login(teacher)
    response = client.post(reverse("assessments:assessment-start", args=[open_episode.pk]))
    assessment = Assessment.objects.get()
    step = reverse(
        "assessments:assessment-step", args=[open_episode.pk, assessment.pk, "child_development"]
    )
    assert response.url == step
    bad = client.post(step, {"expected_version": 1, "health_scale": "12"}).content.decode()
    assert "There is a problem" in bad and "10 or less" in bad
    response = client.post(
        step, {"expected_version": 1, "health_strengths": "Well", "health_scale": "7"}
    )
    assert response.url.endswith("/steps/parents_carers/")
    assessment.refresh_from_db()
    assert assessment.factors["health"] == {"strengths": "Well", "needs": "", "scale": 7}
    # A second tab with the old version: refused, the text kept, a second save goes through.
    stale = client.post(step, {"expected_version": 1, "health_strengths": "Mine"}).content.decode()
    assert "Someone else saved this assessment" in stale and "Mine" in stale
    assert 'name="expected_version" value="2"' in stale
    assert client.get(reverse("assessments:assessments", args=[open_episode.pk])).status_code == 200
    page = client.get(reverse("assessments:assessment", args=[open_episode.pk, assessment.pk]))
    assert "Check and complete" in page.content.decode()


def test_every_assessment_page_and_endpoint_refuses_an_outsider_like_a_missing_one(
    client, outsider, teacher, open_episode, draft
):
    done = a.assessment_complete(actor=teacher, assessment=fill(teacher, draft))
    ep, pk = open_episode.pk, done.pk
    pages = [
        reverse("assessments:assessments", args=[ep]),
        reverse("assessments:assessment-start", args=[ep]),
        reverse("assessments:assessment", args=[ep, pk]),
        reverse("assessments:assessment-step", args=[ep, pk, "analysis"]),
        reverse("assessments:assessment-complete", args=[ep, pk]),
        reverse("assessments:assessment-share", args=[ep, pk]),
    ]
    client.force_login(outsider)
    missing_url = reverse("assessments:assessments", args=[999999])
    missing = same_page(client.get(missing_url), missing_url)
    for url in pages:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, url
            assert same_page(response, url) == missing
    api = f"/api/v1/episodes/{ep}/assessments"
    calls = [
        ("get", api),
        ("post", api),
        ("get", f"{api}/{pk}"),
        ("put", f"{api}/{pk}/analysis"),
        ("post", f"{api}/{pk}/share"),
        ("get", f"/api/v1/episodes/{ep}/chronology"),
    ]
    api_missing = client.get("/api/v1/episodes/999999/assessments").json()
    for method, url in calls:
        if method == "get":
            response = client.get(url)
        else:
            body = json.dumps({"analysis": "x", "shared_how": "x", "expected_version": 1})
            response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 404, url
        assert response.json() == api_missing
    assert AccessEvent.objects.filter(actor=outsider, action="refused").count() >= 12
    done.refresh_from_db()
    assert done.status == AssessmentStatus.COMPLETED and done.shared_at is None


def test_the_api_writes_an_assessment_with_optimistic_locking(client, teacher, open_episode):
    client.force_login(teacher)
    base = f"/api/v1/episodes/{open_episode.pk}/assessments"
    started = client.post(base, "{}", content_type="application/json")
    assert started.status_code == 201 and started.json()["template_version"] >= 1
    url = f"{base}/{started.json()['id']}/domains/child_development"
    body = {"factors": {"health": {"strengths": "Well", "scale": 3}}, "expected_version": 1}
    assert client.put(url, json.dumps(body), content_type="application/json").status_code == 200
    conflict = client.put(url, json.dumps(body), content_type="application/json")
    assert conflict.status_code == 409 and "Someone else" in conflict.json()["message"]
    body = {"factors": {"health": {"scale": 12}}, "expected_version": 2}
    bad = client.put(url, json.dumps(body), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "health_scale"


def test_other_team_members_see_it_and_the_reads_are_audited(client, teacher, nurse, draft):
    t.member_add(actor=teacher, episode=draft.episode, practitioner=nurse, role="Health visitor")
    client.force_login(nurse)
    url = reverse("assessments:assessment", args=[draft.episode_id, draft.pk])
    assert client.get(url).status_code == 200
    event = AccessEvent.objects.filter(actor=nurse, action="view").latest("seq")
    assert event.object_type == "assessments.assessment"
    assert set(event.person_ids) == set(draft.episode.persons.values_list("pk", flat=True))


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(
                st.sampled_from(["domains", "factors", "code", "title", "x"]), children, max_size=4
            )
        ),
        max_leaves=12,
    )
)
def test_any_definition_is_accepted_or_refused_with_a_reason(definition):
    """An administrator's typing never becomes a server error."""
    try:
        validate_definition(definition)
    except ValidationError as error:
        assert error.messages


def test_completing_and_sharing_through_the_pages(client, teacher, draft, outsider):
    from tests.formfill import post_form

    fill(teacher, draft)
    ep = draft.episode_id
    complete = reverse("assessments:assessment-complete", args=[ep, draft.pk])
    client.force_login(outsider)
    assert client.get(complete).status_code == 404
    client.force_login(teacher)
    form = post_form(client.get(complete).content.decode())
    assert client.post(complete, form.data()).status_code == 302
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.COMPLETED
    share = reverse("assessments:assessment-share", args=[ep, draft.pk])
    form = post_form(client.get(share).content.decode())
    assert client.post(share, form.data(shared_how="Went through it with Mum")).status_code == 302
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.SHARED and "Mum" in draft.shared_how
    assert AccessEvent.objects.filter(actor=teacher, object_type="assessments.assessment").exists()
